"""Sign up, log in, log out, change password, delete account."""

import datetime

import pytest
from django.contrib.auth import SESSION_KEY
from django.test import Client
from django.urls import reverse

from accounts.models import User
from catalog.models import Work
from community.models import Comment, Review
from tests.builders import PASSWORD, make_comment, make_review, years_ago
from tests.pages import form_errors, html

pytestmark = pytest.mark.django_db

SIGNUP = reverse("accounts:signup")
LOGIN = reverse("accounts:login")
LOGOUT = reverse("accounts:logout")


def signup_data(username="newbie", birth_date=None, **extra):
    return {
        "username": username,
        "password1": PASSWORD,
        "password2": PASSWORD,
        "birth_date": (birth_date or years_ago(25)).isoformat(),
        **extra,
    }


def logged_in_user_id(client):
    return client.session.get(SESSION_KEY)


class TestSignUp:
    def test_signup_creates_the_member_and_logs_them_in(self, client):
        response = client.post(SIGNUP, signup_data(email="n@example.com"))
        assert response.status_code == 302
        assert response["Location"] == reverse("accounts:profile")
        user = User.objects.get(username="newbie")
        assert user.birth_date == years_ago(25)
        assert user.email == "n@example.com"
        assert user.check_password(PASSWORD)
        assert str(user.pk) == logged_in_user_id(client)
        profile = client.get(reverse("accounts:profile"))
        assert profile.status_code == 200
        assert "Welcome to ntrdb, newbie." in html(profile)

    def test_email_is_optional(self, client):
        response = client.post(SIGNUP, signup_data())
        assert response.status_code == 302
        assert User.objects.get(username="newbie").email == ""

    def test_birth_date_is_required(self, client):
        data = signup_data()
        del data["birth_date"]
        response = client.post(SIGNUP, data)
        assert response.status_code == 200
        assert "This field is required." in form_errors(response)
        assert not User.objects.exists()

    def test_future_birth_date_is_a_form_error(self, client):
        tomorrow = datetime.date.today() + datetime.timedelta(days=1)
        response = client.post(SIGNUP, signup_data(birth_date=tomorrow))
        assert response.status_code == 200
        assert "Your birth date can't be in the future." in form_errors(response)
        assert not User.objects.exists()
        assert logged_in_user_id(client) is None

    def test_implausibly_old_birth_date_is_a_form_error(self, client):
        response = client.post(SIGNUP, signup_data(birth_date=datetime.date(1850, 1, 1)))
        assert "Please enter your real birth date." in form_errors(response)
        assert not User.objects.exists()

    def test_malformed_birth_date_is_a_form_error(self, client):
        data = signup_data()
        data["birth_date"] = "not-a-date"
        response = client.post(SIGNUP, data)
        assert response.status_code == 200
        assert "Enter a valid date." in form_errors(response)
        assert not User.objects.exists()

    def test_mismatched_passwords_are_refused(self, client):
        response = client.post(SIGNUP, signup_data(password2="something-else-42"))
        assert response.status_code == 200
        assert form_errors(response)
        assert not User.objects.exists()

    def test_minor_can_sign_up(self, client):
        response = client.post(SIGNUP, signup_data(username="teen", birth_date=years_ago(15)))
        assert response.status_code == 302
        teen = User.objects.get(username="teen")
        assert teen.is_adult() is False
        assert logged_in_user_id(client) == str(teen.pk)

    def test_signed_in_member_is_sent_to_profile(self, adult_member_client):
        assert adult_member_client.get(SIGNUP)["Location"] == reverse("accounts:profile")


class TestLogInOut:
    def test_log_in_with_right_password(self, client, adult_member):
        response = client.post(LOGIN, {"username": "alice", "password": PASSWORD})
        assert response.status_code == 302
        assert logged_in_user_id(client) == str(adult_member.pk)

    def test_wrong_password_shows_error(self, client, adult_member):
        response = client.post(LOGIN, {"username": "alice", "password": "wrong-password-1"})
        assert response.status_code == 200
        assert "Please enter a correct username and password" in html(response)
        assert logged_in_user_id(client) is None

    def test_log_in_goes_to_next_on_this_site_only(self, client, adult_member):
        response = client.post(LOGIN, {"username": "alice", "password": PASSWORD, "next": "/works/"})
        assert response["Location"] == "/works/"
        client.logout()
        response = client.post(LOGIN, {"username": "alice", "password": PASSWORD, "next": "https://evil.example/"})
        assert "evil.example" not in response["Location"]

    def test_log_out_is_a_post(self, adult_member_client):
        assert adult_member_client.get(LOGOUT).status_code == 405
        assert logged_in_user_id(adult_member_client) is not None
        response = adult_member_client.post(LOGOUT)
        assert response.status_code == 302
        assert response["Location"] == reverse("home")
        assert logged_in_user_id(adult_member_client) is None


class TestPasswordChange:
    URL = reverse("accounts:password-change")

    def test_requires_login(self, client):
        response = client.get(self.URL)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:login"))

    def test_change_password(self, adult_member, adult_member_client):
        new = "another-horse-battery-7"
        response = adult_member_client.post(
            self.URL, {"old_password": PASSWORD, "new_password1": new, "new_password2": new}
        )
        assert response.status_code == 302
        assert response["Location"] == reverse("accounts:profile")
        adult_member.refresh_from_db()
        assert adult_member.check_password(new)
        # Still logged in (session hash updated) and the new password works for a fresh login.
        assert adult_member_client.get(reverse("accounts:profile")).status_code == 200
        assert Client().login(username="alice", password=new)

    def test_wrong_old_password_changes_nothing(self, adult_member, adult_member_client):
        new = "another-horse-battery-7"
        response = adult_member_client.post(
            self.URL, {"old_password": "nope-nope-1", "new_password1": new, "new_password2": new}
        )
        assert response.status_code == 200
        adult_member.refresh_from_db()
        assert adult_member.check_password(PASSWORD)


class TestDeleteAccount:
    URL = reverse("accounts:delete")

    def test_requires_login(self, client):
        assert client.post(self.URL, {"password": PASSWORD}).status_code == 302

    def test_wrong_password_keeps_the_account(self, adult_member, adult_member_client):
        response = adult_member_client.post(self.URL, {"password": "wrong-password-1"})
        assert response.status_code == 200
        assert "That password is not right." in form_errors(response)
        assert User.objects.filter(pk=adult_member.pk).exists()

    def test_delete_removes_user_reviews_and_comments(
        self, adult_member, other_adult_member, adult_member_client, safe_work, netorare_term
    ):
        review = make_review(adult_member, safe_work)
        comment = make_comment(adult_member, netorare_term)
        # A reply by someone else to the deleted member's comment goes with the thread.
        reply = make_comment(other_adult_member, netorare_term, parent=comment)
        others_review = make_review(other_adult_member, safe_work)

        response = adult_member_client.post(self.URL, {"password": PASSWORD})
        assert response.status_code == 302
        assert response["Location"] == reverse("home")
        assert not User.objects.filter(pk=adult_member.pk).exists()
        assert not Review.objects.filter(pk=review.pk).exists()
        assert not Comment.objects.filter(pk__in=[comment.pk, reply.pk]).exists()
        assert Review.objects.filter(pk=others_review.pk).exists()
        assert logged_in_user_id(adult_member_client) is None

    def test_delete_refreshes_the_average_of_reviewed_works(
        self, adult_member, other_adult_member, adult_member_client, safe_work
    ):
        make_review(adult_member, safe_work, score=2)
        make_review(other_adult_member, safe_work, score=8)
        assert Work.objects.get(pk=safe_work.pk).review_count == 2

        adult_member_client.post(self.URL, {"password": PASSWORD})

        safe_work.refresh_from_db()
        assert safe_work.review_count == 1
        assert safe_work.score_average == 8

    def test_delete_takes_back_the_members_helpful_votes(
        self, adult_member, other_adult_member, adult_member_client, safe_work
    ):
        from community.services import review_toggle_helpful

        review = make_review(other_adult_member, safe_work)
        review_toggle_helpful(review=review, voter=adult_member)
        assert Review.objects.get(pk=review.pk).helpful_count == 1

        adult_member_client.post(self.URL, {"password": PASSWORD})

        assert Review.objects.get(pk=review.pk).helpful_count == 0
