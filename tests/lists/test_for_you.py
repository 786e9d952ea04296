"""A member's "For you" (lists.recommendations): works like the ones they scored highly, never one
already on their list, one with their hidden tags, or one they may not see, through tags they may see."""

import pytest

from accounts.viewer import Viewer
from catalog.models import TagCategory
from catalog.similar import similar_works_rebuild
from lists.recommendations import for_you
from lists.services import entry_save
from tests.builders import make_member, make_tag, make_work

pytestmark = pytest.mark.django_db


def _viewer(member, **fields) -> Viewer:
    return Viewer(is_member=True, member_id=member.pk, passed_age_gate=True, **fields)


@pytest.fixture
def taste(db):
    """A member who loved "Loved" (tags Rain, Train) and thought "Meh" middling (tag Beach)."""
    rain, train, beach, filler = make_tag("Rain"), make_tag("Train"), make_tag("Beach"), make_tag("Filler")
    member = make_member("taster")
    loved = make_work("Loved", tags=[rain, train])
    meh = make_work("Meh", tags=[beach])
    works = {
        "both": make_work("Rain and Train", tags=[rain, train]),
        "rain": make_work("Only Rain", tags=[rain]),
        "beach": make_work("Only Beach", tags=[beach]),
        "unrelated": make_work("Unrelated", tags=[filler]),
    }
    for i in range(5):
        make_work(f"Filler {i}", tags=[filler], index=False)
    entry_save(member=member, work=loved, score=10)
    entry_save(member=member, work=meh, score=5)
    return {"member": member, "tags": {"rain": rain, "train": train, "beach": beach}, **works}


def _titles(member, viewer=None) -> list[str]:
    return [work.title for work in for_you(member, viewer or _viewer(member)).works]


def test_works_like_the_loved_ones_come_first_and_middling_scores_seed_nothing(taste):
    similar_works_rebuild()
    titles = _titles(taste["member"])
    assert titles[:2] == ["Rain and Train", "Only Rain"]
    assert "Only Beach" not in titles and "Unrelated" not in titles


def test_works_already_listed_are_left_out(taste):
    entry_save(member=taste["member"], work=taste["both"], status="planned")
    similar_works_rebuild()
    assert _titles(taste["member"]) == ["Only Rain"]


def test_hidden_tags_and_unseen_tags_leave_works_out(taste):
    similar_works_rebuild()
    rain = taste["tags"]["rain"]
    hiding = {"hidden_tag_ids": frozenset({rain.pk}), "hidden_tag_categories": frozenset({(rain.pk, rain.category)})}
    assert "Only Rain" not in _titles(taste["member"], _viewer(taste["member"], **hiding))


def test_an_explicit_tag_recommends_nothing_before_the_gate(db):
    explicit = make_tag("Explicit thing", category=TagCategory.CONTENT)
    member = make_member("gated")
    loved = make_work("Loved", tags=[explicit])
    make_work("Explicit match", tags=[explicit])
    other = make_tag("Other")
    for i in range(4):  # so that the explicit tag is rare enough to weigh something
        make_work(f"Other {i}", tags=[other], index=False)
    entry_save(member=member, work=loved, score=9)
    similar_works_rebuild()
    before_gate = Viewer(is_member=True, member_id=member.pk, passed_age_gate=False)
    assert _titles(member, before_gate) == []
    assert _titles(member) == ["Explicit match"]


def test_a_member_with_no_high_score_gets_nothing_yet(db):
    member = make_member("new")
    assert for_you(member, _viewer(member)).works == []
