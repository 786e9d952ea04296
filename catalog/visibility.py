"""The visibility policy: every decision about who may see or do what, in this one module.

The rules (DESIGN.md, "The age gate" and "Tags"):
- Works: only published works are listed; a viewer's hidden tags leave works out of every
  list; an 18+ work is *locked* for a viewer who has not passed the age gate, which lists it
  as safe metadata only (title, kind, year, length, the 18+ badge) and answers its detail
  URL, cover and feeds with the gate. Locked works sort as if unrated, and match a search by
  their main title only, so neither tells a visitor what their card hides. An unpublished
  work is listed nowhere and its page is a 404, except to staff, who open it as a draft
  preview (``noindex``, never cached). An old slug (``core.old_slugs``) leads to the page of
  the work, tag or term that had it, if the viewer may open that page.
- Tags: explicit (content) tags exist for a viewer only once the gate is passed; a tag link
  deeper a spoiler than the viewer reads stays folded, and only spoiler-free links appear on
  cards.
- Terms: every published term's definition is readable by everyone, even one that defines an
  explicit word; only its explicit tags and the works it lists wait for the gate.
- Posts: members post on a work only if they may read it in full (an 18+ work needs an adult
  member); a viewer sees reviews of the works open to them (a member's page says how many more
  the age gate keeps back) and comments on the terms open to them; members see all their own
  posts, but not the title of a work or term no longer published.
- Personal lists: a member lists what they may post on; others see the public entries of a list
  that is not private, of the works their own lists show, locked before the gate as any 18+ card
  (no score, dates or tags, and not consulted by a sort); notes are the owner's alone.
- Syndication (feeds, the sitemap): what an anonymous visitor may see, less every 18+ work,
  since no age gate stands in front of a feed reader or a search engine's copy.

Facts about the viewer alone (has the gate been passed, may it be) are the Viewer's
(``accounts.viewer``). Everything that combines the viewer with content is decided here.

The policy imports no model: each app's QuerySet method hands it the rows to rule on
(``Work.objects.for_viewer(viewer)`` is ``works_for_viewer(works, viewer)``), so catalog,
glossary and community all ask it without an import cycle. ``tests/test_architecture.py``
fails when a module outside this one and the Viewer reads the age-gate fields or compares
moderation states itself.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Generic, Protocol, Self, TypeVar

from django.db import models
from django.db.models import Case, Exists, F, OuterRef, Q, Subquery, Value, When
from django.http import Http404

from accounts.models import SpoilerLevel
from accounts.viewer import ANONYMOUS_VIEWER, Viewer
from catalog.choices import AgeRating, TagCategory

Row = TypeVar("Row", bound=models.Model)


# What the policy uses of the QuerySets it is handed. It imports no model, so it names the
# QuerySet methods it relies on instead of the classes (catalog.querysets, glossary.models,
# community.models); each function hands back rows of the type it was given.
class Rows(Protocol):
    # The model class, Any here: its ``DoesNotExist`` and ``objects`` are declared per model.
    @property
    def model(self) -> Any: ...
    def filter(self, *args: Any, **kwargs: Any) -> Self: ...
    def exclude(self, *args: Any, **kwargs: Any) -> Self: ...
    def annotate(self, *args: Any, **kwargs: Any) -> Self: ...
    def select_related(self, *fields: Any) -> Self: ...
    def none(self) -> Self: ...
    def all(self) -> Self: ...
    def get(self, *args: Any, **kwargs: Any) -> Any: ...
    def first(self) -> Any: ...
    def values(self, *fields: Any, **expressions: Any) -> Any: ...
    def order_by(self, *fields: Any) -> Self: ...


class PublishedRows(Rows, Protocol):
    """Rows with a moderation or publication state (works, terms, reviews, comments)."""

    def published(self) -> Self: ...


class WorkRows(PublishedRows, Protocol):
    """``catalog.querysets.WorkQuerySet`` as the policy uses it."""

    def without_tags(self, *tag_ids: int) -> Self: ...
    def has_any_tag(self, tag_ids: Iterable[int], max_spoiler_level: int | None = None) -> Exists: ...


class AllRows(Protocol):
    """A manager to rule on: ``Work.objects`` or ``Term.objects``."""

    def all(self) -> Any: ...


AnyRows = TypeVar("AnyRows", bound=Rows)
Published = TypeVar("Published", bound=PublishedRows)
Works = TypeVar("Works", bound=WorkRows)

GATED_RATING = AgeRating.R18
EXPLICIT_CATEGORY = TagCategory.CONTENT


@dataclass(frozen=True)
class Access(Generic[Row]):
    """One object as a viewer may reach it on its own page: ``gated`` means the page answers with the age gate.

    ``draft``: the object is unpublished and shown only as a staff preview, so its page is marked
    a draft, kept out of search engines (``noindex``) and never cached.
    ``moved``: the slug asked for is an old one of the object (``core.old_slugs``); once past the
    gate, the page redirects (301) to the object's current address.
    """

    obj: Row
    gated: bool
    draft: bool = False
    moved: bool = False


def _get_by_slug(rows: Rows, slug: str) -> tuple[Any, bool]:
    """The row at ``slug`` and False, else the row that had ``slug`` before and True (its ``old_slugs``).

    Both are looked for among the rows the caller may open, so an old address leads only where the
    viewer could go anyway, and a live slug always wins over an old one. ``DoesNotExist`` if neither.
    """
    try:
        return rows.get(slug=slug), False
    except rows.model.DoesNotExist:
        moved = rows.filter(old_slugs__slug=slug).first()
        if moved is None:
            raise
        return moved, True


# --- works -------------------------------------------------------------------------------------


def is_adult_work(work: Any) -> bool:
    """The work is rated 18+ (its pages carry ``<meta name="rating" content="adult">``)."""
    return bool(work.age_rating == GATED_RATING)


def is_locked(work: Any, viewer: Viewer) -> bool:
    """The age-gate rule for one loaded work; ``lock_expression`` is the same rule in SQL."""
    return is_adult_work(work) and not viewer.passed_age_gate


def lock_expression(viewer: Viewer) -> models.Expression:
    """``is_locked`` as an SQL expression over a work's row, for ``works_for_viewer`` and ``read_work``."""
    if viewer.passed_age_gate:
        return Value(False)
    return models.ExpressionWrapper(Q(age_rating=GATED_RATING), output_field=models.BooleanField())


def works_for_viewer(works: Works, viewer: Viewer) -> Works:
    """The works a viewer's lists, search and tag pages show, each annotated ``is_locked``.

    Works the viewer hides by preference are left out (``hidden_tag_ids_in_force``); 18+ works
    stay listed as locked cards for visitors who have not passed the gate, unless the member
    chose not to list them at all.
    """
    works = works.published()
    hidden = hidden_tag_ids_in_force(viewer)
    if hidden:
        works = works.without_tags(*hidden)
    if not viewer.show_adult_works:
        works = works.exclude(age_rating=GATED_RATING)
    return works.annotate(is_locked=lock_expression(viewer))


def similarity_column(viewer: Viewer) -> str:
    """Which of a ``SimilarWork``'s scores the viewer's "similar works" read: the one counting only the
    tag links they may see, no deeper a spoiler on either work than they read, and explicit tags only
    once the age gate is passed (before it, those tags do not exist for them)."""
    explicit = EXPLICIT_CATEGORY not in unseen_tag_categories(viewer)
    return f"{'explicit_' if explicit else ''}score_{viewer.max_spoiler_level}"


def similar_works_for_viewer(works: Works, work: Any, viewer: Viewer) -> Works:
    """The works like ``work`` that the viewer's lists show (``works_for_viewer``: published, none with
    their hidden tags, 18+ ones as locked cards), each annotated ``similarity``: its score through the
    tags the viewer may see (``similarity_column``); a work that shares none of those is left out.

    A locked card's similarity says no more than a tag's page does (that the 18+ work carries a tag
    the viewer may see), and its order consults nothing a locked card hides.
    """
    column = f"similar_of__{similarity_column(viewer)}"
    similar = works_for_viewer(works, viewer).filter(**{"similar_of__work": work, f"{column}__gt": 0})
    return similar.annotate(similarity=F(column))


def works_hidden_by_preferences(works: Works, viewer: Viewer) -> Works:
    """The works a viewer's lists leave out only because of their hidden tags ("N works are hidden").

    Matches every link of a hidden tag, spoilers included, exactly as ``works_for_viewer``
    leaves them out: the count says no more than the lists already imply (docs/architecture.md,
    "Hidden tags and spoilers").
    """
    hidden = hidden_tag_ids_in_force(viewer)
    if not hidden:
        return works.none()
    works = works.published().filter(works.has_any_tag(hidden))
    if not viewer.show_adult_works:
        works = works.exclude(age_rating=GATED_RATING)
    return works.annotate(is_locked=lock_expression(viewer))


def works_for_syndication(works: Works) -> Works:
    """Works that feeds and the sitemap may name: an anonymous visitor's list without its 18+ works."""
    return works_for_viewer(works, ANONYMOUS_VIEWER).filter(is_locked=False)


def is_draft(work: Any) -> bool:
    """The work is unpublished: only staff may open its page, as a draft preview, and no list names it."""
    return not work.is_published


def works_to_open(works: Works, viewer: Viewer) -> Works:
    """The works whose own page a viewer may open (gate aside): published ones, and for staff who may
    preview them (``Viewer.may_preview_unpublished``), drafts too. Never a list: lists, search, feeds
    and the sitemap read ``works_for_viewer`` or ``works_for_syndication``, which show published works only."""
    return works.all() if viewer.may_preview_unpublished else works.published()


def read_work(works: WorkRows, viewer: Viewer, slug: str) -> Access[Any]:
    """The one read path for a work's detail page and anything hanging off it (covers, reviews, feeds).

    A direct link still opens a work the viewer hides from lists; the page says why it is unlisted.
    An unpublished work is a 404 except to staff, who see it as a draft preview (``Access.draft``),
    behind the age gate like any other.
    """
    try:
        work, moved = _get_by_slug(works_to_open(works, viewer).annotate(is_locked=lock_expression(viewer)), slug)
    except works.model.DoesNotExist:
        raise Http404("No such work.") from None
    return Access(work, gated=work.is_locked, draft=is_draft(work), moved=moved)


def _find_work_to_open(works: WorkRows, viewer: Viewer, slug: str) -> Any | None:
    """The work at ``slug`` if the viewer may open its page, gate aside.

    A published work is found without consulting the viewer, so its answers may stay public;
    the viewer is asked whenever no published work has the slug, so a draft's 404 and a missing
    work's 404 carry the same headers (``Vary: Cookie``) and tell nobody a draft is there.
    """
    work = works.published().filter(slug=slug).first()
    if work is None and viewer.may_preview_unpublished:
        work = works.filter(slug=slug).first()
    return work


def read_cover(works: WorkRows, viewer: Viewer, slug: str) -> Any:
    """The work whose cover a viewer asked for, or 404.

    A locked work's cover answers exactly as a missing one does, so a visitor cannot learn
    which 18+ works have a cover: the gate is consulted before the cover is looked for, so both
    answers also carry the same caching headers (``Vary: Cookie``, private). All-ages covers
    never consult the viewer and stay cacheable by anyone. A draft's cover is there for the
    staff previewing its page only.
    """
    work = _find_work_to_open(works, viewer, slug)
    if work is None or is_locked(work, viewer) or not work.cover:
        raise Http404("No such cover.")
    return work


def read_placeholder(works: WorkRows, viewer: Viewer, slug: str) -> Any:
    """The work whose placeholder (its title's initials) a viewer asked for, or 404: the same for every
    viewer of a published work; a draft's only for the staff previewing it."""
    work = _find_work_to_open(works, viewer, slug)
    if work is None:
        raise Http404("No such work.")
    return work


def cover_is_private(work: Any) -> bool:
    """Whether a cover's answer depends on the viewer (so no shared cache may keep it)."""
    return is_adult_work(work)


# The sorts of the works list whose order would tell something about locked works: for a viewer
# who has not passed the gate they read these expressions, under which a locked work counts as
# unrated (catalog.migrations: work_pub_public_score_idx and work_pub_public_reviews_idx).
def public_score() -> models.Expression:
    """A work's score as a viewer before the gate may sort by it: none at all for an 18+ work."""
    # Typed as a float, not a decimal, for SQLite's sake: Django wraps a decimal expression in a
    # CAST there, twice over in an index, and the index then no longer matches the ORDER BY.
    return Case(When(is_gated=True, then=Value(None)), default=F("score_average"), output_field=models.FloatField())


def public_review_count() -> models.Expression:
    """A work's review count as a viewer before the gate may sort by it: unknown for an 18+ work,
    which therefore sorts after every other (the sorts put NULLs last)."""
    return Case(
        When(is_gated=True, then=Value(None)), default=F("review_count"), output_field=models.PositiveIntegerField()
    )


def public_list_count() -> models.Expression:
    """How many members list a work, as a viewer before the gate may sort by it: unknown for an 18+
    work, as its review count is, so "most popular" says nothing of a locked work either."""
    return Case(
        When(is_gated=True, then=Value(None)), default=F("list_count"), output_field=models.PositiveIntegerField()
    )


def score_for_sorting(viewer: Viewer) -> F | models.Expression:
    """What "sort by score" orders by for this viewer: a locked work's score is never consulted."""
    return F("score_average") if viewer.passed_age_gate else public_score()


def review_count_for_sorting(viewer: Viewer) -> F | models.Expression:
    return F("review_count") if viewer.passed_age_gate else public_review_count()


def works_ranked_by_figures(works: Works, viewer: Viewer) -> Works:
    """The works a block ranked by a work's figures ("Top rated", "Most popular") may name: a locked
    card there would tell that the 18+ work is among the best scored or most listed, which is the
    figure its card keeps back, so before the gate only open works are ranked."""
    return works if viewer.passed_age_gate else works.filter(is_locked=False)


def list_count_for_sorting(viewer: Viewer) -> F | models.Expression:
    return F("list_count") if viewer.passed_age_gate else public_list_count()


def title_search_q(viewer: Viewer, value: str) -> Q:
    """The title filter of the works list: a locked work matches on its main title only (its card hides the rest)."""
    original = Q(original_title__icontains=value)
    if not viewer.passed_age_gate:
        original &= ~Q(age_rating=GATED_RATING)
    return Q(title__icontains=value) | original


def search_matches_other_names(viewer: Viewer) -> bool:
    """Whether a locked work may be found by its original or alternative titles (never, before the gate)."""
    return viewer.passed_age_gate


# --- tags --------------------------------------------------------------------------------------


def hidden_tag_ids_in_force(viewer: Viewer) -> frozenset[int]:
    """The viewer's hidden tags that take effect now.

    Explicit tags are ignored until the gate is passed: before it they do not exist for the
    viewer, and counting or listing the works they hide would say which 18+ works carry them.
    The Viewer carries each hidden tag's category for this (``hidden_tag_categories``).
    """
    if viewer.passed_age_gate:
        return viewer.hidden_tag_ids
    explicit = {pk for pk, category in viewer.hidden_tag_categories if category == EXPLICIT_CATEGORY}
    return viewer.hidden_tag_ids - explicit


def unseen_tag_categories(viewer: Viewer) -> frozenset[str]:
    """The tag categories that do not exist for the viewer (explicit content, before the gate).

    A tag filter on a broader tag also matches its narrower tags (``catalog.tag_filter``), but
    never through a narrower tag the viewer could not see, nor anything beneath one.
    """
    return frozenset() if viewer.passed_age_gate else frozenset({EXPLICIT_CATEGORY})


def is_hidden_tag(tag: Any, viewer: Viewer) -> bool:
    """The tag is one of the viewer's hidden tags in force: their lists leave out every work carrying it."""
    return tag.pk in hidden_tag_ids_in_force(viewer)


# --- revealing spoilers for one request ----------------------------------------------------------

# The query parameter that asks a list of works to read spoilers up to a level, for that request
# only: ``/tags/regret/?spoilers=2``. The tag page, /tags/ and the works list offer it in one
# click wherever spoiler links leave works out.
SPOILER_REVEAL_PARAMETER = "spoilers"


def viewer_revealing_spoilers(viewer: Viewer, requested: str | None) -> Viewer:
    """The viewer for a request that may have asked to see spoilers (``?spoilers=1`` or ``2``).

    Only the spoiler level changes (``Viewer.with_spoiler_level``), and only upwards; the age gate
    still holds: explicit tags stay unseen and 18+ works locked. Anything but a known level is
    ignored.
    """
    try:
        level = int(requested or "")
    except ValueError:
        return viewer
    if level not in SpoilerLevel.values:
        return viewer
    return viewer.with_spoiler_level(level)


def spoiler_reveal_level(viewer: Viewer) -> int | None:
    """The level a one-click reveal offers the viewer (every spoiler), or None if they read them all."""
    return SpoilerLevel.MAJOR if viewer.max_spoiler_level < SpoilerLevel.MAJOR else None


def tags_for_viewer(tags: AnyRows, viewer: Viewer) -> AnyRows:
    """Tags the viewer may see: explicit content tags only once the age gate is passed."""
    if viewer.passed_age_gate:
        return tags
    return tags.exclude(category=EXPLICIT_CATEGORY)


def tags_behind_gate(tags: AnyRows, viewer: Viewer) -> AnyRows:
    """The tags the age gate keeps from this viewer: the explicit ones until it is passed (a minor's for good)."""
    if viewer.passed_age_gate:
        return tags.none()
    return tags.filter(category=EXPLICIT_CATEGORY)


def is_explicit_tag(tag: Any) -> bool:
    return bool(tag.category == EXPLICIT_CATEGORY)


def read_tag(tags: Rows, viewer: Viewer, slug: str) -> Access[Any]:
    """The one read path for a tag's page: an explicit tag's page is gated. A merged tag's slug leads
    to the tag it was merged into."""
    try:
        tag, moved = _get_by_slug(tags, slug)
    except tags.model.DoesNotExist:
        raise Http404("No such tag.") from None
    return Access(tag, gated=is_explicit_tag(tag) and not viewer.passed_age_gate, moved=moved)


def is_tag_behind_gate(tag: Any, viewer: Viewer) -> bool:
    """One tag as ``tags_behind_gate`` rules on many: explicit, and the gate not passed."""
    return is_explicit_tag(tag) and not viewer.passed_age_gate


def tag_if_visible(tag: Any, viewer: Viewer) -> Any:
    """``tag`` when the viewer may see it (a parent on a tag page), else None."""
    if tag is None or is_tag_behind_gate(tag, viewer):
        return None
    return tag


def work_links_for_viewer(links: AnyRows, viewer: Viewer) -> AnyRows:
    """A work's tag links as its own page lists them: nothing explicit before the gate (spoilers come folded)."""
    links = links.select_related("tag")
    if not viewer.passed_age_gate:
        links = links.exclude(tag__category=EXPLICIT_CATEGORY)
    return links


def card_links(links: AnyRows, viewer: Viewer) -> AnyRows:
    """Tag links that may appear outside a work's own page (cards, the refine panel, feeds):
    spoiler-free, nothing explicit before the age gate, and nothing at all of a locked 18+ work."""
    links = links.filter(spoiler_level=SpoilerLevel.NONE)
    if not viewer.passed_age_gate:
        links = links.exclude(tag__category=EXPLICIT_CATEGORY).exclude(work__age_rating=GATED_RATING)
    return links


def is_folded(link: Any, viewer: Viewer) -> bool:
    """A tag link deeper a spoiler than the viewer reads: shown folded, behind a reveal."""
    return bool(link.spoiler_level > viewer.max_spoiler_level)


def hidden_tags_to_name(links: list[Any], viewer: Viewer) -> list[Any]:
    """The tags a work page may name in "left out because it has a tag you hide: …".

    A hidden tag that is a spoiler above the viewer's level is not named (that would reveal it);
    it is counted as "a tag you hide, shown as a spoiler".
    """
    hidden = hidden_tag_ids_in_force(viewer)
    return [link.tag for link in links if link.tag_id in hidden and not is_folded(link, viewer)]


def hidden_spoiler_tag_count(links: list[Any], viewer: Viewer) -> int:
    hidden = hidden_tag_ids_in_force(viewer)
    return sum(1 for link in links if link.tag_id in hidden and is_folded(link, viewer))


def viewer_variant(viewer: Viewer) -> str:
    """What a cached page or count may vary on: everything the policy reads from the viewer.

    A cache key built from this serves one kind of viewer's fragment to the same kind only.
    """
    hidden = ",".join(map(str, sorted(hidden_tag_ids_in_force(viewer)))) or "-"
    return f"{int(viewer.show_adult_works)}:{int(viewer.passed_age_gate)}:{viewer.max_spoiler_level}:{hidden}"


def gate_variant(viewer: Viewer) -> str:
    """The coarser key for fragments that depend on the gate alone (the tag picker's options)."""
    return "open" if viewer.passed_age_gate else "gated"


# --- glossary terms ----------------------------------------------------------------------------


def explains_explicit_tag(terms: Rows) -> Exists:
    """SQL: the term explains an explicit (content) tag."""
    # The stubs declare no ``objects`` on a bare Model class; Term declares it.
    return Exists(terms.model.objects.filter(pk=OuterRef("pk"), tags__category=EXPLICIT_CATEGORY))


def terms_for_viewer(terms: Published, viewer: Viewer) -> Published:
    """The terms the viewer may read: every published one. A term that defines an explicit word
    (hentai) is not itself explicit; ``works_illustrating_term`` keeps back what would be."""
    return terms.published()


def read_term(terms: PublishedRows, viewer: Viewer, slug: str) -> Access[Any]:
    """The one read path for a term's page, open to everyone (404 if unpublished). The term comes
    annotated ``is_explicit`` (it explains an explicit tag) for ``term_lists_held_back``."""
    try:
        term, moved = _get_by_slug(terms.published().annotate(is_explicit=explains_explicit_tag(terms)), slug)
    except terms.model.DoesNotExist:
        raise Http404("No such term.") from None
    return Access(term, gated=False, moved=moved)


def term_lists_held_back(term: Any, viewer: Viewer) -> bool:
    """Whether a term's page keeps its works back until the gate is passed: those of a term that
    explains an explicit tag would say which 18+ works carry the tag, as the tag's own page would.
    (Its explicit tags stay back anyway: ``tags_for_viewer``.) ``term`` comes from ``read_term``."""
    return bool(term.is_explicit) and not viewer.passed_age_gate


def works_illustrating_term(works: Works, term: Any, viewer: Viewer) -> Works:
    """The works a term's page lists, out of ``works`` (a viewer's list, ``works_for_viewer``)."""
    if term_lists_held_back(term, viewer):
        return works.none()
    return works.filter(glossary_terms=term)


# --- posts -------------------------------------------------------------------------------------


def may_post_on(member: Any, work: Any | None) -> bool:
    """Whether a member may review, vote on or link to ``work``: an 18+ work only by an adult member.

    Decided by the birth date, not by the session's gate: an account without one (made by
    ``createsuperuser``) may read past the gate but not post there.
    """
    if not getattr(member, "is_authenticated", False):
        return False
    if work is not None and is_draft(work):
        return False  # a draft is previewed by staff, not discussed: nobody posts on it or links to it
    return work is None or not is_adult_work(work) or member.is_adult() is True


def reviews_for_viewer(reviews: Published, works: AllRows, viewer: Viewer) -> Published:
    """Published reviews a viewer may read away from the work's page (a member's page): reviews of
    works the viewer's lists show unlocked. ``works`` is the Work manager to rule on."""
    open_works = works_for_viewer(works.all(), viewer).filter(is_locked=False).values("pk")
    return reviews.published().filter(work__in=open_works)


def works_with_reviews_for_viewer(works: Works, reviews: Published, viewer: Viewer, *, newest: int) -> Works:
    """The works of the viewer's lists with one of the ``newest`` published ``reviews`` that the viewer
    may read away from the work's page (the home page's "Recently reviewed"): as ``reviews_for_viewer``,
    only works shown unlocked. A locked card there would say that an 18+ work has reviews, which its
    card keeps back (``public_review_count``)."""
    recent = reviews.published().order_by("-created_at").values("work_id")[:newest]
    return works_for_viewer(works, viewer).filter(is_locked=False, pk__in=recent)


def reviews_behind_gate(reviews: Published, works: AllRows, viewer: Viewer) -> Published:
    """Published reviews that ``reviews_for_viewer`` leaves off a member's page only because of the
    age gate: those of works the viewer's lists show locked. The page says how many, so a member whose
    reviews are all of 18+ works does not seem to have written none."""
    if viewer.passed_age_gate:
        return reviews.none()
    locked_works = works_for_viewer(works.all(), viewer).filter(is_locked=True).values("pk")
    return reviews.published().filter(work__in=locked_works)


def own_reviews(reviews: AnyRows) -> AnyRows:
    """A member's own reviews, for their profile: every moderation state (each shows its badge), each
    annotated ``work_withdrawn`` when its work is no longer published: the review stays listed, but not
    the title of a work the site no longer shows."""
    return reviews.annotate(
        work_withdrawn=models.ExpressionWrapper(Q(work__is_published=False), output_field=models.BooleanField())
    )


def own_comments(comments: AnyRows) -> AnyRows:
    """``own_reviews`` for comments: ``term_withdrawn`` when the term is no longer published."""
    return comments.annotate(
        term_withdrawn=models.ExpressionWrapper(Q(term__is_published=False), output_field=models.BooleanField())
    )


def comments_for_viewer(comments: Published, terms: AllRows, viewer: Viewer) -> Published:
    """Published comments on terms the viewer may read. ``terms`` is the Term manager to rule on."""
    return comments.published().filter(term__in=terms_for_viewer(terms.all(), viewer))


def reviews_have_feed(work: Any) -> bool:
    """A work's reviews have an Atom feed only if an anonymous reader may read them (never a draft's)."""
    return not is_draft(work) and not is_locked(work, ANONYMOUS_VIEWER)


# --- personal lists ----------------------------------------------------------------------------


def may_list(member: Any, work: Any) -> bool:
    """Whether a member may put ``work`` on their list (and so vote on it): as for posting, an 18+
    work only by an adult member, and never a draft."""
    return may_post_on(member, work)


def is_own_list(owner_id: int, viewer: Viewer) -> bool:
    return viewer.member_id is not None and viewer.member_id == owner_id


def list_entries_for_viewer(
    entries: AnyRows, works: AllRows, viewer: Viewer, *, owner_id: int, list_is_private: bool
) -> AnyRows:
    """The entries of one member's list that a viewer sees, each annotated ``is_locked`` (its work's lock).

    The owner sees every entry of a published work: their own hidden tags do not thin their own
    list, since they chose each work on it, and an entry whose work was unpublished waits, kept,
    until the work is back. Anyone else sees nothing of a private list, and otherwise the public
    entries of the works their own lists show (``works_for_viewer``: their hidden tags and their
    choice not to list 18+ works apply), 18+ ones as locked cards before the gate. Notes are the
    owner's alone (``may_read_entry_notes``). ``works`` is the Work manager to rule on.
    """
    if is_own_list(owner_id, viewer):
        # Written as "not one of the unpublished works", a short list, rather than a join with the
        # published ones: PostgreSQL hashed every published work for a long list (docs/performance.md).
        shown = entries.exclude(work__in=works.all().filter(is_published=False).values("pk"))
    elif list_is_private:
        return entries.none()
    else:
        visible = works_for_viewer(works.all(), viewer).filter(pk=OuterRef("work_id"))
        shown = entries.filter(is_private=False).filter(Exists(visible))
    if viewer.passed_age_gate:
        return shown.annotate(is_locked=Value(False))
    return shown.annotate(
        is_locked=models.ExpressionWrapper(Q(work__age_rating=GATED_RATING), output_field=models.BooleanField())
    )


def works_for_list_import(works: Works, viewer: Viewer) -> Works:
    """The works an import of a member's list (``lists.importing``) may match an entry to, each
    annotated ``is_locked``: every published work, whatever the member's hidden tags or choice not to
    list 18+ works, since they named each one themselves (their own list shows them all too).
    Whether each may go on the list is ``may_list``'s; a locked one is matched by its main title
    only (``search_matches_other_names``), as search finds it."""
    return works.published().annotate(is_locked=lock_expression(viewer))


def entry_figure_for_sorting(field: str, viewer: Viewer) -> F | models.Expression:
    """What a list page sorts by for this viewer (an entry's score or dates): a locked entry shows
    none of them, so it sorts as if it had none, as a locked work sorts as unrated."""
    if viewer.passed_age_gate:
        return F(field)
    return Case(When(work__age_rating=GATED_RATING, then=Value(None)), default=F(field))


def entries_with_open_details(entries: AnyRows) -> AnyRows:
    """Of ``list_entries_for_viewer``'s rows, those whose details (score, progress, dates, the work's
    tags) the viewer may read: not locked. A list's statistics are made of these alone, so they say
    nothing a locked row keeps back; the counts per status include locked rows, as the tabs do."""
    return entries.filter(is_locked=False)


def may_read_entry_notes(entry: Any, viewer: Viewer) -> bool:
    """A list entry's notes are private to its owner, whatever the entry's or the list's privacy."""
    return is_own_list(entry.user_id, viewer)


def reviews_with_author_score(reviews: AnyRows, entries: Rows) -> AnyRows:
    """Annotate each review ``author_score``: the score on its author's list for its work, the score
    the review carries. Whoever may read the review sees it, even when the entry or the whole list is
    private: the member gives it with the review (the form says so), and it says nothing the
    review's own words could not. The rest of a private entry (status, progress, dates, notes)
    stays private. ``entries`` is the ListEntry manager's rows."""
    score = entries.filter(user_id=OuterRef("author_id"), work_id=OuterRef("work_id")).values("score")[:1]
    return reviews.annotate(author_score=Subquery(score))


def entries_open_to_aggregates(entries: AnyRows) -> AnyRows:
    """The list entries a figure drawn from many members' lists may count, such as "members who
    completed this also completed" (``lists.colisting``): public entries on public lists of active
    members, of published works. A private entry or list stays out even of an aggregate; the figure
    itself needs several members behind each number so no one member's list can be read off it."""
    return entries.filter(is_private=False, user__is_active=True, work__is_published=True).exclude(
        user__list_settings__is_private=True
    )


def entry_starts_private(work: Any, adult_entries_private: bool) -> bool:
    """Whether a new entry starts private: an 18+ work's does when the member's setting says so
    (on by default), so adding one never shows it to others until the member chooses to."""
    return is_adult_work(work) and adult_entries_private


# --- badges ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class AgeBadge:
    label: str
    title: str
    modifier: str


AGE_BADGES = {
    AgeRating.R18: AgeBadge("18+", "For adults only", "adult"),
    AgeRating.R15: AgeBadge("15+", "15 and over", "teen"),
}


def age_badge(work: Any) -> AgeBadge | None:
    """The badge a work's rating earns on its card and page (safe metadata: shown even when locked)."""
    return AGE_BADGES.get(work.age_rating)
