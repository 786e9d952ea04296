"""/glossary/ and /glossary/<slug>/."""

import re

import pytest

from glossary.models import Term
from tests.builders import ADULT_SYNOPSIS, EXPLICIT_TAG_NAME, SAFE_SYNOPSIS, make_term
from tests.pages import card_for, card_titles, html


def comparison_rows(page: str) -> list[str]:
    table = page.split('id="comparison-title"', 1)[1].split("</table>", 1)[0]
    return re.findall(r'<th scope="row"><a href="/glossary/([^/]+)/">', table)


def test_index_is_a_to_z_with_letter_anchors(world, client):
    make_term("Aside")
    make_term("2D love", slug="two-d")
    page = html(client.get("/glossary/"))
    letters = re.findall(r'<li><a href="#letter-([^"]+)">', page)
    assert letters == ["#", "A", "N", "R"]
    for letter in letters:
        assert f'id="letter-{letter}"' in page
    n_section = page.split('id="letter-N"', 1)[1].split("</section>", 1)[0]
    assert re.findall(r'<dt><a href="/glossary/([^/]+)/">', n_section) == ["netorare", "netorase", "netori"]
    assert '<span class="aliases">(NTR)</span>' in n_section
    assert world.terms.netorare.summary in n_section


def letter_sections(page: str) -> dict[str, list[str]]:
    """Each A-Z section of the index: its letter and the slugs filed under it, in order."""
    sections = re.findall(r'<section class="az-section" id="letter-([^"]+)"(.*?)</section>', page, re.S)
    return {letter: re.findall(r'<dt><a href="/glossary/([^/]+)/">', body) for letter, body in sections}


def test_index_files_names_by_their_first_real_word(db, client):
    """Found in review: "The ..." names were all filed under T, and the curly quote sorted "happy" last."""
    make_term("The “happy” couple", slug="happy-couple")
    make_term("The questioning partner", slug="questioning-partner")
    make_term("The protagonist's mistake", slug="protagonists-mistake")
    make_term("Hentai")
    make_term("Troubling times")
    sections = letter_sections(html(client.get("/glossary/")))
    assert sections == {
        "H": ["happy-couple", "hentai"],
        "P": ["protagonists-mistake"],
        "Q": ["questioning-partner"],
        "T": ["troubling-times"],
    }


def test_index_leaves_out_unpublished_terms(world, client):
    page = html(client.get("/glossary/"))
    assert "Draftterm" not in page
    assert 'id="letter-D"' not in page


def test_index_compares_the_three_perspectives_side_by_side(world, client):
    page = html(client.get("/glossary/"))
    assert comparison_rows(page) == ["netorare", "netori", "netorase"]
    table = page.split('id="comparison-title"', 1)[1].split("</table>", 1)[0]
    assert "<td>The betrayed partner</td>" in table
    assert "<td>The outsider</td>" in table
    assert "A boyfriend finds out too late." in table
    assert "Route" not in table


def test_comparison_heading_names_the_rows_in_their_order(world, client):
    """Found in review: the heading said "Netorare, netori and netorase" over rows in another order."""
    page = html(client.get("/glossary/"))
    assert '<h2 id="comparison-title">Netorare, netori and netorase side by side</h2>' in page
    world.terms.netori.is_published = False
    world.terms.netori.save()
    page = html(client.get("/glossary/"))
    assert '<h2 id="comparison-title">Netorare and netorase side by side</h2>' in page
    assert comparison_rows(page) == ["netorare", "netorase"]


def test_comparison_table_says_it_scrolls_and_scrolls_from_the_keyboard(world, client):
    """Found in review: at 360 px the table was cut off with no hint that it scrolls (tests/e2e measures it)."""
    section = html(client.get("/glossary/")).split('id="comparison-title"', 1)[1].split("<table>", 1)[0]
    assert '<p class="table-scroll__hint" id="comparison-hint">' in section
    assert "scroll it sideways" in section
    frame = re.search(r'<div class="table-scroll"[^>]*>', section).group(0)
    assert 'tabindex="0"' in frame and 'role="region"' in frame and 'aria-describedby="comparison-hint"' in frame


def test_empty_glossary_says_so(db, client):
    page = html(client.get("/glossary/"))
    assert "No glossary entries yet." in page
    assert 'id="comparison-title"' not in page


def test_term_page_shows_names_article_and_faq(world, client):
    response = client.get("/glossary/netorare/")
    assert response.status_code == 200
    page = html(response)
    assert '<h1 id="term-title">What is netorare?</h1>' in page
    assert '<dt>Japanese</dt><dd lang="ja">寝取られ</dd>' in page
    assert "<dt>Reading</dt><dd>netorare</dd>" in page
    assert "<dt>Also called</dt><dd>NTR</dd>" in page
    assert "<p>First paragraph about netorare.</p>" in page and "<p>Second paragraph.</p>" in page
    questions = re.findall(r"<summary>(.*?)</summary>", page.split('id="faq-title"', 1)[1])
    assert questions == ["Is NTR always sad?", "Where does the word come from?"]


def test_term_page_titles_read_as_english(db, client):
    """Found in review: "What is Route?" and "What is The "happy" couple?"."""
    make_term("The “happy” couple", slug="happy-couple")
    make_term("Route", heading="What is a route?")
    make_term("NTR")
    for slug, title in [
        ("happy-couple", "What is the “happy” couple?"),
        ("route", "What is a route?"),
        ("ntr", "What is NTR?"),
    ]:
        page = html(client.get(f"/glossary/{slug}/"))
        assert f"<title>{title} · Glossary" in page
        assert f'<h1 id="term-title">{title}</h1>' in page
        assert f'<meta property="og:title" content="{title}">' in page


def test_term_page_links_published_related_terms(world, client):
    page = html(client.get("/glossary/netorare/"))
    related = page.split('id="related-title"', 1)[1].split("</section>", 1)[0]
    assert re.findall(r'<a href="/glossary/([^/]+)/">', related) == ["netorase", "netori"]
    assert "Draftterm" not in page


def test_related_terms_are_symmetrical(world, client):
    page = html(client.get("/glossary/netori/"))
    related = page.split('id="related-title"', 1)[1].split("</section>", 1)[0]
    assert '<a href="/glossary/netorare/">Netorare</a>' in related


def test_term_page_lists_illustrating_works_through_the_visibility_policy(world, client):
    response = client.get("/glossary/netorare/")
    assert card_titles(response) == ["Sunny Afternoon", "Triangle Blue"]
    assert SAFE_SYNOPSIS in card_for(response, "Sunny Afternoon")
    assert "Details shown after the age check." in card_for(response, "Triangle Blue")
    page = html(response)
    assert ADULT_SYNOPSIS not in page
    assert "Hidden Draft" not in page


def test_term_page_lists_its_tags(world, client):
    page = html(client.get("/glossary/netorare/"))
    tags = page.split('id="term-tags-title"', 1)[1].split("</section>", 1)[0]
    assert 'href="/tags/netorare/">Netorare</a>' in tags


def test_term_page_hides_explicit_tags_before_the_gate(world, client):
    world.tags.explicit.term = world.terms.route
    world.tags.explicit.save()
    assert "Explicit Velvet" not in html(client.get("/glossary/route/"))


def test_perspective_term_pages_carry_the_comparison_table(world, client):
    assert comparison_rows(html(client.get("/glossary/netori/"))) == ["netorare", "netori", "netorase"]
    assert 'id="comparison-title"' not in html(client.get("/glossary/route/"))


def test_unpublished_and_unknown_terms_are_404(world, client):
    assert client.get("/glossary/draftterm/").status_code == 404
    assert client.get("/glossary/no-such-term/").status_code == 404


def test_term_index_letter():
    assert Term(name="netorare").index_letter == "N"
    assert Term(name="The “happy” couple").index_letter == "H"
    assert Term(name="2D").index_letter == "#"
    assert Term(name="寝取られ").index_letter == "#"


@pytest.fixture
def explicit_term(world):
    """A term that explains the explicit tag, illustrated by the 18+ work."""
    term = make_term("Velvet Genre", summary="Explains the explicit velvet tag.")
    world.tags.explicit.term = term
    world.tags.explicit.save()
    term.works.add(world.adult)
    return term


def test_a_term_explaining_an_explicit_tag_is_readable_by_everyone(explicit_term, client):
    """Found in review: the hentai entry was hidden from visitors, though defining a word is not explicit.

    Its definition is everyone's; only the explicit tag and the works it lists (which would say
    which 18+ works carry the tag) wait for the gate."""
    response = client.get("/glossary/velvet-genre/")
    assert response.status_code == 200
    page = html(response)
    assert "Are you 18 or older?" not in page
    assert "Explains the explicit velvet tag." in page
    assert card_titles(response) == []
    assert "Triangle Blue" not in page
    assert EXPLICIT_TAG_NAME not in page
    assert "are shown after the" in page and 'href="/accounts/age-check/?next=/glossary/velvet-genre/"' in page
    assert "velvet-genre" in html(client.get("/glossary/"))
    assert "Velvet Genre" in html(client.get("/search/?q=velvet+genre"))
    assert "All 5 terms" in html(client.get("/"))


def test_a_term_explaining_an_explicit_tag_lists_its_works_after_the_gate(explicit_term, gate_passed_client):
    response = gate_passed_client.get("/glossary/velvet-genre/")
    assert "Triangle Blue" in card_titles(response)
    assert EXPLICIT_TAG_NAME in html(response)
    assert "are shown after the" not in html(response)
    assert "velvet-genre" in html(gate_passed_client.get("/glossary/"))


def test_other_terms_list_their_works_without_a_note(world, client):
    assert "are shown after the" not in html(client.get("/glossary/netorare/"))
