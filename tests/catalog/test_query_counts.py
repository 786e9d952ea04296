"""Every page renders in a constant number of SQL queries (DESIGN.md, rule 4).

Each page is pinned at its measured count with a catalog large enough that an
N+1 would blow the pin, and measured again at n and 2n rows to show the count
does not grow with the data.
"""

import pytest

from tests.pages import card_titles, html, pass_age_gate
from tests.query_counts import (
    CATALOG_PAGES,
    CATALOG_PINS,
    CATALOG_VIEWERS,
    assert_within_pins,
    catalog_client,
    grow,
    page_counts,
    seed_base,
)


@pytest.mark.parametrize("viewer", CATALOG_VIEWERS)
def test_page_query_counts_are_pinned(big_catalog, django_assert_max_num_queries, viewer):
    pins = {page: CATALOG_PINS[page][viewer] for page in CATALOG_PAGES}
    assert_within_pins(catalog_client(viewer), CATALOG_PAGES, pins, django_assert_max_num_queries, viewer)


@pytest.mark.parametrize("viewer", CATALOG_VIEWERS)
def test_query_counts_do_not_grow_with_the_data(db, viewer):
    term = seed_base()
    grow(term, 0, 10)
    client = catalog_client(viewer)
    before = page_counts(client, CATALOG_PAGES)
    grow(term, 10, 10)
    assert page_counts(client, CATALOG_PAGES) == before


def test_the_big_catalog_really_is_big(big_catalog, client):
    """Guards the pins above: the pages they measure do list many rows."""
    pass_age_gate(client)
    assert len(card_titles(client.get("/works/"))) == 24
    assert len(card_titles(client.get(CATALOG_PAGES["work-list-filtered"]))) == 24
    assert len(card_titles(client.get(CATALOG_PAGES["tag-detail"]))) == 24
    assert html(client.get("/works/work-000/")).count('class="work-tag"') == 41
    assert html(client.get("/glossary/netorare/")).count('class="faq__item"') == 36
    assert len(card_titles(client.get("/search/?q=alpha"))) == 36
