"""Holes in the visibility policy (catalog/visibility.py), pinned one rule at a time.

- Hidden explicit tags take effect only once the age gate is passed.
- A work page names a hidden tag only if the viewer reads it openly (not a folded spoiler).
- Hidden tags and exclusions match every link, spoilers included; the hidden count says no
  more than the lists already imply.
- Spoiler levels 1 and 2 on cards, the refine panel, the work page and tag pages.
"""

import re

import pytest

from accounts.models import SpoilerLevel
from catalog.models import AgeRating
from tests.builders import EXPLICIT_TAG_NAME, make_member, make_tag, make_work
from tests.pages import card_for, card_titles, cards, html, pass_age_gate

HIDDEN_NOTICE = "hidden by your tag preferences"
_WORK_NOTICE = re.compile(r'<p class="notice">This work is left out of your lists.*?</p>', re.S)
_REFINE = re.compile(r'<section class="refine".*?</section>', re.S)
_SPOILERS = re.compile(r'<details class="spoilers">.*?</details>', re.S)


def work_notice(response) -> str:
    """The work page's "left out of your lists" notice ('' when there is none)."""
    match = _WORK_NOTICE.search(html(response))
    return match.group(0) if match else ""


def refine_panel(response) -> str:
    match = _REFINE.search(html(response))
    return match.group(0) if match else ""


def tag_count(response, slug) -> int:
    """The work count the tag index shows next to a tag."""
    match = re.search(rf'href="/tags/{slug}/">[^<]*</a>\s*<span class="count"[^>]*>(\d+)</span>', html(response))
    assert match, f"no count for {slug}"
    return int(match.group(1))


def sign_in(client, user):
    client.force_login(user)
    return user


# --- 1. hidden explicit tags before the gate --------------------------------------------------


@pytest.fixture
def second_adult_work(world):
    """An 18+ work without the explicit tag, so hiding it would tell the two 18+ works apart."""
    return make_work("Crimson Letter", age_rating=AgeRating.R18, tags=[world.tags.netori])


def test_hidden_explicit_tag_does_not_say_which_18_works_carry_it_before_the_gate(world, client, second_adult_work):
    """An account without a birth date (createsuperuser) has not passed the gate this session."""
    user = sign_in(client, make_member(age=None))
    assert user.birth_date is None
    user.hidden_tags.add(world.tags.explicit)

    response = client.get("/works/")
    assert sorted(card_titles(response)) == ["Crimson Letter", "Sunny Afternoon", "Triangle Blue"]
    assert HIDDEN_NOTICE not in html(response)
    # Asking to see what the hidden tags leave out shows the very same list: nothing to tell apart.
    shown = client.get("/works/?show_hidden=1")
    assert sorted(card_titles(shown)) == ["Crimson Letter", "Sunny Afternoon", "Triangle Blue"]
    assert HIDDEN_NOTICE not in html(shown)
    assert EXPLICIT_TAG_NAME not in html(shown)
    # The work page says nothing either (Triangle Blue answers with the gate anyway).
    assert work_notice(client.get("/works/sunny-afternoon/")) == ""


def test_hidden_explicit_tag_takes_effect_once_the_gate_is_passed(world, client, second_adult_work):
    user = sign_in(client, make_member(age=None))
    user.hidden_tags.add(world.tags.explicit)
    pass_age_gate(client)

    response = client.get("/works/")
    assert sorted(card_titles(response)) == ["Crimson Letter", "Sunny Afternoon"]
    assert "1 work is hidden by your tag preferences." in html(response)
    assert sorted(card_titles(client.get("/works/?show_hidden=1"))) == [
        "Crimson Letter",
        "Sunny Afternoon",
        "Triangle Blue",
    ]
    assert f"a tag you hide: {EXPLICIT_TAG_NAME}." in work_notice(client.get("/works/triangle-blue/"))


def test_hidden_explicit_tag_leaves_no_trace_on_the_tag_index_before_the_gate(world, client, second_adult_work):
    """The tag index counts works per tag; a hidden explicit tag must not lower the counts of 18+ works."""
    user = sign_in(client, make_member(age=None))
    user.hidden_tags.add(world.tags.explicit)
    # Happy couple is on Triangle Blue only, which carries the explicit tag: still counted.
    assert tag_count(client.get("/tags/"), "happy-couple") == 1


# --- 2. the work page names only hidden tags it shows openly -----------------------------------


def test_work_page_names_a_hidden_tag_that_is_not_a_spoiler(world, client):
    user = sign_in(client, make_member(age=30))
    user.hidden_tags.add(world.tags.hospital)
    notice = work_notice(client.get("/works/sunny-afternoon/"))
    assert "has a tag you hide: Hospital." in notice


def test_work_page_does_not_name_a_hidden_tag_that_is_a_spoiler_above_the_viewers_level(world, client):
    user = sign_in(client, make_member(age=30))  # max_spoiler_level 0; Regret is a level-2 spoiler here
    user.hidden_tags.add(world.tags.regret)
    notice = work_notice(client.get("/works/sunny-afternoon/"))
    assert notice, "the page still says why the work is unlisted"
    assert "Regret" not in notice
    assert "has a tag you hide shown as a spoiler." in notice


def test_work_page_names_open_hidden_tags_and_counts_the_spoilers(world, client):
    user = sign_in(client, make_member(age=30, max_spoiler_level=SpoilerLevel.MINOR))
    user.hidden_tags.add(world.tags.hospital, world.tags.jealousy, world.tags.regret)
    notice = work_notice(client.get("/works/sunny-afternoon/"))
    # Jealousy (level 1) is read openly at level 1; Regret (level 2) is not.
    assert "tags you hide: Hospital, Jealousy, and 1 more shown as a spoiler." in notice
    assert "Regret" not in notice


def test_work_page_names_a_spoiler_hidden_tag_for_a_member_who_reads_that_level(world, client):
    user = sign_in(client, make_member(age=30, max_spoiler_level=SpoilerLevel.MAJOR))
    user.hidden_tags.add(world.tags.regret)
    assert "has a tag you hide: Regret." in work_notice(client.get("/works/sunny-afternoon/"))


# --- 3. hidden tags and exclusions match spoiler links too -------------------------------------


@pytest.fixture
def twist(world):
    """A tag carried by one work only, and only as a major spoiler."""
    tag = make_tag("Secret Twist")
    make_work("Quiet Harbour", tags=[world.tags.netori, (tag, SpoilerLevel.MAJOR)])
    return tag


def test_a_tag_hidden_only_as_a_major_spoiler_still_leaves_the_work_out(world, client, twist):
    user = sign_in(client, make_member(age=30))  # max_spoiler_level 0
    user.hidden_tags.add(twist)

    response = client.get("/works/")
    assert "Quiet Harbour" not in card_titles(response)
    assert "1 work is hidden by your tag preferences." in html(response)
    assert "Secret Twist" not in refine_panel(response)
    assert all("Secret Twist" not in card for card in cards(response))

    shown = client.get("/works/?show_hidden=1")
    assert "Quiet Harbour" in card_titles(shown)
    # The card and the refine panel still keep the spoiler to themselves.
    assert "Secret Twist" not in card_for(shown, "Quiet Harbour")
    assert "Secret Twist" not in refine_panel(shown)
    # And the work's own page keeps it folded, counted but not named.
    page = client.get("/works/quiet-harbour/")
    assert "Secret Twist" not in work_notice(page)
    assert "has a tag you hide shown as a spoiler." in work_notice(page)


def test_the_hidden_count_agrees_with_the_list_for_spoiler_links(world, client, twist):
    """Every work the list leaves out for a hidden tag is counted, and no other."""
    user = sign_in(client, make_member(age=30))
    user.hidden_tags.add(twist, world.tags.regret)  # Regret: a level-2 spoiler on both world works
    listed = set(card_titles(client.get("/works/")))
    everything = set(card_titles(client.get("/works/?show_hidden=1")))
    assert listed == set()
    assert everything == {"Quiet Harbour", "Sunny Afternoon", "Triangle Blue"}
    assert f"{len(everything - listed)} works are hidden by your tag preferences." in html(client.get("/works/"))


def test_excluding_a_tag_leaves_out_works_that_carry_it_only_as_a_spoiler(world, client, twist):
    response = client.get(f"/works/?exclude_tags={twist.slug}")
    assert "Quiet Harbour" not in card_titles(response)
    assert "Sunny Afternoon" in card_titles(response)


# --- 6. spoiler levels 1 and 2 -----------------------------------------------------------------


def member_at(client, level):
    return sign_in(client, make_member(age=30, max_spoiler_level=level))


@pytest.mark.parametrize("level", [SpoilerLevel.NONE, SpoilerLevel.MINOR, SpoilerLevel.MAJOR])
def test_cards_and_the_refine_panel_show_only_spoiler_free_links_at_every_level(world, client, level):
    member_at(client, level)
    response = client.get("/works/")
    sunny = card_for(response, "Sunny Afternoon")
    assert 'href="/tags/netori/">Netori</a>' in sunny and 'href="/tags/hospital/">Hospital</a>' in sunny
    assert "Jealousy" not in sunny and "Regret" not in sunny
    triangle = card_for(response, "Triangle Blue")
    assert 'href="/tags/netorare/">Netorare</a>' in triangle
    assert "Jealousy" not in triangle and "Regret" not in triangle

    refine = refine_panel(response)
    assert ">Netori</a>" in refine and ">Hospital</a>" in refine
    assert "Jealousy" not in refine and "Regret" not in refine


def work_page_sections(client, slug):
    page = html(client.get(f"/works/{slug}/"))
    folded = _SPOILERS.search(page)
    folded_html = folded.group(0) if folded else ""
    tags_section = re.search(r'<section aria-labelledby="tags-title".*?</section>', page, re.S).group(0)
    return tags_section.replace(folded_html, ""), folded_html


@pytest.mark.parametrize(
    ("level", "open_tags", "folded_tags"),
    [
        (SpoilerLevel.NONE, {"Netori", "Hospital"}, {"Jealousy", "Regret"}),
        (SpoilerLevel.MINOR, {"Netori", "Hospital", "Jealousy"}, {"Regret"}),
        (SpoilerLevel.MAJOR, {"Netori", "Hospital", "Jealousy", "Regret"}, set()),
    ],
)
def test_the_work_page_unfolds_spoilers_up_to_the_members_level(world, client, level, open_tags, folded_tags):
    member_at(client, level)
    shown, folded = work_page_sections(client, "sunny-afternoon")
    every_tag = {"Netori", "Hospital", "Jealousy", "Regret"}
    for name in every_tag:
        link = f">{name}</a>"
        assert (link in shown) == (name in open_tags), name
        assert (link in folded) == (name in folded_tags), name
    assert ("Show spoiler tags" in folded) == bool(folded_tags)


@pytest.mark.parametrize(
    ("level", "on_regret_page", "on_jealousy_page"),
    [
        (SpoilerLevel.NONE, [], []),
        (SpoilerLevel.MINOR, [], ["Sunny Afternoon", "Triangle Blue"]),
        (SpoilerLevel.MAJOR, ["Sunny Afternoon", "Triangle Blue"], ["Sunny Afternoon", "Triangle Blue"]),
    ],
)
def test_tag_pages_list_spoiler_links_only_up_to_the_members_level(
    world, client, level, on_regret_page, on_jealousy_page
):
    member_at(client, level)
    assert card_titles(client.get("/tags/regret/")) == on_regret_page  # level-2 links
    assert card_titles(client.get("/tags/jealousy/")) == on_jealousy_page  # level-1 links
