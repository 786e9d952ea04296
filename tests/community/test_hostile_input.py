"""Requests without a CSRF token are refused; malformed or oversized fields show errors and write nothing."""

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import User
from community.models import Comment, HelpfulVote, Report, Review, TermSuggestion
from lists.models import ListEntry
from tests.builders import PASSWORD, body_text, make_comment, make_review, review_score, years_ago
from tests.pages import form_errors, login

pytestmark = pytest.mark.django_db

OVERSIZED = "a" * 20_001


def csrf_client(user=None):
    client = Client(enforce_csrf_checks=True)
    if user is not None:
        client.force_login(user)
    return client


class TestCsrf:
    def test_review_create(self, adult_member, safe_work):
        response = csrf_client(adult_member).post(
            reverse("community:review-create", args=[safe_work.slug]), {"score": 8, "body": body_text()}
        )
        assert response.status_code == 403
        assert not Review.objects.exists()

    def test_comment_create(self, adult_member, netorare_term):
        response = csrf_client(adult_member).post(
            reverse("community:comment-create", args=[netorare_term.slug]), {"body": "hello"}
        )
        assert response.status_code == 403
        assert not Comment.objects.exists()

    def test_report(self, adult_member, other_adult_member, safe_work):
        review = make_review(adult_member, safe_work)
        response = csrf_client(other_adult_member).post(
            reverse("community:review-report", args=[review.pk]), {"reason": "spam"}
        )
        assert response.status_code == 403
        assert not Report.objects.exists()

    def test_helpful(self, adult_member, other_adult_member, safe_work):
        review = make_review(adult_member, safe_work)
        response = csrf_client(other_adult_member).post(reverse("community:review-helpful", args=[review.pk]))
        assert response.status_code == 403
        assert not HelpfulVote.objects.exists()
        review.refresh_from_db()
        assert review.helpful_count == 0

    def test_signup(self, db):
        response = csrf_client().post(
            reverse("accounts:signup"),
            {
                "username": "newbie",
                "password1": PASSWORD,
                "password2": PASSWORD,
                "birth_date": years_ago(30).isoformat(),
            },
        )
        assert response.status_code == 403
        assert not User.objects.exists()

    def test_login(self, adult_member):
        client = csrf_client()
        response = client.post(reverse("accounts:login"), {"username": "alice", "password": PASSWORD})
        assert response.status_code == 403
        assert "_auth_user_id" not in client.session

    @pytest.mark.parametrize(
        "name,data",
        [
            ("community:term-suggest", {"name": "Cuckold"}),
            ("accounts:delete", {"password": PASSWORD}),
            ("accounts:logout", {}),
        ],
    )
    def test_other_member_actions(self, adult_member, name, data):
        assert csrf_client(adult_member).post(reverse(name), data).status_code == 403
        assert User.objects.filter(pk=adult_member.pk).exists()
        assert not TermSuggestion.objects.exists()

    def test_edit_and_delete(self, adult_member, safe_work, netorare_term):
        review = make_review(adult_member, safe_work, score=5)
        comment = make_comment(adult_member, netorare_term, body="keep")
        client = csrf_client(adult_member)
        assert (
            client.post(
                reverse("community:review-edit", args=[review.pk]), {"score": 1, "body": body_text()}
            ).status_code
            == 403
        )
        assert client.post(reverse("community:review-delete", args=[review.pk])).status_code == 403
        assert client.post(reverse("community:comment-delete", args=[comment.pk])).status_code == 403
        assert review_score(Review.objects.get()) == 5
        assert Comment.objects.exists()

    def test_csrf_failure_page_is_the_sites_own(self, adult_member, safe_work):
        response = csrf_client(adult_member).post(reverse("community:review-create", args=[safe_work.slug]), {})
        assert response.status_code == 403
        assert "Traceback" not in response.content.decode()

    def test_with_the_token_it_works(self, adult_member, netorare_term):
        client = csrf_client(adult_member)
        client.get(netorare_term.get_absolute_url())  # sets the CSRF cookie
        token = client.cookies["csrftoken"].value
        response = client.post(
            reverse("community:comment-create", args=[netorare_term.slug]),
            {"body": "hello", "csrfmiddlewaretoken": token},
        )
        assert response.status_code == 302
        assert Comment.objects.count() == 1


REVIEW_CASES = [
    ({}, "missing everything"),
    ({"score": 8}, "missing body"),
    ({"score": 8, "body": OVERSIZED}, "oversized body"),
    ({"score": "11", "body": "x" * 80}, "score 11"),
    ({"score": "abc", "body": "x" * 80}, "score abc"),
    ({"score": "8; DROP TABLE", "body": "x" * 80}, "score injection"),
]


class TestMalformedForms:
    @pytest.mark.parametrize("data,label", REVIEW_CASES, ids=[c[1] for c in REVIEW_CASES])
    def test_review_create(self, adult_member_client, safe_work, data, label):
        response = adult_member_client.post(reverse("community:review-create", args=[safe_work.slug]), data)
        assert response.status_code in (200, 400)
        assert form_errors(response), label
        assert not Review.objects.exists()
        assert not ListEntry.objects.exists()
        safe_work.refresh_from_db()
        assert (safe_work.review_count, safe_work.vote_count) == (0, 0)

    @pytest.mark.parametrize(
        "data",
        [
            {},
            {"body": ""},
            {"body": OVERSIZED},
            {"body": "ok", "parent": "-1"},
            {"body": "ok", "parent": "999999"},
            {"body": "ok", "parent": "abc"},
            {"body": "ok", "favourite_work": "No Such Work"},
            {"body": "ok", "favourite_work": "x" * 20_001},
        ],
    )
    def test_comment_create(self, adult_member_client, netorare_term, data):
        response = adult_member_client.post(reverse("community:comment-create", args=[netorare_term.slug]), data)
        assert response.status_code == 400
        assert response.context["form"].errors
        assert not Comment.objects.exists()

    @pytest.mark.parametrize(
        "data",
        [{"reason": "spam", "note": OVERSIZED}, {"reason": "nonsense"}, {"reason": ["spam", "abuse", "x"]}],
    )
    def test_report(self, adult_member, other_adult_member_client, safe_work, data):
        review = make_review(adult_member, safe_work)
        response = other_adult_member_client.post(reverse("community:review-report", args=[review.pk]), data)
        assert response.status_code == 400
        assert form_errors(response)
        assert not Report.objects.exists()

    @pytest.mark.parametrize("data", [{"name": OVERSIZED}, {"name": "ok", "note": OVERSIZED}, {"name": " "}])
    def test_suggestion(self, adult_member_client, data):
        response = adult_member_client.post(reverse("community:term-suggest"), data)
        assert response.status_code == 400
        assert form_errors(response)
        assert not TermSuggestion.objects.exists()

    def test_review_edit(self, adult_member, adult_member_client, safe_work):
        review = make_review(adult_member, safe_work, score=5)
        for data in ({"score": "11", "body": review.body}, {"score": 5, "body": OVERSIZED}, {}):
            response = adult_member_client.post(reverse("community:review-edit", args=[review.pk]), data)
            assert response.status_code in (200, 400)
            assert form_errors(response)
        assert review_score(review) == 5

    @pytest.mark.parametrize(
        "data",
        [
            {"username": OVERSIZED, "password1": PASSWORD, "password2": PASSWORD, "birth_date": "1990-01-01"},
            {"username": "ok", "password1": PASSWORD, "password2": PASSWORD, "birth_date": "1990-13-45"},
            {
                "username": "ok",
                "password1": PASSWORD,
                "password2": PASSWORD,
                "birth_date": "1990-01-01",
                "email": "not-an-email",
            },
            {"username": "ok", "password1": PASSWORD, "password2": PASSWORD},
        ],
    )
    def test_signup(self, client, data):
        response = client.post(reverse("accounts:signup"), data)
        assert response.status_code == 200
        assert form_errors(response)
        assert not User.objects.exists()

    def test_empty_post_to_account_forms_writes_nothing(self, adult_member):
        assert Client().post(reverse("accounts:signup"), {}).status_code == 200
        assert login(adult_member).post(reverse("accounts:delete"), {}).status_code == 200
        assert list(User.objects.all()) == [adult_member]

    @pytest.mark.parametrize("url", [reverse("accounts:signup"), reverse("accounts:delete")], ids=["signup", "delete"])
    def test_empty_post_to_account_forms_shows_errors(self, adult_member, client, url):
        if url == reverse("accounts:delete"):
            client.force_login(adult_member)
        response = client.post(url, {})
        assert "This field is required." in form_errors(response)

    def test_login_with_oversized_fields(self, adult_member, client):
        response = client.post(reverse("accounts:login"), {"username": OVERSIZED, "password": OVERSIZED})
        assert response.status_code == 200
        assert form_errors(response)
