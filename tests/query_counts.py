"""Measuring pages' SQL query counts (DESIGN.md, rule 4), and the bulk catalogs measured, shared by the
tests/*/test_query_counts.py files."""

import datetime
import itertools

from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import User
from catalog.models import AgeRating, Kind, Tag, TagCategory, Work, WorkTag
from catalog.search import search_index_update
from catalog.similar import similar_works_rebuild
from community.models import HelpfulVote, Review, Status
from community.services import work_refresh_review_count
from glossary.models import Term, TermFAQ
from lists.models import ListEntry
from lists.votes import work_refresh_score
from tests.builders import make_member, years_ago
from tests.pages import pass_age_gate


def count(client: Client, url: str) -> int:
    cache.clear()  # measure the cold path, where the cached parts are computed
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(queries)


def page_counts(client: Client, pages: dict[str, str]) -> dict[str, int]:
    return {page: count(client, url) for page, url in pages.items()}


def assert_within_pins(
    client: Client, pages: dict[str, str], pins: dict[str, int], assert_max_num_queries, who: str
) -> None:
    """Each page in at most its pinned number of queries; ``assert_max_num_queries`` is pytest-django's fixture."""
    for page, url in pages.items():
        cache.clear()
        with assert_max_num_queries(pins[page], info=f"{page} ({url}) as {who}"):
            response = client.get(url)
        assert response.status_code == 200, page


# --- bulk catalogs --------------------------------------------------------------------------------

CATEGORIES = [TagCategory.PERSPECTIVE, TagCategory.SETUP, TagCategory.THEME, TagCategory.SETTING, TagCategory.CONTENT]


def seed_base() -> Term:
    """The glossary term every work illustrates, and five base tags (one per category) every work carries."""
    term = Term.objects.create(name="Netorare", slug="netorare", summary="The term.", aliases="NTR", is_published=True)
    Tag.objects.bulk_create(
        Tag(name=f"Base {i}", slug=f"base-{i}", category=category, term=term if i == 0 else None)
        for i, category in enumerate(CATEGORIES)
    )
    return term


def grow(term: Term, start: int, k: int) -> None:
    """Add k of everything each page lists: works (every other one 18+, each with the five base tags,
    two in ten released this week), tags on the first two works (each with its own glossary term,
    related to ``term``, every other one beneath a base tag), FAQ entries; then the similar works."""
    base_tags = list(Tag.objects.filter(slug__startswith="base-").order_by("pk"))
    this_week = timezone.localdate() - datetime.timedelta(days=3)
    works = Work.objects.bulk_create(
        Work(
            title=f"Alpha work {i:03d}",
            slug=f"work-{i:03d}",
            synopsis=f"Synopsis {i}.",
            kind=Kind.ANIME,
            age_rating=AgeRating.R18 if i % 2 else AgeRating.ALL,
            episodes=i + 1,
            # Two in ten came out this week, for the home page's "New this month".
            released_from=this_week if i % 10 < 2 else datetime.date(2000 + i % 20, 1, 1),
            is_published=True,
            is_featured=True,
        )
        for i in range(start, start + k)
    )
    WorkTag.objects.bulk_create(
        WorkTag(work=work, tag=tag, spoiler_level=j % 3, note=f"note {j}")
        for work in works
        for j, tag in enumerate(base_tags)
    )
    term.works.add(*works)
    terms = Term.objects.bulk_create(
        Term(name=f"Alpha term {i:03d}", slug=f"term-{i:03d}", summary=f"Term {i}.", is_published=True)
        for i in range(start, start + k)
    )
    term.related_terms.add(*terms)
    # Every other one sits beneath the tag-detail page's tag, so its page and counts walk the tree.
    parent = Tag.objects.get(slug="base-3")
    tags = Tag.objects.bulk_create(
        Tag(
            name=f"Alpha tag {i:03d}",
            slug=f"tag-{i:03d}",
            category=CATEGORIES[i % 5],
            term=terms[i - start],
            parent=parent if i % 2 else None,
        )
        for i in range(start, start + k)
    )
    first_two = Work.objects.filter(slug__in=["work-000", "work-001"])
    WorkTag.objects.bulk_create(
        WorkTag(work=work, tag=tag, spoiler_level=i % 3) for work in first_two for i, tag in enumerate(tags)
    )
    TermFAQ.objects.bulk_create(
        TermFAQ(term=term, question=f"Question {i}?", answer="Answer.", position=i) for i in range(start, start + k)
    )
    search_index_update(term, *works, *terms, *tags)
    similar_works_rebuild()  # the first two works are alike (the tags they share)


CATALOG_VIEWERS = ["visitor", "adult", "member"]


def catalog_client(viewer: str) -> Client:
    """A client for one of CATALOG_VIEWERS."""
    client = Client()
    if viewer == "adult":
        pass_age_gate(client)
    elif viewer == "member":
        user = make_member(age=30, max_spoiler_level=1)
        user.hidden_tags.add(Tag.objects.create(name="Hidden", slug="hidden", category=TagCategory.THEME))
        client.force_login(user)
    return client


# The catalog pages tests/catalog/test_query_counts.py pins (and tests/covers checks covers add nothing to).
CATALOG_PAGES = {
    "home": "/",
    "work-list": "/works/",
    "work-list-filtered": "/works/?tags=base-0&any_tags=base-3&exclude_tags=hidden&kind=anime&year_min=2000&sort=-year",
    "work-detail-all-ages": "/works/work-000/",
    "work-detail-r18": "/works/work-001/",
    "tag-list": "/tags/",
    "tag-detail": "/tags/base-3/",
    "glossary-index": "/glossary/",
    "term-detail": "/glossary/netorare/",
    "search": "/search/?q=alpha",
    # A typo: the exact lookup finds nothing, so the typo-tolerant lookup runs as well.
    "search-typo": "/search/?q=alphs+work+000",
    "search-suggestions": "/search/suggest/?q=alpha",
}

# Measured counts with a cold cache (tag counts, how common each tag is, and the filter form's
# tag options are cached; a warm cache saves a query or two).
# A visitor who passed the gate costs one query more than one who did not (the session); a
# member three more (session, user, hidden tags), plus a little on pages with member-only parts
# (the "hidden by your tag preferences" count, the member's own review). The r18 detail page
# for a visitor who has not passed is the gate: one query. A member's page that renders the header
# costs one more: the unread notification count (community.context_processors; not the JSON suggestions).
# A list filtered by tags (a tag's page too) costs two more: the tag tree, so a broader tag matches
# its narrower ones (catalog.tag_filter.tag_children, cached), and the count of works that carry
# the chosen tags only as spoilers deeper than the viewer reads (the one-click reveal's offer).
# The work pages' "Similar works" costs two queries, its works and their cards' tags (work-001 and
# work-000 are alike; a locked card for the visitor), or one when no card is unlocked. The home page
# reads each block's works (featured, newest, new this month, top rated, most popular, and
# community's "Recently reviewed": no reviews here, tests/community/test_recently_reviewed.py pins
# it full) and then every card's tags in one query (catalog.cards.card_grids).
# A member's grid of cards costs one query more (their list's statuses of the grid's works, for each
# card's status control: lists.cards), one for all the home page's grids; a member's work page one
# more (their list entry, lists.models.own_entry, which the review form's score reads too).
CATALOG_PINS = {
    "home": {"visitor": 9, "adult": 10, "member": 14},
    "work-list": {"visitor": 5, "adult": 6, "member": 11},
    "work-list-filtered": {"visitor": 11, "adult": 12, "member": 17},
    "work-detail-all-ages": {"visitor": 6, "adult": 8, "member": 14},
    "work-detail-r18": {"visitor": 1, "adult": 8, "member": 14},
    "tag-list": {"visitor": 2, "adult": 3, "member": 6},
    "tag-detail": {"visitor": 8, "adult": 9, "member": 13},
    "glossary-index": {"visitor": 2, "adult": 3, "member": 6},
    "term-detail": {"visitor": 8, "adult": 9, "member": 13},
    "search": {"visitor": 5, "adult": 6, "member": 10},
    "search-typo": {"visitor": 4, "adult": 5, "member": 9},
    "search-suggestions": {"visitor": 5, "adult": 6, "member": 8},
}


_serial = itertools.count()


def make_authors(n: int, prefix: str) -> list[User]:
    return User.objects.bulk_create(
        [User(username=f"{prefix}{next(_serial)}", birth_date=years_ago(30), password="!") for _ in range(n)]
    )


def add_reviews(work, n: int) -> None:
    authors = make_authors(n, f"rev{work.pk}-")
    reviews = Review.objects.bulk_create(
        [
            Review(
                author=author,
                work=work,
                body=f"Review number {i}, long enough to pass the minimum length of fifty.\nSecond line.",
                has_spoilers=(i % 3 == 0),
                status=Status.HIDDEN if i % 17 == 16 else Status.VISIBLE,
            )
            for i, author in enumerate(authors)
        ]
    )
    if len(reviews) > 1:
        HelpfulVote.objects.bulk_create([HelpfulVote(review=r, voter=authors[0]) for r in reviews[1:]])
        Review.objects.filter(pk__in=[r.pk for r in reviews[1:]]).update(helpful_count=1)
    # Each review carries its author's vote, on their list.
    ListEntry.objects.bulk_create(
        ListEntry(user=author, work=work, status="completed", score=(i % 10) + 1, vote_counted=True)
        for i, author in enumerate(authors)
    )
    work_refresh_review_count(work=work)
    work_refresh_score(work=work)
