"""Work cards (catalog/cards.py): what a card shows comes from the policy's rows, and nothing else."""

import re

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from accounts.viewer import ANONYMOUS_VIEWER
from catalog.cards import work_cards
from catalog.models import AgeRating, Tag, TagCategory, Work, WorkTag
from tests.builders import ADULT_SYNOPSIS, EXPLICIT_TAG_NAME, make_tag, make_work, tag_work
from tests.pages import html, pass_age_gate


def test_a_locked_card_shows_the_title_and_year_only(db):
    work = make_work("Locked Title", age_rating=AgeRating.R18, synopsis=ADULT_SYNOPSIS, original_title="トライアングル")
    tag_work(work, make_tag("Open tag"))
    (card,) = work_cards(Work.objects.for_viewer(ANONYMOUS_VIEWER), ANONYMOUS_VIEWER)
    assert card.is_locked and card.title == "Locked Title"
    assert (card.synopsis, card.original_title, card.tags) == ("", "", ())
    assert card.cover.is_placeholder


def test_a_work_loaded_without_the_policy_counts_as_locked_when_it_is_18_plus(db):
    """A caller that forgets ``works_for_viewer`` gets locked cards for 18+ works, not an error."""
    make_work("Adult", age_rating=AgeRating.R18, synopsis=ADULT_SYNOPSIS)
    make_work("Everyone", age_rating=AgeRating.ALL, synopsis="Two friends drift apart.")
    cards = {card.title: card for card in work_cards(Work.objects.all(), ANONYMOUS_VIEWER)}
    assert cards["Adult"].is_locked and cards["Adult"].synopsis == ""
    assert not cards["Everyone"].is_locked and cards["Everyone"].synopsis == "Two friends drift apart."


# --- the cards' HTML, cached per side of the age gate (catalog.cards.printed_cards) ---------------


def _card(page: str, title: str) -> str:
    match = re.search(
        rf'<article class="work-card[^"]*">(?:(?!</article>).)*?>{re.escape(title)}</a>.*?</article>', page, re.S
    )
    return match.group(0) if match else ""


def test_an_edit_shows_on_the_cached_card_at_once(db, client):
    work = make_work("Before", synopsis="Old synopsis.", tags=[make_tag("Rain")])
    assert "Old synopsis." in _card(html(client.get("/works/")), "Before")
    work.title, work.synopsis = "After", "New synopsis."
    work.save()
    card = _card(html(client.get("/works/")), "After")
    assert "New synopsis." in card and "Rain" in card
    rain = Tag.objects.get(slug="rain")
    rain.name = "Drizzle"
    rain.save()
    assert "Drizzle" in _card(html(client.get("/works/")), "After")
    WorkTag.objects.filter(work=work).delete()
    assert "Drizzle" not in _card(html(client.get("/works/")), "After")


@pytest.mark.parametrize("adult_first", [True, False], ids=["adult first", "visitor first"])
def test_a_locked_card_and_an_open_one_never_share_the_cache(db, adult_first):
    make_work("Adult", age_rating=AgeRating.R18, synopsis=ADULT_SYNOPSIS, tags=[make_tag("Open tag")])
    visitor, adult = Client(), Client()
    pass_age_gate(adult)
    pages = {who: html(who.get("/works/")) for who in ([adult, visitor] if adult_first else [visitor, adult])}
    assert "work-card--locked" in _card(pages[visitor], "Adult")
    assert ADULT_SYNOPSIS not in pages[visitor] and "Open tag" not in _card(pages[visitor], "Adult")
    assert ADULT_SYNOPSIS in _card(pages[adult], "Adult") and "Open tag" in _card(pages[adult], "Adult")


@pytest.mark.parametrize("adult_first", [True, False], ids=["adult first", "visitor first"])
def test_an_open_cards_explicit_tag_is_cached_for_its_side_of_the_gate_only(db, adult_first):
    """An all-ages work is an open card on both sides; an explicit tag on it is printed only past the
    gate, so the two sides' cards must not share a key although neither is locked."""
    make_work(
        "Everyone",
        synopsis="Two friends drift apart.",
        tags=[make_tag(EXPLICIT_TAG_NAME, category=TagCategory.CONTENT)],
    )
    visitor, adult = Client(), Client()
    pass_age_gate(adult)
    pages = {who: html(who.get("/works/")) for who in ([adult, visitor] if adult_first else [visitor, adult])}
    assert EXPLICIT_TAG_NAME in _card(pages[adult], "Everyone")
    assert "Two friends drift apart." in _card(pages[visitor], "Everyone")
    assert EXPLICIT_TAG_NAME not in pages[visitor]


def test_a_page_of_cached_cards_reads_no_card_tags(db, client):
    for i in range(5):
        make_work(f"Work {i}", tags=[make_tag(f"Tag {i}")])
    client.get("/works/")
    cache.clear()
    with CaptureQueriesContext(connection) as cold:
        client.get("/works/")
    with CaptureQueriesContext(connection) as warm:
        page = html(client.get("/works/"))
    assert "Tag 3" in _card(page, "Work 3")
    tag_reads = [q["sql"] for q in cold.captured_queries if 'FROM "catalog_worktag"' in q["sql"]]
    assert tag_reads and not [q["sql"] for q in warm.captured_queries if 'FROM "catalog_worktag"' in q["sql"]]
