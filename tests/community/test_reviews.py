"""Reviews: validation, one per member per work, ownership, the work page summary, sorting, helpful votes."""

import datetime
import re
from decimal import Decimal
from functools import partial

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from community import services
from community.models import HelpfulVote, Review, Status
from lists.models import ListEntry
from lists.services import entry_remove, entry_save
from tests.builders import body_text, list_score, make_member, make_review, make_work, review_score
from tests.pages import form_errors, html, login

pytestmark = pytest.mark.django_db


def create_url(work):
    return reverse("community:review-create", args=[work.slug])


def review_ids_on(response) -> list[int]:
    return [int(pk) for pk in re.findall(r'<article class="review" id="review-(\d+)"', html(response))]


class TestCreate:
    def test_member_posts_a_review(self, adult_member, adult_member_client, safe_work):
        body = body_text("Posted-marker")
        response = adult_member_client.post(create_url(safe_work), {"score": 8, "body": body})
        assert response.status_code == 302
        assert response["Location"] == f"{safe_work.get_absolute_url()}#reviews"
        review = Review.objects.get()
        assert (review.author, review.work, review.body, review.has_spoilers) == (adult_member, safe_work, body, False)
        assert review.status == Status.VISIBLE
        # The score went on the member's list, as completed (a reviewer has most likely finished
        # the work), and the review carries it.
        entry = ListEntry.objects.get()
        assert (entry.user, entry.work, entry.score, entry.status) == (adult_member, safe_work, 8, "completed")
        assert review_score(review) == 8
        page_html = html(adult_member_client.get(safe_work.get_absolute_url()))
        assert "Your review was posted." in page_html
        assert "Posted-marker" in page_html
        assert "You reviewed this work" in page_html

    def test_anonymous_is_sent_to_login(self, client, safe_work):
        response = client.post(create_url(safe_work), {"score": 8, "body": body_text()})
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:login"))
        assert not Review.objects.exists()

    def test_get_is_not_allowed(self, adult_member_client, safe_work):
        assert adult_member_client.get(create_url(safe_work)).status_code == 405

    def test_unpublished_work_is_404(self, adult_member_client):
        draft = make_work("Draft", published=False)
        assert adult_member_client.post(create_url(draft), {"score": 8, "body": body_text()}).status_code == 404
        assert not Review.objects.exists()

    @pytest.mark.parametrize("score", [1, 10])
    def test_score_bounds_accepted(self, adult_member_client, safe_work, score):
        assert adult_member_client.post(create_url(safe_work), {"score": score, "body": body_text()}).status_code == 302
        assert review_score(Review.objects.get()) == score

    @pytest.mark.parametrize("score", ["0", "11", "-1", "abc", "7.5"])
    def test_bad_scores_are_form_errors(self, adult_member_client, safe_work, score):
        response = adult_member_client.post(create_url(safe_work), {"score": score, "body": body_text()})
        assert response.status_code == 400
        assert form_errors(response)
        assert not Review.objects.exists()
        assert not ListEntry.objects.exists()

    def test_a_review_without_a_score_adds_nothing_to_the_list(self, adult_member_client, safe_work):
        response = adult_member_client.post(create_url(safe_work), {"score": "", "body": body_text("Unscored-marker")})
        assert response.status_code == 302
        assert review_score(Review.objects.get()) is None
        assert not ListEntry.objects.exists()
        page_html = html(Client().get(safe_work.get_absolute_url()))
        assert "Unscored-marker" in page_html
        assert 'aria-label="Score' not in page_html

    @pytest.mark.parametrize("length,ok", [(49, False), (50, True), (20_000, True), (20_001, False)])
    def test_body_length_limits(self, adult_member_client, safe_work, length, ok):
        body = ("abcdefghi " * (length // 10 + 1))[: length - 1] + "z"
        assert len(body) == length
        response = adult_member_client.post(create_url(safe_work), {"score": 5, "body": body})
        assert response.status_code == (302 if ok else 400)
        assert Review.objects.exists() is ok

    def test_whitespace_does_not_count_towards_the_minimum(self, adult_member_client, safe_work):
        response = adult_member_client.post(create_url(safe_work), {"score": 5, "body": "   " + "a" * 49 + "\n\n   "})
        assert response.status_code == 400
        assert not Review.objects.exists()

    def test_missing_fields(self, adult_member_client, safe_work):
        response = adult_member_client.post(create_url(safe_work), {})
        assert response.status_code == 400
        assert form_errors(response).count("This field is required.") == 1  # the body; a score is optional
        assert not Review.objects.exists()

    def test_spoiler_review_is_collapsed(self, adult_member_client, safe_work):
        adult_member_client.post(
            create_url(safe_work), {"score": 5, "body": body_text("Spoiler-body-marker"), "has_spoilers": "on"}
        )
        review = Review.objects.get()
        assert review.has_spoilers
        page_html = html(Client().get(safe_work.get_absolute_url()))
        match = re.search(
            r'<details class="spoilers"><summary>Show spoilers[^<]*</summary>(.*?)</details>', page_html, re.S
        )
        assert match, "spoiler review is not inside a <details> Show spoilers"
        assert "Spoiler-body-marker" in match.group(1)
        assert page_html.count("Spoiler-body-marker") == 1

    def test_non_spoiler_review_is_not_collapsed(self, adult_member_client, safe_work):
        adult_member_client.post(create_url(safe_work), {"score": 5, "body": body_text("Open-body-marker")})
        page_html = html(Client().get(safe_work.get_absolute_url()))
        assert "Show spoilers" not in page_html
        assert "Open-body-marker" in page_html

    def test_review_from_a_member_without_birth_date_is_refused_on_r18(self, adult_work):
        # Accounts made by createsuperuser have no birth date: they may pass the gate by clicking, but may not review 18+.
        staffer = make_member("nobirth", age=None)
        client = login(staffer)
        from accounts.viewer import AGE_GATE_SESSION_KEY

        session = client.session
        session[AGE_GATE_SESSION_KEY] = True
        session.save()
        response = client.post(create_url(adult_work), {"score": 5, "body": body_text()})
        assert response.status_code == 403
        assert not Review.objects.exists()


class TestOnePerMemberPerWork:
    def test_second_review_is_refused_with_a_message(self, adult_member, adult_member_client, safe_work):
        assert adult_member_client.post(create_url(safe_work), {"score": 8, "body": body_text()}).status_code == 302
        response = adult_member_client.post(create_url(safe_work), {"score": 3, "body": body_text()})
        assert response.status_code == 400
        assert "You have already reviewed this work. Edit your review instead." in form_errors(response)
        assert review_score(Review.objects.get()) == 8  # the refused review changed nothing on the list

    def test_service_refuses_a_second_review(self, adult_member, safe_work):
        make_review(adult_member, safe_work)
        with pytest.raises(ValidationError):
            make_review(adult_member, safe_work)
        assert Review.objects.count() == 1

    def test_database_enforces_uniqueness(self, adult_member, safe_work):
        Review.objects.create(author=adult_member, work=safe_work, body=body_text())
        with pytest.raises(IntegrityError), transaction.atomic():
            Review.objects.create(author=adult_member, work=safe_work, body=body_text())
        assert Review.objects.count() == 1

    def test_other_members_may_review_the_same_work(self, adult_member, other_adult_member, safe_work):
        make_review(adult_member, safe_work)
        make_review(other_adult_member, safe_work)
        assert Review.objects.filter(work=safe_work).count() == 2


class TestEditAndDelete:
    def test_owner_edits(self, adult_member, adult_member_client, safe_work):
        review = make_review(adult_member, safe_work, score=4)
        url = reverse("community:review-edit", args=[review.pk])
        response = adult_member_client.get(url)
        assert response.status_code == 200
        assert response.context["form"].initial["score"] == 4
        new_body = body_text("Edited-marker")
        response = adult_member_client.post(url, {"score": 9, "body": new_body, "has_spoilers": "on"})
        assert response.status_code == 302
        review.refresh_from_db()
        assert (review_score(review), review.body, review.has_spoilers) == (9, new_body, True)
        assert list_score(adult_member, safe_work) == 9
        safe_work.refresh_from_db()
        assert safe_work.score_average == Decimal("9.00")

    def test_the_edit_form_shows_the_list_score_as_it_is_now(self, adult_member, adult_member_client, safe_work):
        review = make_review(adult_member, safe_work, score=4)
        entry_save(member=adult_member, work=safe_work, score=6)  # changed on the list since
        response = adult_member_client.get(reverse("community:review-edit", args=[review.pk]))
        assert response.context["form"].initial["score"] == 6
        assert review_score(review) == 6

    def test_invalid_edit_changes_nothing(self, adult_member, adult_member_client, safe_work):
        review = make_review(adult_member, safe_work, score=4)
        response = adult_member_client.post(
            reverse("community:review-edit", args=[review.pk]), {"score": 11, "body": "short"}
        )
        assert response.status_code in (200, 400)
        assert form_errors(response)
        assert review_score(review) == 4

    def test_owner_deletes(self, adult_member, adult_member_client, safe_work):
        review = make_review(adult_member, safe_work)
        url = reverse("community:review-delete", args=[review.pk])
        assert adult_member_client.get(url).status_code == 200
        response = adult_member_client.post(url)
        assert response.status_code == 302
        assert response["Location"] == safe_work.get_absolute_url()
        assert not Review.objects.exists()
        safe_work.refresh_from_db()
        # The review is gone; the member's vote is their rating, not the text, and stays.
        assert (safe_work.review_count, safe_work.score_average, safe_work.vote_count) == (0, Decimal("7.00"), 1)
        assert list_score(adult_member, safe_work) == 7

    @pytest.mark.parametrize(
        "name,method,data",
        [
            ("review-edit", "get", None),
            ("review-edit", "post", {"score": 1, "body": "x" * 60}),
            ("review-delete", "get", None),
            ("review-delete", "post", {}),
        ],
    )
    def test_other_member_gets_403(self, adult_member, other_adult_member_client, safe_work, name, method, data):
        review = make_review(adult_member, safe_work, score=6)
        url = reverse(f"community:{name}", args=[review.pk])
        response = (
            getattr(other_adult_member_client, method)(url, data)
            if data is not None
            else getattr(other_adult_member_client, method)(url)
        )
        assert response.status_code == 403
        assert review_score(review) == 6

    def test_services_check_ownership(self, adult_member, other_adult_member, safe_work):
        review = make_review(adult_member, safe_work)
        with pytest.raises(PermissionDenied):
            services.review_update(
                review=review, editor=other_adult_member, score=1, body=body_text(), has_spoilers=False
            )
        with pytest.raises(PermissionDenied):
            services.review_delete(review=review, actor=other_adult_member)
        assert review_score(review) == 7

    def test_anonymous_edit_goes_to_login(self, client, adult_member, safe_work):
        review = make_review(adult_member, safe_work)
        assert client.post(reverse("community:review-delete", args=[review.pk])).status_code == 302
        assert Review.objects.exists()


class TestWorkPageSummary:
    def test_average_count_and_chart(self, safe_work):
        for score in (7, 8, 10):
            make_review(make_member(), safe_work, score=score)
        entry_save(member=make_member(), work=safe_work, score=10)  # a vote without a review counts as well
        safe_work.refresh_from_db()
        assert safe_work.score_average == Decimal("8.75")
        assert (safe_work.vote_count, safe_work.review_count) == (4, 3)
        page_html = html(Client().get(safe_work.get_absolute_url()))
        assert '<span class="score-big__value">8.8</span>' in page_html
        assert "from 4 votes" in page_html
        assert "8.8 / 10" in page_html and "(4 votes)" in page_html
        svg = re.search(r'<svg[^>]*class="score-chart__svg".*?</svg>', page_html, re.S).group(0)
        assert len(re.findall(r'<rect class="score-chart__bar', svg)) == 10
        assert len(re.findall(r"score-chart__bar--filled", svg)) == 3
        assert "1: 0, 2: 0, 3: 0, 4: 0, 5: 0, 6: 0, 7: 1, 8: 1, 9: 0, 10: 2" in svg

    def test_no_votes(self, safe_work):
        make_review(make_member(), safe_work, score=None)  # a review without a score is no vote
        page_html = html(Client().get(safe_work.get_absolute_url()))
        assert "No votes yet." in page_html
        assert "Not yet rated" in page_html
        assert "score-chart" not in page_html  # nothing to chart yet: no empty box

    def test_sorting_newest_and_helpful(self, safe_work):
        authors = [make_member() for _ in range(4)]
        reviews = [make_review(a, safe_work) for a in authors]
        now = timezone.now()
        # Created oldest → newest: r0, r1, r2, r3. Helpful: r1 (3) > r3 (2) > r0 (1) > r2 (0).
        for age, review in zip([4, 3, 2, 1], reviews, strict=False):
            Review.objects.filter(pk=review.pk).update(created_at=now - datetime.timedelta(days=age))
        voters = [make_member() for _ in range(3)]
        for review, votes in zip(reviews, [1, 3, 0, 2], strict=False):
            for voter in voters[:votes]:
                services.review_toggle_helpful(review=review, voter=voter)
        ids = [r.pk for r in reviews]

        client = Client()
        assert review_ids_on(client.get(safe_work.get_absolute_url())) == ids[::-1]
        assert review_ids_on(client.get(safe_work.get_absolute_url(), {"reviews": "newest"})) == ids[::-1]
        assert review_ids_on(client.get(safe_work.get_absolute_url(), {"reviews": "helpful"})) == [
            ids[1],
            ids[3],
            ids[0],
            ids[2],
        ]
        assert review_ids_on(client.get(safe_work.get_absolute_url(), {"reviews": "bogus"})) == ids[::-1]

    def test_helpful_ties_break_by_newest(self, safe_work):
        older, newer = make_review(make_member(), safe_work), make_review(make_member(), safe_work)
        Review.objects.filter(pk=older.pk).update(created_at=timezone.now() - datetime.timedelta(days=1))
        assert review_ids_on(Client().get(safe_work.get_absolute_url(), {"reviews": "helpful"})) == [newer.pk, older.pk]

    def test_pending_hidden_removed_reviews_are_not_listed(self, safe_work):
        shown = make_review(make_member(), safe_work)
        for status in (Status.PENDING, Status.HIDDEN, Status.REMOVED):
            review = make_review(make_member(), safe_work)
            Review.objects.filter(pk=review.pk).update(status=status)
        assert review_ids_on(Client().get(safe_work.get_absolute_url())) == [shown.pk]


class TestHelpful:
    def url(self, review):
        return reverse("community:review-helpful", args=[review.pk])

    def test_toggle(self, adult_member, other_adult_member, other_adult_member_client, safe_work):
        review = make_review(adult_member, safe_work)
        response = other_adult_member_client.post(self.url(review))
        assert response.status_code == 302
        assert response["Location"] == f"{safe_work.get_absolute_url()}#review-{review.pk}"
        review.refresh_from_db()
        assert review.helpful_count == 1
        assert HelpfulVote.objects.filter(review=review, voter=other_adult_member).count() == 1
        page_html = html(other_adult_member_client.get(safe_work.get_absolute_url()))
        assert 'aria-pressed="true"' in page_html
        assert "1 found this helpful" in page_html

        other_adult_member_client.post(self.url(review))  # second click takes it back
        review.refresh_from_db()
        assert review.helpful_count == 0
        assert not HelpfulVote.objects.exists()

    def test_one_vote_per_member(self, adult_member, safe_work):
        review = make_review(adult_member, safe_work)
        voters = [make_member() for _ in range(3)]
        for voter in voters:
            login(voter).post(self.url(review))
        login(voters[0]).post(self.url(review))  # toggles voter 0 off again
        review.refresh_from_db()
        assert review.helpful_count == 2 == HelpfulVote.objects.filter(review=review).count()

    def test_database_allows_one_vote_per_member(self, adult_member, other_adult_member, safe_work):
        review = make_review(adult_member, safe_work)
        HelpfulVote.objects.create(review=review, voter=other_adult_member)
        with pytest.raises(IntegrityError), transaction.atomic():
            HelpfulVote.objects.create(review=review, voter=other_adult_member)

    def test_not_on_own_review(self, adult_member, adult_member_client, safe_work):
        review = make_review(adult_member, safe_work)
        assert adult_member_client.post(self.url(review)).status_code == 403
        review.refresh_from_db()
        assert review.helpful_count == 0
        assert not HelpfulVote.objects.exists()

    def test_requires_post_and_login(self, client, adult_member, other_adult_member_client, safe_work):
        review = make_review(adult_member, safe_work)
        assert other_adult_member_client.get(self.url(review)).status_code == 405
        assert client.post(self.url(review)).status_code == 302
        review.refresh_from_db()
        assert review.helpful_count == 0

    def test_not_on_hidden_review(self, adult_member, other_adult_member_client, safe_work):
        review = make_review(adult_member, safe_work)
        Review.objects.filter(pk=review.pk).update(status=Status.HIDDEN)
        assert other_adult_member_client.post(self.url(review)).status_code == 404

    def test_minor_cannot_vote_on_r18_review(self, adult_member, minor_member_client, adult_work):
        review = make_review(adult_member, adult_work)
        assert minor_member_client.post(self.url(review)).status_code == 403
        assert not HelpfulVote.objects.exists()


class TestDenormalisedRating:
    def test_create_update_delete_keep_average(self, adult_member, other_adult_member, safe_work):
        first = make_review(adult_member, safe_work, score=4)
        safe_work.refresh_from_db()
        assert (safe_work.score_average, safe_work.vote_count, safe_work.review_count) == (Decimal("4.00"), 1, 1)
        make_review(other_adult_member, safe_work, score=9)
        safe_work.refresh_from_db()
        assert (safe_work.score_average, safe_work.vote_count) == (Decimal("6.50"), 2)
        services.review_update(review=first, editor=adult_member, score=6, body=first.body, has_spoilers=False)
        safe_work.refresh_from_db()
        assert (safe_work.score_average, safe_work.vote_count) == (Decimal("7.50"), 2)
        services.review_delete(review=first, actor=adult_member)
        safe_work.refresh_from_db()
        # The review's text is gone; its author's vote is not.
        assert (safe_work.score_average, safe_work.vote_count, safe_work.review_count) == (Decimal("7.50"), 2, 1)
        entry_remove(member=adult_member, work=safe_work)
        safe_work.refresh_from_db()
        assert (safe_work.score_average, safe_work.vote_count) == (Decimal("9.00"), 1)

    def test_an_edit_without_a_score_keeps_the_list_as_it_is(self, adult_member, safe_work):
        review = make_review(adult_member, safe_work, score=4)
        services.review_update(review=review, editor=adult_member, body=review.body, has_spoilers=True)
        assert review_score(review) == 4

    def test_a_cleared_list_score_leaves_the_review_without_one(self, adult_member, safe_work):
        review = make_review(adult_member, safe_work, score=4)
        entry_save(member=adult_member, work=safe_work, score=None)
        assert review_score(review) is None
        safe_work.refresh_from_db()
        assert (safe_work.score_average, safe_work.vote_count, safe_work.review_count) == (None, 0, 1)
        page_html = html(Client().get(safe_work.get_absolute_url()))
        assert 'aria-label="Score' not in page_html and "No votes yet." in page_html

    def test_a_review_of_a_listed_work_keeps_the_entrys_status(self, adult_member, safe_work):
        entry_save(member=adult_member, work=safe_work, status="dropped")
        make_review(adult_member, safe_work, score=3)
        entry = ListEntry.objects.get()
        assert (entry.status, entry.score) == ("dropped", 3)

    def test_rounding(self, safe_work):
        for score in (1, 1, 2):
            make_review(make_member(), safe_work, score=score)
        safe_work.refresh_from_db()
        assert safe_work.score_average == Decimal("1.33")

    def test_held_back_and_removed_reviews_no_longer_move_the_score(self, adult_member, other_adult_member, safe_work):
        curator = make_member("mod", is_staff=True)
        low = make_review(adult_member, safe_work, score=2)
        make_review(other_adult_member, safe_work, score=8)
        for action, reviews in (("hide", 1), ("approve", 2), ("remove", 1)):
            services.post_moderate(moderator=curator, post=low, action=action)
            safe_work.refresh_from_db()
            # The review count follows moderation; the score is the members' votes, the text aside.
            assert (safe_work.score_average, safe_work.vote_count, safe_work.review_count) == (
                Decimal("5.00"),
                2,
                reviews,
            ), action

    def test_review_count_refresh_runs_in_the_same_transaction(self, adult_member, safe_work, monkeypatch):
        def broken(**kwargs):
            raise RuntimeError("review count refresh failed")

        monkeypatch.setattr(services, "work_refresh_review_count", broken)
        with pytest.raises(RuntimeError):
            make_review(adult_member, safe_work)
        assert not Review.objects.exists()  # the review write was rolled back with it
        assert not ListEntry.objects.exists()  # and so was its score on the list
        safe_work.refresh_from_db()
        assert (safe_work.score_average, safe_work.vote_count) == (None, 0)

    def test_a_failed_score_refresh_rolls_the_review_back(self, adult_member, safe_work, monkeypatch):
        from lists import votes

        review = make_review(adult_member, safe_work, score=3)
        pk, body = review.pk, review.body
        monkeypatch.setattr(votes, "works_refresh_score", lambda work_ids: (_ for _ in ()).throw(RuntimeError()))
        with pytest.raises(RuntimeError):
            services.review_update(review=review, editor=adult_member, score=10, body=body_text(), has_spoilers=False)
        assert review_score(Review.objects.get(pk=pk)) == 3
        assert Review.objects.get(pk=pk).body == body
        safe_work.refresh_from_db()
        assert safe_work.score_average == Decimal("3.00")


class TestReviewLimits:
    def test_reviews_per_day(self, adult_member, adult_member_client, settings):
        assert settings.NTRDB_REVIEWS_PER_DAY == 5
        works = [make_work() for _ in range(6)]
        for w in works[:5]:
            assert adult_member_client.post(create_url(w), {"score": 5, "body": body_text()}).status_code == 302
        response = adult_member_client.post(create_url(works[5]), {"score": 5, "body": body_text()})
        assert response.status_code == 400
        assert "You can post at most 5 reviews a day. Please come back tomorrow." in form_errors(response)
        assert Review.objects.count() == 5

    def test_older_reviews_do_not_count(self, adult_member, settings):
        settings.NTRDB_REVIEWS_PER_DAY = 1
        first = make_review(adult_member, make_work())
        Review.objects.filter(pk=first.pk).update(created_at=timezone.now() - datetime.timedelta(days=1, minutes=1))
        make_review(adult_member, make_work())
        assert Review.objects.count() == 2

    def test_identical_body_on_another_work_is_refused(self, adult_member, adult_member_client):
        body = body_text()
        a, b = make_work(), make_work()
        assert adult_member_client.post(create_url(a), {"score": 5, "body": body}).status_code == 302
        response = adult_member_client.post(create_url(b), {"score": 5, "body": body})
        assert response.status_code == 400
        assert "You just posted exactly this. It was not posted twice." in form_errors(response)


@pytest.mark.django_db(transaction=True)
def test_concurrent_reviews_of_one_work_keep_its_count_and_average():
    """Regression (found by make loadtest): on PostgreSQL each review counted without the
    others committed alongside it, leaving review_count short."""
    from django.db import connection

    from community.services import review_create
    from tests.builders import make_member, make_work
    from tests.threads import all_at_once

    if connection.vendor != "postgresql":
        pytest.skip("SQLite takes the write lock at BEGIN (IMMEDIATE), so reviews never overlap there")
    work = make_work("Busy Work")
    members = [make_member(age=30) for _ in range(8)]
    body = "A concurrent review, long enough to pass the length check. " * 2
    errors = all_at_once(
        [partial(review_create, author=m, work=work, score=1 + i, body=body) for i, m in enumerate(members)]
    )
    assert errors == []
    work.refresh_from_db()
    assert (work.review_count, work.vote_count) == (8, 8)
    assert work.score_average == Decimal("4.50")


def test_member_page_folds_away_spoiler_reviews(adult_member, safe_work):
    """Found in review: the public member page printed the start of reviews marked as spoilers."""
    from django.urls import reverse

    from community.services import review_create

    review_create(
        author=adult_member, work=safe_work, score=6, body=body_text("Spoiler-body-marker"), has_spoilers=True
    )
    text = html(Client().get(reverse("accounts:member-detail", args=[adult_member.username])))
    assert "Spoiler-body-marker" not in text
    assert "This review discusses the story" in text
