"""A member's personal list: one entry per work they watched, read or played (or mean to)."""

from typing import Any, Self

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Count, F, Q, Sum

from accounts.viewer import Viewer
from catalog import visibility
from catalog.choices import DatePrecision, format_partial_date
from catalog.models import Work
from lists.choices import Status, progress_total, progress_unit, status_label

SCORES = range(1, 11)
_UNDER_WAY = {Status.PLANNED, Status.IN_PROGRESS, Status.ON_HOLD}

# A vote that counts in its work's public score: the entry has a score and its member's votes
# count. Served by the covering index below, so the aggregate reads nothing else.
COUNTED_VOTE = Q(vote_counted=True, score__isnull=False)


class ListEntryQuerySet(models.QuerySet):
    def of_member(self, member_id: int) -> Self:
        return self.filter(user_id=member_id)

    def votes(self) -> Self:
        """Entries that carry a score: the members' votes, counted or not."""
        return self.filter(score__isnull=False)

    def counted_votes(self) -> Self:
        """The votes a work's public score is made of: scores of members whose votes count
        (``lists.votes``: old and active enough accounts). Read from ``list_entry_work_score_idx``
        alone."""
        return self.filter(COUNTED_VOTE)

    def score_distribution(self, work) -> list[dict]:
        """Ten bars, scores 1-10, from one aggregate query over the work's counted votes: the same
        votes as its ``score_average`` and ``vote_count``, so the chart, the average and "from N
        votes" always agree."""
        counts = dict(self.counted_votes().filter(work=work).order_by().values_list("score").annotate(n=Count("*")))
        top = max(counts.values(), default=0)
        return [
            {"score": score, "count": counts.get(score, 0), "share": (counts.get(score, 0) / top) if top else 0}
            for score in SCORES
        ]

    def for_viewer(self, viewer: Viewer, *, owner_id: int, list_is_private: bool) -> Self:
        """One member's entries as ``viewer`` may see them (``visibility.list_entries_for_viewer``),
        each annotated ``is_locked``."""
        return visibility.list_entries_for_viewer(
            self.of_member(owner_id), Work.objects, viewer, owner_id=owner_id, list_is_private=list_is_private
        )

    def status_counts(self) -> dict[str, int]:
        """How many entries have each status (every status present, 0 when none)."""
        counts = dict(self.order_by().values_list("status").annotate(n=Count("pk")))
        return {status: counts.get(status, 0) for status in Status.values}

    def summary_rows(self) -> list[dict[str, Any]]:
        """The entries grouped by status, score, lock and kind of work, each group with its count
        (``n``) and its summed progress: a list's statistics in one query, however long the list
        (at most a few hundred groups). Rows from ``for_viewer``, which sets ``is_locked``."""
        return list(
            self.order_by()
            .values("status", "score", "is_locked", "work__kind")
            .annotate(n=Count("pk"), progress_sum=Sum("progress"))
        )


class ListEntry(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="list_entries")
    work = models.ForeignKey(Work, on_delete=models.CASCADE, related_name="list_entries")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PLANNED)
    # Episodes of an anime, volumes of a manga (lists.choices.progress_unit); never past the work's
    # count when the catalog knows it (lists.services checks, as the count may be added later).
    progress = models.PositiveIntegerField(default=0)
    score = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(10)]
    )
    started_on = models.DateField(null=True, blank=True)
    started_precision = models.CharField(max_length=5, choices=DatePrecision.choices, default=DatePrecision.DAY)
    finished_on = models.DateField(null=True, blank=True)
    finished_precision = models.CharField(max_length=5, choices=DatePrecision.choices, default=DatePrecision.DAY)
    notes = models.TextField(blank=True, max_length=2000, help_text="Only you see your notes.")
    is_private = models.BooleanField(default=False, help_text="Only you see a private entry.")
    # Whether the member's votes count in works' public scores (the rule is lists.votes.votes_count:
    # an account old and active enough). The same on every entry of one member; kept by lists.votes
    # when the member's list changes, and daily by ``manage.py votes_refresh`` as accounts age.
    vote_counted = models.BooleanField(default=False, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ListEntryQuerySet.as_manager()

    class Meta:
        verbose_name_plural = "list entries"
        constraints = [
            # One entry per member and work: a second "add to list" updates the first.
            models.UniqueConstraint(fields=["user", "work"], name="list_entry_one_per_member_and_work"),
            models.CheckConstraint(condition=Q(score__gte=1) & Q(score__lte=10), name="list_entry_score_1_to_10"),
            models.CheckConstraint(
                condition=Q(finished_on__isnull=True)
                | Q(started_on__isnull=True)
                | Q(finished_on__gte=F("started_on")),
                name="list_entry_finished_after_started",
            ),
        ]
        indexes = [
            # A member's list page: their entries by status, most recently updated first.
            models.Index(fields=["user", "status", "-updated_at"], name="list_entry_user_status_idx"),
            # A work's counted votes (average, count, chart) read from the index alone, on both
            # databases (SQLite covers a query only with every column it names in the index, the
            # flag too); entries without a score, most planned ones, are left out of it.
            models.Index(
                fields=["work", "vote_counted", "score"],
                condition=Q(score__isnull=False),
                name="list_entry_work_score_idx",
            ),
        ]

    def __str__(self):
        return f"{self.user} · {self.work}: {self.status}"

    def clean(self):
        # The rule of list_entry_finished_after_started, in words: the services validate without
        # asking the database to test its constraints row by row (an import writes thousands).
        if self.started_on and self.finished_on and self.finished_on < self.started_on:
            raise ValidationError({"finished_on": "The finish date is before the start date."})

    @property
    def status_label(self) -> str:
        return status_label(self.status, self.work.kind)

    @property
    def progress_unit(self):
        return progress_unit(self.work.kind)

    @property
    def progress_total(self) -> int | None:
        return progress_total(self.work)

    @property
    def offers_completion(self) -> bool:
        """Progress reached the work's full count on an entry still under way (planned, in progress
        or on hold): the page offers "Mark as completed" instead of deciding for the member. A
        dropped entry is left as the member put it."""
        total = self.progress_total
        return total is not None and self.progress == total and self.status in _UNDER_WAY

    @property
    def started_display(self) -> str:
        return format_partial_date(self.started_on, self.started_precision)

    @property
    def finished_display(self) -> str:
        return format_partial_date(self.finished_on, self.finished_precision)


class ListSettings(models.Model):
    """A member's choices about their list; the row is made the first time they save them,
    until then the defaults below apply (``ListSettings.of``)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, primary_key=True, on_delete=models.CASCADE, related_name="list_settings"
    )
    is_private = models.BooleanField(
        default=False, verbose_name="Keep my whole list private", help_text="Nobody else sees any of it."
    )
    adult_entries_private = models.BooleanField(
        default=True,
        verbose_name="Make new entries of 18+ works private",
        help_text="Each entry can still be made public one by one.",
    )

    class Meta:
        verbose_name_plural = "list settings"

    def __str__(self):
        return f"List settings of {self.user}"

    @classmethod
    def of(cls, user_id: int) -> "ListSettings":
        """The member's settings, or the defaults (unsaved) if they never changed them."""
        return cls.objects.filter(user_id=user_id).first() or cls(user_id=user_id)


def own_entry(request, work) -> "ListEntry | None":
    """The viewing member's entry of ``work`` (None for a visitor or a work not on their list), read
    once per request for every part of a page that shows it: the work page's list section and the
    review form, which starts from the member's list score."""
    user = request.user
    if not user.is_authenticated:
        return None
    read = request.__dict__.setdefault("_own_list_entries", {})
    if work.pk not in read:
        entry = ListEntry.objects.filter(user_id=user.pk, work=work).first()
        if entry is not None:
            entry.work = work  # already loaded: its kind and counts word the controls
        read[work.pk] = entry
    return read[work.pk]


class CoListing(models.Model):
    """Two works completed by the same members: "members who completed this also completed"
    (``lists.colisting``, which keeps this table nightly; ``catalog.similar`` blends it into the
    similar works). Derived data, rebuilt whole: one row per pair and direction, each work keeping
    its strongest pairs only."""

    # No index of its own: colisting_unique_pair starts with it.
    work = models.ForeignKey(Work, on_delete=models.CASCADE, related_name="colistings", db_index=False)
    other = models.ForeignKey(Work, on_delete=models.CASCADE, related_name="+")
    # Members who completed both (of the completions counted, ``colisting.PER_MEMBER`` per member).
    members = models.PositiveIntegerField()
    # The pair's cosine similarity over those completions, 0 to 1: shared members against each
    # work's own, so two popular works are not alike merely for being popular.
    strength = models.FloatField()

    class Meta:
        constraints = [
            # One row per pair and direction: a rebuild replaces the table, never adds a second row.
            models.UniqueConstraint(fields=["work", "other"], name="colisting_unique_pair"),
            models.CheckConstraint(condition=~Q(other=F("work")), name="colisting_not_itself"),
        ]

    def __str__(self):
        return f"{self.work_id} & {self.other_id}: {self.members} members"
