"""A work's score: the mean of its members' votes, the scores on their lists, that count.

A vote counts in the public average (``Work.score_average``, ``Work.vote_count``, the score
chart, the sort by score) once its member's account

- is at least ``NTRDB_VOTE_MIN_ACCOUNT_DAYS`` days old (7),
- is active (a curator has not deactivated it), and
- holds at least ``NTRDB_VOTE_MIN_LIST_ENTRIES`` entries on its list, of any status (3): an
  account made to push one work up or down typically lists one or two works, a member keeping
  a list has more.

Each test is cheap: two columns of the member's row, and a count that stops at the minimum. The
answer is kept on every entry of the member (``ListEntry.vote_counted``, the same on all of them),
so a work's figures are one aggregate over the covering index of its counted votes
(``list_entry_work_score_idx``) whatever its number of voters. A member's own list shows their
score whatever the rule: only the public figures leave it out.

The flag changes with the member's list (``lists.services`` calls ``list_changed`` in each
write's transaction) and with time: ``manage.py votes_refresh``, run daily, counts the votes of
accounts that have aged in, stops counting those of deactivated ones, and applies a change of the
settings to every member.
"""

from collections.abc import Callable, Iterable
from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Avg, Count, Q, QuerySet
from django.utils import timezone

from accounts.models import User
from catalog.generation import catalog_changed
from catalog.models import Work
from lists.models import ListEntry


def _joined_by() -> datetime:
    """Accounts made at or before this moment are old enough to vote."""
    return timezone.now() - timedelta(days=settings.NTRDB_VOTE_MIN_ACCOUNT_DAYS)


def member_votes_count(member: User) -> bool:
    """Whether the member's votes count in works' public scores now (the rule above)."""
    if not member.is_active or member.date_joined > _joined_by():
        return False
    minimum = settings.NTRDB_VOTE_MIN_LIST_ENTRIES
    return not minimum or ListEntry.objects.filter(user_id=member.pk)[:minimum].count() >= minimum


def member_flag(member: User) -> bool:
    """What the member's entries say now (one of them, as all say the same); False with none."""
    # Unordered: any entry will do, found through the member's index (first() would order by id,
    # and a planner may then walk the primary key to reach the member's first entry).
    return any(ListEntry.objects.filter(user_id=member.pk).order_by().values_list("vote_counted", flat=True)[:1])


def member_flag_set(member: User, counts: bool) -> set[int]:
    """Give every entry of the member the flag ``counts``; returns the works whose counted votes
    changed with it (those the member scored). Runs in the caller's transaction."""
    stale = ListEntry.objects.filter(user_id=member.pk).exclude(vote_counted=counts)
    work_ids = set(stale.votes().values_list("work_id", flat=True))
    stale.update(vote_counted=counts)
    return work_ids


def counted_score(entry: ListEntry) -> int | None:
    """The entry's part in its work's public score: its score if its member's votes count."""
    return entry.score if entry.vote_counted else None


def list_changed(*, member: User, entry_flag: bool | None, works_changed: Iterable[int] = ()) -> bool | None:
    """After a write to the member's list, in its transaction: bring the flag on the member's entries
    in line with the rule, if the write moved the member across it (``entry_flag`` is what the
    entries said before, None if the list is now empty), and refresh the score of every work whose
    counted votes changed: ``works_changed`` and those the flag moved. Returns the flag the
    member's entries carry now (None when ``entry_flag`` is)."""
    work_ids = set(works_changed)
    flag = entry_flag
    if entry_flag is not None:
        flag = member_votes_count(member)
        if flag != entry_flag:
            work_ids |= member_flag_set(member, flag)
    works_refresh_score(work_ids)
    return flag


def _rounded(average: Any) -> Decimal | None:
    if average is None:
        return None
    return Decimal(str(average)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def _refresh(work_id: int) -> tuple[Decimal | None, int]:
    # The work's row is locked first, so a concurrent vote on the same work commits before this
    # one counts (on PostgreSQL each statement sees what was committed when it began): otherwise
    # both would count without the other's vote and the stored count would end up one short.
    before = Work.objects.select_for_update().filter(pk=work_id).values_list("score_average", flat=True).first()
    stats = ListEntry.objects.counted_votes().filter(work_id=work_id).aggregate(avg=Avg("score"), n=Count("*"))
    average, count = _rounded(stats["avg"]), stats["n"]
    Work.objects.filter(pk=work_id).update(score_average=average, vote_count=count)
    if average != before:
        # The minimum-score filter counts through the average (a list's cached count and refine
        # panel, catalog.generation); the vote count is no filter's input, so a vote that leaves
        # the rounded average as it was leaves those caches be.
        catalog_changed()
    return average, count


def work_refresh_score(*, work: Work) -> None:
    """Recompute the work's denormalised score and vote count from its counted votes, inside the
    caller's transaction, and set them on ``work``."""
    work.score_average, work.vote_count = _refresh(work.pk)


def works_refresh_score(work_ids: Iterable[int]) -> None:
    """``work_refresh_score`` for several works, in the order of their ids: two writes that refresh
    the same works lock them in the same order, so neither waits on the other for ever."""
    for work_id in sorted(set(work_ids)):
        _refresh(work_id)


def member_deletion_recount(member: User) -> Callable[[], None]:
    """Before a member is deleted: note the works their counted votes were part of, so that
    afterwards those scores are recomputed without them (``accounts.services.member_delete`` runs
    this in its transaction)."""
    work_ids = list(ListEntry.objects.filter(user_id=member.pk).counted_votes().values_list("work_id", flat=True))
    return lambda: works_refresh_score(work_ids)


def members_out_of_step() -> QuerySet[User, User]:
    """Members whose entries' flag no longer says what the rule says: accounts that aged in, were
    deactivated, or are on the other side of a changed setting. One grouped count over all
    entries: a daily job's cost, not a request's."""
    eligible = User.objects.filter(is_active=True, date_joined__lte=_joined_by())
    minimum = settings.NTRDB_VOTE_MIN_LIST_ENTRIES
    if minimum:
        eligible = eligible.annotate(listed=Count("list_entries")).filter(listed__gte=minimum)
    eligible_ids = eligible.values("pk")
    wrong = ListEntry.objects.filter(
        Q(vote_counted=False, user__in=eligible_ids) | (Q(vote_counted=True) & ~Q(user__in=eligible_ids))
    )
    return User.objects.filter(pk__in=wrong.values("user_id"))


def votes_refresh() -> tuple[int, int]:
    """Bring every member's flag in line with the rule and refresh the scores it moves, one member
    per transaction (their row locked, as a write to their list does). Returns (members, works)."""
    members = works = 0
    for member_id in members_out_of_step().order_by("pk").values_list("pk", flat=True):
        with transaction.atomic():
            member = User.objects.select_for_update().filter(pk=member_id).first()
            if member is None:
                continue
            work_ids = member_flag_set(member, member_votes_count(member))
            works_refresh_score(work_ids)
        members += 1
        works += len(work_ids)
    return members, works
