"""Login throttling per (IP, username) and per IP; sign-up throttling per IP."""

import pytest
from django.contrib.auth import SESSION_KEY
from django.test import Client
from django.urls import reverse

from accounts.models import User
from tests.builders import PASSWORD, make_member, years_ago
from tests.pages import form_errors

pytestmark = pytest.mark.django_db

LOGIN = reverse("accounts:login")
SIGNUP = reverse("accounts:signup")
LOCKED = "Too many failed sign-in attempts. Please wait 15 minutes and try again."


def attempt(username, password, ip="10.0.0.1"):
    client = Client(REMOTE_ADDR=ip)
    response = client.post(LOGIN, {"username": username, "password": password})
    return client, response


def fail(username, times, ip="10.0.0.1"):
    for _ in range(times):
        _, response = attempt(username, "wrong-password-1", ip)
        assert response.status_code == 200
        assert LOCKED not in form_errors(response)


@pytest.fixture
def alice(db):
    return make_member("alice")


@pytest.fixture
def bob(db):
    return make_member("bob")


class TestLoginThrottle:
    def test_five_failures_lock_the_pair_even_for_the_right_password(self, alice):
        fail("alice", 5)
        client, response = attempt("alice", PASSWORD)
        assert response.status_code == 429
        assert LOCKED in form_errors(response)
        assert SESSION_KEY not in client.session

    def test_four_failures_still_let_the_right_password_in(self, alice):
        fail("alice", 4)
        client, response = attempt("alice", PASSWORD)
        assert response.status_code == 302
        assert client.session[SESSION_KEY] == str(alice.pk)

    def test_success_resets_the_pair_counter(self, alice):
        fail("alice", 4)
        attempt("alice", PASSWORD)
        fail("alice", 4)
        _, response = attempt("alice", PASSWORD)
        assert response.status_code == 302

    def test_lock_ignores_username_case(self, alice):
        fail("alice", 3)
        fail("ALICE", 2)
        _, response = attempt("Alice", PASSWORD)
        assert response.status_code == 429

    def test_other_username_from_same_ip_still_works(self, alice, bob):
        fail("alice", 5)
        client, response = attempt("bob", PASSWORD)
        assert response.status_code == 302
        assert client.session[SESSION_KEY] == str(bob.pk)

    def test_same_username_from_another_ip_still_works(self, alice):
        fail("alice", 5, ip="10.0.0.1")
        _, response = attempt("alice", PASSWORD, ip="10.0.0.2")
        assert response.status_code == 302

    def test_per_ip_limit_locks_every_username_from_that_ip(self, settings, alice, bob):
        settings.NTRDB_LOGIN_FAILURES_PER_IP = 8
        for name in ["a1", "a2", "a3", "a4"]:
            fail(name, 2)  # 8 failures from one IP, no pair reaches 5
        _, response = attempt("bob", PASSWORD)
        assert response.status_code == 429
        assert LOCKED in form_errors(response)
        _, response = attempt("bob", PASSWORD, ip="10.0.0.9")
        assert response.status_code == 302

    def test_lock_expires_after_the_lockout(self, settings, alice):
        from django.utils import timezone

        from accounts.models import ThrottleCounter

        fail("alice", 5)
        assert attempt("alice", PASSWORD)[1].status_code == 429
        ThrottleCounter.objects.update(expires_at=timezone.now())  # what the 15-minute expiry does
        assert attempt("alice", PASSWORD)[1].status_code == 302


class TestSignUpThrottle:
    def signup(self, username, ip="10.0.0.1"):
        client = Client(REMOTE_ADDR=ip)
        return client.post(
            SIGNUP,
            {
                "username": username,
                "password1": PASSWORD,
                "password2": PASSWORD,
                "birth_date": years_ago(30).isoformat(),
            },
        )

    def test_signups_per_ip_per_hour(self, settings, db):
        settings.NTRDB_SIGNUPS_PER_IP_PER_HOUR = 2
        assert self.signup("first").status_code == 302
        assert self.signup("second").status_code == 302
        response = self.signup("third")
        assert response.status_code == 429
        assert any("Too many accounts were created from your address" in e for e in form_errors(response))
        assert not User.objects.filter(username="third").exists()
        # Another address is not affected.
        assert self.signup("third", ip="10.0.0.2").status_code == 302

    def test_default_limit_is_five(self, db):
        for n in range(5):
            assert self.signup(f"user{n}").status_code == 302
        assert self.signup("user5").status_code == 429
        assert User.objects.count() == 5

    def test_failed_signups_do_not_count(self, settings, db):
        settings.NTRDB_SIGNUPS_PER_IP_PER_HOUR = 1
        client = Client(REMOTE_ADDR="10.0.0.1")
        response = client.post(
            SIGNUP, {"username": "x", "password1": "a", "password2": "b", "birth_date": "2000-01-01"}
        )
        assert response.status_code == 200
        assert self.signup("real").status_code == 302
