from typing import Self

from django.conf import settings
from django.core.validators import MaxLengthValidator, MinLengthValidator
from django.db import models
from django.db.models import Count, OuterRef, Q, Subquery

from catalog import visibility
from catalog.models import Work
from lists.models import ListEntry

REVIEW_MIN_LENGTH = 50
REVIEW_MAX_LENGTH = 20_000
COMMENT_MAX_LENGTH = 5_000


class Status(models.TextChoices):
    VISIBLE = "visible", "Visible"
    PENDING = "pending", "Pending (hidden until a curator decides)"
    HIDDEN = "hidden", "Hidden"
    REMOVED = "removed", "Removed"


class ModeratedQuerySet(models.QuerySet):
    def published(self) -> Self:
        """Posts on show: not held back, hidden or removed by moderation (whoever is asking;
        who may read them is the visibility policy's question)."""
        return self.filter(status=Status.VISIBLE)

    def with_open_reports(self):
        return self.annotate(open_report_count=Count("reports", filter=Q(reports__status=Report.State.OPEN)))


# "Recently reviewed" looks among this many of the newest reviews for the works to show.
RECENT_REVIEWS_READ = 200


REVIEW_SORTS = {"newest": ("-created_at", "-pk"), "helpful": ("-helpful_count", "-created_at", "-pk")}


class ReviewQuerySet(ModeratedQuerySet):
    def counted(self) -> Self:
        """Reviews that count in a work's review count: published ones, and those held back by
        reports until a curator decides (so reports alone cannot move the figure); hidden or
        removed ones do not count. A review's score is its author's vote (``lists.votes``), which
        counts whatever becomes of the review."""
        return self.filter(status__in=[Status.VISIBLE, Status.PENDING])

    def with_author_score(self) -> Self:
        """Annotate ``author_score``: the score on the author's list for the review's work, the
        score the review carries (None once the author cleared it). One subquery per row, read
        through the list's one-entry-per-member-and-work index: no query more on any page."""
        return visibility.reviews_with_author_score(self, ListEntry.objects.all())

    def recently_reviewed_works(self, viewer, limit: int):
        """The works with the newest published reviews that the viewer may read, the most recently
        reviewed first, each annotated ``last_reviewed`` (``visibility.works_with_reviews_for_viewer``).

        Only the RECENT_REVIEWS_READ newest reviews are looked at, read newest first by their index,
        so the query costs the same whatever the number of reviews.
        """
        newest = self.published().filter(work=OuterRef("pk")).order_by("-created_at").values("created_at")[:1]
        works = visibility.works_with_reviews_for_viewer(Work.objects.all(), self, viewer, newest=RECENT_REVIEWS_READ)
        return works.annotate(last_reviewed=Subquery(newest)).order_by("-last_reviewed", "pk")[:limit]

    def for_work_page(self, work, sort: str = "newest"):
        ordering = REVIEW_SORTS.get(sort, REVIEW_SORTS["newest"])
        return self.published().filter(work=work).select_related("author").with_author_score().order_by(*ordering)


class Review(models.Model):
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reviews")
    work = models.ForeignKey("catalog.Work", on_delete=models.CASCADE, related_name="reviews")
    # No score of its own: a review carries its author's list score (``with_author_score``).
    body = models.TextField(validators=[MinLengthValidator(REVIEW_MIN_LENGTH), MaxLengthValidator(REVIEW_MAX_LENGTH)])
    has_spoilers = models.BooleanField(default=False, help_text="The body stays collapsed until the reader opens it.")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.VISIBLE, db_index=True)
    helpful_count = models.PositiveIntegerField(default=0, editable=False)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ReviewQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["author", "work"], name="review_one_per_member_per_work"),
        ]
        indexes = [
            # Either of these serves the review count's COUNT(*) by work and status from the index alone.
            models.Index(fields=["work", "status", "-created_at"], name="review_work_newest_idx"),
            models.Index(fields=["work", "status", "-helpful_count"], name="review_work_helpful_idx"),
        ]

    def __str__(self):
        return f"{self.author} on {self.work}"

    @property
    def is_published(self) -> bool:
        return self.status == Status.VISIBLE

    @property
    def was_edited(self) -> bool:
        return (self.updated_at - self.created_at).total_seconds() > 60


class HelpfulVote(models.Model):
    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="helpful_votes")
    voter = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="helpful_votes")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["review", "voter"], name="helpfulvote_one_per_member")]

    def __str__(self):
        return f"{self.voter} found review {self.review_id} helpful"


class CommentQuerySet(ModeratedQuerySet):
    def with_favourite_shown(self, viewer):
        """Annotate ``favourite_shown``: the comment's favourite work is one the viewer's lists show
        (published, not left out by their preferences); otherwise the link is not printed."""
        listed = Work.objects.for_viewer(viewer).filter(pk=models.OuterRef("favourite_work_id"))
        return self.annotate(favourite_shown=models.Exists(listed))

    def in_shown_threads(self) -> Self:
        """Comments the term page shows: top-level ones, and replies under a published comment."""
        return self.filter(Q(parent__isnull=True) | Q(parent__in=Comment.objects.published()))

    def threads_for_term(self, term, viewer):
        """Top-level comments of a term, newest first; replies come with them in order."""
        replies = (
            Comment.objects.published()
            .with_favourite_shown(viewer)
            .select_related("author", "favourite_work")
            .order_by("created_at", "pk")
        )
        return (
            self.published()
            .with_favourite_shown(viewer)
            .filter(term=term, parent__isnull=True)
            .select_related("author", "favourite_work")
            .prefetch_related(models.Prefetch("replies", queryset=replies, to_attr="visible_replies"))
            .order_by("-created_at", "-pk")
        )


class Comment(models.Model):
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="comments")
    term = models.ForeignKey("glossary.Term", on_delete=models.CASCADE, related_name="comments")
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.CASCADE, related_name="replies")
    # 0 for a comment, 1 for a reply; with the constraints below, replies to replies cannot exist.
    depth = models.PositiveSmallIntegerField(default=0, editable=False)
    body = models.TextField(validators=[MinLengthValidator(1), MaxLengthValidator(COMMENT_MAX_LENGTH)])
    favourite_work = models.ForeignKey(
        "catalog.Work",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Optional: the commenter's favourite work from the catalog.",
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.VISIBLE, db_index=True)
    # Deleted by its author while others had replied: the text is gone, the thread stays.
    is_deleted = models.BooleanField(default=False, editable=False)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = CommentQuerySet.as_manager()

    class Meta:
        ordering = ["created_at"]
        constraints = [
            models.CheckConstraint(condition=Q(depth__lte=1), name="comment_one_level_of_replies"),
            models.CheckConstraint(
                condition=(Q(depth=0) & Q(parent__isnull=True)) | (Q(depth=1) & Q(parent__isnull=False)),
                name="comment_depth_matches_parent",
            ),
        ]
        indexes = [models.Index(fields=["term", "status", "-created_at"], name="comment_term_newest_idx")]

    def __str__(self):
        return f"{self.author} on {self.term}: {self.body[:40]}"

    @property
    def is_published(self) -> bool:
        return self.status == Status.VISIBLE


class TermSuggestion(models.Model):
    class State(models.TextChoices):
        PENDING = "pending", "Waiting for a curator"
        ACCEPTED = "accepted", "Accepted"
        DECLINED = "declined", "Declined"

    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="term_suggestions")
    name = models.CharField(max_length=100, help_text="The term you would like explained.")
    note = models.TextField(blank=True, validators=[MaxLengthValidator(2000)], help_text="Why, or where you met it.")
    status = models.CharField(max_length=10, choices=State.choices, default=State.PENDING, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return self.name


class Report(models.Model):
    class Reason(models.TextChoices):
        SPOILER = "spoiler", "Unmarked spoiler"
        ABUSE = "abuse", "Abuse or harassment"
        SPAM = "spam", "Spam"
        OFF_TOPIC = "off_topic", "Off-topic"

    class State(models.TextChoices):
        OPEN = "open", "Open"
        RESOLVED = "resolved", "Resolved"

    reporter = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reports")
    review = models.ForeignKey(Review, null=True, blank=True, on_delete=models.CASCADE, related_name="reports")
    comment = models.ForeignKey(Comment, null=True, blank=True, on_delete=models.CASCADE, related_name="reports")
    reason = models.CharField(max_length=10, choices=Reason.choices)
    note = models.CharField(max_length=500, blank=True)
    status = models.CharField(max_length=10, choices=State.choices, default=State.OPEN, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(review__isnull=False) & Q(comment__isnull=True))
                | (Q(review__isnull=True) & Q(comment__isnull=False)),
                name="report_targets_one_post",
            ),
            models.UniqueConstraint(fields=["reporter", "review"], name="report_once_per_review"),
            models.UniqueConstraint(fields=["reporter", "comment"], name="report_once_per_comment"),
        ]

    def __str__(self):
        return f"{self.get_reason_display()} report on {self.target}"

    @property
    def target(self):
        return self.review or self.comment


class ModerationAction(models.Model):
    """The log of curation decisions: who did what to which post, when and why."""

    class Action(models.TextChoices):
        APPROVE = "approve", "Approved"
        HIDE = "hide", "Hidden"
        REMOVE = "remove", "Removed"
        AUTO_HIDE = "auto_hide", "Hidden automatically after reports"
        DISMISS = "dismiss", "Reports dismissed"
        ACCEPT = "accept", "Suggestion accepted"
        DECLINE = "decline", "Suggestion declined"
        MERGE_TAGS = "merge_tags", "Tags merged"

    moderator = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="moderation_actions"
    )
    action = models.CharField(max_length=12, choices=Action.choices)
    target_type = models.CharField(max_length=20)
    target_id = models.PositiveBigIntegerField()
    target_repr = models.CharField(max_length=200, help_text="What the target was, kept even if it is deleted later.")
    reason = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.get_action_display()}: {self.target_repr}"


# --- notifications ------------------------------------------------------------------------------


class Notification(models.Model):
    """Something that happened to a member's post, report or suggestion. Written by the services in
    the transaction of the action behind it (``community.notifications.notify``); read through
    ``community.notifications.for_page``, which asks the visibility policy what may still be shown."""

    class Kind(models.TextChoices):
        REPLY = "reply", "A reply to your comment"
        REPORT = "report", "Your report was decided"
        SUGGESTION = "suggestion", "Your term suggestion was decided"

    class Outcome(models.TextChoices):
        NONE = "", "-"
        HIDDEN = "hidden", "hidden"
        REMOVED = "removed", "removed"
        KEPT = "kept", "kept"
        ACCEPTED = "accepted", "accepted"
        DECLINED = "declined", "declined"

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    outcome = models.CharField(max_length=10, choices=Outcome.choices, blank=True)
    # What it is about: exactly one, the one its kind names (the constraint below). Deleting it deletes the notification.
    comment = models.ForeignKey(Comment, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    report = models.ForeignKey(Report, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    suggestion = models.ForeignKey(TermSuggestion, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(kind="reply", comment__isnull=False, report__isnull=True, suggestion__isnull=True)
                    | Q(kind="report", comment__isnull=True, report__isnull=False, suggestion__isnull=True)
                    | Q(kind="suggestion", comment__isnull=True, report__isnull=True, suggestion__isnull=False)
                ),
                name="notification_about_what_its_kind_names",
            ),
        ]
        indexes = [
            # The notifications page: a member's newest first, read straight off the index.
            models.Index(fields=["recipient", "-created_at", "-id"], name="notification_newest_idx"),
            # The header's unread count on every page a member opens: only unread rows are in it, so it stays small.
            models.Index(fields=["recipient"], condition=Q(read_at__isnull=True), name="notification_unread_idx"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} for {self.recipient}"

    @property
    def is_read(self) -> bool:
        return self.read_at is not None


class NotificationSettings(models.Model):
    """A member's choices about notifications; the row is made the first time they save them,
    until then the defaults below apply (``NotificationSettings.of``)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, primary_key=True, on_delete=models.CASCADE, related_name="notification_settings"
    )
    enabled = models.BooleanField(
        default=True, verbose_name="Notify me", help_text="Off: no notifications at all, on the site or by email."
    )
    email_reply = models.BooleanField(default=False, verbose_name="Email me when someone replies to my comment")
    email_report = models.BooleanField(default=False, verbose_name="Email me when a report of mine is decided")
    email_suggestion = models.BooleanField(
        default=False, verbose_name="Email me when a term suggestion of mine is decided"
    )

    def __str__(self):
        return f"Notification settings of {self.user}"

    @classmethod
    def of(cls, user_id: int) -> "NotificationSettings":
        """The member's settings, or the defaults (unsaved) if they never changed them."""
        return cls.objects.filter(user_id=user_id).first() or cls(user_id=user_id)

    def wants_email(self, kind: str) -> bool:
        return self.enabled and bool(getattr(self, f"email_{kind}"))
