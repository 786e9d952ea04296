"""Issue 11: whose reports hide a post, and a held-back review's place in the safe_work's score.

Only accounts old and active enough (NTRDB_REPORTER_MIN_AGE_DAYS, NTRDB_REPORTER_MIN_POSTS)
count toward NTRDB_REPORTS_TO_HIDE; a post held back by reports keeps counting in the score
until a curator decides.
"""

import datetime
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from community import services
from community.models import Comment, ModerationAction, Report, Review, Status
from lists.models import ListEntry
from lists.votes import work_refresh_score
from tests.builders import body_text, make_comment, make_established_member, make_member, make_review, make_term
from tests.ops.helpers import production_env, run_python
from tests.pages import html, login

pytestmark = pytest.mark.django_db


def report_review(reporter, review, reason="abuse"):
    response = login(reporter).post(reverse("community:review-report", args=[review.pk]), {"reason": reason})
    assert response.status_code == 302
    return response


def status_of(post):
    post.refresh_from_db()
    return post.status


@pytest.fixture
def review(adult_member, safe_work):
    return make_review(adult_member, safe_work, score=2, body=body_text("Targeted-review-marker"))


class TestWhoseReportsCount:
    def test_defaults(self, settings):
        assert (settings.NTRDB_REPORTER_MIN_AGE_DAYS, settings.NTRDB_REPORTER_MIN_POSTS) == (3, 1)
        assert settings.NTRDB_REPORTS_TO_HIDE == 3

    def test_three_fresh_accounts_cannot_hide_a_review(self, review, safe_work):
        fresh = [make_member() for _ in range(3)]
        for reporter in fresh:
            report_review(reporter, review)
        assert status_of(review) == Status.VISIBLE
        assert "Targeted-review-marker" in html(Client().get(safe_work.get_absolute_url()))
        assert not ModerationAction.objects.exists()
        # The reports are kept for the curators all the same.
        assert Report.objects.filter(review=review, status=Report.State.OPEN).count() == 3
        assert Review.objects.with_open_reports().get(pk=review.pk).open_report_count == 3

    def test_three_fresh_accounts_cannot_hide_a_comment(self, adult_member, netorare_term):
        comment = make_comment(adult_member, netorare_term, body="Targeted-comment-marker")
        for _ in range(3):
            services.report_create(reporter=make_member(), comment=comment, reason="spam")
        assert status_of(comment) == Status.VISIBLE
        assert "Targeted-comment-marker" in html(Client().get(netorare_term.get_absolute_url()))
        assert Comment.objects.with_open_reports().get(pk=comment.pk).open_report_count == 3

    def test_three_established_accounts_still_can(self, review, safe_work):
        for reporter in [make_established_member() for _ in range(3)]:
            report_review(reporter, review)
        assert status_of(review) == Status.PENDING
        assert "Targeted-review-marker" not in html(Client().get(safe_work.get_absolute_url()))
        log = ModerationAction.objects.get()
        assert (log.action, log.target_id, log.reason) == (
            ModerationAction.Action.AUTO_HIDE,
            review.pk,
            "3 members reported it",
        )

    def test_fresh_reports_do_not_make_up_the_number(self, review):
        for reporter in [make_established_member(), make_established_member(), make_member(), make_member()]:
            report_review(reporter, review)
        assert status_of(review) == Status.VISIBLE
        report_review(make_established_member(), review)
        assert status_of(review) == Status.PENDING
        assert ModerationAction.objects.get().reason == "3 members reported it"

    def test_an_old_account_without_posts_does_not_count(self, review):
        for _ in range(3):
            report_review(make_member(date_joined=timezone.now() - datetime.timedelta(days=30)), review)
        assert status_of(review) == Status.VISIBLE

    def test_a_young_account_with_posts_does_not_count(self, review):
        for _ in range(3):
            reporter = make_member(date_joined=timezone.now() - datetime.timedelta(days=2))
            Comment.objects.create(author=reporter, term=make_term(), body="A young account's comment")
            report_review(reporter, review)
        assert status_of(review) == Status.VISIBLE

    @pytest.mark.parametrize("status", [Status.PENDING, Status.HIDDEN, Status.REMOVED])
    def test_only_published_posts_of_their_own_count(self, review, status):
        for _ in range(3):
            reporter = make_member(date_joined=timezone.now() - datetime.timedelta(days=30))
            Comment.objects.create(author=reporter, term=make_term(), body="Held back", status=status)
            report_review(reporter, review)
        assert status_of(review) == Status.VISIBLE

    def test_a_published_review_counts_as_a_post(self, review, safe_work):
        other_work = type(safe_work).objects.create(
            title="Other", slug="other-safe_work", age_rating="all", is_published=True
        )
        for _ in range(3):
            reporter = make_member(date_joined=timezone.now() - datetime.timedelta(days=30))
            make_review(reporter, other_work)
            report_review(reporter, review)
        assert status_of(review) == Status.PENDING


class TestSettings:
    def test_no_age_and_no_posts_required(self, settings, review):
        settings.NTRDB_REPORTER_MIN_AGE_DAYS = 0
        settings.NTRDB_REPORTER_MIN_POSTS = 0
        for _ in range(3):
            report_review(make_member(), review)
        assert status_of(review) == Status.PENDING

    def test_min_age(self, settings, review):
        settings.NTRDB_REPORTER_MIN_AGE_DAYS = 60
        for _ in range(3):
            report_review(make_established_member(), review)  # 30 days old
        assert status_of(review) == Status.VISIBLE
        settings.NTRDB_REPORTER_MIN_AGE_DAYS = 29
        report_review(make_established_member(), review)
        assert status_of(review) == Status.PENDING

    def test_min_posts(self, settings, review):
        settings.NTRDB_REPORTER_MIN_POSTS = 2
        reporters = [make_established_member() for _ in range(3)]  # one comment each
        for reporter in reporters[:2]:
            report_review(reporter, review)
        assert status_of(review) == Status.VISIBLE
        for reporter in reporters:
            Comment.objects.create(author=reporter, term=make_term(), body="A second comment")
        report_review(reporters[2], review)
        assert status_of(review) == Status.PENDING

    def test_read_from_the_environment(self):
        code = (
            "import django; django.setup(); from django.conf import settings; "
            "print(settings.NTRDB_REPORTER_MIN_AGE_DAYS, settings.NTRDB_REPORTER_MIN_POSTS)"
        )
        env = production_env(
            DJANGO_SETTINGS_MODULE="config.settings", NTRDB_REPORTER_MIN_AGE_DAYS="7", NTRDB_REPORTER_MIN_POSTS="0"
        )
        result = run_python(code, env)
        assert result.returncode == 0, result.stderr
        assert result.stdout.split() == ["7", "0"]

        result = run_python(code, {**env, "NTRDB_REPORTER_MIN_POSTS": "-1"})
        assert result.returncode != 0
        assert "NTRDB_REPORTER_MIN_POSTS must be at least 0" in result.stderr


class TestHeldBackReviewKeepsCounting:
    """A review's score is its author's vote: reports, holding back, hiding and removing the text
    never move it. The review count keeps counting a held-back review until a curator decides."""

    @pytest.fixture
    def held_back(self, adult_member, other_adult_member, safe_work, review):
        make_review(other_adult_member, safe_work, score=8)
        for _ in range(3):
            report_review(make_established_member(), review)
        assert status_of(review) == Status.PENDING
        return review

    def rating(self, safe_work):
        safe_work.refresh_from_db()
        return safe_work.score_average, safe_work.vote_count, safe_work.review_count

    def chart(self, safe_work):
        return {bar["score"]: bar["count"] for bar in ListEntry.objects.score_distribution(safe_work) if bar["count"]}

    def test_still_counts_in_score_count_and_chart(self, held_back, safe_work):
        assert self.rating(safe_work) == (Decimal("5.00"), 2, 2)
        assert self.chart(safe_work) == {2: 1, 8: 1}
        text = html(Client().get(safe_work.get_absolute_url()))
        assert "Targeted-review-marker" not in text
        assert "from 2 votes" in text
        assert "Score distribution: 1: 0, 2: 1," in text

    @pytest.mark.parametrize("action", ["hide", "remove"])
    def test_the_vote_stays_once_a_curator_hides_the_text(self, held_back, safe_work, curator, action):
        services.post_moderate(moderator=curator, post=held_back, action=action)
        assert self.rating(safe_work) == (Decimal("5.00"), 2, 1)
        assert self.chart(safe_work) == {2: 1, 8: 1}
        assert "from 2 votes" in html(Client().get(safe_work.get_absolute_url()))

    def test_keeps_counting_once_a_curator_approves_it(self, held_back, safe_work, curator):
        services.post_moderate(moderator=curator, post=held_back, action="approve")
        assert status_of(held_back) == Status.VISIBLE
        assert self.rating(safe_work) == (Decimal("5.00"), 2, 2)
        assert self.chart(safe_work) == {2: 1, 8: 1}
        assert "Targeted-review-marker" in html(Client().get(safe_work.get_absolute_url()))

    def test_a_recount_keeps_counting_it(self, held_back, safe_work):
        services.work_refresh_review_count(work=safe_work)
        work_refresh_score(work=safe_work)
        assert self.rating(safe_work) == (Decimal("5.00"), 2, 2)
