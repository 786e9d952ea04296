"""Feeds and the sitemap render in a fixed number of SQL queries (DESIGN.md, rule 4).

Pinned with a catalog larger than a feed (so an N+1 would blow the pin), and measured again
at n and 2n rows of everything to show the count does not grow with the data. Feeds and the
sitemap never consult the visitor's session, so a signed-in member costs no more than a visitor.
"""

import pytest
from django.test import Client

from catalog.models import Work
from community.feeds import REVIEWS_FEED_SIZE
from community.models import Review
from tests.builders import make_member
from tests.query_counts import add_reviews, assert_within_pins, grow, page_counts, seed_base

PAGES = {
    "works-feed": "/works/feed/",
    "reviews-feed": "/works/work-000/reviews/feed/",
    "sitemap-index": "/sitemap.xml",
    "sitemap-pages": "/sitemap-pages.xml",
    "sitemap-works": "/sitemap-works.xml",
    "sitemap-tags": "/sitemap-tags.xml",
    "sitemap-glossary": "/sitemap-glossary.xml",
}

# Measured. The works feed: works, their card tags. The reviews feed: the work, its reviews with
# authors. The index: a count per section and the newest change of those with dates. A section:
# its count and its page. The same for every viewer.
PINS = {
    "works-feed": 2,
    "reviews-feed": 2,
    "sitemap-index": 5,
    "sitemap-pages": 0,
    "sitemap-works": 2,
    "sitemap-tags": 2,
    "sitemap-glossary": 2,
}

VIEWERS = ["visitor", "member"]


def client_for(viewer: str) -> Client:
    client = Client()
    if viewer == "member":
        client.force_login(make_member(age=30))
    return client


def add(term, start: int, k: int) -> None:
    """k more works (every other one 18+, each tagged), tags, terms, and k reviews of the all-ages work-000."""
    grow(term, start, k)
    add_reviews(Work.objects.get(slug="work-000"), k)


@pytest.fixture
def big_catalog(db):
    term = seed_base()
    add(term, 0, 60)
    return term


@pytest.mark.parametrize("viewer", VIEWERS)
def test_feed_and_sitemap_query_counts_are_pinned(big_catalog, django_assert_max_num_queries, viewer):
    assert_within_pins(client_for(viewer), PAGES, PINS, django_assert_max_num_queries, viewer)


@pytest.mark.parametrize("viewer", VIEWERS)
def test_feed_and_sitemap_query_counts_do_not_grow_with_the_data(db, viewer):
    term = seed_base()
    add(term, 0, 10)
    client = client_for(viewer)
    before = page_counts(client, PAGES)
    add(term, 10, 10)
    assert page_counts(client, PAGES) == before


def test_the_big_catalog_really_fills_the_feeds(big_catalog, client):
    """Guards the pins above: the feeds list many entries, each with tags or an author."""
    works_feed = client.get("/works/feed/").content.decode()
    assert works_feed.count("<entry>") == 30  # the 30 all-ages works of 60
    assert works_feed.count("<category ") >= 60
    reviews_feed = client.get("/works/work-000/reviews/feed/").content.decode()
    assert Review.objects.published().filter(work__slug="work-000").count() > REVIEWS_FEED_SIZE
    assert reviews_feed.count("<entry>") == REVIEWS_FEED_SIZE
    assert client.get("/sitemap-works.xml").content.decode().count("<url>") == 30
