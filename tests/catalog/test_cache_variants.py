"""Cached fragments and counts are keyed per kind of viewer.

The autouse ``cache.clear()`` in tests/conftest.py runs between tests, never inside one: each
test here renders the same page for two kinds of viewer in turn, so the second request meets
whatever the first one cached. A key that forgot a part of the viewer would serve one kind of
viewer's fragment to the other.
"""

import re

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from accounts.models import SpoilerLevel
from catalog import generation
from tests.builders import EXPLICIT_TAG_NAME, make_member, make_tag, make_work
from tests.pages import html, pass_age_gate

EXPLICIT_OPTION = '<option value="explicit-velvet">'
EXPLICIT_LINK = 'href="/tags/explicit-velvet/"'
_TAG_PICKER = re.compile(r'<select id="add-tags" name="tags"[^>]*>.*?</select>', re.S)


def gate_passed_client() -> Client:
    client = Client()
    pass_age_gate(client)
    return client


def tag_count(page: str, slug: str) -> int | None:
    """The count the tag index shows next to a tag (None when the tag is not listed)."""
    match = re.search(rf'href="/tags/{slug}/">[^<]*</a>\s*<span class="count"[^>]*>(\d+)</span>', page)
    return int(match.group(1)) if match else None


def tag_picker(page: str) -> str:
    match = _TAG_PICKER.search(page)
    assert match, "the works list has a tag picker"
    return match.group(0)


@pytest.mark.parametrize("gate_passed_first", [True, False], ids=["gate-passed-first", "anonymous-first"])
def test_tag_index_counts_are_cached_per_gate_state(world, gate_passed_first):
    def render(client):
        return html(client.get("/tags/"))

    if gate_passed_first:
        adult_page, anonymous_page = render(gate_passed_client()), render(Client())
    else:
        anonymous_page = render(Client())
        adult_page = render(gate_passed_client())

    assert EXPLICIT_TAG_NAME not in anonymous_page
    assert EXPLICIT_LINK not in anonymous_page
    assert tag_count(anonymous_page, "explicit-velvet") is None
    # The gate-passed visitor sees the explicit tag and its count, whoever came first.
    assert tag_count(adult_page, "explicit-velvet") == 1


@pytest.mark.parametrize("gate_passed_first", [True, False], ids=["gate-passed-first", "anonymous-first"])
def test_tag_picker_fragment_is_cached_per_gate_state(world, gate_passed_first):
    def render(client):
        return tag_picker(html(client.get("/works/")))

    if gate_passed_first:
        adult_picker, anonymous_picker = render(gate_passed_client()), render(Client())
    else:
        anonymous_picker = render(Client())
        adult_picker = render(gate_passed_client())

    assert EXPLICIT_OPTION not in anonymous_picker
    assert EXPLICIT_TAG_NAME not in anonymous_picker
    assert EXPLICIT_OPTION in adult_picker
    # Both list the ordinary tags: the fragment is really there for each.
    assert '<option value="hospital">' in anonymous_picker and '<option value="hospital">' in adult_picker


@pytest.mark.parametrize("member_first", [True, False], ids=["member-first", "anonymous-first"])
def test_tag_index_counts_spoiler_links_only_for_the_member_who_reads_them(world, member_first):
    """Same gate state (a member without a birth date has not passed it): only the spoiler level differs."""
    member = Client()
    member.force_login(make_member(age=None, max_spoiler_level=SpoilerLevel.MAJOR))

    def render(client):
        return html(client.get("/tags/"))

    if member_first:
        member_page, anonymous_page = render(member), render(Client())
    else:
        anonymous_page = render(Client())
        member_page = render(member)

    # Jealousy (level 1) and Regret (level 2) are spoiler links on both world works.
    assert tag_count(member_page, "jealousy") == 2
    assert tag_count(member_page, "regret") == 2
    assert tag_count(anonymous_page, "jealousy") == 0
    assert tag_count(anonymous_page, "regret") == 0
    # Spoiler-free links count alike for both.
    assert tag_count(member_page, "hospital") == tag_count(anonymous_page, "hospital") == 1


# --- what a process keeps per catalog generation (catalog.generation.memoised) ---------------------


def test_a_tag_made_after_a_filtered_list_can_be_chosen_at_once(db, client):
    first = make_tag("First")
    make_work("Has first", tags=[first])
    assert "Has first" in html(client.get("/works/?tags=first"))  # every tag, as of now, kept
    second = make_tag("Second")
    make_work("Has second", tags=[second])
    page = html(client.get("/works/?tags=second"))
    assert "Has second" in page and "There is no tag" not in page
    second.name = "Second renamed"
    second.save()
    assert "Second renamed" in html(client.get("/works/?tags=second"))


def test_one_process_copy_of_the_tags_still_rules_per_viewer(world, client):
    """The copy holds every tag; whether the viewer may choose an explicit one stays the policy's."""
    before_gate = html(client.get("/works/?tags=explicit-velvet"))
    assert "The tag “explicit-velvet” is shown after the age check." in before_gate
    after_gate = html(gate_passed_client().get("/works/?tags=explicit-velvet"))
    assert "shown after the age check" not in after_gate and "There is no tag" not in after_gate
    assert "There is no tag “no-such-tag”." in html(client.get("/works/?tags=no-such-tag"))


def test_a_filtered_list_checks_its_tags_without_a_query_once_read(world, client):
    client.get("/works/?tags=jealousy")
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/works/?exclude_tags=jealousy").status_code == 200
    assert not [q["sql"] for q in queries.captured_queries if 'FROM "catalog_tag"' in q["sql"]]


def test_without_a_shared_cache_nothing_is_kept_between_requests(world, client, settings):
    """With a memory cache per process (no Redis), another worker's edit would not move this one's
    generation: the tags are checked, the cards and the filter panel built, on every request."""
    settings.NTRDB_CACHE_SHARED = False
    for _ in range(2):
        with CaptureQueriesContext(connection) as filtered:
            assert '<form class="filters"' in html(client.get("/works/?exclude_tags=happy-couple"))
        assert [q for q in filtered.captured_queries if 'FROM "catalog_tag" ORDER BY' in q["sql"]]  # the tag copy
        with CaptureQueriesContext(connection) as unfiltered:
            assert "work-card" in html(client.get("/works/"))
        assert [q for q in unfiltered.captured_queries if 'FROM "catalog_worktag"' in q["sql"]]  # the cards' tags
    assert not [key for key in cache._cache if "card:" in key or "works-list:filters-" in key]  # locmem's store


def test_the_generation_starts_afresh_after_the_cache_is_emptied(db):
    """A process keeps tags under the number it read; after a flush the number must be a new one,
    or that copy would pass for the catalog's new state."""
    seen = {generation.current()}
    for _ in range(3):
        cache.clear()
        seen.add(generation.current())
    assert len(seen) == 4 and 1 not in seen


_FILTERS_PANEL = re.compile(r'<form class="filters".*?</form>', re.S)


def test_the_filter_panel_is_cached_per_list_sort_and_kind_of_viewer(world, client):
    def panel(url, viewer_client=client) -> str:
        return _FILTERS_PANEL.search(html(viewer_client.get(url))).group(0)

    assert '<option value="title" selected>' in panel("/works/?sort=title")
    assert '<option value="-year" selected>' in panel("/works/?sort=-year")
    assert '<option value="-year" selected>' in panel("/works/?sort=-year&page=2")  # every page alike
    assert 'value="Blue"' in panel("/works/?q=Blue") and 'value="Red"' in panel("/works/?q=Red")
    assert "Explicit Velvet" not in panel("/works/?tags=explicit-velvet")
    assert "Explicit Velvet" in panel("/works/?tags=explicit-velvet", gate_passed_client())
