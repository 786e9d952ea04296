"""Member preferences: hidden tags, 18+ works in lists, spoiler level."""

import re

import pytest

from accounts.models import SpoilerLevel
from tests.builders import ADULT_SYNOPSIS, SAFE_SYNOPSIS, SPOILER1_NOTE, SPOILER2_NOTE, make_member
from tests.pages import card_titles, html


def member(client, **fields):
    user = make_member(age=30, **fields)
    client.force_login(user)
    return user


def hiding(client, *tags):
    user = member(client)
    user.hidden_tags.add(*tags)
    return user


@pytest.mark.parametrize("url", ["/works/", "/", "/tags/netori/", "/search/?q=sunny", "/glossary/netorare/"])
def test_hidden_tags_leave_works_out_of_every_list(world, client, url):
    assert "Sunny Afternoon" in card_titles(client.get(url))
    hiding(client, world.tags.hospital)
    response = client.get(url)
    assert response.status_code == 200
    assert "Sunny Afternoon" not in card_titles(response)
    assert SAFE_SYNOPSIS not in html(response)


def test_work_list_says_how_many_works_preferences_hid(world, client):
    hiding(client, world.tags.hospital)
    response = client.get("/works/")
    assert card_titles(response) == ["Triangle Blue"]
    assert "1 work is hidden by your tag preferences." in html(response)


def test_hidden_count_is_plural_and_counts_published_works_only(world, client):
    # Jealousy is on both published works; the unpublished draft carries neither tag hidden here.
    hiding(client, world.tags.jealousy)
    response = client.get("/works/")
    assert card_titles(response) == []
    assert "2 works are hidden by your tag preferences." in html(response)


def test_hidden_count_follows_the_active_filters(world, client):
    hiding(client, world.tags.jealousy)
    assert "1 work is hidden by your tag preferences." in html(client.get("/works/?kind=manga"))


def test_no_hidden_notice_without_hidden_tags(world, client):
    member(client)
    assert "hidden by your tag preferences" not in html(client.get("/works/"))


def test_hidden_tag_counts_drop_on_the_tag_index(world, client):
    hiding(client, world.tags.hospital)
    page = html(client.get("/tags/"))
    assert re.search(r'href="/tags/netori/">Netori</a>\s*<span class="count"[^>]*>0</span>', page)


def test_a_direct_link_still_opens_a_hidden_work_and_says_why_it_is_unlisted(world, client):
    hiding(client, world.tags.hospital)
    page = html(client.get("/works/sunny-afternoon/"))
    assert SAFE_SYNOPSIS in page
    assert "left out of your lists" in page and "Hospital" in page


@pytest.mark.parametrize("url", ["/works/", "/", "/tags/netorare/", "/search/?q=triangle", "/glossary/netorare/"])
def test_members_can_leave_r18_works_out_of_lists(world, client, url):
    member(client, show_adult_works=False)
    response = client.get(url)
    assert response.status_code == 200
    assert "Triangle Blue" not in card_titles(response)
    assert ADULT_SYNOPSIS not in html(response)


def test_r18_works_left_out_are_not_counted_on_tags(world, client):
    member(client, show_adult_works=False)
    page = html(client.get("/tags/"))
    assert re.search(r'href="/tags/happy-couple/">Happy couple</a>\s*<span class="count"[^>]*>0</span>', page)


def spoiler_block(page: str) -> str:
    match = re.search(r'<details class="spoilers">.*?</details>', page, re.S)
    return match.group(0) if match else ""


@pytest.mark.parametrize(
    "level, open_notes, behind_toggle",
    [
        (SpoilerLevel.NONE, [], [SPOILER1_NOTE, SPOILER2_NOTE]),
        (SpoilerLevel.MINOR, [SPOILER1_NOTE], [SPOILER2_NOTE]),
        (SpoilerLevel.MAJOR, [SPOILER1_NOTE, SPOILER2_NOTE], []),
    ],
)
def test_max_spoiler_level_decides_which_tags_are_collapsed(world, client, level, open_notes, behind_toggle):
    member(client, max_spoiler_level=level)
    page = html(client.get("/works/sunny-afternoon/"))
    spoilers = spoiler_block(page)
    outside = page.replace(spoilers, "")
    for note in open_notes:
        assert note in outside and note not in spoilers
    for note in behind_toggle:
        assert note in spoilers and note not in outside
    assert ("Show spoiler tags" in page) is bool(behind_toggle)


def test_show_hidden_lists_the_hidden_works_this_once(world, client):
    hiding(client, world.tags.hospital)
    page = html(client.get("/works/"))
    assert 'href="?show_hidden=1">Show them this once</a>' in page
    response = client.get("/works/?show_hidden=1")
    assert card_titles(response) == ["Sunny Afternoon", "Triangle Blue"]
    assert "hidden by your tag preferences" not in html(response)
    assert "Showing works your hidden tags would leave out." in html(response)
    assert card_titles(client.get("/works/")) == ["Triangle Blue"]  # only this once


def test_hidden_count_only_counts_works_the_hidden_tags_alone_leave_out(world, client):
    """Regression: the hidden count ignored show_adult_works."""
    user = member(client, show_adult_works=False)
    user.hidden_tags.add(world.tags.happy)  # only on Triangle Blue, which is 18+ and left out anyway
    response = client.get("/works/")
    assert card_titles(response) == ["Sunny Afternoon"]
    assert card_titles(client.get("/works/?show_hidden=1")) == ["Sunny Afternoon"]
    assert "hidden by your tag preferences" not in html(response)
