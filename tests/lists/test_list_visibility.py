"""Who sees which entries of a member's list (catalog.visibility.list_entries_for_viewer)."""

import pytest

from accounts.viewer import ANONYMOUS_VIEWER, Viewer
from catalog import visibility
from catalog.models import Work
from lists.models import ListEntry
from lists.services import entry_save
from tests.builders import make_tag, make_work

pytestmark = pytest.mark.django_db


def _shown(owner, viewer, *, list_is_private=False):
    entries = visibility.list_entries_for_viewer(
        ListEntry.objects.of_member(owner.pk),
        Work.objects,
        viewer,
        owner_id=owner.pk,
        list_is_private=list_is_private,
    )
    return {entry.work.title: entry.is_locked for entry in entries.select_related("work")}


def test_others_see_public_entries_and_18_plus_ones_locked_before_the_gate(adult_member, safe_work, adult_work):
    entry_save(member=adult_member, work=safe_work)
    entry_save(member=adult_member, work=adult_work, is_private=False)
    assert _shown(adult_member, ANONYMOUS_VIEWER) == {"Sunny Afternoon": False, "Triangle Blue": True}
    assert _shown(adult_member, Viewer(passed_age_gate=True)) == {"Sunny Afternoon": False, "Triangle Blue": False}


def test_private_entries_and_private_lists_are_the_owners_alone(
    adult_member, other_adult_member, safe_work, adult_work
):
    entry_save(member=adult_member, work=safe_work, is_private=True)
    entry_save(member=adult_member, work=adult_work)  # private by default
    other = Viewer(passed_age_gate=True, is_member=True, member_id=other_adult_member.pk)
    owner = Viewer(passed_age_gate=True, is_member=True, member_id=adult_member.pk)
    assert _shown(adult_member, other) == {}
    assert set(_shown(adult_member, owner)) == {"Sunny Afternoon", "Triangle Blue"}

    entry_save(member=adult_member, work=safe_work, is_private=False)
    assert set(_shown(adult_member, other)) == {"Sunny Afternoon"}
    assert _shown(adult_member, other, list_is_private=True) == {}
    assert set(_shown(adult_member, owner, list_is_private=True)) == {"Sunny Afternoon", "Triangle Blue"}


def test_an_unpublished_works_entry_is_kept_but_shown_to_nobody(adult_member, safe_work):
    entry_save(member=adult_member, work=safe_work)
    Work.objects.filter(pk=safe_work.pk).update(is_published=False)
    owner = Viewer(is_member=True, member_id=adult_member.pk)
    assert _shown(adult_member, owner) == {}
    assert _shown(adult_member, ANONYMOUS_VIEWER) == {}
    assert ListEntry.objects.count() == 1


def test_a_viewers_hidden_tags_leave_others_entries_out_but_not_their_own(adult_member, other_adult_member):
    disliked = make_tag("Disliked")
    work = make_work("Tagged", tags=[disliked])
    entry_save(member=adult_member, work=work)
    hiding = {
        "hidden_tag_ids": frozenset({disliked.pk}),
        "hidden_tag_categories": frozenset({(disliked.pk, disliked.category)}),
    }
    assert _shown(adult_member, Viewer(is_member=True, member_id=other_adult_member.pk, **hiding)) == {}
    assert set(_shown(adult_member, Viewer(is_member=True, member_id=adult_member.pk, **hiding))) == {"Tagged"}


def test_notes_are_the_owners_alone(adult_member, other_adult_member, safe_work):
    entry = entry_save(member=adult_member, work=safe_work, notes="mine").entry
    assert visibility.may_read_entry_notes(entry, Viewer(is_member=True, member_id=adult_member.pk))
    assert not visibility.may_read_entry_notes(entry, Viewer(is_member=True, member_id=other_adult_member.pk))
    assert not visibility.may_read_entry_notes(entry, ANONYMOUS_VIEWER)
