"""sitemap.xml and robots.txt: crawlers are anonymous, and are pointed only at pages they can read in full."""

import xml.etree.ElementTree as ET
from urllib.robotparser import RobotFileParser

import pytest

from catalog.models import Work
from catalog.sitemaps import PagedSitemap
from tests.builders import make_tag, make_work

SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


def locs(response, element: str) -> list[str]:
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/xml")
    root = ET.fromstring(response.content)
    assert root.tag == f"{SITEMAP}{element}"
    return [
        node.findtext(f"{SITEMAP}loc")
        for node in root.findall(f"{SITEMAP}{'url' if element == 'urlset' else 'sitemap'}")
    ]


def crawl(client) -> list[str]:
    """Every page URL reachable from /sitemap.xml, as a crawler would follow it."""
    urls = []
    for section_url in locs(client.get("/sitemap.xml"), "sitemapindex"):
        assert section_url.startswith("http://testserver/sitemap-"), section_url
        urls += locs(client.get(section_url.removeprefix("http://testserver")), "urlset")
    return urls


def test_sitemap_index_lists_every_section(world, client):
    assert locs(client.get("/sitemap.xml"), "sitemapindex") == [
        "http://testserver/sitemap-pages.xml",
        "http://testserver/sitemap-works.xml",
        "http://testserver/sitemap-tags.xml",
        "http://testserver/sitemap-glossary.xml",
    ]


def test_sitemap_lists_main_pages_published_works_tags_and_terms(world, client):
    urls = crawl(client)
    expected = [
        "/",
        "/works/",
        "/tags/",
        "/glossary/",
        "/works/sunny-afternoon/",
        "/tags/netorare/",
        "/tags/netori/",
        "/tags/netorase/",
        "/tags/happy-couple/",
        "/tags/jealousy/",
        "/tags/regret/",
        "/tags/hospital/",
        "/tags/lonely-tag/",
        "/glossary/netorare/",
        "/glossary/netori/",
        "/glossary/netorase/",
        "/glossary/route/",
    ]
    assert sorted(urls) == sorted(f"http://testserver{path}" for path in expected)


@pytest.mark.parametrize(
    "path", ["/works/triangle-blue/", "/works/hidden-draft/", "/tags/explicit-velvet/", "/glossary/draftterm/"]
)
def test_sitemap_leaves_out_gated_and_unpublished_pages_even_for_an_adult(world, client, gate_passed_client, path):
    assert f"http://testserver{path}" not in crawl(client)
    assert f"http://testserver{path}" not in crawl(gate_passed_client)


def test_sitemap_follows_the_scheme_it_was_asked_on(world, client):
    assert locs(client.get("/sitemap-pages.xml", secure=True), "urlset")[0] == "https://testserver/"


def test_sitemap_entries_carry_last_modified_dates(world, client):
    root = ET.fromstring(client.get("/sitemap-works.xml").content)
    (url,) = root.findall(f"{SITEMAP}url")
    assert url.findtext(f"{SITEMAP}lastmod") == Work.objects.get(pk=world.safe.pk).updated_at.date().isoformat()


def test_big_sections_are_split_into_pages_the_index_links(world, client, monkeypatch):
    monkeypatch.setattr(PagedSitemap, "limit", 2)
    for i in range(3):
        make_work(f"Paged {i}", index=False)
    index = locs(client.get("/sitemap.xml"), "sitemapindex")
    assert "http://testserver/sitemap-works.xml?p=2" in index
    assert "http://testserver/sitemap-works.xml?p=3" not in index  # four works, two per page
    urls = crawl(client)
    assert len([url for url in urls if "/works/" in url and url != "http://testserver/works/"]) == 4


@pytest.mark.parametrize(
    "url", ["/sitemap-nope.xml", "/sitemap-works.xml?p=9", "/sitemap-works.xml?p=abc", "/sitemap-works.xml?p=0"]
)
def test_unknown_sections_and_pages_are_not_found(world, client, url):
    assert client.get(url).status_code == 404


def test_sitemap_is_the_same_for_everyone(world, client, gate_passed_client):
    make_tag("Fresh tag")
    for url in ("/sitemap.xml", "/sitemap-works.xml", "/sitemap-tags.xml"):
        response = gate_passed_client.get(url)
        assert response.content == client.get(url).content
        assert "Cookie" not in response.get("Vary", "")


# --- robots.txt -----------------------------------------------------------------------------------


def robots(client, **kwargs) -> RobotFileParser:
    response = client.get("/robots.txt", **kwargs)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    parser = RobotFileParser()
    parser.parse(response.content.decode().splitlines())
    return parser


def test_robots_points_crawlers_at_the_absolute_sitemap_url(world, client):
    assert robots(client).site_maps() == ["http://testserver/sitemap.xml"]
    assert robots(client, secure=True).site_maps() == ["https://testserver/sitemap.xml"]
    assert client.get("/sitemap.xml").status_code == 200


@pytest.mark.parametrize(
    "path, allowed",
    [
        ("/admin/", False),
        ("/admin/catalog/work/", False),
        ("/accounts/login/", False),
        ("/accounts/age-check/?next=/works/triangle-blue/", False),
        ("/search/?q=ntr", False),
        ("/", True),
        ("/works/", True),
        ("/works/sunny-afternoon/", True),
        ("/tags/netori/", True),
        ("/glossary/netorare/", True),
        ("/sitemap.xml", True),
        ("/sitemap-works.xml", True),
        ("/works/feed/", True),
        ("/works/sunny-afternoon/reviews/feed/", True),
    ],
)
def test_robots_keeps_crawlers_out_of_private_and_endless_pages_only(world, client, path, allowed):
    assert robots(client).can_fetch("*", path) is allowed
