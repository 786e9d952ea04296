"""The generated placeholder: initials and a colour from the title, well-formed SVG whatever the title, cached for good."""

import xml.etree.ElementTree as ET

import pytest
from django.test import Client

from catalog.covers import contrast_ratio, placeholder_colour, placeholder_svg, placeholder_version, title_initials
from catalog.models import AgeRating
from tests.builders import make_work
from tests.pages import pass_age_gate

SVG = "{http://www.w3.org/2000/svg}"


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)


def hex_to_rgb(colour: str) -> tuple[float, float, float]:
    return tuple(int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5))


class TestPlaceholderSvg:
    @pytest.mark.parametrize(
        "title, initials",
        [
            ("Sunny Afternoon", "SA"),
            ("triangle blue ova", "TB"),
            ("Kimi ga Nozomu Eien", "KG"),
            ("School Days", "SD"),
            ("  (Re)birth: a story", "RB"),
            ("Ōkami", "Ō"),
            ("寝取られ 物語", "寝物"),
            ("___ !!! ???", "?"),
        ],
    )
    def test_initials(self, title, initials):
        assert title_initials(title) == initials

    @pytest.mark.parametrize(
        "title",
        [
            'Tom & Jerry <script>alert("x")</script>',
            'It\'s "quoted" & <b>bold</b>',
            "]]><!ENTITY x 'boom'>",
            "Control\x00chars\x08in\x1ftitle",
            "&amp; already escaped",
        ],
    )
    def test_any_title_gives_well_formed_svg_with_the_title_as_text(self, title):
        svg = placeholder_svg(title)
        root = parse(svg)  # raises on malformed XML
        assert root.tag == f"{SVG}svg"
        expected = "".join(ch for ch in title if ch >= " " or ch in "\t\n\r")
        assert root.find(f"{SVG}title").text == expected
        assert root.get("aria-label") == expected
        assert "<script" not in svg and "<b>" not in svg
        assert root.find(f".//{SVG}script") is None

    def test_same_title_same_picture_and_different_titles_differ(self):
        assert placeholder_svg("Sunny Afternoon") == placeholder_svg("Sunny Afternoon")
        colours = {placeholder_colour(f"Work number {i}") for i in range(40)}
        assert len(colours) > 20

    def test_white_initials_are_readable_on_every_colour(self):
        for i in range(500):
            background = hex_to_rgb(placeholder_colour(f"Title {i}"))
            assert contrast_ratio((1.0, 1.0, 1.0), background) >= 4.5

    def test_contrast_ratio_matches_wcag_reference_values(self):
        assert contrast_ratio((1, 1, 1), (0, 0, 0)) == pytest.approx(21)
        assert contrast_ratio((1, 1, 1), hex_to_rgb("#767676")) == pytest.approx(4.54, abs=0.01)


class TestPlaceholderView:
    def url(self, work, version=None):
        return f"/works/{work.slug}/placeholder.svg" + (f"?v={version}" if version else "")

    def test_served_as_svg_cached_for_good_at_its_versioned_url(self, client, db):
        work = make_work('Salt & "Pepper" <Days>')
        response = client.get(self.url(work, placeholder_version(work.title)))
        assert response.status_code == 200
        assert response["Content-Type"] == "image/svg+xml; charset=utf-8"
        assert set(response["Cache-Control"].replace(" ", "").split(",")) == {"public", "max-age=31536000", "immutable"}
        assert "cookie" not in response.get("Vary", "").lower()
        assert response["Content-Security-Policy"] == "default-src 'none'"
        root = parse(response.content.decode())
        assert root.find(f"{SVG}text").text == "SP"
        assert root.find(f"{SVG}title").text == 'Salt & "Pepper" <Days>'

    def test_a_stale_or_missing_version_is_cached_briefly(self, client, db):
        work = make_work("Renamed Later")
        for url in (self.url(work), self.url(work, "0123456789ab")):
            response = client.get(url)
            assert response.status_code == 200
            assert "immutable" not in response["Cache-Control"] and "max-age=3600" in response["Cache-Control"]

    def test_etag_revalidation(self, client, db):
        work = make_work("Sunny Afternoon")
        etag = client.get(self.url(work))["ETag"]
        assert client.get(self.url(work), HTTP_IF_NONE_MATCH=etag).status_code == 304

    def test_the_version_follows_the_title(self, db):
        assert placeholder_version("Sunny Afternoon") != placeholder_version("Sunny Afternoon 2")

    def test_adult_work_placeholder_is_the_same_for_everyone(self, db):
        """It shows only the initials of the title, which lists show anyway: no gate, no Vary."""
        work = make_work("Velvet Evening", age_rating=AgeRating.R18)
        visitor, adult = Client(), Client()
        pass_age_gate(adult)
        first, second = visitor.get(self.url(work)), adult.get(self.url(work))
        assert first.status_code == second.status_code == 200
        assert first.content == second.content
        assert "cookie" not in first.get("Vary", "").lower()

    def test_unpublished_and_unknown_works_are_404(self, client, db):
        draft = make_work("Draft Harbour", published=False)
        assert client.get(self.url(draft)).status_code == 404
        assert client.get("/works/nothing-here/placeholder.svg").status_code == 404
