"""Cached fragments and counts are keyed per kind of viewer.

The autouse ``cache.clear()`` in tests/conftest.py runs between tests, never inside one: each
test here renders the same page for two kinds of viewer in turn, so the second request meets
whatever the first one cached. A key that forgot a part of the viewer would serve one kind of
viewer's fragment to the other.
"""

import re

import pytest
from django.test import Client

from accounts.models import SpoilerLevel
from tests.builders import EXPLICIT_TAG_NAME, make_member
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
