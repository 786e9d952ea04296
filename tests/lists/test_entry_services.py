"""The list's writes (lists.services): what a member may list, what each change does, and the
refusals that leave the list as it was."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from catalog.models import Kind
from lists.choices import Status, status_label
from lists.models import ListEntry, ListSettings
from lists.services import entry_remove, entry_save, list_settings_update
from tests.builders import make_work

pytestmark = pytest.mark.django_db


def test_a_new_entry_is_planned_and_a_second_save_changes_the_same_entry(adult_member, safe_work):
    first = entry_save(member=adult_member, work=safe_work)
    assert first.created and first.entry.status == Status.PLANNED

    second = entry_save(member=adult_member, work=safe_work, score=8)
    assert not second.created
    assert ListEntry.objects.count() == 1
    entry = ListEntry.objects.get()
    assert (entry.status, entry.score) == (Status.PLANNED, 8)


def test_a_new_entry_with_progress_is_in_progress(adult_member):
    work = make_work(kind=Kind.ANIME, episodes=12)
    saved = entry_save(member=adult_member, work=work, progress=3)
    assert (saved.entry.status, saved.entry.progress) == (Status.IN_PROGRESS, 3)


def test_completing_fills_the_progress_to_the_full_count(adult_member):
    work = make_work(kind=Kind.MANGA, volumes=5)
    entry_save(member=adult_member, work=work, progress=2)
    saved = entry_save(member=adult_member, work=work, status=Status.COMPLETED)
    assert saved.entry.progress == 5
    assert not saved.offers_completion


def test_progress_reaching_the_full_count_offers_completion_without_deciding(adult_member):
    work = make_work(kind=Kind.ANIME, episodes=2)
    saved = entry_save(member=adult_member, work=work, progress=2)
    assert saved.offers_completion
    assert saved.entry.status == Status.IN_PROGRESS


def test_progress_past_the_full_count_is_refused_and_changes_nothing(adult_member):
    work = make_work("Four Episodes", kind=Kind.ANIME, episodes=4)
    entry_save(member=adult_member, work=work, progress=1)
    with pytest.raises(ValidationError, match="Four Episodes has 4 episodes"):
        entry_save(member=adult_member, work=work, progress=5, score=9)
    entry = ListEntry.objects.get()
    assert (entry.progress, entry.score) == (1, None)


def test_progress_is_open_ended_when_the_count_is_unknown(adult_member):
    work = make_work(kind=Kind.ANIME, episodes=None)
    assert entry_save(member=adult_member, work=work, progress=40).entry.progress == 40


def test_a_visual_novel_has_a_status_but_no_progress(adult_member):
    work = make_work(kind=Kind.VISUAL_NOVEL)
    with pytest.raises(ValidationError, match="not counted"):
        entry_save(member=adult_member, work=work, progress=1)
    assert not ListEntry.objects.exists()


@pytest.mark.parametrize("score", [0, 11])
def test_a_score_outside_1_to_10_is_refused(adult_member, safe_work, score):
    with pytest.raises(ValidationError):
        entry_save(member=adult_member, work=safe_work, score=score)
    assert not ListEntry.objects.exists()


def test_a_score_can_be_cleared_and_unset_fields_are_kept(adult_member, safe_work):
    entry_save(member=adult_member, work=safe_work, score=6, notes="Rewatch the finale.")
    entry = entry_save(member=adult_member, work=safe_work, score=None).entry
    assert entry.score is None
    assert entry.notes == "Rewatch the finale."


def test_finishing_before_starting_is_refused(adult_member, safe_work):
    with pytest.raises(ValidationError):
        entry_save(
            member=adult_member,
            work=safe_work,
            started_on=datetime.date(2024, 5, 1),
            finished_on=datetime.date(2024, 4, 1),
        )
    assert not ListEntry.objects.exists()


def test_a_minor_cannot_list_an_adult_work(minor_member, adult_work):
    with pytest.raises(PermissionDenied, match="18 or over"):
        entry_save(member=minor_member, work=adult_work)
    assert not ListEntry.objects.exists()


def test_an_unpublished_work_cannot_be_listed(adult_member):
    draft = make_work(published=False)
    with pytest.raises(PermissionDenied):
        entry_save(member=adult_member, work=draft)


def test_entries_of_adult_works_start_private_unless_the_member_chose_otherwise(adult_member, adult_work, safe_work):
    assert entry_save(member=adult_member, work=adult_work).entry.is_private
    assert not entry_save(member=adult_member, work=safe_work).entry.is_private

    list_settings_update(member=adult_member, is_private=False, adult_entries_private=False)
    other_adult = make_work(age_rating="r18")
    assert not entry_save(member=adult_member, work=other_adult).entry.is_private


def test_a_members_choice_of_privacy_wins_over_the_default(adult_member, adult_work):
    assert not entry_save(member=adult_member, work=adult_work, is_private=False).entry.is_private


def test_removing_an_entry(adult_member, safe_work):
    entry_save(member=adult_member, work=safe_work)
    assert entry_remove(member=adult_member, work=safe_work)
    assert not entry_remove(member=adult_member, work=safe_work)
    assert not ListEntry.objects.exists()


def test_settings_default_until_saved(adult_member):
    defaults = ListSettings.of(adult_member.pk)
    assert (defaults.is_private, defaults.adult_entries_private, defaults.pk) == (False, True, adult_member.pk)
    assert not ListSettings.objects.exists()


@pytest.mark.parametrize(
    ("kind", "planned", "current"),
    [
        (Kind.ANIME, "Plan to watch", "Watching"),
        (Kind.MANGA, "Plan to read", "Reading"),
        (Kind.VISUAL_NOVEL, "Plan to play", "Playing"),
        ("", "Plan to try", "In progress"),
    ],
)
def test_status_labels_fit_the_kind_of_work(kind, planned, current):
    assert status_label(Status.PLANNED, kind) == planned
    assert status_label(Status.IN_PROGRESS, kind) == current
    assert status_label(Status.ON_HOLD, kind) == "On hold"


def test_many_entries_at_once_follow_the_same_rules_and_refresh_each_work_once(adult_member, adult_work):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from catalog.models import Work
    from lists.services import entries_save

    works = [make_work(f"Bulk {i}", kind=Kind.ANIME, episodes=10) for i in range(30)]
    changes = [(work, {"status": Status.COMPLETED, "score": 8}) for work in works] + [(adult_work, {})]
    with CaptureQueriesContext(connection) as queries:
        saved = entries_save(member=adult_member, changes=changes)
    assert len(saved) == 31 and all(item.created for item in saved)
    entries = {entry.work_id: entry for entry in ListEntry.objects.all()}
    assert all(entries[work.pk].progress == 10 for work in works)  # completing fills the progress
    assert entries[adult_work.pk].is_private  # the member's default for 18+ works
    assert set(Work.objects.filter(pk__in=[w.pk for w in works]).values_list("list_count", "vote_count")) == {(1, 1)}
    # Each entry's own read and write, then each scored work's refresh (its row locked, its votes
    # counted, its figures written): nothing more per entry.
    assert len(queries) <= 31 * 2 + 30 * 3 + 10


def test_a_refusal_among_many_writes_none_and_names_its_work(adult_member):
    from lists.services import entries_save

    fine = make_work("Fine", kind=Kind.ANIME, episodes=3)
    short = make_work("Short", kind=Kind.ANIME, episodes=2)
    with pytest.raises(ValidationError) as refused:
        entries_save(member=adult_member, changes=[(fine, {"progress": 1}), (short, {"progress": 5})])
    assert refused.value.work_id == short.pk
    assert not ListEntry.objects.exists()


@pytest.mark.parametrize("value", ["", "completed", "<b>"])
def test_the_quick_select_prints_what_djangos_select_prints(value):
    from django import forms
    from django.test.html import parse_html

    from lists.forms import OptionsInPython

    choices = [("", "No score"), ("completed", "Completed"), ("<b>", "Bold & <i>")]
    attrs = {"id": "id_status", "class": "x"}
    ours = OptionsInPython(choices=choices).render("status", value, attrs)
    django = forms.Select(choices=choices).render("status", value, attrs)
    assert parse_html(ours) == parse_html(django)  # the same elements, attributes and escaped text
