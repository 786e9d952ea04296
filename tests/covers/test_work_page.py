"""The work page at a glance: its tags by category, the score chart's labels and text alternative, and steady query counts."""

import re

import pytest
from django.utils import timezone

from catalog.models import Work
from community.services import review_create
from tests.builders import make_member, make_work
from tests.pages import html
from tests.query_counts import CATALOG_PAGES, CATALOG_PINS, assert_within_pins, catalog_client


def tag_rows(page: str, *, spoilers: bool = False) -> dict[str, list[str]]:
    """The work page's tags by category: the open ones, or those folded away as spoilers."""
    section = page.split('id="tags-title"', 1)[1].split("</section>", 1)[0]
    folded = re.search(r'<details class="spoilers">.*?</details>', section, re.S)
    part = (folded.group(0) if folded else "") if spoilers else section.replace(folded.group(0) if folded else "", "")
    rows = re.findall(r'<dt class="tag-rows__label">(.*?)</dt>\s*<dd class="tag-rows__tags">(.*?)</dd>', part, re.S)
    return {label: re.findall(r'<a class="tag[^"]*" href="[^"]*">(.*?)</a>', tags) for label, tags in rows}


class TestTagRows:
    def test_open_tags_by_category_spoilers_left_for_the_toggle(self, world, client):
        page = html(client.get(world.safe.get_absolute_url()))
        assert tag_rows(page) == {"Perspective": ["Netori"], "Setting": ["Hospital"]}
        assert tag_rows(page, spoilers=True) == {"Theme": ["Jealousy", "Regret"]}

    def test_a_member_who_reads_spoilers_sees_them_in_the_rows(self, world, client):
        client.force_login(make_member(age=30, max_spoiler_level=2))
        page = html(client.get(world.safe.get_absolute_url()))
        assert tag_rows(page) == {"Perspective": ["Netori"], "Theme": ["Jealousy", "Regret"], "Setting": ["Hospital"]}
        assert "Show spoiler tags" not in page

    def test_explicit_tags_only_past_the_gate(self, world, gate_passed_client):
        rows = tag_rows(html(gate_passed_client.get(world.adult.get_absolute_url())))
        assert rows == {"Perspective": ["Netorare"], "Setup": ["Happy couple"], "Content": ["Explicit Velvet"]}

    def test_a_work_with_spoiler_tags_only_shows_the_toggle_alone(self, world, client):
        work = make_work("All Spoilers", tags=[(world.tags.regret, 2)])
        page = html(client.get(work.get_absolute_url()))
        assert tag_rows(page) == {}
        assert tag_rows(page, spoilers=True) == {"Theme": ["Regret"]}


class TestScoreChart:
    def test_no_chart_until_there_is_a_vote(self, world, client):
        page = html(client.get(world.safe.get_absolute_url()))
        assert "No votes yet." in page
        assert '<figure class="score-chart"' not in page
        assert 'class="reviews__summary reviews__summary--empty"' in page

    @pytest.fixture
    def reviewed(self, db):
        work = make_work("Chart Work")
        for score in (7, 7, 7, 9):
            review_create(author=make_member(age=30), work=work, score=score, body="A considered review " * 3)
        return work

    def chart(self, client, work) -> str:
        return re.search(
            r'<figure class="score-chart".*?</figure>', html(client.get(work.get_absolute_url())), re.S
        ).group(0)

    def test_bars_carry_visible_counts_and_every_score_is_labelled(self, client, reviewed):
        chart = self.chart(client, reviewed)
        counts = re.findall(r'<text class="score-chart__count"[^>]*>(.*?)</text>', chart)
        labels = re.findall(r'<text class="score-chart__label"[^>]*>(.*?)</text>', chart)
        assert counts == ["3", "1"]
        assert labels == [str(score) for score in range(1, 11)]

    def test_it_keeps_its_aspect_ratio_so_labels_do_not_stretch(self, client, reviewed):
        chart = self.chart(client, reviewed)
        assert 'preserveAspectRatio="none"' not in chart
        assert re.search(r'<svg viewBox="0 0 300 146"', chart)

    def test_the_counts_have_a_text_alternative(self, client, reviewed):
        chart = self.chart(client, reviewed)
        assert "Score distribution: 1: 0, 2: 0, 3: 0, 4: 0, 5: 0, 6: 0, 7: 3, 8: 0, 9: 1, 10: 0" in chart
        rows = re.findall(r"<tr><td>(\d+)</td><td>(\d+)</td></tr>", chart)
        assert ("7", "3") in rows and ("9", "1") in rows and len(rows) == 10

    def test_no_inline_styles(self, client, reviewed):
        """The site's Content-Security-Policy allows stylesheets only from the site itself."""
        page = html(client.get(reviewed.get_absolute_url()))
        assert " style=" not in page and "<style" not in page


@pytest.mark.parametrize("viewer", ["visitor", "adult", "member"])
def test_covers_cost_no_queries(big_catalog, django_assert_max_num_queries, viewer):
    """With a cover on every work, every page still fits its pinned query count."""
    Work.objects.update(cover="covers/0123456789abcdef.png", cover_updated_at=timezone.now())
    pins = {page: CATALOG_PINS[page][viewer] for page in CATALOG_PAGES}
    assert_within_pins(catalog_client(viewer), CATALOG_PAGES, pins, django_assert_max_num_queries, viewer)
