from itertools import groupby

from django.shortcuts import get_object_or_404
from django.views.generic import DetailView, ListView

from accounts.views import render_age_gate
from catalog.models import Tag
from catalog.views import ViewerMixin
from community.views import comment_section
from glossary.models import Term


class TermIndexView(ViewerMixin, ListView):
    template_name = "glossary/term_index.html"
    context_object_name = "terms"

    def get_queryset(self):
        return Term.objects.for_viewer(self.viewer).order_by("name")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        terms = sorted(context["terms"], key=lambda term: (term.index_letter, term.name.casefold()))
        context["letters"] = [(letter, list(group)) for letter, group in groupby(terms, key=lambda t: t.index_letter)]
        context["perspective_terms"] = Term.objects.perspectives()
        return context


class TermDetailView(ViewerMixin, DetailView):
    template_name = "glossary/term_detail.html"
    context_object_name = "term"

    def get(self, request, *args, **kwargs):
        term = get_object_or_404(Term.objects.published().with_explicitness(), slug=kwargs["slug"])
        if term.is_explicit and not self.viewer.passed_age_gate:
            # Like an explicit tag's page: the works it lists would say which are explicit.
            return render_age_gate(request)
        self.object = term
        return self.render_to_response(self.get_context_data(object=term))

    def get_context_data(self, **kwargs):
        term = self.object
        perspective_terms = list(Term.objects.perspectives())
        return super().get_context_data(
            related_terms=term.related_terms.for_viewer(self.viewer).order_by("name"),
            faqs=term.faqs.all(),
            works=self.visible_works().filter(glossary_terms=term).order_by("title"),
            tags=Tag.objects.for_viewer(self.viewer).filter(term=term),
            perspective_terms=perspective_terms if term in perspective_terms else [],
            **comment_section(self.request, term),
            **kwargs,
        )
