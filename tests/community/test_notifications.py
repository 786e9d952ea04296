"""Notifications (issue 11): replies, decided reports and decided suggestions; the list, through the
visibility policy; marking read; the member's settings and the email they may ask for."""

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from catalog.models import TagCategory
from community import services
from community.models import ModerationAction, Notification, NotificationSettings, Report
from tests.builders import body_text, make_comment, make_member, make_review, make_tag, make_term
from tests.pages import html, login

pytestmark = pytest.mark.django_db

LIST_URL = "/accounts/notifications/"
SETTINGS_URL = "/accounts/notifications/settings/"


def notifications_of(member):
    return list(Notification.objects.filter(recipient=member))


def reported_comment(author, term, *reporters, body="Reported-comment-marker"):
    comment = make_comment(author, term, body=body)
    for reporter in reporters:
        services.report_create(reporter=reporter, comment=comment, reason=Report.Reason.SPAM)
    return comment


# --- fan-out --------------------------------------------------------------------------------------


class TestFanOut:
    def test_a_reply_tells_the_author_of_the_comment(self, adult_member, other_adult_member, netorare_term):
        top = make_comment(adult_member, netorare_term)
        reply = make_comment(other_adult_member, netorare_term, parent=top, body="Reply-marker")
        [notification] = notifications_of(adult_member)
        assert notification.kind == Notification.Kind.REPLY
        assert notification.comment == reply
        assert notification.read_at is None
        assert notifications_of(other_adult_member) == []

    def test_a_reply_to_a_reply_tells_the_author_of_the_thread(self, adult_member, other_adult_member, netorare_term):
        top = make_comment(adult_member, netorare_term)
        first = make_comment(other_adult_member, netorare_term, parent=top)
        make_comment(make_member(), netorare_term, parent=first)
        assert len(notifications_of(adult_member)) == 2

    def test_replying_to_yourself_tells_nobody(self, adult_member, netorare_term):
        top = make_comment(adult_member, netorare_term)
        make_comment(adult_member, netorare_term, parent=top)
        assert Notification.objects.count() == 0

    def test_a_comment_that_is_no_reply_tells_nobody(self, adult_member, netorare_term):
        make_comment(adult_member, netorare_term)
        assert Notification.objects.count() == 0

    @pytest.mark.parametrize(
        ("action", "outcome"),
        [
            (ModerationAction.Action.HIDE, Notification.Outcome.HIDDEN),
            (ModerationAction.Action.REMOVE, Notification.Outcome.REMOVED),
            (ModerationAction.Action.APPROVE, Notification.Outcome.KEPT),
        ],
    )
    def test_each_reporter_is_told_the_outcome(self, action, outcome, adult_member, netorare_term, curator):
        reporters = [make_member(), make_member()]
        comment = reported_comment(adult_member, netorare_term, *reporters)
        services.post_moderate(moderator=curator, post=comment, action=action)
        for reporter in reporters:
            [notification] = notifications_of(reporter)
            assert notification.kind == Notification.Kind.REPORT
            assert notification.outcome == outcome
            assert notification.report.reporter == reporter
        assert notifications_of(adult_member) == []

    def test_reports_already_resolved_are_not_told_twice(self, adult_member, netorare_term, curator):
        reporter = make_member()
        comment = reported_comment(adult_member, netorare_term, reporter)
        services.post_moderate(moderator=curator, post=comment, action=ModerationAction.Action.HIDE)
        services.post_moderate(moderator=curator, post=comment, action=ModerationAction.Action.REMOVE)
        assert len(notifications_of(reporter)) == 1

    def test_a_dismissed_report_tells_its_reporter_the_post_was_kept(
        self, adult_member, other_adult_member, safe_work, curator
    ):
        review = make_review(adult_member, safe_work, body=body_text())
        report = services.report_create(reporter=other_adult_member, review=review, reason=Report.Reason.SPAM)
        services.report_dismiss(moderator=curator, report=report)
        [notification] = notifications_of(other_adult_member)
        assert (notification.kind, notification.outcome, notification.report) == (
            Notification.Kind.REPORT,
            Notification.Outcome.KEPT,
            report,
        )
        services.report_dismiss(moderator=curator, report=report)  # already closed: nothing new
        assert len(notifications_of(other_adult_member)) == 1

    @pytest.mark.parametrize(
        ("accept", "outcome"), [(True, Notification.Outcome.ACCEPTED), (False, Notification.Outcome.DECLINED)]
    )
    def test_the_author_of_a_suggestion_is_told_the_decision(self, accept, outcome, adult_member, curator):
        suggestion = services.term_suggestion_create(author=adult_member, name="Kanojo")
        services.term_suggestion_decide(moderator=curator, suggestion=suggestion, accept=accept)
        [notification] = notifications_of(adult_member)
        assert (notification.kind, notification.outcome, notification.suggestion) == (
            Notification.Kind.SUGGESTION,
            outcome,
            suggestion,
        )

    def test_a_refused_write_leaves_no_notification(self, adult_member, other_adult_member, netorare_term):
        top = make_comment(adult_member, netorare_term)
        make_comment(other_adult_member, netorare_term, parent=top, body="Same text")
        with pytest.raises(ValidationError):  # the duplicate check refuses the second one
            make_comment(other_adult_member, netorare_term, parent=top, body="Same text")
        assert len(notifications_of(adult_member)) == 1


# --- the list, through the visibility policy ------------------------------------------------------


class TestList:
    def test_login_required(self, client):
        response = client.get(LIST_URL)
        assert response.status_code == 302
        assert reverse("accounts:login") in response["Location"]

    def test_a_reply_shows_its_text_and_opens_the_term_page(self, adult_member, other_adult_member, netorare_term):
        top = make_comment(adult_member, netorare_term)
        reply = make_comment(other_adult_member, netorare_term, parent=top, body="Reply-marker")
        page = html(login(adult_member).get(LIST_URL))
        assert "Reply-marker" in page
        assert f"{other_adult_member.username} replied to your comment on {netorare_term.name}" in page
        assert reverse("community:notification-open", args=[notifications_of(adult_member)[0].pk]) in page
        assert reply.pk

    def test_a_hidden_reply_is_no_longer_available(self, adult_member, other_adult_member, netorare_term, curator):
        top = make_comment(adult_member, netorare_term)
        reply = make_comment(other_adult_member, netorare_term, parent=top, body="Reply-marker")
        services.post_moderate(moderator=curator, post=reply, action=ModerationAction.Action.HIDE)
        page = html(login(adult_member).get(LIST_URL))
        assert "no longer available" in page
        assert "Reply-marker" not in page
        assert other_adult_member.username not in page.split("<main", 1)[-1]

    def test_a_reply_under_a_removed_comment_is_no_longer_available(
        self, adult_member, other_adult_member, netorare_term, curator
    ):
        top = make_comment(adult_member, netorare_term)
        make_comment(other_adult_member, netorare_term, parent=top, body="Reply-marker")
        services.post_moderate(moderator=curator, post=top, action=ModerationAction.Action.REMOVE)
        page = html(login(adult_member).get(LIST_URL))
        assert "no longer available" in page
        assert "Reply-marker" not in page

    def test_a_reply_on_a_term_that_explains_an_explicit_tag_stays_readable(self, minor_member, adult_member):
        """A definition is everyone's, even of an explicit word, and so are the comments under it
        (DESIGN.md, Glossary); the explicit tag itself stays behind the gate on the term's page."""
        term = make_term("Later explicit")
        top = make_comment(minor_member, term)
        make_comment(adult_member, term, parent=top, body="Reply-on-explicit-term-marker")
        make_tag("Explicit thing", category=TagCategory.CONTENT, term=term)
        client = login(minor_member)
        page = html(client.get(LIST_URL))
        assert "Reply-on-explicit-term-marker" in page
        [notification] = notifications_of(minor_member)
        response = client.post(reverse("community:notification-open", args=[notification.pk]))
        assert response["Location"].startswith(term.get_absolute_url())
        term_page = html(client.get(term.get_absolute_url()))
        assert "Reply-on-explicit-term-marker" in term_page
        assert "Explicit thing" not in term_page

    def test_a_decided_report_and_suggestion_say_the_outcome(
        self, adult_member, other_adult_member, curator, netorare_term
    ):
        comment = reported_comment(adult_member, netorare_term, other_adult_member)
        services.post_moderate(moderator=curator, post=comment, action=ModerationAction.Action.HIDE)
        suggestion = services.term_suggestion_create(author=other_adult_member, name="Kanojo")
        services.term_suggestion_decide(moderator=curator, suggestion=suggestion, accept=False)
        page = html(login(other_adult_member).get(LIST_URL))
        assert "the post was hidden" in page
        assert "Reported-comment-marker" not in page
        assert "Kanojo" in page and "declined" in page

    def test_newest_first_and_paginated(self, adult_member, netorare_term):
        top = make_comment(adult_member, netorare_term)
        replies = [make_comment(make_member(), netorare_term, parent=top, body=f"Reply {i:02d}") for i in range(21)]
        client = login(adult_member)
        first = html(client.get(LIST_URL))
        assert first.index("Reply 20") < first.index("Reply 19")
        assert "Reply 00" not in first
        assert "Reply 00" in html(client.get(LIST_URL, {"page": 2}))
        assert len(replies) == 21

    def test_the_header_shows_the_unread_count(self, adult_member, other_adult_member, netorare_term):
        top = make_comment(adult_member, netorare_term)
        make_comment(other_adult_member, netorare_term, parent=top)
        make_comment(other_adult_member, netorare_term, parent=top)
        assert 'aria-label="2 unread"' in html(login(adult_member).get("/glossary/"))
        assert "unread" not in html(login(other_adult_member).get("/glossary/"))


# --- marking read ---------------------------------------------------------------------------------


@pytest.fixture
def two_notifications(adult_member, other_adult_member, netorare_term):
    top = make_comment(adult_member, netorare_term)
    make_comment(other_adult_member, netorare_term, parent=top)
    make_comment(other_adult_member, netorare_term, parent=top)
    return notifications_of(adult_member)


class TestMarkRead:
    def test_mark_one_read(self, adult_member, two_notifications):
        first, second = two_notifications
        response = login(adult_member).post(reverse("community:notification-read", args=[first.pk]))
        assert response.status_code == 302
        first.refresh_from_db(), second.refresh_from_db()
        assert first.read_at is not None and second.read_at is None

    def test_mark_all_read_with_csrf(self, adult_member, two_notifications):
        client = login(adult_member, enforce_csrf_checks=True)
        url = reverse("community:notifications-read-all")
        assert client.post(url).status_code == 403  # no token
        page = html(client.get(LIST_URL))
        token = page.split('name="csrfmiddlewaretoken" value="', 1)[1].split('"', 1)[0]
        assert client.post(url, {"csrfmiddlewaretoken": token}).status_code == 302
        assert Notification.objects.filter(recipient=adult_member, read_at__isnull=True).count() == 0

    def test_a_get_changes_nothing(self, adult_member, two_notifications):
        client = login(adult_member)
        assert client.get(reverse("community:notification-read", args=[two_notifications[0].pk])).status_code == 405
        assert client.get(reverse("community:notification-open", args=[two_notifications[0].pk])).status_code == 405
        assert client.get(reverse("community:notifications-read-all")).status_code == 405

    def test_opening_marks_read_and_goes_to_the_reply(self, adult_member, two_notifications):
        notification = two_notifications[0]
        response = login(adult_member).post(reverse("community:notification-open", args=[notification.pk]))
        notification.refresh_from_db()
        assert notification.read_at is not None
        assert (
            response["Location"] == f"{notification.comment.term.get_absolute_url()}#comment-{notification.comment_id}"
        )

    def test_another_member_cannot_mark_yours_read(self, other_adult_member, two_notifications):
        client = login(other_adult_member)
        for name in ("community:notification-read", "community:notification-open"):
            assert client.post(reverse(name, args=[two_notifications[0].pk])).status_code == 404
        client.post(reverse("community:notifications-read-all"))
        assert all(n.read_at is None for n in Notification.objects.all())


# --- settings and email ---------------------------------------------------------------------------


class TestSettings:
    def test_the_settings_page_is_linked_from_the_list_and_the_profile(self, adult_member_client):
        assert SETTINGS_URL in html(adult_member_client.get(LIST_URL))
        assert SETTINGS_URL in html(adult_member_client.get(reverse("accounts:profile")))

    def test_saving_creates_the_row(self, adult_member, adult_member_client):
        assert adult_member_client.get(SETTINGS_URL).status_code == 200
        assert not NotificationSettings.objects.exists()
        response = adult_member_client.post(SETTINGS_URL, {"enabled": "on", "email_reply": "on"})
        assert response.status_code == 302
        choices = NotificationSettings.objects.get(user=adult_member)
        assert (choices.enabled, choices.email_reply, choices.email_report) == (True, True, False)

    def test_all_off_means_no_notifications(self, adult_member, adult_member_client, other_adult_member, netorare_term):
        adult_member_client.post(SETTINGS_URL, {})
        top = make_comment(adult_member, netorare_term)
        make_comment(other_adult_member, netorare_term, parent=top)
        assert notifications_of(adult_member) == []

    def test_no_email_by_default(
        self, adult_member, other_adult_member, netorare_term, django_capture_on_commit_callbacks
    ):
        adult_member.email = "alice@example.org"
        adult_member.save()
        top = make_comment(adult_member, netorare_term)
        with django_capture_on_commit_callbacks(execute=True):
            make_comment(other_adult_member, netorare_term, parent=top)
        assert mail.outbox == []

    def test_email_on_sends_one_after_commit(
        self, adult_member, other_adult_member, netorare_term, django_capture_on_commit_callbacks
    ):
        adult_member.email = "alice@example.org"
        adult_member.save()
        services.notification_settings_update(
            member=adult_member, enabled=True, email_reply=True, email_report=False, email_suggestion=False
        )
        top = make_comment(adult_member, netorare_term)
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            make_comment(other_adult_member, netorare_term, parent=top, body="Reply-marker")
        assert mail.outbox == []  # nothing before the commit
        for callback in callbacks:
            callback()
        [email] = mail.outbox
        assert email.to == ["alice@example.org"]
        assert "/accounts/notifications/" in email.body
        assert "Reply-marker" not in email.body  # the page, not the email, decides what may be read

    def test_email_on_without_an_address_is_skipped(
        self, adult_member, other_adult_member, netorare_term, django_capture_on_commit_callbacks
    ):
        services.notification_settings_update(
            member=adult_member, enabled=True, email_reply=True, email_report=True, email_suggestion=True
        )
        top = make_comment(adult_member, netorare_term)
        with django_capture_on_commit_callbacks(execute=True):
            make_comment(other_adult_member, netorare_term, parent=top)
        assert mail.outbox == []
        assert len(notifications_of(adult_member)) == 1


# --- query counts ---------------------------------------------------------------------------------


def queries(client: Client, url: str) -> int:
    client.get(url)  # warm up
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_the_list_is_private_to_its_member(adult_member):
    response = login(adult_member).get(LIST_URL)
    assert "private" in response["Cache-Control"]


def test_the_list_costs_the_same_for_1_and_50_notifications(adult_member, netorare_term):
    client = login(adult_member)
    top = make_comment(adult_member, netorare_term)
    make_comment(make_member(), netorare_term, parent=top)
    one = queries(client, LIST_URL)
    for i in range(49):
        make_comment(make_member(), netorare_term, parent=top, body=f"Reply {i}")
    assert Notification.objects.filter(recipient=adult_member).count() == 50
    assert queries(client, LIST_URL) == one
    # Session, user, the paginator's count, the page's rows, the readable comments (the policy's one
    # query), the header's unread count. Which replies are readable does not depend on the Viewer, so
    # its hidden tags are not read.
    assert one == 6


def test_every_kind_on_one_page_adds_only_the_readable_reviews(adult_member, netorare_term, safe_work, curator):
    client = login(adult_member)
    top = make_comment(adult_member, netorare_term)
    other = make_member()
    make_comment(other, netorare_term, parent=top)
    reported = reported_comment(other, netorare_term, adult_member, body="Reported")
    services.post_moderate(moderator=curator, post=reported, action=ModerationAction.Action.APPROVE)
    review = make_review(other, safe_work, body=body_text())
    report = services.report_create(reporter=adult_member, review=review, reason=Report.Reason.SPAM)
    services.report_dismiss(moderator=curator, report=report)
    suggestion = services.term_suggestion_create(author=adult_member, name="Kanojo")
    services.term_suggestion_decide(moderator=curator, suggestion=suggestion, accept=True)
    assert queries(client, LIST_URL) == 8  # the readable reviews: one query more


def test_the_header_count_costs_one_query_for_a_member_and_none_for_a_visitor(adult_member, netorare_term):
    member = login(adult_member)
    with CaptureQueriesContext(connection) as ctx:
        member.get("/glossary/")
    assert len([q for q in ctx.captured_queries if "community_notification" in q["sql"]]) == 1
    with CaptureQueriesContext(connection) as ctx:
        Client().get("/glossary/")
    assert not [q for q in ctx.captured_queries if "community_notification" in q["sql"]]
