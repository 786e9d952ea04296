"""Notifications: what a member is told, how the list shows it, and the one email function.

The services in ``community.services`` write the notifications, in the transaction of the action
behind them. This module reads them: ``for_page`` works out, through the visibility policy, what
each notification may still show the member now (a reply since hidden, or on a term they may not
read, is "no longer available", without its text), and ``email_notification`` sends the email a
member asked for.
"""

from collections.abc import Sequence
from dataclasses import dataclass

from django.conf import settings
from django.urls import reverse

from accounts.tasks import send_mail_task
from accounts.viewer import Viewer
from catalog import visibility
from catalog.models import Work
from community.models import Comment, Notification, Review
from glossary.models import Term

NOTIFICATIONS_PER_PAGE = 20

# What the list reads of each notification, in the page's one query.
RELATED = (
    "comment__author",
    "comment__term",
    "report__review__work",
    "report__comment__term",
    "suggestion",
)


@dataclass(frozen=True)
class Shown:
    """What the list shows of one notification: ``text`` (plain, escaped by the template), and the
    page it opens (``url``), or None if what it is about is no longer available to the member."""

    notification: Notification
    text: str
    excerpt: str = ""
    url: str | None = None
    available: bool = True


def readable_comment_ids(ids: set[int], viewer: Viewer) -> set[int]:
    """The comments among ``ids`` the viewer may read on their term's page, asked of the policy."""
    if not ids:
        return set()
    rows = visibility.comments_for_viewer(Comment.objects.filter(pk__in=ids), Term.objects, viewer)
    return set(rows.in_shown_threads().values_list("pk", flat=True))


def readable_review_ids(ids: set[int], viewer: Viewer) -> set[int]:
    if not ids:
        return set()
    rows = visibility.reviews_for_viewer(Review.objects.filter(pk__in=ids), Work.objects, viewer)
    return set(rows.values_list("pk", flat=True))


def for_page(notifications: Sequence[Notification], viewer: Viewer) -> list[Shown]:
    """What each notification shows, in at most two queries whatever their number (``notifications``
    fetched with ``select_related(*RELATED)``)."""
    comment_ids = {n.comment_id for n in notifications if n.comment_id}
    reports = [n.report for n in notifications if n.report is not None]
    comment_ids |= {r.comment_id for r in reports if r.comment_id}
    review_ids = {r.review_id for r in reports if r.review_id}
    comments = readable_comment_ids(comment_ids, viewer)
    reviews = readable_review_ids(review_ids, viewer)
    return [_shown(n, comments, reviews) for n in notifications]


def _comment_url(comment: Comment) -> str:
    return f"{comment.term.get_absolute_url()}#comment-{comment.pk}"


def _shown(n: Notification, comments: set[int], reviews: set[int]) -> Shown:
    if n.kind == Notification.Kind.REPLY:
        reply = n.comment
        assert reply is not None  # the constraint: a reply notification has its comment
        if reply.pk not in comments:
            return Shown(n, "A reply to your comment is no longer available.", available=False)
        return Shown(
            n,
            f"{reply.author.username} replied to your comment on {reply.term.name}.",
            excerpt=reply.body,
            url=_comment_url(reply),
        )
    if n.kind == Notification.Kind.REPORT:
        report = n.report
        assert report is not None
        outcome = f"a curator looked at it and the post was {n.get_outcome_display()}."
        if report.review_id and report.review_id in reviews:
            assert report.review is not None
            work = report.review.work
            url = f"{work.get_absolute_url()}#review-{report.review_id}"
            return Shown(n, f"Your report of a review of {work.title}: {outcome}", url=url)
        if report.comment_id and report.comment_id in comments:
            assert report.comment is not None
            return Shown(
                n,
                f"Your report of a comment on {report.comment.term.name}: {outcome}",
                url=_comment_url(report.comment),
            )
        # The post is not (or no longer) on show for the member: say what was decided, not what it was.
        return Shown(n, f"Your report of a {'review' if report.review_id else 'comment'}: {outcome}")
    suggestion = n.suggestion
    assert suggestion is not None
    return Shown(n, f"Your suggestion “{suggestion.name}” for the glossary was {n.get_outcome_display()}.")


def target_url(notification: Notification, viewer: Viewer) -> str | None:
    """The page a notification opens, if the member may still read it (the list's rule, for one)."""
    notification = Notification.objects.select_related(*RELATED).get(pk=notification.pk)
    return for_page([notification], viewer)[0].url


# --- email ------------------------------------------------------------------------------------------

EMAIL_SUBJECTS: dict[str, str] = {
    Notification.Kind.REPLY: "Someone replied to your comment on ntrdb",
    Notification.Kind.REPORT: "A curator decided on your report on ntrdb",
    Notification.Kind.SUGGESTION: "A curator decided on your term suggestion on ntrdb",
}


def email_notification(notification: Notification) -> None:
    """Queue the email for one notification (called once its transaction commits). It names nothing of the post: by the time it is read the post may
    be hidden or its term closed to the member, so it points to the notifications page, which asks the
    policy. A member with no email address is skipped."""
    recipient = notification.recipient
    if not recipient.email:
        return
    url = settings.NTRDB_SITE_URL.rstrip("/") + reverse("community:notifications")
    body = (
        f"Hello {recipient.username},\n\n"
        f"{notification.get_kind_display()}"
        f"{': ' + notification.get_outcome_display() if notification.outcome else ''}.\n\n"
        f"Read it on your notifications page: {url}\n\n"
        "You get this email because you asked for it. To stop, change your notification settings: "
        f"{settings.NTRDB_SITE_URL.rstrip('/')}{reverse('community:notification-settings')}\n"
    )
    # Queued, like every mail of the site: a slow mail server never holds up the request.
    send_mail_task.enqueue(subject=EMAIL_SUBJECTS[notification.kind], body=body, to=[recipient.email], from_email=None)
