"""A list's statistics on its member's page (lists.stats, lists.views.member_stats_section): made only
of the entries the viewer may see, and of the details of those not locked."""

import re

import pytest

from accounts.viewer import ANONYMOUS_VIEWER, Viewer
from catalog.models import Kind, TagCategory
from lists.models import ListEntry
from lists.services import entry_save, list_settings_update
from lists.stats import list_statistics
from tests.builders import make_tag, make_work, tag_work
from tests.pages import html, login, pass_age_gate

pytestmark = pytest.mark.django_db

PAGE = "/accounts/members/alice/"


@pytest.fixture
def alices_list(adult_member, safe_work, adult_work):
    slow = make_tag("Slow burn", slug="slow-burn")
    twist = make_tag("Twist ending", slug="twist-ending")
    explicit = make_tag("Explicit Velvet", slug="explicit-velvet", category=TagCategory.CONTENT)
    disliked = make_tag("Disliked", slug="disliked")
    anime = make_work("Long Anime", slug="long-anime", kind=Kind.ANIME, episodes=24, tags=[slow, (twist, 2), disliked])
    manga = make_work("Short Manga", slug="short-manga", kind=Kind.MANGA, volumes=3, tags=[slow])
    tag_work(adult_work, explicit)
    tag_work(adult_work, slow)
    entry_save(member=adult_member, work=anime, status="completed", score=6)  # 24 episodes
    entry_save(member=adult_member, work=manga, progress=2)
    entry_save(member=adult_member, work=safe_work, is_private=True, score=3, status="dropped")
    entry_save(member=adult_member, work=adult_work, is_private=False, status="completed", score=10)
    return {"slow": slow, "twist": twist, "explicit": explicit, "disliked": disliked}


def _stats(owner, viewer):
    entries = ListEntry.objects.for_viewer(viewer, owner_id=owner.pk, list_is_private=False)
    return list_statistics(entries, viewer)


def _per_status(stats):
    return {row["value"]: row["count"] for row in stats.per_status}


def test_the_owner_counts_everything(alices_list, adult_member):
    stats = _stats(adult_member, Viewer(passed_age_gate=True, is_member=True, member_id=adult_member.pk))
    assert stats.total == 4
    assert _per_status(stats) == {"planned": 0, "in_progress": 1, "completed": 2, "on_hold": 0, "dropped": 1}
    assert (stats.scored, round(stats.mean_score, 2)) == (3, 6.33)
    assert (stats.episodes, stats.volumes) == (24, 2)
    assert [bar["count"] for bar in stats.distribution] == [0, 0, 1, 0, 0, 1, 0, 0, 0, 1]
    assert stats.distribution[9]["share"] == 1.0


def test_a_private_entry_never_counts_for_another_viewer(alices_list, adult_member, other_adult_member):
    stats = _stats(adult_member, Viewer(passed_age_gate=True, is_member=True, member_id=other_adult_member.pk))
    assert stats.total == 3
    assert _per_status(stats)["dropped"] == 0
    assert (stats.scored, stats.mean_score) == (2, 8.0)
    # Past the gate: explicit tags count; a spoiler link never does.
    assert {tag["tag__name"]: tag["n"] for tag in stats.top_tags} == {
        "Slow burn": 2,
        "Explicit Velvet": 1,
        "Disliked": 1,
    }


def test_before_the_gate_locked_entries_count_by_status_only(alices_list, adult_member):
    stats = _stats(adult_member, ANONYMOUS_VIEWER)
    assert _per_status(stats)["completed"] == 2  # the tabs count the locked row too
    assert (stats.scored, stats.mean_score) == (1, 6.0)
    # No explicit tag, nothing of the locked work, no spoiler.
    assert {tag["tag__name"]: tag["n"] for tag in stats.top_tags} == {"Slow burn": 1, "Disliked": 1}


def test_a_viewers_hidden_tags_never_appear_among_the_top_tags(alices_list, adult_member):
    owner = Viewer(
        passed_age_gate=True,
        is_member=True,
        member_id=adult_member.pk,
        hidden_tag_ids=frozenset({alices_list["disliked"].pk}),
        hidden_tag_categories=frozenset({(alices_list["disliked"].pk, TagCategory.THEME)}),
    )
    assert "Disliked" not in {tag["tag__name"] for tag in _stats(adult_member, owner).top_tags}


def _figures(response) -> dict[str, str]:
    page = html(response)
    facts = page[page.index("list-stats__facts") :]
    facts = facts[: facts.index("</dl>")]
    return {
        dt: re.sub(r"<[^>]+>", "", dd).strip() for dt, dd in re.findall(r"<dt>(.*?)</dt><dd>(.*?)</dd>", facts, re.S)
    }


def test_the_member_page_shows_the_figures_the_chart_and_spoiler_free_tag_links(
    alices_list, adult_member, other_adult_member_client
):
    response = other_adult_member_client.get(PAGE)
    assert _figures(response) == {
        "Entries": "3",
        "Mean score": "8.00 from 2 scores",
        "Episodes logged": "24",
        "Volumes logged": "2",
    }
    page = html(response)
    assert 'id="list-score-chart-title"' in page
    assert '<a class="tag" href="/tags/slow-burn/">Slow burn' in page
    assert "Twist ending" not in page
    assert 'href="/members/alice/list/?status=completed"' in page


def test_the_member_page_before_the_gate(alices_list, client):
    response = client.get(PAGE)
    assert _figures(response)["Mean score"] == "6.00 from 1 score"
    assert "Explicit Velvet" not in html(response)
    pass_age_gate(client)
    assert "Explicit Velvet" in html(client.get(PAGE))


def test_a_private_list_shows_no_figures_to_others(alices_list, adult_member, other_adult_member_client):
    list_settings_update(member=adult_member, is_private=True, adult_entries_private=True)
    page = html(other_adult_member_client.get(PAGE))
    assert "This list is private." in page
    assert "list-stats__facts" not in page and "Slow burn" not in page
    assert 'href="/members/alice/list/"' not in page
    own = html(login(adult_member).get(PAGE))
    assert "list-stats__facts" in own


def test_an_empty_list(adult_member, client):
    page = html(client.get(PAGE))
    assert "No entries to show." in page
    assert "list-score-chart" not in page
