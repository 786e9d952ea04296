from itertools import groupby

from django.db.models import Q
from django.views.generic import DetailView, ListView

from accounts.views import render_age_gate
from catalog import visibility
from catalog.models import Tag
from catalog.views import ViewerMixin
from core.old_slugs import redirect_to_current
from core.sections import Section
from glossary import sections
from glossary.models import Term


class TermIndexView(ViewerMixin, ListView):
    template_name = "glossary/term_index.html"
    context_object_name = "terms"

    def get_queryset(self):
        return Term.objects.for_viewer(self.viewer).order_by("sort_name")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        terms = sorted(context["terms"], key=lambda term: (term.index_letter, term.sort_name))
        context["letters"] = [(letter, list(group)) for letter, group in groupby(terms, key=lambda t: t.index_letter)]
        context["perspective_terms"] = Term.objects.perspectives()
        return context


class TermDetailView(ViewerMixin, DetailView):
    template_name = "glossary/term_detail.html"
    context_object_name = "term"

    def get(self, request, *args, **kwargs):
        access = Term.objects.with_genre_flag().read_for_viewer(self.viewer, kwargs["slug"])
        if access.gated:
            return render_age_gate(request, kind="term")
        if access.moved:
            return redirect_to_current(request, access.obj)
        self.object = access.obj
        return self.render_to_response(self.get_context_data(object=self.object))

    def get_context_data(self, **kwargs):
        term = self.object
        perspective_terms = list(Term.objects.perspectives())
        return super().get_context_data(
            related_terms=term.related_terms.for_viewer(self.viewer).order_by("sort_name"),
            faqs=term.faqs.all(),
            works=visibility.works_illustrating_term(self.visible_works(), term, self.viewer).order_by("title"),
            lists_held_back=visibility.term_lists_held_back(term, self.viewer),
            tags=Tag.objects.for_viewer(self.viewer).filter(term=term),
            perspective_terms=perspective_terms if term in perspective_terms else [],
            **sections.term_page.context(self.request, term),
            **kwargs,
        )


def work_terms_section(request, work, *, open_tag_ids, **details):
    """The work page's "In the glossary": terms the work illustrates, or that explain a tag shown openly."""
    terms = (
        Term.objects.for_viewer(request.viewer)
        .filter(Q(works=work) | Q(tags__in=open_tag_ids))
        .distinct()
        .order_by("sort_name")
    )
    return Section(templates={"main": "glossary/_work_terms.html"}, context={"work_terms": terms})


def home_glossary_section(request, subject, **details):
    """The home page's glossary teaser: the three perspectives and how many terms there are."""
    return Section(
        templates={"intro": "glossary/_home_teaser.html"},
        context={
            "perspective_terms": Term.objects.perspectives(),
            "term_count": Term.objects.for_viewer(request.viewer).count(),
        },
    )
