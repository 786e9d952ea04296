"""Reports on reviews and comments, and hiding a post automatically after enough distinct reporters."""

from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import reverse

from community import services
from community.models import Comment, ModerationAction, Report, Review, Status
from tests.builders import body_text, make_comment, make_established_member, make_member, make_review
from tests.pages import form_errors, html, login

pytestmark = pytest.mark.django_db


def review_report_url(review):
    return reverse("community:review-report", args=[review.pk])


def comment_report_url(comment):
    return reverse("community:comment-report", args=[comment.pk])


@pytest.fixture
def review(adult_member, safe_work):
    return make_review(adult_member, safe_work, score=2, body=body_text("Reported-review-marker"))


@pytest.fixture
def comment(adult_member, netorare_term):
    return make_comment(adult_member, netorare_term, body="Reported-comment-marker")


class TestReporting:
    def test_report_form(self, other_adult_member_client, review):
        response = other_adult_member_client.get(review_report_url(review))
        assert response.status_code == 200
        page_html = html(response)
        for value in ("spoiler", "abuse", "spam", "off_topic"):
            assert f'value="{value}"' in page_html

    @pytest.mark.parametrize("reason", ["spoiler", "abuse", "spam", "off_topic"])
    def test_member_reports_a_review(self, other_adult_member, other_adult_member_client, review, safe_work, reason):
        response = other_adult_member_client.post(review_report_url(review), {"reason": reason, "note": "Please look"})
        assert response.status_code == 302
        assert response["Location"] == f"{safe_work.get_absolute_url()}#review-{review.pk}"
        report = Report.objects.get()
        assert (report.reporter, report.review, report.comment, report.reason, report.note, report.status) == (
            other_adult_member,
            review,
            None,
            reason,
            "Please look",
            Report.State.OPEN,
        )
        assert "Thank you. A curator will look at this post." in html(
            other_adult_member_client.get(safe_work.get_absolute_url())
        )

    def test_member_reports_a_comment(self, other_adult_member, other_adult_member_client, comment, netorare_term):
        response = other_adult_member_client.post(comment_report_url(comment), {"reason": "spam"})
        assert response.status_code == 302
        assert response["Location"] == f"{netorare_term.get_absolute_url()}#comment-{comment.pk}"
        report = Report.objects.get()
        assert (report.comment, report.review, report.reason) == (comment, None, "spam")

    @pytest.mark.parametrize(
        "data",
        [
            {},
            {"reason": ""},
            {"reason": "rude"},
            {"reason": "spam", "note": "n" * 501},
            {"reason": "spam", "note": "n" * 20_001},
        ],
    )
    def test_invalid_report_writes_nothing(self, other_adult_member_client, review, data):
        response = other_adult_member_client.post(review_report_url(review), data)
        assert response.status_code == 400
        assert not Report.objects.exists()

    @pytest.mark.parametrize("data", [{"reason": "rude"}, {"reason": "spam", "note": "n" * 501}])
    def test_invalid_report_shows_errors(self, other_adult_member_client, review, data):
        assert form_errors(other_adult_member_client.post(review_report_url(review), data))

    def test_empty_report_shows_errors(self, other_adult_member_client, review):
        assert "This field is required." in form_errors(other_adult_member_client.post(review_report_url(review), {}))

    def test_not_own_post(self, adult_member_client, review, comment):
        for url in (review_report_url(review), comment_report_url(comment)):
            response = adult_member_client.post(url, {"reason": "spam"})
            assert response.status_code == 400
            assert "You can't report your own post. Edit or delete it instead." in form_errors(response)
        assert not Report.objects.exists()

    def test_once_per_post(self, other_adult_member_client, review):
        assert other_adult_member_client.post(review_report_url(review), {"reason": "spam"}).status_code == 302
        response = other_adult_member_client.post(review_report_url(review), {"reason": "abuse"})
        assert response.status_code == 400
        assert "You have already reported this post. A curator will look at it." in form_errors(response)
        assert Report.objects.count() == 1

    def test_anonymous_cannot_report(self, client, review):
        assert client.post(review_report_url(review), {"reason": "spam"}).status_code == 302
        assert not Report.objects.exists()

    def test_reporting_a_post_that_is_not_visible_is_404(self, other_adult_member_client, review):
        Review.objects.filter(pk=review.pk).update(status=Status.PENDING)
        assert other_adult_member_client.post(review_report_url(review), {"reason": "spam"}).status_code == 404

    def test_minor_cannot_report_a_review_of_an_r18_work(self, adult_member, minor_member_client, adult_work):
        review = make_review(adult_member, adult_work)
        assert minor_member_client.post(review_report_url(review), {"reason": "spam"}).status_code == 403
        assert not Report.objects.exists()

    def test_database_constraints(self, other_adult_member, review, comment):
        with pytest.raises(IntegrityError), transaction.atomic():
            Report.objects.create(reporter=other_adult_member, reason="spam")
        with pytest.raises(IntegrityError), transaction.atomic():
            Report.objects.create(reporter=other_adult_member, review=review, comment=comment, reason="spam")
        Report.objects.create(reporter=other_adult_member, review=review, reason="spam")
        with pytest.raises(IntegrityError), transaction.atomic():
            Report.objects.create(reporter=other_adult_member, review=review, reason="abuse")


class TestAutoHide:
    def test_review_hidden_after_threshold_of_distinct_reporters(
        self, settings, adult_member, other_adult_member, review, safe_work
    ):
        assert settings.NTRDB_REPORTS_TO_HIDE == 3
        make_review(other_adult_member, safe_work, score=8)
        safe_work.refresh_from_db()
        assert safe_work.score_average == Decimal("5.00")
        reporters = [make_established_member() for _ in range(3)]

        for reporter in reporters[:2]:
            assert login(reporter).post(review_report_url(review), {"reason": "abuse"}).status_code == 302
        review.refresh_from_db()
        assert review.status == Status.VISIBLE
        assert "Reported-review-marker" in html(Client().get(safe_work.get_absolute_url()))
        assert not ModerationAction.objects.exists()

        login(reporters[2]).post(review_report_url(review), {"reason": "spoiler"})
        review.refresh_from_db()
        assert review.status == Status.PENDING
        assert "Reported-review-marker" not in html(Client().get(safe_work.get_absolute_url()))
        safe_work.refresh_from_db()
        # Held back, not yet decided: it still counts (tests/community/test_report_trust.py).
        assert (safe_work.score_average, safe_work.review_count) == (Decimal("5.00"), 2)

        log = ModerationAction.objects.get()
        assert (log.action, log.moderator, log.target_type, log.target_id) == (
            ModerationAction.Action.AUTO_HIDE,
            None,
            "review",
            review.pk,
        )
        assert log.reason == "3 members reported it"

        # The author still sees that their review waits for a curator.
        assert "your review is pending" in html(login(adult_member).get(safe_work.get_absolute_url())).lower()

    def test_comment_hidden_after_threshold(self, settings, comment, netorare_term):
        settings.NTRDB_REPORTS_TO_HIDE = 2
        for _ in range(2):
            services.report_create(reporter=make_established_member(), comment=comment, reason="spam")
        comment.refresh_from_db()
        assert comment.status == Status.PENDING
        assert "Reported-comment-marker" not in html(Client().get(netorare_term.get_absolute_url()))
        log = ModerationAction.objects.get()
        assert (log.action, log.target_type, log.target_id) == ("auto_hide", "comment", comment.pk)

    def test_resolved_reports_do_not_count_again(self, settings, review):
        settings.NTRDB_REPORTS_TO_HIDE = 2
        services.report_create(reporter=make_established_member(), review=review, reason="spam")
        services.post_moderate(moderator=make_member("mod", is_staff=True), post=review, action="approve")
        services.report_create(reporter=make_established_member(), review=review, reason="spam")
        review.refresh_from_db()
        assert review.status == Status.VISIBLE
        services.report_create(reporter=make_established_member(), review=review, reason="spam")
        review.refresh_from_db()
        assert review.status == Status.PENDING

    def test_replies_of_a_hidden_comment_go_with_it(self, settings, comment, netorare_term, other_adult_member):
        settings.NTRDB_REPORTS_TO_HIDE = 1
        make_comment(other_adult_member, netorare_term, parent=comment, body="Reply-under-reported-marker")
        services.report_create(reporter=make_established_member(), comment=comment, reason="spam")
        page_html = html(Client().get(netorare_term.get_absolute_url()))
        assert "Reported-comment-marker" not in page_html
        assert "Reply-under-reported-marker" not in page_html

    def test_hidden_comment_is_not_on_the_member_page(self, settings, comment, adult_member):
        settings.NTRDB_REPORTS_TO_HIDE = 1
        services.report_create(reporter=make_established_member(), comment=comment, reason="spam")
        assert "Reported-comment-marker" not in html(
            Client().get(reverse("accounts:member-detail", args=[adult_member.username]))
        )
        assert Comment.objects.filter(pk=comment.pk, status="pending").exists()


def test_comments_on_an_unpublished_entry_cannot_be_opened_for_reporting(adult_member, netorare_term):
    """Found in review: the report form showed the comment of an entry since unpublished."""
    from community import services

    comment = services.comment_create(author=adult_member, term=netorare_term, body="Words on an entry about to go.")
    netorare_term.is_published = False
    netorare_term.save()
    assert login(adult_member).get(f"/comments/{comment.pk}/report/").status_code == 404
