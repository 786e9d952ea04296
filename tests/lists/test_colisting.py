"""Co-listing (lists.colisting): works that the same members completed join each other's similar
works, once enough members did; no private entry or list, no deactivated member, no unfinished
entry counts; the admin's refresh of one work agrees with the nightly rebuild."""

import pytest
from django.core.management import call_command

from catalog import similar
from catalog.models import AgeRating, SimilarWork, Work
from catalog.similar import similar_works_rebuild, similar_works_refresh
from lists import colisting
from lists.choices import Status
from lists.colisting import colisted_pairs, colisting_rebuild
from lists.models import CoListing
from lists.services import entry_save, list_settings_update
from tests.builders import make_member, make_tag, make_work, tag_work
from tests.catalog.test_similar_works import similar_block, similar_titles
from tests.pages import login

pytestmark = pytest.mark.django_db


@pytest.fixture
def shelf(db):
    """ "Start" and "Sequel" share no tag (nor does either with "Elsewhere"); fillers give the tags weight."""
    rain, sea, sky = make_tag("Rain"), make_tag("Sea"), make_tag("Sky")
    works = {
        "start": make_work("Start", tags=[rain]),
        "sequel": make_work("Sequel", tags=[sea]),
        "elsewhere": make_work("Elsewhere", tags=[sky]),
    }
    for i in range(4):
        make_work(f"Filler {i}", tags=[rain, sea, sky], index=False)
    return works


def complete(members, *works, **fields):
    for member in members:
        for work in works:
            entry_save(member=member, work=work, status=Status.COMPLETED, **fields)


def members(n, prefix="reader"):
    return [make_member(f"{prefix}{i}") for i in range(n)]


def blend():
    colisting_rebuild()
    similar_works_rebuild()


def test_works_enough_members_completed_together_become_similar(shelf, client):
    complete(members(colisting.MIN_MEMBERS), shelf["start"], shelf["sequel"])
    blend()
    assert similar_titles(client.get("/works/start/"))[0] == "Sequel"
    assert similar_titles(client.get("/works/sequel/"))[0] == "Start"
    assert "Elsewhere" not in similar_titles(client.get("/works/start/"))


def test_a_co_listed_work_still_goes_through_the_policy(shelf, client):
    """Co-listing adds to a pair's score; which works the block may name stays the policy's."""
    avoided = make_tag("Avoided")
    tag_work(shelf["sequel"], avoided)
    complete(members(colisting.MIN_MEMBERS), shelf["start"], shelf["sequel"])
    blend()
    assert similar_titles(login(make_member()).get("/works/start/"))[0] == "Sequel"
    member = make_member()
    member.hidden_tags.add(avoided)
    assert "Sequel" not in similar_titles(login(member).get("/works/start/"))
    Work.objects.filter(pk=shelf["sequel"].pk).update(age_rating=AgeRating.R18, synopsis="Secret-synopsis")
    block = similar_block(client.get("/works/start/"))
    assert "Sequel" in block and "work-card--locked" in block and "Secret-synopsis" not in block


def test_members_whose_votes_do_not_count_are_left_out(shelf, settings):
    """Throwaway accounts (too new, lists too short: lists.votes) cannot make two works alike."""
    settings.NTRDB_VOTE_MIN_ACCOUNT_DAYS = 7
    complete(members(colisting.MIN_MEMBERS), shelf["start"], shelf["sequel"])
    colisting_rebuild()
    assert not CoListing.objects.exists()


def test_fewer_members_than_the_minimum_blend_nothing(shelf, client):
    complete(members(colisting.MIN_MEMBERS - 1), shelf["start"], shelf["sequel"])
    blend()
    assert not CoListing.objects.exists()
    assert "Sequel" not in similar_titles(client.get("/works/start/"))


@pytest.mark.parametrize(
    "hold_back",
    [
        pytest.param(lambda member, work: entry_save(member=member, work=work, is_private=True), id="private entry"),
        pytest.param(
            lambda member, work: list_settings_update(member=member, is_private=True, adult_entries_private=True),
            id="private list",
        ),
        pytest.param(lambda member, work: entry_save(member=member, work=work, status=Status.DROPPED), id="dropped"),
        pytest.param(
            lambda member, work: type(member).objects.filter(pk=member.pk).update(is_active=False), id="deactivated"
        ),
    ],
)
def test_a_completion_others_may_not_count_is_left_out(shelf, hold_back):
    readers = members(colisting.MIN_MEMBERS)
    complete(readers, shelf["start"], shelf["sequel"])
    colisting_rebuild()
    assert CoListing.objects.count() == 2  # the pair, both ways
    hold_back(readers[0], shelf["sequel"])
    colisting_rebuild()
    assert not CoListing.objects.exists()


def test_an_unpublished_work_is_not_counted(shelf):
    complete(members(colisting.MIN_MEMBERS), shelf["start"], shelf["sequel"])
    type(shelf["sequel"]).objects.filter(pk=shelf["sequel"].pk).update(is_published=False)
    colisting_rebuild()
    assert not CoListing.objects.exists()


def test_strength_is_shared_members_against_each_works_own(db):
    a, b, c = 1, 2, 3
    # Four members completed a and b; two more completed a alone; three completed b and c.
    rows = [(m, w) for m in range(4) for w in (a, b)] + [(4, a), (5, a)] + [(m, w) for m in (6, 7, 8) for w in (b, c)]
    together, completers = colisting.count_pairs(sorted(rows))
    stored = {(work, other): (n, s) for work, other, n, s in colisting.strongest(together, completers)}
    assert stored[(a, b)] == stored[(b, a)] == (4, pytest.approx(4 / (6 * 7) ** 0.5))
    assert stored[(b, c)] == (3, pytest.approx(3 / (7 * 3) ** 0.5))
    assert (a, c) not in stored  # nobody completed both
    # Ranked by strength: c's only partner is b, and b's strongest is c (3 of c's 3 completers).
    assert [other for work, other, *_ in colisting.strongest(together, completers) if work == b] == [c, a]


def test_each_member_counts_their_most_recent_completions_only(shelf, monkeypatch):
    monkeypatch.setattr(colisting, "PER_MEMBER", 2)
    readers = members(colisting.MIN_MEMBERS)
    complete(readers, shelf["elsewhere"])  # the oldest: past the cap
    complete(readers, shelf["start"], shelf["sequel"])
    colisting_rebuild()
    assert set(CoListing.objects.values_list("work__title", "other__title")) == {
        ("Start", "Sequel"),
        ("Sequel", "Start"),
    }


def test_each_work_keeps_its_strongest_pairs(shelf, monkeypatch):
    monkeypatch.setattr(colisting, "KEEP", 1)
    readers = members(colisting.MIN_MEMBERS + 1)
    complete(readers, shelf["start"], shelf["sequel"])
    complete(readers[: colisting.MIN_MEMBERS], shelf["elsewhere"])
    colisting_rebuild()
    kept = dict(CoListing.objects.values_list("work__title", "other__title"))
    assert kept["Start"] == "Sequel" and kept["Sequel"] == "Start"
    assert kept["Elsewhere"] in {"Start", "Sequel"}


def test_the_pair_source_names_each_pair_once(shelf):
    complete(members(colisting.MIN_MEMBERS), shelf["start"], shelf["sequel"])
    colisting_rebuild()
    start, sequel = shelf["start"].pk, shelf["sequel"].pk
    (pair,) = colisted_pairs(None)
    assert colisted_pairs([start, sequel]) == colisted_pairs([sequel]) == [pair]
    assert pair[:2] == (min(start, sequel), max(start, sequel)) and pair[2] == pytest.approx(colisting.WEIGHT)
    assert colisted_pairs([shelf["elsewhere"].pk]) == []


def test_lists_register_the_pair_source():
    assert colisted_pairs in similar._pair_sources  # the seam's registry


def test_refreshing_one_work_keeps_its_co_listing_as_the_rebuild_does(shelf):
    complete(members(colisting.MIN_MEMBERS), shelf["start"], shelf["sequel"])
    blend()
    rebuilt = set(SimilarWork.objects.values_list("work_id", "similar_id", "score_0"))
    assert (shelf["start"].pk, shelf["sequel"].pk) in {(a, b) for a, b, _ in rebuilt}
    similar_works_refresh(work_ids=[shelf["start"].pk])
    refreshed = set(SimilarWork.objects.values_list("work_id", "similar_id", "score_0"))
    assert {(a, b, round(s, 6)) for a, b, s in refreshed} == {(a, b, round(s, 6)) for a, b, s in rebuilt}


def test_the_command_rebuilds_the_table(shelf, capsys):
    complete(members(colisting.MIN_MEMBERS), shelf["start"], shelf["sequel"])
    call_command("refresh_colisting")
    assert "2 pairs stored" in capsys.readouterr().out
    assert CoListing.objects.filter(work=shelf["start"], other=shelf["sequel"], members=3).exists()
