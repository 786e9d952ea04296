"""Every page renders in a constant number of SQL queries (DESIGN.md, rule 4).

Each page is pinned at its measured count with a catalog large enough that an
N+1 would blow the pin, and measured again at n and 2n rows to show the count
does not grow with the data.
"""

import datetime

import pytest
from django.test import Client

from catalog.models import AgeRating, Kind, Tag, TagCategory, Work, WorkTag
from catalog.search import search_index_update
from glossary.models import Term, TermFAQ
from tests.conftest import card_titles, html, make_user, pass_age_gate
from tests.query_counts import assert_within_pins, page_counts

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
    """Add k of everything each page lists: works (every other one 18+, each with the five base tags),
    tags on the first two works (each with its own glossary term, related to ``term``), FAQ entries."""
    base_tags = list(Tag.objects.filter(slug__startswith="base-").order_by("pk"))
    works = Work.objects.bulk_create(
        Work(
            title=f"Alpha work {i:03d}",
            slug=f"work-{i:03d}",
            synopsis=f"Synopsis {i}.",
            kind=Kind.ANIME,
            age_rating=AgeRating.R18 if i % 2 else AgeRating.ALL,
            episodes=i + 1,
            released_from=datetime.date(2000 + i % 20, 1, 1),
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
    tags = Tag.objects.bulk_create(
        Tag(name=f"Alpha tag {i:03d}", slug=f"tag-{i:03d}", category=CATEGORIES[i % 5], term=terms[i - start])
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


VIEWERS = ["visitor", "adult", "member"]


def client_for(viewer: str) -> Client:
    client = Client()
    if viewer == "adult":
        pass_age_gate(client)
    elif viewer == "member":
        user = make_user(age=30, max_spoiler_level=1)
        user.hidden_tags.add(Tag.objects.create(name="Hidden", slug="hidden", category=TagCategory.THEME))
        client.force_login(user)
    return client


PAGES = {
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
# for a visitor who has not passed is the gate: one query.
PINS = {
    "home": {"visitor": 6, "adult": 7, "member": 9},
    "work-list": {"visitor": 5, "adult": 6, "member": 9},
    "work-list-filtered": {"visitor": 9, "adult": 10, "member": 13},
    "work-detail-all-ages": {"visitor": 5, "adult": 6, "member": 9},
    "work-detail-r18": {"visitor": 1, "adult": 6, "member": 9},
    "tag-list": {"visitor": 2, "adult": 3, "member": 5},
    "tag-detail": {"visitor": 6, "adult": 7, "member": 9},
    "glossary-index": {"visitor": 2, "adult": 3, "member": 5},
    "term-detail": {"visitor": 8, "adult": 9, "member": 11},
    "search": {"visitor": 5, "adult": 6, "member": 8},
    "search-typo": {"visitor": 4, "adult": 5, "member": 7},
    "search-suggestions": {"visitor": 5, "adult": 6, "member": 8},
}


@pytest.fixture
def big_catalog(db):
    """36 works (more than a page), the first two with 41 tags each, 36 related terms and FAQ entries."""
    term = seed_base()
    grow(term, 0, 36)
    return term


@pytest.mark.parametrize("viewer", VIEWERS)
def test_page_query_counts_are_pinned(big_catalog, django_assert_max_num_queries, viewer):
    pins = {page: PINS[page][viewer] for page in PAGES}
    assert_within_pins(client_for(viewer), PAGES, pins, django_assert_max_num_queries, viewer)


@pytest.mark.parametrize("viewer", VIEWERS)
def test_query_counts_do_not_grow_with_the_data(db, viewer):
    term = seed_base()
    grow(term, 0, 10)
    client = client_for(viewer)
    before = page_counts(client, PAGES)
    grow(term, 10, 10)
    assert page_counts(client, PAGES) == before


def test_the_big_catalog_really_is_big(big_catalog, client):
    """Guards the pins above: the pages they measure do list many rows."""
    pass_age_gate(client)
    assert len(card_titles(client.get("/works/"))) == 24
    assert len(card_titles(client.get(PAGES["work-list-filtered"]))) == 24
    assert len(card_titles(client.get(PAGES["tag-detail"]))) == 24
    assert html(client.get("/works/work-000/")).count('class="work-tag"') == 41
    assert html(client.get("/glossary/netorare/")).count('class="faq__item"') == 36
    assert len(card_titles(client.get("/search/?q=alpha"))) == 36
