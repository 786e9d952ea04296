"""The work page once it may be shown: synopsis, titles, grouped tags, spoilers, glossary links."""

import re

import pytest

from catalog.models import TagCategory
from tests.builders import (
    ADULT_ALT,
    ADULT_ORIGINAL,
    ADULT_SYNOPSIS,
    EXPLICIT_TAG_NAME,
    SAFE_ALT,
    SAFE_SYNOPSIS,
    SPOILER1_NOTE,
    SPOILER2_NOTE,
    make_tag,
    make_term,
    make_work,
)
from tests.pages import html, pass_age_gate


def spoiler_block(page: str) -> str:
    match = re.search(r'<details class="spoilers">.*?</details>', page, re.S)
    assert match, "no spoiler toggle on the page"
    return match.group(0)


def section(page: str, heading_id: str) -> str:
    return page.split(f'id="{heading_id}"', 1)[1].split("</section>", 1)[0]


def test_all_ages_work_shows_its_facts(world, client):
    response = client.get("/works/sunny-afternoon/")
    assert response.status_code == 200
    page = html(response)
    assert '<h1 id="work-title">Sunny Afternoon' in page
    assert SAFE_SYNOPSIS in page
    assert "<dt>Also known as</dt>" in page and f"<li>{SAFE_ALT}</li>" in page
    assert "<dt>Published</dt><dd>2015</dd>" in page  # manga: "Published", year precision
    assert "<dt>Volumes</dt><dd>3</dd>" in page
    assert "<dt>Age rating</dt><dd>All ages</dd>" in page
    assert re.search(r'<meta property="og:description" content="Lighthouse-marker', page)


def test_r18_work_after_the_gate_shows_everything(world, gate_passed_client):
    page = html(gate_passed_client.get("/works/triangle-blue/"))
    assert ADULT_SYNOPSIS in page
    assert ADULT_ORIGINAL in page
    assert f"<li>{ADULT_ALT}</li>" in page and "<li>Triangle Blue OVA</li>" in page
    assert "<dt>Aired</dt><dd>Apr 2009 – Jan 2010</dd>" in page
    assert "<dt>Episodes</dt><dd>2</dd>" in page
    assert "<dt>The couple</dt><dd>Asato and Akane</dd>" in page
    assert '<meta name="rating" content="adult">' in page
    assert EXPLICIT_TAG_NAME in page


def test_tags_are_grouped_by_category_in_category_order(world, gate_passed_client):
    page = html(gate_passed_client.get("/works/triangle-blue/"))
    tags_section = section(page, "tags-title")
    open_part = tags_section.replace(spoiler_block(tags_section), "")
    headings = re.findall(r'<dt class="tag-rows__label">(.*?)</dt>', open_part)
    assert headings == ["Perspective", "Setup", "Content"]
    perspective = open_part.split(">Perspective</dt>", 1)[1].split("</div>", 1)[0]
    assert 'href="/tags/netorare/">Netorare</a>' in perspective
    assert "Happy couple" not in perspective


def test_spoiler_tags_are_only_inside_the_toggle(world, client):
    page = html(client.get("/works/sunny-afternoon/"))
    spoilers = spoiler_block(page)
    assert '<summary>Show spoiler tags <span class="spoilers__counts">(1 minor, 1 major)</span></summary>' in spoilers
    open_part = page.replace(spoilers, "")
    for name, note in (("Jealousy", SPOILER1_NOTE), ("Regret", SPOILER2_NOTE)):
        assert name in spoilers and note in spoilers
        assert name not in open_part and note not in open_part
    assert 'href="/tags/netori/">Netori</a>' in open_part
    assert "Most of it happens on a ward." in open_part


def test_no_spoiler_toggle_without_spoiler_tags(world, client):
    plain = make_tag("Summer", category=TagCategory.SETTING)
    make_work("Plain Story", tags=[plain])
    page = html(client.get("/works/plain-story/"))
    assert "Show spoiler tags" not in page
    assert 'href="/tags/summer/">Summer</a>' in page


def test_work_without_tags_or_synopsis_says_so(world, client):
    make_work("Bare Work")
    page = html(client.get("/works/bare-work/"))
    assert "No synopsis yet." in page
    assert "No tags yet." in page


def test_explicit_tags_of_an_all_ages_work_wait_for_the_gate(world, client):
    make_work("Odd Mix", tags=[world.tags.explicit, world.tags.hospital])
    page = html(client.get("/works/odd-mix/"))
    assert EXPLICIT_TAG_NAME not in page
    assert "Hospital" in page


def test_related_glossary_terms_come_from_the_work_and_its_tags(world, client):
    page = html(client.get("/works/sunny-afternoon/"))
    terms = section(page, "terms-title")
    assert '<a href="/glossary/netorare/">Netorare</a>' in terms  # through term.works
    assert '<a href="/glossary/netori/">Netori</a>' in terms  # through the Netori tag's term
    assert "Netorase" not in terms
    assert terms.count('<a href="/glossary/netorare/">') == 1


def test_unpublished_terms_are_not_linked(world, client):
    world.terms.draft.works.add(world.safe)
    page = html(client.get("/works/sunny-afternoon/"))
    assert "Draftterm" not in page


def test_terms_reached_only_through_spoiler_tags_do_not_spoil(world, client):
    """Regression: terms reached through spoiler tags were listed openly under "In the glossary"."""
    twist = make_term("Betrayal twist", summary="The ending turns on a betrayal.")
    world.tags.regret.term = twist  # Regret is a major-spoiler tag on Sunny Afternoon
    world.tags.regret.save()
    page = html(client.get("/works/sunny-afternoon/"))
    open_part = page.replace(spoiler_block(page), "")
    assert "Betrayal twist" not in open_part


def test_terms_reached_only_through_explicit_tags_wait_for_the_gate(world, client):
    """Regression: terms were found through every tag of the work, explicit ones included."""
    make_work("Odd Mix", tags=[world.tags.explicit, world.tags.hospital])
    world.tags.explicit.term = make_term("Velvetterm", summary="Explains the explicit tag.")
    world.tags.explicit.save()
    assert "Velvetterm" not in html(client.get("/works/odd-mix/"))


@pytest.mark.parametrize("passed", [False, True])
def test_unpublished_and_unknown_works_are_404(world, client, passed):
    if passed:
        pass_age_gate(client)
    assert client.get("/works/hidden-draft/").status_code == 404
    assert client.get("/works/no-such-work/").status_code == 404


def test_tags_appear_once_each_with_its_note(world, client):
    """One tag display: the "Tags at a glance" summary repeated every open tag a second time."""
    page = html(client.get("/works/sunny-afternoon/"))
    assert "Tags at a glance" not in page and 'class="glance' not in page
    assert page.count('href="/tags/hospital/"') == 1 and page.count('href="/tags/netori/"') == 1
    hospital = page.split('href="/tags/hospital/">Hospital</a>', 1)[1].split("</li>", 1)[0]
    assert '<span class="work-tag__note">Most of it happens on a ward.</span>' in hospital


def test_the_spoiler_badge_tells_minor_from_major(world, client):
    spoilers = spoiler_block(html(client.get("/works/sunny-afternoon/")))
    jealousy = spoilers.split(">Jealousy</a>", 1)[1].split("</li>", 1)[0]
    regret = spoilers.split(">Regret</a>", 1)[1].split("</li>", 1)[0]
    assert '<span class="badge badge--spoiler badge--spoiler-minor">Minor spoiler</span>' in jealousy
    assert '<span class="badge badge--spoiler badge--spoiler-major">Major spoiler</span>' in regret


def test_the_facts_come_before_the_synopsis_and_tags(world, client):
    """On a phone the page is one column in source order: the facts box must lead it."""
    page = html(client.get("/works/sunny-afternoon/"))
    facts = page.index('<aside class="work__facts"')
    assert facts < page.index('id="synopsis-title"') < page.index('id="tags-title"')
