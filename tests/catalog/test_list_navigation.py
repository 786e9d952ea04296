"""Finding one's way on the works list (issue 13): the age gate offered there, a gated tag named as such,
results before the filters, chips that remove one filter, clean URLs, numbered pages and the wording."""

import re

import pytest
from django.conf import settings

from catalog.models import Kind, TagCategory, Work
from tests.builders import make_tag, make_work
from tests.pages import card_titles, html, pass_age_gate

GATE_OFFER = '<aside class="gate-offer'
GATE_FORM = 'action="/accounts/age-check/"'


def gate_offer(response) -> str:
    match = re.search(r'<aside class="gate-offer[^"]*".*?</aside>', html(response), re.S)
    return match.group(0) if match else ""


def chips(response) -> dict[str, str]:
    """Each chip's label and the URL it leads to."""
    return {
        label: href.replace("&amp;", "&")
        for href, label in re.findall(r'<a class="chip" href="([^"]*)"[^>]*><span>(.*?)</span>', html(response))
    }


def page_links(response) -> list[str]:
    """The numbered pagination as read: page numbers, "…" for a gap, the current page in brackets."""
    nav = re.search(r'<ol class="pagination__pages">(.*?)</ol>', html(response), re.S)
    assert nav, "no numbered pagination"
    shown = []
    for item in re.findall(r"<li>(.*?)</li>", nav.group(1), re.S):
        number = re.sub(r"<[^>]+>", "", item).strip()
        shown.append(f"[{number}]" if 'aria-current="page"' in item else number)
    return shown


# --- the age gate offered on lists ---------------------------------------------------------------


@pytest.mark.parametrize("path", ["/works/", "/works/?sort=year&kind=anime", "/tags/netorare/", "/"])
def test_lists_and_home_offer_the_gate_form_back_to_the_same_url(world, client, path):
    offer = gate_offer(client.get(path))
    assert GATE_FORM in offer
    assert 'name="csrfmiddlewaretoken"' in offer
    assert f'name="next" value="{path.replace("&", "&amp;")}"' in offer


def test_passing_the_gate_from_the_list_returns_to_it_with_18_plus_details(world, client):
    client.get("/works/?q=triangle")
    response = client.post("/accounts/age-check/", {"next": "/works/?q=triangle"})
    assert response.status_code == 302 and response["Location"] == "/works/?q=triangle"
    page = client.get("/works/?q=triangle")
    assert "Details shown after the age check" not in html(page)
    assert GATE_OFFER not in html(page)


def test_the_gate_is_not_offered_to_a_minor_member_nor_once_passed(world, minor_member_client, gate_passed_client):
    for client in (minor_member_client, gate_passed_client):
        for path in ("/works/", "/", "/tags/netorare/"):
            assert GATE_OFFER not in html(client.get(path)), path


def test_an_adult_member_is_not_offered_the_gate(world, adult_member_client):
    assert GATE_OFFER not in html(adult_member_client.get("/works/"))


# --- a tag behind the gate -------------------------------------------------------------------------


def test_a_gated_tag_in_the_url_says_it_is_shown_after_the_age_check(world, client):
    page = html(client.get("/works/?tags=explicit-velvet"))
    assert "is not one of the available choices" not in page
    assert "The tag “explicit-velvet” is shown after the age check." in page
    assert GATE_FORM in page
    # Past the gate, the same URL applies the tag.
    pass_age_gate(client)
    assert card_titles(client.get("/works/?tags=explicit-velvet")) == ["Triangle Blue"]


def test_a_gated_tag_is_for_adults_only_to_a_minor(world, minor_member_client):
    page = html(minor_member_client.get("/works/?exclude_tags=explicit-velvet"))
    assert "The tag “explicit-velvet” is for adults only." in page
    assert "“explicit-velvet” is shown after the age check" not in page


def test_an_unknown_tag_is_named_as_unknown(world, client):
    page = html(client.get("/works/?tags=no-such-tag&tags=explicit-velvet"))
    assert "There is no tag “no-such-tag”." in page
    assert "The tag “explicit-velvet” is shown after the age check." in page


# --- results first, with chips ---------------------------------------------------------------------


def test_the_filter_panel_stays_folded_above_the_results_when_filtered(world, client):
    page = html(client.get("/works/?sort=year&tags=hospital"))
    # Open, the panel pushed the results a screen down on phones; wide screens show it open anyway (CSS).
    assert '<details class="filters-panel">' in page
    assert 'Filter and sort <span class="filters-panel__count">(2 set)</span>' in page


def test_each_chip_removes_one_value(world, client):
    response = client.get("/works/?tags=hospital&tags=netori&kind=manga&kind=anime&year_min=2000&sort=year&page=1")
    assert chips(response) == {
        "With: Hospital": "?tags=netori&kind=manga&kind=anime&year_min=2000&sort=year",
        "With: Netori": "?tags=hospital&kind=manga&kind=anime&year_min=2000&sort=year",
        "Kind: Manga": "?tags=hospital&tags=netori&kind=anime&year_min=2000&sort=year",
        "Kind: Anime": "?tags=hospital&tags=netori&kind=manga&year_min=2000&sort=year",
        "From 2000": "?tags=hospital&tags=netori&kind=manga&kind=anime&sort=year",
        "Sort: Year, oldest first": "?tags=hospital&tags=netori&kind=manga&kind=anime&year_min=2000",
    }


def test_the_last_chip_leads_back_to_the_plain_list(world, client):
    assert chips(client.get("/works/?any_tags=hospital")) == {"Any of: Hospital": "/works/"}


def test_invalid_values_get_no_chip(world, client):
    assert chips(client.get("/works/?tags=no-such-tag&year_min=abc&kind=bogus")) == {}
    assert 'class="active-filters"' not in html(client.get("/works/"))


# --- clean URLs ------------------------------------------------------------------------------------


def test_empty_fields_are_dropped_from_the_url(world, client):
    response = client.get("/works/?q=&tags=hospital&any_tags=&exclude_tags=&year_min=&sort=title&page=")
    assert response.status_code == 302
    assert response["Location"] == "/works/?tags=hospital&sort=title"
    assert client.get("/works/?q=&tags=").url == "/works/"


def test_an_old_url_with_empty_fields_still_shows_its_results(world, client):
    response = client.get("/works/?q=&tags=hospital&any_tags=&kind=", follow=True)
    assert response.redirect_chain == [("/works/?tags=hospital", 302)]
    assert card_titles(response) == ["Sunny Afternoon"]


def test_the_form_marks_the_default_sort_and_loads_its_script_deferred(world, client):
    page = html(client.get("/works/"))
    assert 'data-default="title"' in page
    assert re.search(r'<script src="/static/js/work-filters\.js" defer></script>', page)
    assert page.count("data-tag-picker") == 3
    assert "<script>" not in page  # the strict CSP allows no inline script


# --- numbered pagination ---------------------------------------------------------------------------


@pytest.fixture
def ten_pages(db):
    per_page = settings.NTRDB_WORKS_PER_PAGE
    Work.objects.bulk_create(
        Work(title=f"Work {i:03d}", slug=f"work-{i:03d}", is_published=True, kind=Kind.ANIME)
        for i in range(per_page * 10)
    )


@pytest.mark.parametrize(
    "page, expected",
    [
        (1, ["[1]", "2", "3", "…", "10"]),
        (4, ["1", "2", "3", "[4]", "5", "6", "…", "10"]),
        (6, ["1", "…", "4", "5", "[6]", "7", "8", "9", "10"]),
        (10, ["1", "…", "8", "9", "[10]"]),
    ],
)
def test_pages_are_numbered_first_last_and_around_the_current(ten_pages, client, page, expected):
    assert page_links(client.get(f"/works/?page={page}")) == expected


def test_page_links_keep_the_filters_and_page_one_has_no_number(ten_pages, client):
    page = html(client.get("/works/?kind=anime&page=3"))
    assert 'href="?kind=anime&amp;page=4" aria-label="Page 4"' in page
    assert 'href="?kind=anime" aria-label="Page 1"' in page
    assert 'rel="prev" href="?kind=anime&amp;page=2"' in page


def test_an_out_of_range_page_says_so_and_shows_the_last(ten_pages, client):
    response = client.get("/works/?page=99")
    assert response.status_code == 200
    assert "Page 99 does not exist; showing page 10 of 10." in html(response)
    assert card_titles(response)[0] == f"Work {settings.NTRDB_WORKS_PER_PAGE * 9:03d}"
    assert "does not exist" not in html(client.get("/works/?page=10"))
    assert "does not exist" not in html(client.get("/works/?page=abc"))


def test_an_out_of_range_page_of_a_tag_says_so_too(world, client):
    assert "Page 5 does not exist; showing page 1 of 1." in html(client.get("/tags/hospital/?page=5"))


# --- wording ---------------------------------------------------------------------------------------


def test_one_work_matches(world, client):
    assert "1 work matches these filters." in html(client.get("/works/?tags=hospital"))


def test_a_sort_alone_filters_nothing(world, client):
    page = html(client.get("/works/?sort=year"))
    assert "2 works." in page
    assert "match these filters" not in page


def test_many_works_match(db, client):
    tag = make_tag("Rain", category=TagCategory.SETTING)
    for n in range(3):
        make_work(f"Rain {n}", tags=[tag])
    assert "3 works match these filters." in html(client.get("/works/?tags=rain"))
