"""Writes to members' lists. Views, the import and the admin call these; nothing else writes list data.

Each service is keyword-only, validates with ``full_clean()`` and runs in one transaction, so a
refused write leaves nothing behind.
"""

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F

from accounts.models import User
from catalog import visibility
from catalog.models import Work
from lists import votes
from lists.choices import Status, progress_total, progress_unit
from lists.models import ListEntry, ListSettings


class _Unset:
    """A change not asked for: the entry keeps what it has (None would clear a score or a date)."""

    def __repr__(self) -> str:
        return "UNSET"


UNSET: Any = _Unset()


@dataclass(frozen=True)
class EntrySaved:
    entry: ListEntry
    created: bool
    # Progress reached the work's full count on an entry not yet completed: the page offers
    # "Mark as completed" instead of deciding for the member.
    offers_completion: bool


def _lock_member(member: User) -> None:
    """Lock the member's row until the transaction ends, so two writes to one member's list (two
    tabs, a double click, an import beside an edit) apply one after the other and neither is lost."""
    User.objects.select_for_update().filter(pk=member.pk).values_list("pk").first()


def _require_may_list(member: User, work: Work) -> None:
    if not visibility.may_list(member, work):
        if visibility.is_draft(work):
            raise PermissionDenied("This work is not published.")
        raise PermissionDenied("Only members aged 18 or over can list 18+ works.")


def _check_progress(work: Work, progress: int) -> None:
    unit = progress_unit(work.kind)
    if unit is None:
        if progress:
            raise ValidationError({"progress": "Progress is not counted for this kind of work; set a status instead."})
        return
    total = progress_total(work)
    if total is not None and progress > total:
        noun = unit.label.lower() if total != 1 else unit.label.lower().rstrip("s")
        raise ValidationError({"progress": f"{work.title} has {total} {noun}."})


def _listed(work_id: int, change: int) -> None:
    """Move the work's popularity (``Work.list_count``) by one entry, in the database's own arithmetic:
    two members adding the work at once both count, with no row lock to wait on."""
    Work.objects.filter(pk=work_id).update(list_count=F("list_count") + change)


def works_recount_listed(work_ids: Iterable[int]) -> None:
    """Count again how many members list each work, for writes that remove entries in bulk."""
    for work_id in sorted(set(work_ids)):
        Work.objects.filter(pk=work_id).update(list_count=ListEntry.objects.filter(work_id=work_id).count())


def member_deletion_recount(member: User) -> Callable[[], None]:
    """Before a member is deleted: their votes and their entries leave the works they listed, so
    afterwards those works' scores and popularity are worked out again without them."""
    recount_votes = votes.member_deletion_recount(member)
    listed = list(ListEntry.objects.filter(user_id=member.pk).values_list("work_id", flat=True))

    def recount() -> None:
        recount_votes()
        works_recount_listed(listed)

    return recount


@transaction.atomic
def entry_save(
    *,
    member: User,
    work: Work,
    status: str = UNSET,
    progress: int = UNSET,
    score: int | None = UNSET,
    started_on: datetime.date | None = UNSET,
    started_precision: str = UNSET,
    finished_on: datetime.date | None = UNSET,
    finished_precision: str = UNSET,
    notes: str = UNSET,
    is_private: bool = UNSET,
) -> EntrySaved:
    """Add the work to the member's list or change its entry; only the fields given change.

    A new entry without a status is planned, or in progress if it has progress. Completing fills
    the progress to the work's full count when the catalog knows it. A new entry of an 18+ work
    starts private when the member's settings say so (``visibility.entry_starts_private``).
    The work's score is refreshed in the same transaction when the member's vote on it changes
    (``lists.votes``).
    """
    _require_may_list(member, work)
    _lock_member(member)
    entry = ListEntry.objects.select_for_update().filter(user=member, work=work).first()
    if entry is not None:
        entry.work = work  # the row in hand: its kind and counts are read below, without a second query
    created = entry is None
    counted_before = None if entry is None else votes.counted_score(entry)
    if entry is None:
        settings = ListSettings.of(member.pk)
        entry = ListEntry(
            user=member,
            work=work,
            is_private=visibility.entry_starts_private(work, settings.adult_entries_private),
            # As every other entry of the member says; list_changed below moves them all if this
            # entry takes the member across the rule.
            vote_counted=votes.member_flag(member),
        )
        if status is UNSET:
            status = Status.IN_PROGRESS if progress is not UNSET and progress else Status.PLANNED
    changes = {
        "status": status,
        "progress": progress,
        "score": score,
        "started_on": started_on,
        "started_precision": started_precision,
        "finished_on": finished_on,
        "finished_precision": finished_precision,
        "notes": notes,
        "is_private": is_private,
    }
    for field, value in changes.items():
        if value is not UNSET:
            setattr(entry, field, value)
    total = progress_total(work)
    if status == Status.COMPLETED and progress is UNSET and total is not None:
        entry.progress = total
    if entry.progress is None:
        entry.progress = 0
    _check_progress(work, entry.progress)
    entry.full_clean(exclude=["user", "work"], validate_unique=False)
    entry.save()
    if created:
        _listed(work.pk, +1)
    flag = votes.list_changed(
        member=member,
        # Only a new entry can take the member across the rule on list size (a change of an old
        # one leaves the count as it was); the daily votes_refresh sees to the passing of time.
        entry_flag=entry.vote_counted if created else None,
        works_changed=[work.pk] if votes.counted_score(entry) != counted_before else [],
    )
    if flag is not None:
        entry.vote_counted = flag
    return EntrySaved(
        entry=entry,
        created=created,
        offers_completion=entry.offers_completion,
    )


@transaction.atomic
def entry_remove(*, member: User, work: Work) -> bool:
    """Take the work off the member's list; False if it was not on it. The member's vote on the
    work goes with the entry, and the work's score is refreshed in the same transaction."""
    _lock_member(member)
    entry = ListEntry.objects.select_for_update().filter(user=member, work=work).first()
    if entry is None:
        return False
    counted_before = votes.counted_score(entry)
    entry.delete()
    _listed(work.pk, -1)
    votes.list_changed(
        member=member,
        # A smaller list may take the member below the rule's minimum (None: nothing left to flag).
        entry_flag=entry.vote_counted if ListEntry.objects.filter(user=member).exists() else None,
        works_changed=[work.pk] if counted_before is not None else [],
    )
    return True


@transaction.atomic
def entry_score_set(*, member: User, work: Work, score: int | None) -> EntrySaved | None:
    """Set the member's score of a work (their vote), as a review does: the score its author gives
    with it is the one on their list. A work not on the list yet is added as completed, since a
    member who reviews it has most likely finished it; an entry already there keeps its status."""
    _lock_member(member)
    exists = ListEntry.objects.filter(user=member, work=work).exists()
    if not exists and score is None:
        return None  # nothing to record: no entry appears for a review without a score
    return entry_save(member=member, work=work, score=score, status=UNSET if exists else Status.COMPLETED)


@transaction.atomic
def list_settings_update(*, member: User, is_private: bool, adult_entries_private: bool) -> ListSettings:
    settings = ListSettings.of(member.pk)
    settings.is_private = is_private
    settings.adult_entries_private = adult_entries_private
    settings.full_clean()
    settings.save()
    return settings
