"""/tags/ and /tags/<slug>/."""

import re

from django.core.cache import cache

from catalog.models import TagCategory
from tests.builders import ADULT_SYNOPSIS, EXPLICIT_TAG_NAME, make_member, make_tag, make_work
from tests.pages import card_for, card_titles, html, pass_age_gate


def count_of(page: str, slug: str) -> int:
    match = re.search(rf'href="/tags/{slug}/">[^<]*</a>\s*<span class="count" aria-label="[^"]*">(\d+)</span>', page)
    assert match, f"tag {slug} not listed"
    return int(match.group(1))


def test_tag_index_groups_tags_by_category(world, client):
    page = html(client.get("/tags/"))
    headings = re.findall(r'<h2 id="cat-\d+">(.*?)</h2>', page)
    assert headings == ["Perspective", "Setup", "Theme", "Setting"]
    setting = page.split(">Setting</h2>", 1)[1]
    assert 'href="/tags/hospital/"' in setting and 'href="/tags/netorare/"' not in setting


def test_tag_index_counts_visible_works_only(world, client):
    page = html(client.get("/tags/"))
    assert count_of(page, "jealousy") == 0  # on both works only as a minor spoiler
    assert count_of(page, "netorare") == 1  # the unpublished draft is not counted
    assert count_of(page, "hospital") == 1
    assert count_of(page, "lonely-tag") == 0
    assert 'aria-label="1 work"' in page and 'aria-label="0 works"' in page


def test_tag_index_lists_content_category_after_the_gate(world, gate_passed_client):
    page = html(gate_passed_client.get("/tags/"))
    assert re.findall(r'<h2 id="cat-\d+">(.*?)</h2>', page)[-1] == "Content"
    assert count_of(page, "explicit-velvet") == 1


def test_tag_index_counts_follow_publishing_once_the_cached_counts_expire(world, client):
    assert count_of(html(client.get("/tags/")), "netorare") == 1
    world.draft.is_published = True
    world.draft.save()
    cache.clear()  # counts are cached for TAG_COUNT_CACHE_SECONDS
    assert count_of(html(client.get("/tags/")), "netorare") == 2


def test_tag_page_shows_description_term_and_works(world, client):
    response = client.get("/tags/netorare/")
    page = html(response)
    assert "<h1>Netorare</h1>" in page
    assert "Seen from the betrayed side." in page
    assert "Also: NTR" in page
    assert 'In the glossary: <a href="/glossary/netorare/">Netorare</a>' in page
    assert "1 work" in page
    assert card_titles(response) == ["Triangle Blue"]
    assert "Hidden Draft" not in page
    assert 'href="/works/?tags=netorare"' in page


def test_tag_page_lists_all_ages_works_in_full(world, client):
    card = card_for(client.get("/tags/hospital/"), "Sunny Afternoon")
    assert "Lighthouse-marker" in card


def test_tag_page_without_a_published_term_has_no_glossary_link(world, client):
    world.tags.jealousy.term = world.terms.draft
    world.tags.jealousy.save()
    page = html(client.get("/tags/jealousy/"))
    assert "In the glossary" not in page
    assert "Draftterm" not in page


def tag_tree(page: str) -> dict[str, list[str]]:
    """The "Broader tag" and "Narrower tags" rows of a tag page, as tag names."""
    match = re.search(r'<dl class="tag-tree".*?</dl>', page, re.S)
    if not match:
        return {}
    rows = re.findall(r"<dt>(.*?)</dt><dd>(.*?)</dd>", match.group(0), re.S)
    return {label: re.findall(r'<a class="tag[^"]*" href="[^"]*">(.*?)</a>', links) for label, links in rows}


def test_tag_page_links_parent_and_children(world, client):
    sorrow = make_tag("Sorrow", category=TagCategory.THEME, parent=world.tags.regret)
    make_tag("Explicit child", category=TagCategory.CONTENT, parent=world.tags.regret)
    page = html(client.get("/tags/regret/"))
    assert tag_tree(page) == {"Narrower tags": ["Sorrow"]}
    assert "Explicit child" not in page
    assert "Works tagged with a narrower tag are listed here too." in page
    assert tag_tree(html(client.get(sorrow.get_absolute_url()))) == {"Broader tag": ["Regret"]}


def test_tag_index_shows_each_tags_place_in_the_tree(world, client):
    unhappy = make_tag("Unhappy ending", category=TagCategory.THEME)
    world.tags.regret.parent = unhappy
    world.tags.regret.save()
    make_tag("Explicit child", category=TagCategory.CONTENT, parent=unhappy)
    page = html(client.get("/tags/"))
    regret = page.split('class="tag tag--theme" href="/tags/regret/"', 1)[1].split("</li>", 1)[0]
    assert 'Under <a href="/tags/unhappy-ending/">Unhappy ending</a>' in regret
    ending = page.split('class="tag tag--theme" href="/tags/unhappy-ending/"', 1)[1].split("</li>", 1)[0]
    assert 'Narrower: <a href="/tags/regret/">Regret</a></p>' in ending
    assert "Explicit child" not in page


def test_a_broader_tag_lists_and_counts_the_works_of_its_narrower_tags(world, client):
    unhappy = make_tag("Unhappy ending", category=TagCategory.THEME)
    world.tags.hospital.parent = unhappy  # on Sunny Afternoon, openly
    world.tags.hospital.save()
    make_work("Plain Sad", tags=[unhappy])
    assert sorted(card_titles(client.get("/tags/unhappy-ending/"))) == ["Plain Sad", "Sunny Afternoon"]
    assert count_of(html(client.get("/tags/")), "unhappy-ending") == 2
    assert count_of(html(client.get("/tags/")), "hospital") == 1


def test_an_explicit_narrower_tag_counts_for_its_broader_tag_only_past_the_gate(world, client):
    unhappy = make_tag("Unhappy ending", category=TagCategory.THEME)
    world.tags.explicit.parent = unhappy  # Explicit Velvet is on Triangle Blue, openly
    world.tags.explicit.save()
    assert card_titles(client.get("/tags/unhappy-ending/")) == []
    assert count_of(html(client.get("/tags/")), "unhappy-ending") == 0
    cache.clear()
    pass_age_gate(client)
    assert card_titles(client.get("/tags/unhappy-ending/")) == ["Triangle Blue"]
    assert count_of(html(client.get("/tags/")), "unhappy-ending") == 1


def test_a_work_with_both_the_broader_and_a_narrower_tag_counts_once(world, client):
    unhappy = make_tag("Unhappy ending", category=TagCategory.THEME)
    world.tags.hospital.parent = unhappy
    world.tags.hospital.save()
    make_work("Ward Tears", tags=[unhappy, world.tags.hospital])
    assert count_of(html(client.get("/tags/")), "unhappy-ending") == 2  # Ward Tears and Sunny Afternoon


# --- spoiler tags stay findable -------------------------------------------------------------------


def spoiler_notice(response) -> str:
    match = re.search(r'<p class="notice notice--spoiler">(.*?)</p>', html(response), re.S)
    return re.sub(r"\s+", " ", match.group(1)).strip() if match else ""


def test_a_spoiler_tags_page_says_how_many_works_carry_it_as_a_spoiler(world, client):
    """Jealousy is a minor spoiler on both works that carry it: the page counts them without naming them."""
    response = client.get("/tags/jealousy/")
    notice = spoiler_notice(response)
    assert notice.startswith("No work carries this tag openly: 2 works carry it as a spoiler.")
    assert '<a href="?spoilers=2">Show them (reveals spoilers)</a>' in notice
    assert "Triangle Blue" not in notice and "Sunny Afternoon" not in notice
    assert card_titles(response) == []
    assert "No works carry this tag openly." in html(response)
    assert "No works carry this tag yet." not in html(response)


def test_one_click_reveals_a_spoiler_tags_works_for_that_request_only(world, client):
    revealed = client.get("/tags/jealousy/?spoilers=2")
    assert sorted(card_titles(revealed)) == ["Sunny Afternoon", "Triangle Blue"]
    assert spoiler_notice(revealed).startswith(
        "Showing spoilers: works that carry this tag as a spoiler are listed too."
    )
    assert 'href="/works/?tags=jealousy&amp;spoilers=2"' in html(revealed)
    # The cards still show spoiler-free tags only, and the 18+ work stays locked.
    assert "Jealousy" not in card_for(revealed, "Sunny Afternoon")
    assert "Details shown after the age check." in card_for(revealed, "Triangle Blue")
    assert card_titles(client.get("/tags/jealousy/")) == []  # the next request is back to the member's level


def test_a_reveal_never_passes_the_age_gate(world, client):
    assert "Are you 18 or older?" in html(client.get("/tags/explicit-velvet/?spoilers=2"))
    assert EXPLICIT_TAG_NAME not in html(client.get("/works/?tags=explicit-velvet&spoilers=2"))
    assert ADULT_SYNOPSIS not in html(client.get("/tags/regret/?spoilers=2"))


def test_a_malformed_reveal_is_ignored(world, client):
    for value in ("9", "-1", "x", ""):
        response = client.get(f"/tags/jealousy/?spoilers={value}")
        assert response.status_code == 200 and card_titles(response) == []


def test_the_spoiler_count_leaves_out_works_the_member_hides(world, client):
    member = make_member(age=30)
    member.hidden_tags.add(world.tags.hospital)  # on Sunny Afternoon
    client.force_login(member)
    assert spoiler_notice(client.get("/tags/jealousy/")).startswith(
        "No work carries this tag openly: 1 work carries it as a spoiler."
    )


def test_a_member_who_reads_every_spoiler_is_offered_no_reveal(world, client):
    client.force_login(make_member(age=30, max_spoiler_level=2))
    response = client.get("/tags/regret/")
    assert spoiler_notice(response) == ""
    assert sorted(card_titles(response)) == ["Sunny Afternoon", "Triangle Blue"]


def test_tag_index_offers_the_reveal_next_to_each_count(world, client):
    page = html(client.get("/tags/"))
    jealousy = page.split('href="/tags/jealousy/"', 1)[1].split("</li>", 1)[0]
    assert count_of(page, "jealousy") == 0
    assert 'href="/tags/jealousy/?spoilers=2">+2 as spoilers' in jealousy
    assert "show the works that carry Jealousy as a spoiler (reveals spoilers)" in jealousy
    hospital = page.split('href="/tags/hospital/"', 1)[1].split("</li>", 1)[0]
    assert "as spoiler" not in hospital


def test_a_filter_on_a_spoiler_tag_says_why_nothing_matched(world, client):
    response = client.get("/works/?tags=jealousy")
    assert card_titles(response) == []
    notice = spoiler_notice(response)
    assert notice.startswith("No work carries these tags openly: 2 works carry them as a spoiler.")
    assert '<a href="?tags=jealousy&amp;spoilers=2">Show them (reveals spoilers)</a>' in notice
    revealed = client.get("/works/?tags=jealousy&spoilers=2")
    assert sorted(card_titles(revealed)) == ["Sunny Afternoon", "Triangle Blue"]
    assert "Showing spoilers" in spoiler_notice(revealed)
    assert spoiler_notice(client.get("/works/?tags=hospital")) == ""


# --- hidden tags ------------------------------------------------------------------------------------


def test_a_hidden_tags_page_says_so_and_shows_its_works_once(world, client):
    member = make_member(age=30)
    member.hidden_tags.add(world.tags.hospital)
    client.force_login(member)
    response = client.get("/tags/hospital/")
    page = html(response)
    assert card_titles(response) == []
    assert "Hospital is one of your hidden tags, so your lists leave out every work that carries it." in page
    assert '<a href="?show_hidden=1">Show its works this once</a>' in page
    assert "No works carry this tag yet." not in page
    shown = client.get("/tags/hospital/?show_hidden=1")
    assert card_titles(shown) == ["Sunny Afternoon"]
    assert "Showing works your hidden tags would leave out." in html(shown)
    assert "one of your hidden tags" not in html(client.get("/tags/jealousy/"))


# --- the age gate ------------------------------------------------------------------------------------


def test_an_explicit_tags_gate_says_it_is_a_tag_without_naming_it(world, client):
    page = html(client.get("/tags/explicit-velvet/"))
    assert "Are you 18 or older?" in page
    assert "This page is one of the catalog’s explicit content tags" in page
    assert "belongs to a work" not in page
    assert EXPLICIT_TAG_NAME not in page and "Explicit content marker." not in page


def test_tag_page_paginates(world, client):
    tag = make_tag("Crowded", category=TagCategory.THEME)
    for i in range(30):
        make_work(f"Crowd {i:02d}", tags=[tag], index=False)
    assert len(card_titles(client.get("/tags/crowded/"))) == 24
    assert card_titles(client.get("/tags/crowded/?page=2"))[0] == "Crowd 24"
    for page in ("abc", "999", "-1"):
        assert client.get(f"/tags/crowded/?page={page}").status_code == 200


def test_unknown_tag_is_404(world, client):
    assert client.get("/tags/no-such-tag/").status_code == 404


def test_tag_index_counts_spoiler_links_for_members_who_read_spoilers(world, client):
    from tests.builders import make_member

    client.force_login(make_member(age=30, max_spoiler_level=1))
    assert count_of(html(client.get("/tags/")), "jealousy") == 2


def test_tag_pages_and_filters_never_reveal_a_spoiler_tag(world, client):
    """Jealousy is a minor spoiler on every work that has it: listing them by it would tell."""
    from tests.builders import make_member
    from tests.pages import card_titles

    assert card_titles(client.get("/tags/jealousy/")) == []
    assert card_titles(client.get("/works/?tags=jealousy")) == []
    assert card_titles(client.get("/works/?any_tags=jealousy")) == []
    # Excluding still excludes, spoiler or not.
    assert "Sunny Afternoon" not in card_titles(client.get("/works/?exclude_tags=jealousy"))
    client.force_login(make_member(age=30, max_spoiler_level=1))
    assert sorted(card_titles(client.get("/tags/jealousy/"))) == ["Sunny Afternoon", "Triangle Blue"]


def test_an_explicit_parent_tag_is_not_named_before_the_gate(world, client):
    world.tags.jealousy.parent = world.tags.explicit
    world.tags.jealousy.save()
    assert "Explicit Velvet" not in html(client.get("/tags/jealousy/"))
    pass_age_gate(client)
    assert "Explicit Velvet" in html(client.get("/tags/jealousy/"))
