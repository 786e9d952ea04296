"""Similar works on a work's page: by shared tags, a rare tag counting for more; only through tags the
viewer may see, never a work they may not; kept up to date when curators change tags; a fixed
number of queries."""

import re

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from catalog import similar
from catalog.models import AgeRating, SimilarWork, TagCategory, Work, WorkTag
from catalog.services import tag_merge
from catalog.similar import similar_works_rebuild, similar_works_refresh
from tests.builders import make_member, make_tag, make_work, tag_form, tag_work, work_form
from tests.pages import html, login, pass_age_gate

_TITLE = re.compile(r'<h3 class="work-card__title"><a href="[^"]*">(.*?)</a>')


def similar_block(response) -> str:
    page = html(response)
    if 'id="similar-title"' not in page:
        return ""
    return page.split('id="similar-title"', 1)[1].split("</section>", 1)[0]


def similar_titles(response) -> list[str]:
    return _TITLE.findall(similar_block(response))


@pytest.fixture
def shelf(db):
    """ "Source" shares a rare tag with "Rare match" and a common one with "Common match"; filler
    works make the common tag common."""
    rare, common = make_tag("Rare"), make_tag("Common")
    source = make_work("Source", tags=[rare, common])
    rare_match = make_work("Rare match", tags=[rare])
    common_match = make_work("Common match", tags=[common])
    for i in range(6):
        make_work(f"Filler {i}", tags=[common], index=False)
    return {"rare": rare, "common": common, "source": source, "rare_match": rare_match, "common_match": common_match}


def test_a_rare_shared_tag_counts_for_more_than_a_common_one(shelf, client):
    similar_works_rebuild()
    titles = similar_titles(client.get("/works/source/"))
    assert titles[0] == "Rare match"
    assert "Common match" in titles and "Source" not in titles


def test_more_shared_tags_rank_higher(shelf, client):
    both = make_work("Both tags", tags=[shelf["rare"], shelf["common"]])
    similar_works_rebuild()
    assert similar_titles(client.get("/works/source/"))[:2] == [both.title, "Rare match"]


def test_a_work_sharing_no_tag_is_not_similar_and_an_empty_block_is_not_shown(shelf, client):
    make_work("Loner", tags=[make_tag("Alone")])
    similar_works_rebuild()
    assert "Loner" not in similar_titles(client.get("/works/source/"))
    assert similar_block(client.get("/works/loner/")) == ""


def others(n: int = 3) -> None:
    """Works without the tags compared: a tag on every work says nothing (its weight is log 1 = 0)."""
    for i in range(n):
        make_work(f"Other {i}", index=False)


def test_never_through_a_spoiler_deeper_than_the_viewer_reads(db, client):
    others()
    twist = make_tag("Twist")
    make_work("Source", tags=[(twist, 0)])
    make_work("Spoiled", tags=[(twist, 2)])
    similar_works_rebuild()
    assert similar_titles(client.get("/works/source/")) == []  # a visitor reads no spoilers
    reader = login(make_member(max_spoiler_level=2))
    assert similar_titles(reader.get("/works/source/")) == ["Spoiled"]
    minor = login(make_member(max_spoiler_level=1))
    assert similar_titles(minor.get("/works/source/")) == []
    # The link on the page's own work counts as much: a spoiler there is a spoiler too.
    assert similar_titles(reader.get("/works/spoiled/")) == ["Source"]
    assert similar_titles(client.get("/works/spoiled/")) == []


def test_never_through_an_explicit_tag_before_the_gate(db, client):
    others()
    explicit = make_tag("Explicit thing", category=TagCategory.CONTENT)
    make_work("Source", tags=[explicit])
    make_work("Explicit match", tags=[explicit])
    similar_works_rebuild()
    assert similar_titles(client.get("/works/source/")) == []
    pass_age_gate(client)
    assert similar_titles(client.get("/works/source/")) == ["Explicit match"]


def test_never_a_work_with_the_viewers_hidden_tags(shelf, client):
    avoided = make_tag("Avoided")
    tag_work(shelf["rare_match"], avoided)
    similar_works_rebuild()
    member = make_member()
    member.hidden_tags.add(avoided)
    assert "Rare match" not in similar_titles(login(member).get("/works/source/"))
    assert "Rare match" in similar_titles(client.get("/works/source/"))


def test_an_18_plus_work_is_a_locked_card_before_the_gate(shelf, client):
    Work.objects.filter(pk=shelf["rare_match"].pk).update(age_rating=AgeRating.R18, synopsis="Secret-synopsis")
    similar_works_rebuild()
    block = similar_block(client.get("/works/source/"))
    assert "Rare match" in block and "work-card--locked" in block and "Secret-synopsis" not in block
    member = make_member(show_adult_works=False)
    assert "Rare match" not in similar_titles(login(member).get("/works/source/"))


def test_never_an_unpublished_work_even_one_unpublished_after_the_refresh(shelf, client):
    similar_works_rebuild()
    Work.objects.filter(pk=shelf["rare_match"].pk).update(is_published=False)
    assert "Rare match" not in similar_titles(client.get("/works/source/"))
    make_work("Draft match", tags=[shelf["rare"]], published=False)
    similar_works_rebuild()
    assert "Draft match" not in similar_titles(client.get("/works/source/"))


def test_a_curator_adding_a_tag_in_the_admin_updates_both_works(shelf, client, curator_client):
    similar_works_rebuild()
    newcomer = make_work("Newcomer")
    data = work_form(
        newcomer,
        **{
            "work_tags-TOTAL_FORMS": "1",
            "work_tags-0-tag": str(shelf["rare"].pk),
            "work_tags-0-spoiler_level": "0",
        },
    )
    assert curator_client.post(reverse("admin:catalog_work_change", args=[newcomer.pk]), data).status_code == 302
    assert "Source" in similar_titles(client.get("/works/newcomer/"))
    assert "Newcomer" in similar_titles(client.get("/works/source/"))


def test_a_link_made_a_spoiler_stops_counting_for_visitors_at_once(shelf, client, curator_client):
    similar_works_rebuild()
    rare_match = shelf["rare_match"]
    link = WorkTag.objects.get(work=rare_match, tag=shelf["rare"])
    data = work_form(
        rare_match,
        **{
            "work_tags-TOTAL_FORMS": "1",
            "work_tags-INITIAL_FORMS": "1",
            "work_tags-0-id": str(link.pk),
            "work_tags-0-work": str(rare_match.pk),
            "work_tags-0-tag": str(shelf["rare"].pk),
            "work_tags-0-spoiler_level": "2",
        },
    )
    assert curator_client.post(reverse("admin:catalog_work_change", args=[rare_match.pk]), data).status_code == 302
    assert "Rare match" not in similar_titles(client.get("/works/source/"))


def test_a_tag_merge_refreshes_the_works_it_moved(db, client):
    others()
    old, new = make_tag("Old name"), make_tag("New name")
    make_work("Source", tags=[new])
    make_work("Moved", tags=[old])
    similar_works_rebuild()
    assert similar_titles(client.get("/works/source/")) == []
    tag_merge(source=old, target=new)
    assert similar_titles(client.get("/works/source/")) == ["Moved"]


def test_unpublishing_removes_a_work_from_the_table(shelf):
    similar_works_rebuild()
    rare_match = shelf["rare_match"]
    Work.objects.filter(pk=rare_match.pk).update(is_published=False)
    similar_works_refresh(work_ids=[rare_match.pk])
    assert not SimilarWork.objects.filter(similar=rare_match).exists()
    assert not SimilarWork.objects.filter(work=rare_match).exists()


def test_the_refresh_agrees_with_the_rebuild(shelf):
    make_work("Both tags", tags=[shelf["rare"], shelf["common"]])
    similar_works_rebuild()
    rebuilt = set(SimilarWork.objects.values_list("work_id", "similar_id", "score_0"))
    similar_works_refresh(work_ids=Work.objects.values_list("pk", flat=True))
    refreshed = set(SimilarWork.objects.values_list("work_id", "similar_id", "score_0"))
    assert {(a, b, round(s, 6)) for a, b, s in refreshed} == {(a, b, round(s, 6)) for a, b, s in rebuilt}


def test_other_signals_blend_in_as_weighted_pairs():
    links = {1: {10: (0, False)}, 2: {10: (0, False)}, 3: {11: (0, False)}, 4: {11: (0, False)}}
    plain = dict(similar.compute(links))
    assert set(plain[1]) == {2}
    blended = dict(similar.compute(links, extra_pairs=[(1, 3, 5.0)]))
    assert set(blended[1]) == {2, 3} and set(blended[3]) == {1, 4}
    assert blended[1][3] == [5.0] * 6  # co-listing reveals no tag: it counts for every viewer


def test_pair_scores_by_kind_of_viewer():
    idf = {1: 1.0, 2: 10.0, 3: 100.0}
    a = {1: (0, False), 2: (1, False), 3: (0, True)}
    b = {1: (0, False), 2: (0, False), 3: (2, True)}
    # score_0, score_1, score_2 (no explicit tags), then the same with them.
    assert similar.pair_scores(a, b, idf) == [1.0, 11.0, 11.0, 1.0, 11.0, 111.0]


def test_the_command_rebuilds_the_table(shelf, capsys):
    call_command("refresh_similar_works")
    assert "pairs stored" in capsys.readouterr().out
    assert SimilarWork.objects.filter(work=shelf["source"], similar=shelf["rare_match"]).exists()


def test_the_block_costs_the_same_queries_whatever_it_shows(shelf, client):
    similar_works_rebuild()
    client.get("/works/source/")  # warm the per-process URL patterns
    cache.clear()  # then measure the cold path: the cards' HTML is cached
    with CaptureQueriesContext(connection) as small:
        client.get("/works/source/")
    for i in range(20):
        make_work(f"More {i}", tags=[shelf["rare"], make_tag(f"Extra {i}")], index=False)
    similar_works_rebuild()
    cache.clear()
    with CaptureQueriesContext(connection) as large:
        response = client.get("/works/source/")
    assert len(similar_titles(response)) == similar.SHOWN
    assert len(large) == len(small)


def test_a_tag_made_explicit_stops_counting_before_the_gate_at_once(db, client, curator_client):
    others()
    shared = make_tag("Shared")
    make_work("Source", tags=[shared])
    make_work("Match", tags=[shared])
    similar_works_rebuild()
    assert similar_titles(client.get("/works/source/")) == ["Match"]
    data = tag_form(shared, category=TagCategory.CONTENT)
    assert curator_client.post(reverse("admin:catalog_tag_change", args=[shared.pk]), data).status_code == 302
    assert similar_titles(client.get("/works/source/")) == []


def test_publishing_in_the_admin_brings_a_work_in(shelf, client, curator_client):
    similar_works_rebuild()
    draft = make_work("Late arrival", tags=[shelf["rare"]], published=False)
    response = curator_client.post(
        reverse("admin:catalog_work_changelist"), {"action": "publish", "_selected_action": [draft.pk]}
    )
    assert response.status_code == 302
    assert "Late arrival" in similar_titles(client.get("/works/source/"))


def test_many_changed_works_rebuild_the_table(shelf, monkeypatch):
    monkeypatch.setattr(similar, "REBUILD_ABOVE", 1)
    rebuilt = []
    monkeypatch.setattr(similar, "similar_works_rebuild", lambda **kwargs: rebuilt.append(kwargs))
    similar_works_refresh(work_ids=[shelf["source"].pk, shelf["rare_match"].pk])
    assert rebuilt == [{"extra_pairs": None}]
