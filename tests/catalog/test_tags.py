"""/tags/ and /tags/<slug>/."""

import re

from django.core.cache import cache

from catalog.models import TagCategory
from tests.builders import make_tag, make_work
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


def test_tag_page_links_parent_and_children(world, client):
    sorrow = make_tag("Sorrow", category=TagCategory.THEME, parent=world.tags.regret)
    make_tag("Explicit child", category=TagCategory.CONTENT, parent=world.tags.regret)
    page = html(client.get("/tags/regret/"))
    assert 'Narrower tags: <a href="/tags/sorrow/">Sorrow</a>' in page
    assert "Explicit child" not in page
    assert 'part of <a href="/tags/regret/">Regret</a>' in html(client.get(sorrow.get_absolute_url()))


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
