"""Writes to members' lists. Views, the import and the admin call these; nothing else writes list data.

Each service is keyword-only, validates with ``full_clean()`` and runs in one transaction, so a
refused write leaves nothing behind.
"""

import contextlib
import datetime
from collections.abc import Callable, Iterable, Iterator
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
    written = _entry_write(member, work, changes, _NewEntryDefaults.of(member))
    if written.created:
        _listed(work.pk, +1)
    entry = written.entry
    flag = votes.list_changed(
        member=member,
        # Only a new entry can take the member across the rule on list size (a change of an old
        # one leaves the count as it was); the daily votes_refresh sees to the passing of time.
        entry_flag=entry.vote_counted if written.created else None,
        works_changed=[work.pk] if written.vote_changed else [],
    )
    if flag is not None:
        entry.vote_counted = flag
    return EntrySaved(entry=entry, created=written.created, offers_completion=entry.offers_completion)


@dataclass(frozen=True)
class _NewEntryDefaults:
    """What a member's new entries start with: read once per write, however many entries it adds."""

    adult_entries_private: bool
    vote_counted: bool

    @classmethod
    def of(cls, member: User) -> "_NewEntryDefaults":
        # vote_counted: as every other entry of the member says; list_changed moves them all if the
        # new entries take the member across the rule.
        return cls(ListSettings.of(member.pk).adult_entries_private, votes.member_flag(member))


@dataclass(frozen=True)
class _Written:
    entry: ListEntry
    created: bool
    vote_changed: bool


def _entry_write(member: User, work: Work, changes: dict[str, Any], defaults: _NewEntryDefaults) -> _Written:
    """One entry's write, inside the caller's transaction with the member's row locked: the rules of
    ``entry_save``, without the popularity and vote refresh the caller does once for all its entries."""
    entry = ListEntry.objects.select_for_update().filter(user=member, work=work).first()
    if entry is not None:
        entry.work = work  # the row in hand: its kind and counts are read below, without a second query
    created = entry is None
    counted_before = None if entry is None else votes.counted_score(entry)
    status, progress = changes.get("status", UNSET), changes.get("progress", UNSET)
    if entry is None:
        entry = ListEntry(
            user=member,
            work=work,
            is_private=visibility.entry_starts_private(work, defaults.adult_entries_private),
            vote_counted=defaults.vote_counted,
        )
        if status is UNSET:
            status = Status.IN_PROGRESS if progress is not UNSET and progress else Status.PLANNED
    for field, value in {**changes, "status": status}.items():
        if value is not UNSET:
            setattr(entry, field, value)
    total = progress_total(work)
    if status == Status.COMPLETED and progress is UNSET and total is not None:
        entry.progress = total
    if entry.progress is None:
        entry.progress = 0
    _check_progress(work, entry.progress)
    # The constraints' rules are the fields' validators and ListEntry.clean; the database still
    # enforces them, but is not asked to test them for each entry first.
    entry.full_clean(exclude=["user", "work"], validate_unique=False, validate_constraints=False)
    entry.save()
    return _Written(entry, created, votes.counted_score(entry) != counted_before)


@contextlib.contextmanager
def _naming_the_work(work: Work) -> Iterator[None]:
    """A refusal among many entries says which work it is about (``error.work_id``)."""
    try:
        yield
    except (ValidationError, PermissionDenied) as error:
        setattr(error, "work_id", work.pk)  # noqa: B010  # read by the caller that wrote many
        raise


@transaction.atomic
def entries_save(*, member: User, changes: list[tuple[Work, dict[str, Any]]]) -> list[EntrySaved]:
    """``entry_save`` for many works in one transaction (a list's import): the same rules for each
    entry, the member's row locked and their settings read once, and each work's popularity and
    score refreshed once at the end, in the order of their ids (``votes.works_refresh_score``), so
    a file of thousands of entries writes in seconds. The first refusal refuses them all."""
    ordered = sorted(changes, key=lambda change: change[0].pk)
    for work, _ in ordered:
        with _naming_the_work(work):
            _require_may_list(member, work)
    _lock_member(member)
    defaults = _NewEntryDefaults.of(member)
    written = []
    for work, fields in ordered:
        with _naming_the_work(work):
            written.append(_entry_write(member, work, dict(fields), defaults))
    added = [item.entry.work_id for item in written if item.created]
    if added:
        Work.objects.filter(pk__in=added).update(list_count=F("list_count") + 1)
    flag = votes.list_changed(
        member=member,
        entry_flag=defaults.vote_counted if added else None,
        works_changed=[item.entry.work_id for item in written if item.vote_changed],
    )
    saved = []
    for item in written:
        if flag is not None:
            item.entry.vote_counted = flag
        saved.append(EntrySaved(entry=item.entry, created=item.created, offers_completion=item.entry.offers_completion))
    return saved


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
