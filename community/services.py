"""Writes with side effects. Views call these; nothing else writes community data.

Each service is keyword-only, validates with ``full_clean()`` and runs in one
transaction, so a refused write leaves nothing behind.
"""

from collections.abc import Callable
from datetime import timedelta
from functools import partial
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, F, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from accounts.models import User
from catalog import visibility
from catalog.generation import catalog_changed
from catalog.models import Work
from community.models import (
    Comment,
    HelpfulVote,
    ModerationAction,
    Notification,
    NotificationSettings,
    Report,
    Review,
    Status,
    TermSuggestion,
)
from community.notifications import email_notification
from glossary.models import Term
from lists.services import UNSET, entry_score_set

# --- rules shared by the services -------------------------------------------------------------


def _require_may_post_on(author: User, work: Work | None, what: str) -> None:
    if not visibility.may_post_on(author, work):
        raise PermissionDenied(f"Only members aged 18 or over can {what} 18+ works.")


def require_owner(post: Review | Comment, user: User) -> None:
    if post.author_id != user.pk:
        raise PermissionDenied("You can only change your own posts.")


def require_deletable(post: Review | Comment) -> None:
    """A post a curator has held back stays, so deleting it and posting it again cannot undo the decision."""
    if not post.is_published:
        raise ValidationError("A curator has held this post back, so it cannot be deleted. It is not shown to anyone.")


def _one_post_at_a_time(author: User) -> None:
    """Lock the author's row until the transaction ends, so the rate and duplicate checks
    below see the member's previous post even when two arrive at once (a double click)."""
    get_user_model().objects.select_for_update().filter(pk=author.pk).values_list("pk").first()


def _check_rate(queryset: QuerySet[Any, Any], *, limit: int, window: timedelta, message: str) -> None:
    if queryset.filter(created_at__gte=timezone.now() - window).count() >= limit:
        raise ValidationError(message)


def _check_not_duplicate(queryset: QuerySet[Any, Any], body: str) -> None:
    window = timedelta(seconds=settings.NTRDB_DUPLICATE_WINDOW_SECONDS)
    if queryset.filter(body=body, created_at__gte=timezone.now() - window).exists():
        raise ValidationError("You just posted exactly this. It was not posted twice.")


def work_refresh_review_count(*, work: Work) -> None:
    """Recompute the denormalised review count from the reviews that count.

    Published reviews and those held back by reports count until a curator decides
    (``Review.objects.counted``), so reports alone cannot move the figure. A work's score is its
    members' votes (``lists.votes``): what happens to a review's text does not move it.

    Runs inside the caller's transaction. The work's row is locked first, so a concurrent
    review of the same work commits before this one counts (on PostgreSQL, where each
    statement sees what was committed when it began); otherwise both would count without the
    other's review and the stored count would end up one short.
    """
    Work.objects.select_for_update().filter(pk=work.pk).values_list("pk").first()
    count = Review.objects.counted().filter(work=work).count()
    Work.objects.filter(pk=work.pk).update(review_count=count)
    catalog_changed()  # the minimum-reviews filter and the sort by reviews read this figure
    work.review_count = count


def _score_set(author: User, work: Work, score: int | None) -> None:
    """The score given with a review is the author's vote: it goes on their list (``lists.services``)."""
    if score is not UNSET:
        entry_score_set(member=author, work=work, score=score)


# --- reviews ------------------------------------------------------------------------------------


@transaction.atomic
def review_create(
    *, author: User, work: Work, body: str, score: int | None = UNSET, has_spoilers: bool = False
) -> Review:
    """Post a review. ``score`` is the author's list score of the work, set with it (None clears it;
    not given, the list keeps what it has): the review shows whatever their list says."""
    _require_may_post_on(author, work, "review")
    _one_post_at_a_time(author)
    if Review.objects.filter(author=author, work=work).exists():
        raise ValidationError("You have already reviewed this work. Edit your review instead.")
    _check_rate(
        Review.objects.filter(author=author),
        limit=settings.NTRDB_REVIEWS_PER_DAY,
        window=timedelta(days=1),
        message=f"You can post at most {settings.NTRDB_REVIEWS_PER_DAY} reviews a day. Please come back tomorrow.",
    )
    _check_not_duplicate(Review.objects.filter(author=author), body)
    review = Review(author=author, work=work, body=body, has_spoilers=has_spoilers)
    review.full_clean()
    try:
        with transaction.atomic():
            review.save()
    except IntegrityError:
        # A second request from the same member won the race.
        raise ValidationError("You have already reviewed this work. Edit your review instead.") from None
    _score_set(author, work, score)
    work_refresh_review_count(work=work)
    return review


@transaction.atomic
def review_update(*, review: Review, editor: User, body: str, has_spoilers: bool, score: int | None = UNSET) -> Review:
    """Change a review, and the author's list score with it when ``score`` is given."""
    require_owner(review, editor)
    review.body, review.has_spoilers = body, has_spoilers
    review.full_clean()
    review.save()
    _score_set(editor, review.work, score)
    return review


@transaction.atomic
def review_delete(*, review: Review, actor: User) -> None:
    """Delete a review; its author's vote stays on their list (their rating, not the text)."""
    require_owner(review, actor)
    require_deletable(review)
    work = review.work
    review.delete()
    work_refresh_review_count(work=work)


@transaction.atomic
def review_toggle_helpful(*, review: Review, voter: User) -> bool:
    """Mark or unmark a review as helpful; returns whether the voter's vote now stands."""
    if review.author_id == voter.pk:
        raise PermissionDenied("You can't mark your own review as helpful.")
    _require_may_post_on(voter, review.work, "vote on reviews of")
    deleted, _ = HelpfulVote.objects.filter(review=review, voter=voter).delete()
    if deleted:
        Review.objects.filter(pk=review.pk).update(helpful_count=F("helpful_count") - 1)
        return False
    HelpfulVote.objects.create(review=review, voter=voter)
    Review.objects.filter(pk=review.pk).update(helpful_count=F("helpful_count") + 1)
    return True


def member_deletion_recount(user: User) -> Callable[[], None]:
    """Before a member is deleted: note the works they reviewed and the reviews they marked helpful,
    so that afterwards the review counts and helpful counts are recomputed without them
    (``accounts.services.member_delete`` runs this in its transaction; lists recounts their votes)."""
    work_ids = list(Review.objects.filter(author=user).values_list("work_id", flat=True))
    voted_review_ids = list(HelpfulVote.objects.filter(voter=user).values_list("review_id", flat=True))

    def recount() -> None:
        for work in Work.objects.filter(pk__in=work_ids).order_by("pk"):
            work_refresh_review_count(work=work)
        for review in Review.objects.filter(pk__in=voted_review_ids):
            Review.objects.filter(pk=review.pk).update(helpful_count=review.helpful_votes.count())

    return recount


# --- comments -----------------------------------------------------------------------------------


@transaction.atomic
def comment_create(
    *, author: User, term: Term, body: str, parent: Comment | None = None, favourite_work: Work | None = None
) -> Comment:
    if parent is not None:
        if parent.term_id != term.pk:
            raise ValidationError("That reply belongs to another entry.")
        if parent.parent_id is not None:
            # Replies to a reply join the same thread.
            parent = parent.parent
            assert parent is not None  # parent_id is set
        if not parent.is_published:
            raise ValidationError("That comment is no longer open for replies.")
    _require_may_post_on(author, favourite_work, "link")
    _one_post_at_a_time(author)
    _check_rate(
        Comment.objects.filter(author=author),
        limit=settings.NTRDB_COMMENTS_PER_HOUR,
        window=timedelta(hours=1),
        message=f"You can post at most {settings.NTRDB_COMMENTS_PER_HOUR} comments an hour. Please wait a little.",
    )
    _check_not_duplicate(Comment.objects.filter(author=author), body)
    comment = Comment(
        author=author,
        term=term,
        parent=parent,
        depth=0 if parent is None else 1,
        body=body,
        favourite_work=favourite_work,
    )
    comment.full_clean()
    comment.save()
    if parent is not None and parent.author_id != author.pk:
        _notify(kind=Notification.Kind.REPLY, about=[(parent.author_id, {"comment": comment})])
    return comment


@transaction.atomic
def comment_update(*, comment: Comment, editor: User, body: str, favourite_work: Work | None) -> Comment:
    require_owner(comment, editor)
    _require_may_post_on(editor, favourite_work, "link")
    comment.body, comment.favourite_work = body, favourite_work
    comment.full_clean()
    comment.save()
    return comment


# What is left of a deleted comment that others replied to (the page shows its own notice).
DELETED_COMMENT_BODY = "(deleted by its author)"


@transaction.atomic
def comment_delete(*, comment: Comment, actor: User) -> None:
    """Delete a comment; one that others have replied to keeps its place (without its text),
    so deleting it cannot take other members' replies with it."""
    require_owner(comment, actor)
    require_deletable(comment)
    if comment.depth == 0 and comment.replies.exists():
        Comment.objects.filter(pk=comment.pk).update(body=DELETED_COMMENT_BODY, favourite_work=None, is_deleted=True)
    else:
        comment.delete()


# --- suggestions and reports -------------------------------------------------------------------


@transaction.atomic
def term_suggestion_create(*, author: User, name: str, note: str = "") -> TermSuggestion:
    _one_post_at_a_time(author)
    _check_rate(
        TermSuggestion.objects.filter(author=author),
        limit=settings.NTRDB_COMMENTS_PER_HOUR,
        window=timedelta(hours=1),
        message="You have sent many suggestions in the last hour. Please wait a little.",
    )
    if TermSuggestion.objects.filter(
        author=author, name__iexact=name.strip(), status=TermSuggestion.State.PENDING
    ).exists():
        raise ValidationError("You have already suggested this term; it is waiting for a curator.")
    suggestion = TermSuggestion(author=author, name=name.strip(), note=note)
    suggestion.full_clean()
    suggestion.save()
    return suggestion


def _established(members: QuerySet[Any, Any]) -> QuerySet[Any, Any]:
    """The members whose reports count toward hiding a post: accounts at least
    NTRDB_REPORTER_MIN_AGE_DAYS old with at least NTRDB_REPORTER_MIN_POSTS published reviews
    and comments of their own. Fresh accounts made to bury a post cannot; their reports are
    still kept for the curators."""
    members = members.filter(date_joined__lte=timezone.now() - timedelta(days=settings.NTRDB_REPORTER_MIN_AGE_DAYS))
    if settings.NTRDB_REPORTER_MIN_POSTS:

        def count(posts: QuerySet[Any, Any]) -> Coalesce:
            counted = posts.filter(author=OuterRef("pk")).order_by().values("author").annotate(n=Count("pk"))
            return Coalesce(Subquery(counted.values("n")), 0)

        reviews = count(Review.objects.published())
        comments = count(Comment.objects.published().filter(is_deleted=False))
        members = members.alias(posts=reviews + comments).filter(posts__gte=settings.NTRDB_REPORTER_MIN_POSTS)
    return members


@transaction.atomic
def report_create(
    *, reporter: User, reason: str, note: str = "", review: Review | None = None, comment: Comment | None = None
) -> Report:
    post = review or comment
    if post is None or (review is not None and comment is not None):
        raise ValidationError("Report one review or one comment.")
    if post.author_id == reporter.pk:
        raise ValidationError("You can't report your own post. Edit or delete it instead.")
    already = Report.objects.filter(reporter=reporter, review=review, comment=comment).exists()
    if already:
        raise ValidationError("You have already reported this post. A curator will look at it.")
    report = Report(reporter=reporter, review=review, comment=comment, reason=reason, note=note)
    report.full_clean()
    report.save()

    # Lock the post's row so two simultaneous reports cannot both miss the threshold.
    model = type(post)
    locked = model.objects.select_for_update().get(pk=post.pk)
    open_reports = Report.objects.filter(status=Report.State.OPEN, **{str(model._meta.model_name): locked})
    reporters = _established(get_user_model().objects.filter(pk__in=open_reports.values("reporter"))).count()
    if locked.is_published and reporters >= settings.NTRDB_REPORTS_TO_HIDE:
        _set_status(locked, Status.PENDING)
        moderation_log(
            curator=None,
            action=ModerationAction.Action.AUTO_HIDE,
            target=locked,
            reason=f"{reporters} members reported it",
        )
    return report


# --- moderation ---------------------------------------------------------------------------------

_STATUS_FOR_ACTION: dict[str, str] = {
    ModerationAction.Action.APPROVE: Status.VISIBLE,
    ModerationAction.Action.HIDE: Status.HIDDEN,
    ModerationAction.Action.REMOVE: Status.REMOVED,
}


def moderation_log(*, curator: User | None, action: str, target: Any, reason: str = "") -> ModerationAction:
    """Record a curation decision in the log (also the writer behind ``core.curation_log``)."""
    return ModerationAction.objects.create(
        moderator=curator,
        action=action,
        target_type=target._meta.model_name,
        target_id=target.pk,
        target_repr=str(target)[:200],
        reason=reason[:500],
    )


def _set_status(post: Review | Comment, status: str) -> None:
    type(post).objects.filter(pk=post.pk).update(status=status)
    post.status = status
    if isinstance(post, Review):
        work_refresh_review_count(work=post.work)


@transaction.atomic
def post_moderate(*, moderator: User, post: Review | Comment, action: str, reason: str = "") -> None:
    """Approve, hide or remove a review or comment; its open reports are resolved and the decision logged."""
    if action not in _STATUS_FOR_ACTION:
        raise ValidationError(f"Unknown moderation action {action!r}.")
    _set_status(post, _STATUS_FOR_ACTION[action])
    resolved = list(post.reports.filter(status=Report.State.OPEN).exclude(reporter=moderator))
    post.reports.filter(status=Report.State.OPEN).update(status=Report.State.RESOLVED)
    moderation_log(curator=moderator, action=action, target=post, reason=reason)
    _notify(
        kind=Notification.Kind.REPORT,
        outcome=_OUTCOME_FOR_ACTION[action],
        about=[(report.reporter_id, {"report": report}) for report in resolved],
    )


@transaction.atomic
def report_dismiss(*, moderator: User, report: Report, reason: str = "") -> None:
    """Close a report without acting on the post; its reporter is told the post was kept."""
    was_open = Report.objects.filter(pk=report.pk, status=Report.State.OPEN).update(status=Report.State.RESOLVED)
    if was_open and report.reporter_id != moderator.pk:
        _notify(
            kind=Notification.Kind.REPORT,
            outcome=Notification.Outcome.KEPT,
            about=[(report.reporter_id, {"report": report})],
        )
    moderation_log(
        curator=moderator,
        action=ModerationAction.Action.DISMISS,
        target=report.target,
        reason=reason or f"Report: {report.get_reason_display()}",
    )


@transaction.atomic
def term_suggestion_decide(*, moderator: User, suggestion: TermSuggestion, accept: bool, reason: str = "") -> None:
    state = TermSuggestion.State.ACCEPTED if accept else TermSuggestion.State.DECLINED
    TermSuggestion.objects.filter(pk=suggestion.pk).update(status=state)
    suggestion.status = state
    moderation_log(
        curator=moderator,
        action=ModerationAction.Action.ACCEPT if accept else ModerationAction.Action.DECLINE,
        target=suggestion,
        reason=reason,
    )
    if suggestion.author_id != moderator.pk:
        _notify(
            kind=Notification.Kind.SUGGESTION,
            outcome=Notification.Outcome.ACCEPTED if accept else Notification.Outcome.DECLINED,
            about=[(suggestion.author_id, {"suggestion": suggestion})],
        )


# --- notifications ------------------------------------------------------------------------------

# What a reporter is told happened to the post they reported.
_OUTCOME_FOR_ACTION: dict[str, str] = {
    ModerationAction.Action.APPROVE: Notification.Outcome.KEPT,
    ModerationAction.Action.HIDE: Notification.Outcome.HIDDEN,
    ModerationAction.Action.REMOVE: Notification.Outcome.REMOVED,
}


def _notify(*, kind: str, about: list[tuple[int, dict[str, Any]]], outcome: str = "") -> list[Notification]:
    """Tell each recipient in ``about`` (recipient id, what it is about), in the caller's transaction,
    unless they turned notifications off; those who asked for email get it once the transaction commits."""
    if not about:
        return []
    wanted = {s.user_id: s for s in NotificationSettings.objects.filter(user_id__in={r for r, _ in about})}
    notifications = []
    for recipient_id, target in about:
        choices = wanted.get(recipient_id) or NotificationSettings(user_id=recipient_id)
        if not choices.enabled:
            continue
        notification = Notification(recipient_id=recipient_id, kind=kind, outcome=outcome, **target)
        notification.full_clean()
        notification.save()
        notifications.append(notification)
        if choices.wants_email(kind):
            transaction.on_commit(partial(email_notification, notification))
    return notifications


@transaction.atomic
def notification_mark_read(*, notification: Notification, member: User) -> None:
    if notification.recipient_id != member.pk:
        raise PermissionDenied("That notification is not yours.")
    Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(read_at=timezone.now())


@transaction.atomic
def notifications_mark_all_read(*, member: User) -> int:
    return Notification.objects.filter(recipient=member, read_at__isnull=True).update(read_at=timezone.now())


@transaction.atomic
def notification_settings_update(
    *, member: User, enabled: bool, email_reply: bool, email_report: bool, email_suggestion: bool
) -> NotificationSettings:
    """Save a member's notification choices (the row is made the first time)."""
    choices = NotificationSettings.of(member.pk)
    choices.enabled, choices.email_reply = enabled, email_reply
    choices.email_report, choices.email_suggestion = email_report, email_suggestion
    choices.full_clean()
    choices.save()
    return choices
