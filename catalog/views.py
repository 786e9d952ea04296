import hashlib
from collections import Counter, OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.core.cache import cache
from django.http import FileResponse, HttpResponse, HttpResponseRedirect, JsonResponse, QueryDict
from django.shortcuts import render
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.urls import reverse
from django.utils.cache import add_never_cache_headers, get_conditional_response, patch_cache_control
from django.utils.functional import cached_property
from django.utils.http import http_date
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_safe
from django.views.generic import ListView, TemplateView

from accounts.models import SpoilerLevel
from accounts.views import render_age_gate
from catalog import cards, discovery, generation, sections, sorts, visibility
from catalog.covers import open_thumbnail, placeholder_svg, placeholder_version
from catalog.filters import WorkFilter
from catalog.models import Tag, TagCategory, Work, WorkTag
from catalog.pagination import CappedCountPaginator, cached_capped_count, capped_count
from catalog.search import search
from catalog.tag_filter import TagFilter
from core.old_slugs import redirect_to_current
from core.pagination import page_nav


class ViewerMixin:
    """Shared by the read pages: the request's viewer and the works it may see."""

    def get_context_data(self, **kwargs):
        kwargs.setdefault("count_cap", settings.NTRDB_COUNT_CAP)
        return super().get_context_data(**kwargs)

    @property
    def viewer(self):
        return self.request.viewer

    def visible_works(self):
        return Work.objects.for_viewer(self.viewer)


class HomeView(ViewerMixin, TemplateView):
    template_name = "catalog/home.html"

    def get_context_data(self, **kwargs):
        works = self.visible_works()
        blocks = {
            "featured_works": works.filter(is_featured=True).order_by("-created_at")[:6],
            "newest_works": works.order_by(*sorts.newest_first())[:6],
            "new_releases": discovery.new_releases(self.viewer),
            "top_rated": discovery.top_rated(self.viewer),
            "most_popular": discovery.most_popular(self.viewer),
        }
        section_context = sections.home_page.context(self.request)
        blocks.update({name: section_context[name] for name in section_context["section_grids"]})
        # Every grid's cards in one read of their tags (and one of each card control), not one per grid.
        grids = cards.card_grids(self.request, self.viewer, blocks)
        return super().get_context_data(
            new_release_days=discovery.NEW_RELEASE_DAYS,
            top_rated_min_votes=settings.NTRDB_TOP_RATED_MIN_VOTES,
            **{**section_context, **grids},
            **kwargs,
        )


REFINE_SAMPLE = 1000
# As long as the Django fragment cache kept the tag picker's options before; a catalog edit renews them at once.
TAG_OPTIONS_SECONDS = 300


class TagFilteredListMixin:
    """A paged list of works filtered by tags, where each read gets the query shape it suits.

    The page, the capped count and any sample read different numbers of rows, and
    ``WorkQuerySet.with_tag_filter`` picks the fastest shape for each.
    """

    context_object_name = "works"
    paginate_by = settings.NTRDB_WORKS_PER_PAGE
    paginator_class = CappedCountPaginator
    request: Any  # the view's, with the ``viewer`` ViewerMiddleware puts on it

    @property
    def showing_hidden(self) -> bool:
        """``?show_hidden=1``: this request lists what the member's hidden tags leave out."""
        return self.request.GET.get("show_hidden") == "1"

    @cached_property
    def viewer(self):
        """The request's viewer as this list reads for it: without their hidden tags when asked
        (``show_hidden``), reading spoilers when asked (``?spoilers=2``, through the policy)."""
        viewer = self.request.viewer
        if self.showing_hidden:
            viewer = viewer.without_hidden_tags()
        return visibility.viewer_revealing_spoilers(viewer, self.request.GET.get(visibility.SPOILER_REVEAL_PARAMETER))

    @property
    def revealing_spoilers(self) -> bool:
        return self.viewer.max_spoiler_level > self.request.viewer.max_spoiler_level

    def works_matching(self, *, rows_wanted: int, ordered: bool = True, spoiler_level: int | None = None):
        """The list's works; ``spoiler_level`` matches their tags through links that deep instead."""
        raise NotImplementedError

    def includes_tags(self) -> bool:
        raise NotImplementedError

    def spoiler_reveal(self, paginator) -> dict:
        """What a one-click reveal of spoilers would add: ``spoiler_only_count`` works (a number,
        never which ones) and the ``spoiler_reveal_level`` to ask for, or nothing."""
        level = visibility.spoiler_reveal_level(self.viewer)
        if level is None or not self.includes_tags() or paginator.is_capped:
            return {"spoiler_only_count": 0}
        cap = settings.NTRDB_COUNT_CAP
        every = cached_capped_count(
            lambda: self.works_matching(rows_wanted=cap + 1, ordered=False, spoiler_level=level),
            self.list_cache_key(f"count-with-spoilers-{level}"),
        )
        return {
            "spoiler_only_count": min(every, cap) - paginator.count,
            "spoiler_only_capped": every > cap,
            "spoiler_reveal_level": level,
        }

    def get_queryset(self):
        rows = CappedCountPaginator.rows_to_read(self.request.GET.get("page"), self.paginate_by)
        return self.works_matching(rows_wanted=rows)

    def get_paginator(self, queryset, per_page, **kwargs):
        return CappedCountPaginator(
            queryset,
            per_page,
            counted=lambda: self.works_matching(rows_wanted=settings.NTRDB_COUNT_CAP + 1, ordered=False),
            cache_key=self.list_cache_key("count"),
            **kwargs,
        )

    def list_cache_key(self, what: str) -> str:
        """A cache key for something every page and sort of this list shares (its count, its
        refine panel), for viewers of this one kind (``visibility.viewer_variant``)."""
        return f"works-list:{what}:{self._list_cache_key_rest}"

    @cached_property
    def _list_cache_key_rest(self) -> str:
        """The part of every ``list_cache_key`` of this request after ``what``: read once per request."""
        query = without_empty_values(self.request.GET)
        # Fields in a fixed order, each field's values as sent: a one-value field (the title) reads
        # its last, so "?q=a&q=b" and "?q=b&q=a" are different lists.
        conditions = sorted((name, values) for name, values in query.lists() if name not in ("page", "sort"))
        digest = hashlib.sha256(repr((self.request.path, conditions)).encode()).hexdigest()[:32]
        return f"{self.catalog_generation}:{visibility.viewer_variant(self.viewer)}:{digest}"

    @cached_property
    def catalog_generation(self) -> int:
        """``catalog.generation``, read once per request for every key that holds it."""
        return generation.current()

    def paginate_queryset(self, queryset, page_size):
        # get_page() turns a malformed or out-of-range ?page= into a valid page instead of a 404.
        paginator = self.get_paginator(queryset, page_size)
        page = paginator.get_page(self.request.GET.get("page"))
        return paginator, page, page.object_list, page.has_other_pages()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(self.spoiler_reveal(context["paginator"]))
        context["revealing_spoilers"] = self.revealing_spoilers
        context["revealed_spoiler_level"] = self.viewer.max_spoiler_level if self.revealing_spoilers else None
        return context


# The ignores: TagFilteredListMixin pages with its own (capped-count) paginator, whose
# attributes and get_paginator() the stubs find narrower than MultipleObjectMixin's.
class WorkListView(TagFilteredListMixin, ViewerMixin, ListView):  # type: ignore[misc]
    template_name = "catalog/work_list.html"

    def get(self, request, *args, **kwargs):
        # The form sends every field, set or not; a shareable URL holds only what is set. Old
        # URLs with empty fields still work: they lead here.
        query = without_empty_values(request.GET)
        if query.urlencode() != request.GET.urlencode():
            return HttpResponseRedirect(f"{request.path}?{query.urlencode()}" if query else request.path)
        return super().get(request, *args, **kwargs)

    @cached_property
    def filterset(self):
        return WorkFilter(
            self.request.GET or None,
            queryset=self.visible_works(),
            request=self.request,
            viewer=self.viewer,
            catalog_generation=self.catalog_generation,
        )

    def works_matching(self, *, rows_wanted, ordered=True, spoiler_level=None):
        return self.filterset.works_matching(rows_wanted=rows_wanted, ordered=ordered, spoiler_level=spoiler_level)

    def includes_tags(self) -> bool:
        return self.filterset.tag_filter.includes  # read after the page's query has validated the form

    def get_context_data(self, **kwargs):
        context = super().get_context_data(filterset=self.filterset, **kwargs)
        context["refine_sample_size"] = REFINE_SAMPLE
        context["hidden_by_preferences"] = self.hidden_count()
        context["showing_hidden"] = self.showing_hidden and bool(self.request.viewer.hidden_tag_ids)
        context["active_filters"] = self.active_filters()
        # A sort alone orders the works without filtering any out.
        context["is_filtered"] = any(chip.field != "sort" for chip in context["active_filters"])
        context["filters_panel"] = self.filters_panel(context["active_filters"])
        context["refine_tags"], context["refine_sampled"] = self.refine_tags(context["paginator"].count)
        # The cards as the grid prints them, for the viewer of the request, with the higher apps'
        # card controls (as {% work_grid %} does).
        grid = cards.card_grids(
            self.request, self.request.viewer, {"works": context["works"]}, catalog_generation=self.catalog_generation
        )
        context["cards"] = grid["works"].cards
        context["nav"] = page_nav(self.request, context["page_obj"])
        return context

    def filters_panel(self, active_filters: list["FilterChip"]) -> str:
        """The filter form's HTML: the same for every page of one list in one sort, for every viewer
        of one kind, so it is cached as the count is (its twenty-odd widgets cost more to render
        than the page's cards)."""
        sort = hashlib.sha256(self.request.GET.get("sort", "").encode()).hexdigest()[:16]
        key = self.list_cache_key(f"filters-{sort}")
        # Kept only where every process reads the same catalog generation (generation.is_shared).
        panel = cache.get(key) if generation.is_shared() else None
        if panel is None:
            context = {
                "filterset": self.filterset,
                "tag_field_names": WorkFilter.TAG_FIELDS,
                "selected_tags": self.filterset.selected_tags(),
                "tag_options": self.tag_options(),
                "active_filters": active_filters,
            }
            panel = render_to_string("catalog/_work_filters.html", context, using="jinja2")
            if generation.is_shared():
                cache.set(key, panel, settings.NTRDB_LIST_CACHE_SECONDS)
        return mark_safe(panel)  # rendered by Jinja2, which escaped it

    def tag_options(self) -> str:
        """The tag picker's options, the same for every list and every viewer of one side of the age
        gate: rendered once per catalog generation and side of the gate, for five minutes, and used by
        each of the three tag fields."""
        key = f"work-filter-tag-options:{self.catalog_generation}:{visibility.gate_variant(self.viewer)}"
        options = cache.get(key)
        if options is None:
            groups = group_tags_by_category(Tag.objects.for_viewer(self.viewer).only("name", "slug", "category"))
            options = render_to_string("catalog/_tag_options.html", {"tag_option_groups": groups}, using="jinja2")
            cache.set(key, options, TAG_OPTIONS_SECONDS)
        return mark_safe(options)  # rendered by Jinja2, which escaped it

    def refine_tags(self, result_count: int):
        """The most frequent tags among the results (among REFINE_SAMPLE of them, on big lists).

        The same for every page and sort of one filter, and for every viewer of one kind, so it
        is cached briefly: a sample's counts may be a few minutes old.
        """
        key = self.list_cache_key("refine")
        counts = cache.get(key)
        if counts is None:
            chosen = {tag.pk for tags in self.filterset.selected_tags().values() for tag in tags}
            sample = self.works_matching(rows_wanted=REFINE_SAMPLE, ordered=False).values("pk")[:REFINE_SAMPLE]
            links = WorkTag.objects.for_cards(self.viewer).filter(work__in=sample).exclude(tag__in=chosen)
            counts = links.most_common_tags(15)
            cache.set(key, counts, settings.NTRDB_LIST_CACHE_SECONDS)
        adding_tag, excluding_tag = self.url_adding("tags"), self.url_adding("exclude_tags")
        rows = [
            {**row, "add_url": adding_tag(row["tag__slug"]), "exclude_url": excluding_tag(row["tag__slug"])}
            for row in counts
        ]
        return rows, result_count > REFINE_SAMPLE

    def url_adding(self, field: str) -> Callable[[str], str]:
        """This list's URL with one more value for ``field``, back on page one, for many values: the
        rest of the query string is encoded once. The value goes after the field's own values, or at
        the end when the field is not set, as ``QueryDict.setlist`` would place it."""
        query = self.request.GET.copy()
        query.pop("page", None)
        names = list(query)
        at = names.index(field) + 1 if field in query else len(names)
        before, after = QueryDict(mutable=True), QueryDict(mutable=True)
        for name in names[:at]:
            before.setlist(name, [value for value in query.getlist(name) if value or name != field])
        for name in names[at:]:
            after.setlist(name, query.getlist(name))
        head, tail = before.urlencode(), after.urlencode()
        return lambda value: "?" + "&".join(part for part in (head, urlencode({field: value}), tail) if part)

    def url_removing(self, field: str, value: str | None) -> str:
        """This list's URL without one value of ``field`` (or without the field, for None), back on page one."""
        query = self.request.GET.copy()
        if value is None:
            query.pop(field, None)
        else:
            kept = [v for v in query.getlist(field) if v != value]
            if kept:
                query.setlist(field, kept)
            else:
                query.pop(field, None)
        query.pop("page", None)
        return f"?{query.urlencode()}" if query else self.request.path

    def active_filters(self) -> list["FilterChip"]:
        """Each value set in the form (and valid), as a chip that links to the list without it."""
        return [
            FilterChip(field, label, self.url_removing(field, value))
            for field, value, label in self.filterset.active_values()
        ]

    def hidden_count(self) -> int:
        viewer = self.request.viewer
        if self.showing_hidden:
            return 0
        hidden = Work.objects.hidden_by_preferences(viewer)
        if hidden.query.is_empty():
            return 0
        return capped_count(
            self.filterset.works_matching(rows_wanted=settings.NTRDB_COUNT_CAP + 1, ordered=False, within=hidden)
        )


@dataclass(frozen=True, slots=True)
class FilterChip:
    field: str
    label: str
    remove_url: str


def without_empty_values(query: QueryDict) -> QueryDict:
    """``query`` without its empty values (a form's unset fields)."""
    kept = QueryDict(mutable=True)
    for key, values in query.lists():
        values = [value for value in values if value]
        if values:
            kept.setlist(key, values)
    return kept


def group_tags_by_category(tags):
    groups = OrderedDict((category, {"label": label, "tags": []}) for category, label in TagCategory.choices)
    for tag in tags:
        groups[tag.category]["tags"].append(tag)
    return [group for group in groups.values() if group["tags"]]


def with_tree(tags):
    """Each of ``tags`` with ``broader`` (its parent, if listed) and ``narrower`` (its children listed)."""
    by_pk = {tag.pk: tag for tag in tags}
    for tag in tags:
        tag.narrower = []
    for tag in tags:
        tag.broader = by_pk.get(tag.parent_id)
        if tag.broader is not None:
            tag.broader.narrower.append(tag)
    return tags


def group_work_tags(work_tags, viewer):
    """Split a work's tags by category, and within each into shown and behind-a-spoiler-toggle."""
    groups = OrderedDict(
        (category, {"label": label, "shown": [], "spoilers": []}) for category, label in TagCategory.choices
    )
    for work_tag in work_tags:
        bucket = "spoilers" if visibility.is_folded(work_tag, viewer) else "shown"
        groups[work_tag.tag.category][bucket].append(work_tag)
    return [group for group in groups.values() if group["shown"] or group["spoilers"]]


def spoiler_counts(folded_links):
    """How many folded tags there are at each spoiler level, for the toggle's label ("1 minor, 2 major")."""
    levels = Counter(link.spoiler_level for link in folded_links)
    labels = {SpoilerLevel.MINOR: "minor", SpoilerLevel.MAJOR: "major"}
    return [{"n": levels[level], "label": label} for level, label in labels.items() if levels[level]]


def work_detail(request, slug):
    access = Work.objects.read_for_viewer(request.viewer, slug)
    if access.gated:
        # At an old address too: the redirect waits until the gate is passed, and reveals nothing before.
        response = render_age_gate(request, work=access.obj)
    elif access.moved:
        response = redirect_to_current(request, access.obj)
    else:
        response = render_work(request, access)
    if access.draft:
        # A staff preview of an unpublished work: never kept by any cache, never indexed.
        add_never_cache_headers(response)
        response["X-Robots-Tag"] = "noindex"
    return response


def render_work(request, access):
    viewer = request.viewer
    work = access.obj
    work_tags = list(WorkTag.objects.for_viewer(viewer).filter(work=work))
    tag_groups = group_work_tags(work_tags, viewer)
    # Sections from other apps (glossary terms, reviews) see only the tags shown openly, so they spoil nothing.
    open_tag_ids = [wt.tag_id for wt in work_tags if not visibility.is_folded(wt, viewer)]
    return render(
        request,
        "catalog/work_detail.html",
        {
            "work": work,
            "draft": access.draft,
            "tag_groups": tag_groups,
            "spoiler_counts": spoiler_counts([wt for wt in work_tags if visibility.is_folded(wt, viewer)]),
            "hidden_tags": visibility.hidden_tags_to_name(work_tags, viewer),
            "hidden_spoiler_tag_count": visibility.hidden_spoiler_tag_count(work_tags, viewer),
            "similar_works": discovery.similar_works(work, viewer),
            **sections.work_page.context(request, work, open_tag_ids=open_tag_ids),
        },
    )


# Cover URLs carry the upload's token, but a work's age rating can change under the same URL, so
# public copies expire within the hour; revalidating costs a 304 thanks to the ETag.
COVER_MAX_AGE = 60 * 60
PLACEHOLDER_MAX_AGE = 365 * 24 * 60 * 60


@require_safe
def work_cover(request, slug, size):
    """A work's cover thumbnail, behind the same age gate as its page.

    Only an 18+ work's cover consults the viewer (``visibility.is_locked`` looks no further for
    the others), so only those answers are private and vary on the cookie; all-ages covers may
    sit in shared caches. A locked cover is a 404 like a missing one (``visibility.read_cover``);
    a draft's cover is for the staff previewing it, and never cached.
    """
    work = Work.objects.cover_for_viewer(request.viewer, slug)
    etag = f'"{work.cover_token}-{size}"'
    last_modified = int(work.cover_updated_at.timestamp()) if work.cover_updated_at else None
    response = get_conditional_response(request, etag=etag, last_modified=last_modified)
    if response is None:
        response = FileResponse(open_thumbnail(work.cover.name, size), content_type="image/webp")
    response["ETag"] = etag
    if last_modified is not None:
        response["Last-Modified"] = http_date(last_modified)
    if visibility.is_draft(work):
        add_never_cache_headers(response)  # only staff previewing the draft get here
    elif visibility.cover_is_private(work):
        patch_cache_control(response, private=True, max_age=COVER_MAX_AGE)
    else:
        patch_cache_control(response, public=True, max_age=COVER_MAX_AGE)
    return response


@require_safe
def work_cover_placeholder(request, slug):
    """The stand-in for a work without a cover (or whose cover the viewer may not see yet).

    It shows nothing but the title's initials, so it is the same for every viewer and, at the
    URL of the current title's version, cacheable for good; a draft's is there only for the staff
    previewing it (``visibility.read_placeholder``), and never cached.
    """
    work = Work.objects.placeholder_for_viewer(request.viewer, slug)
    title = work.title
    version = placeholder_version(title)
    etag = f'"{version}"'
    response = get_conditional_response(request, etag=etag)
    if response is None:
        response = HttpResponse(placeholder_svg(title), content_type="image/svg+xml; charset=utf-8")
    response["ETag"] = etag
    # An SVG opened on its own is a document: it may run nothing and load nothing.
    response["Content-Security-Policy"] = "default-src 'none'"
    if visibility.is_draft(work):
        # Only staff previewing the draft get here: no cache may keep it.
        add_never_cache_headers(response)
    elif request.GET.get("v") == version:
        patch_cache_control(response, public=True, max_age=PLACEHOLDER_MAX_AGE, immutable=True)
    else:
        patch_cache_control(response, public=True, max_age=COVER_MAX_AGE)
    return response


class TagListView(ViewerMixin, TemplateView):
    template_name = "catalog/tag_list.html"

    def get_context_data(self, **kwargs):
        viewer = self.viewer
        return super().get_context_data(
            # The list is rendered once per kind of viewer and cached with its counts (see the template).
            tag_index_key=Tag.objects.work_counts_cache_key(viewer),
            tag_groups=lambda: group_tags_by_category(
                with_tree(Tag.objects.for_viewer(viewer).order_by("category", "sort_name").with_work_counts(viewer))
            ),
            spoiler_reveal_level=visibility.spoiler_reveal_level(viewer),
            **kwargs,
        )


class TagDetailView(TagFilteredListMixin, ViewerMixin, ListView):  # type: ignore[misc]  # as WorkListView
    template_name = "catalog/tag_detail.html"

    def get(self, request, *args, **kwargs):
        access = Tag.objects.read_for_viewer(self.viewer, kwargs["slug"])
        if access.gated:
            return render_age_gate(request, kind="tag")
        if access.moved:
            return redirect_to_current(request, access.obj)
        self.tag = access.obj
        return super().get(request, *args, **kwargs)

    def works_matching(self, *, rows_wanted, ordered=True, spoiler_level=None):
        works = (
            self.visible_works().order_by(*sorts.orderings_for(self.viewer)[sorts.DEFAULT])
            if ordered
            else self.visible_works()
        )
        tag_filter = TagFilter.for_viewer(self.viewer, all_of=(self.tag.pk,))
        if spoiler_level is not None:
            tag_filter = tag_filter.revealing(spoiler_level)
        return works.with_tag_filter(tag_filter, rows_wanted=rows_wanted, ordered=ordered)

    def includes_tags(self) -> bool:
        return True

    def get_context_data(self, **kwargs):
        term = self.tag.term if self.tag.term and self.tag.term.is_published else None
        parent = visibility.tag_if_visible(self.tag.parent, self.viewer)
        return super().get_context_data(
            tag=self.tag,
            term=term,
            parent=parent,
            children=Tag.objects.for_viewer(self.viewer).filter(parent=self.tag).order_by("sort_name"),
            # The member hides this very tag: the page says so rather than "no works", and offers them once.
            tag_is_hidden=not self.showing_hidden and visibility.is_hidden_tag(self.tag, self.request.viewer),
            showing_hidden=self.showing_hidden and bool(self.request.viewer.hidden_tag_ids),
            **kwargs,
        )


def search_view(request):
    query = request.GET.get("q", "")
    results = search(query, request.viewer) if query.strip() else None
    return render(
        request,
        "catalog/search.html",
        {"query": query, "results": results, "max_length": settings.NTRDB_SEARCH_MAX_QUERY_LENGTH},
    )


def robots_txt(request):
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        "Disallow: /accounts/",
        "Disallow: /search/",
        "",
        # Crawlers need the sitemap's absolute URL, on whatever host and scheme they came by.
        f"Sitemap: {request.build_absolute_uri(reverse('sitemap-index'))}",
        "",
    ]
    return HttpResponse("\n".join(lines), content_type="text/plain; charset=utf-8")


def favicon(request):
    """Browsers ask for /favicon.ico on pages without an icon link (the admin, feeds): send the site's icon."""
    return HttpResponseRedirect(static("favicon.svg"))


def search_suggestions(request):
    """Search-as-you-type: a few names for the search box, through the same search and visibility policy."""
    query = request.GET.get("q", "").strip()
    suggestions = []
    if 2 <= len(query) <= settings.NTRDB_SEARCH_MAX_QUERY_LENGTH:
        results = search(query, request.viewer, limit=6)
        suggestions += [
            {"label": w.title, "kind": "Work", "url": w.get_absolute_url(), "adult": visibility.is_adult_work(w)}
            for w in results.works
        ]
        suggestions += [
            {"label": t.name, "kind": "Glossary", "url": t.get_absolute_url(), "adult": False} for t in results.terms
        ]
        suggestions += [
            {"label": t.name, "kind": "Tag", "url": t.get_absolute_url(), "adult": False} for t in results.tags
        ]
    return JsonResponse({"query": query, "suggestions": suggestions[:10]})
