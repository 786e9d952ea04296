"""Every page answers, the home page explains the site, error pages use our templates, cache headers."""

import pytest
from django.contrib.staticfiles import finders
from django.core.management import call_command
from django.template.loader import render_to_string
from django.test import Client
from django.utils.cache import has_vary_header

from tests.builders import ADULT_SYNOPSIS, SAFE_SYNOPSIS, make_work
from tests.pages import card_for, card_titles, html, pass_age_gate

# Pages whose content depends on the age gate must never be stored by a shared cache.
GATE_DEPENDENT_PAGES = [
    "/",
    "/works/",
    "/works/?tags=netorare&sort=-year",
    "/works/triangle-blue/",
    "/works/sunny-afternoon/",
    "/tags/",
    "/tags/netorare/",
    "/tags/explicit-velvet/",
    "/glossary/netorare/",
    "/search/?q=triangle",
    "/accounts/age-check/",
]
OTHER_PAGES = ["/glossary/", "/search/"]


@pytest.mark.parametrize("passed_gate", [False, True], ids=["visitor", "adult"])
@pytest.mark.parametrize("url", GATE_DEPENDENT_PAGES + OTHER_PAGES)
def test_every_page_renders_with_the_site_header(world, client, url, passed_gate):
    if passed_gate:
        pass_age_gate(client)
    response = client.get(url)
    assert response.status_code == 200
    page = html(response)
    assert 'class="site-header"' in page
    assert "· ntrdb</title>" in page
    if url in GATE_DEPENDENT_PAGES:
        assert has_vary_header(response, "Cookie")
        assert "private" in response["Cache-Control"]


def test_every_page_renders_with_the_seed_catalog(db):
    call_command("load_seeds", verbosity=0)
    urls = [
        "/",
        "/works/",
        "/works/triangle-blue/",
        "/works/ore-wa-kanojo-wo-shinjiteru/",
        "/works/kanojo-ga-mimai-ni-konai-wake/",
        "/works/tsuma-netori-rei-boku-no-ayamachi-kanojo-no-sen/",
        "/tags/",
        "/tags/netorare/",
        "/tags/happy-couple/",
        "/tags/hentai/",
        "/glossary/",
        "/glossary/netorare/",
        "/glossary/route/",
        "/search/?q=NTR",
        "/search/?q=Triangle+Blue",
    ]
    for passed in (False, True):
        client = Client()
        if passed:
            pass_age_gate(client)
        for url in urls:
            response = client.get(url)
            assert response.status_code == 200, (url, passed, response.status_code)


@pytest.mark.parametrize("url", ["/works/no-such-work/", "/tags/no-such-tag/", "/glossary/no-such-term/", "/nowhere/"])
def test_404_uses_the_styled_page(world, client, url):
    response = client.get(url)
    assert response.status_code == 404
    page = html(response)
    assert "Page not found" in page
    assert 'class="site-header"' in page
    assert '<meta name="robots" content="noindex">' in page


def test_500_template_renders_without_a_request():
    page = render_to_string("500.html")
    assert "Something went wrong" in page
    assert 'class="site-header"' in page
    assert '<meta name="robots" content="noindex">' in page


def test_a_crashing_view_answers_500_with_our_template(world, monkeypatch, settings):
    settings.DEBUG = False

    def broken_search(*args, **kwargs):
        raise RuntimeError("search backend exploded")

    monkeypatch.setattr("catalog.views.search", broken_search)
    client = Client(raise_request_exception=False)
    response = client.get("/search/?q=triangle")
    assert response.status_code == 500
    page = html(response)
    assert "Something went wrong on our side" in page
    assert "search backend exploded" not in page
    assert "Traceback" not in page


# --- home -------------------------------------------------------------------------------------


def test_home_explains_the_site_and_offers_search(world, client):
    page = html(client.get("/"))
    assert "catalog and glossary" in page
    assert "adult-oriented" in page
    assert 'action="/search/"' in page and 'name="q"' in page


def test_home_with_the_seed_catalog_explains_the_gate_and_the_perspectives_first(db, client):
    """Regression: a first visitor saw four locked tiles and nothing about the gate or the genre's terms."""
    call_command("load_seeds", verbosity=0)
    page = html(client.get("/"))
    hero = page.split('<section class="hero"', 1)[1].split("</section>", 1)[0]
    assert "open after an age check" in hero
    assert 'action="/accounts/age-check/"' in hero and 'name="next" value="/"' in hero
    # The three perspectives come before the (here all 18+, locked) works.
    assert page.index('id="glossary-title"') < page.index('id="newest-title"')
    teaser = page.split('id="glossary-title"', 1)[1].split("</section>", 1)[0]
    for slug in ("netorare", "netori", "netorase"):
        assert f'href="/glossary/{slug}/"' in teaser


def test_home_shows_newest_works_first_and_no_drafts(world, client):
    newer = make_work("Zebra Crossing", synopsis="Newest-marker.")
    response = client.get("/")
    titles = card_titles(response)
    assert titles[0] == newer.title
    assert {"Triangle Blue", "Sunny Afternoon"} <= set(titles)
    assert "Hidden Draft" not in html(response)


def test_home_shows_featured_works(world, client):
    page = html(client.get("/"))
    assert 'id="featured-title"' not in page
    world.safe.is_featured = True
    world.safe.save()
    page = html(client.get("/"))
    featured = page.split('id="featured-title"', 1)[1].split("</section>", 1)[0]
    assert "Sunny Afternoon" in featured
    assert SAFE_SYNOPSIS in featured
    assert "Triangle Blue" not in featured


def test_home_has_a_glossary_teaser(world, client):
    page = html(client.get("/"))
    teaser = page.split('id="glossary-title"', 1)[1]
    for slug, name in [("netorare", "Netorare"), ("netori", "Netori"), ("netorase", "Netorase")]:
        assert f'<a href="/glossary/{slug}/">{name}</a>' in teaser
    assert world.terms.netorare.summary in teaser
    # Four published terms; the draft term is not counted.
    assert "All 4 terms" in teaser
    assert 'href="/glossary/"' in teaser


def test_home_hides_r18_synopsis_from_visitors(world, client):
    response = client.get("/")
    assert ADULT_SYNOPSIS not in html(response)
    assert "18+" in card_for(response, "Triangle Blue")


def test_gate_redirect_is_private_too(world, client):
    response = client.post("/accounts/age-check/", {"next": "/works/triangle-blue/"})
    assert response.status_code == 302
    assert has_vary_header(response, "Cookie")
    assert "private" in response["Cache-Control"]


def test_favicon_ico_redirects_to_the_site_icon_without_touching_the_database(db, client, django_assert_num_queries):
    # Browsers ask for /favicon.ico on pages that carry no icon link, such as the admin.
    with django_assert_num_queries(0):
        response = client.get("/favicon.ico")
    assert response.status_code == 302
    assert response["Location"] == "/static/favicon.svg"
    assert finders.find("favicon.svg")
