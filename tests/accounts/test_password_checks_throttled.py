"""Every place a password is checked shares one throttle (accounts/throttle.py, accounts/backends.py).

The member log-in, the admin log-in, the password-change confirmation and the account-deletion
confirmation count failures for the same (address, username) pair: a pair locked on one is
locked on all, and while locked the right password is refused too. The lock message names the
configured length.
"""

import datetime

import pytest
from django.contrib.auth import SESSION_KEY
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts import throttle
from accounts.models import ThrottleCounter, User

pytestmark = pytest.mark.django_db

PASSWORD = "right-horse-battery-7"
WRONG = "wrong-password-1"
ALLOWED = 3
LOGIN = reverse("accounts:login")
ADMIN_LOGIN = reverse("admin:login")
PASSWORD_CHANGE = reverse("accounts:password-change")
DELETE = reverse("accounts:delete")


def locked_login(length="15 minutes") -> str:
    return f"Too many failed sign-in attempts. Please wait {length} and try again."


def locked_confirmation(length="15 minutes") -> str:
    return f"Too many wrong passwords. Please wait {length} and try again."


@pytest.fixture(autouse=True)
def _three_failures_allowed(settings):
    settings.NTRDB_LOGIN_FAILURES_ALLOWED = ALLOWED
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def member(db) -> User:
    return User.objects.create_user("marlow", password=PASSWORD, birth_date=datetime.date(1990, 1, 1))


@pytest.fixture
def curator(db) -> User:
    return User.objects.create_user("curie", password=PASSWORD, birth_date=datetime.date(1990, 1, 1), is_staff=True)


def log_in(path: str, username: str, password: str, ip: str = "10.1.1.1"):
    client = Client(REMOTE_ADDR=ip)
    return client, client.post(path, {"username": username, "password": password})


def signed_in(user: User, ip: str = "10.1.1.1") -> Client:
    client = Client(REMOTE_ADDR=ip)
    client.force_login(user)
    return client


def change_password(client: Client, old: str):
    return client.post(
        PASSWORD_CHANGE,
        {"old_password": old, "new_password1": "fresh-new-pass-42", "new_password2": "fresh-new-pass-42"},
    )


def text(response) -> str:
    return response.content.decode()


class TestAdminLogin:
    def test_locks_after_the_allowed_failures_and_refuses_the_right_password(self, curator):
        for _ in range(ALLOWED):
            _, response = log_in(ADMIN_LOGIN, "curie", WRONG)
            assert response.status_code == 200
            assert locked_login() not in text(response)
        client, response = log_in(ADMIN_LOGIN, "curie", PASSWORD)
        assert response.status_code == 429
        assert locked_login() in text(response)
        assert SESSION_KEY not in client.session

    def test_one_failure_short_of_the_limit_still_lets_the_curator_in(self, curator):
        for _ in range(ALLOWED - 1):
            log_in(ADMIN_LOGIN, "curie", WRONG)
        client, response = log_in(ADMIN_LOGIN, "curie", PASSWORD)
        assert response.status_code == 302
        assert client.session[SESSION_KEY] == str(curator.pk)

    def test_an_account_locked_on_the_member_log_in_is_locked_on_the_admin_log_in(self, curator):
        for _ in range(ALLOWED):
            assert log_in(LOGIN, "curie", WRONG)[1].status_code == 200
        client, response = log_in(ADMIN_LOGIN, "curie", PASSWORD)
        assert response.status_code == 429
        assert SESSION_KEY not in client.session

    def test_an_account_locked_on_the_admin_log_in_is_locked_on_the_member_log_in(self, curator):
        for _ in range(ALLOWED):
            assert log_in(ADMIN_LOGIN, "curie", WRONG)[1].status_code == 200
        client, response = log_in(LOGIN, "curie", PASSWORD)
        assert response.status_code == 429
        assert locked_login() in text(response)
        assert SESSION_KEY not in client.session

    def test_failures_split_between_the_two_pages_add_up(self, curator):
        log_in(ADMIN_LOGIN, "curie", WRONG)
        log_in(LOGIN, "curie", WRONG)
        log_in(ADMIN_LOGIN, "curie", WRONG)
        assert log_in(LOGIN, "curie", PASSWORD)[1].status_code == 429

    def test_another_address_is_not_locked(self, curator):
        for _ in range(ALLOWED):
            log_in(ADMIN_LOGIN, "curie", WRONG)
        assert log_in(ADMIN_LOGIN, "curie", PASSWORD, ip="10.9.9.9")[1].status_code == 302


class TestPasswordChange:
    def test_locks_after_the_allowed_wrong_old_passwords(self, member):
        client = signed_in(member)
        for _ in range(ALLOWED):
            response = change_password(client, WRONG)
            assert response.status_code == 200
            assert "Your old password was entered incorrectly" in text(response)
        response = change_password(client, PASSWORD)
        assert response.status_code == 429
        assert locked_confirmation() in text(response)
        member.refresh_from_db()
        assert member.check_password(PASSWORD), "the password must not change while locked"

    def test_the_right_old_password_before_the_limit_changes_it(self, member):
        client = signed_in(member)
        for _ in range(ALLOWED - 1):
            change_password(client, WRONG)
        assert change_password(client, PASSWORD).status_code == 302
        member.refresh_from_db()
        assert member.check_password("fresh-new-pass-42")

    def test_wrong_old_passwords_lock_the_log_in_too(self, member):
        client = signed_in(member)
        for _ in range(ALLOWED):
            change_password(client, WRONG)
        assert log_in(LOGIN, "marlow", PASSWORD)[1].status_code == 429

    def test_a_pair_locked_on_the_log_in_cannot_change_the_password(self, member):
        for _ in range(ALLOWED):
            log_in(LOGIN, "marlow", WRONG)
        response = change_password(signed_in(member), PASSWORD)
        assert response.status_code == 429
        assert locked_confirmation() in text(response)


class TestDeleteAccount:
    def test_locks_after_the_allowed_wrong_passwords(self, member):
        client = signed_in(member)
        for _ in range(ALLOWED):
            response = client.post(DELETE, {"password": WRONG})
            assert response.status_code == 200
            assert "That password is not right." in text(response)
        response = client.post(DELETE, {"password": PASSWORD})
        assert response.status_code == 429
        assert locked_confirmation() in text(response)
        assert User.objects.filter(pk=member.pk).exists()

    def test_the_right_password_before_the_limit_deletes(self, member):
        client = signed_in(member)
        for _ in range(ALLOWED - 1):
            client.post(DELETE, {"password": WRONG})
        assert client.post(DELETE, {"password": PASSWORD}).status_code == 302
        assert not User.objects.filter(pk=member.pk).exists()

    def test_wrong_passwords_lock_the_admin_log_in_too(self, member):
        member.is_staff = True
        member.save()
        client = signed_in(member)
        for _ in range(ALLOWED):
            client.post(DELETE, {"password": WRONG})
        assert log_in(ADMIN_LOGIN, "marlow", PASSWORD)[1].status_code == 429


class TestLockMessage:
    @pytest.mark.parametrize(
        ("seconds", "words"),
        [
            (900, "15 minutes"),
            (60, "1 minute"),
            (3600, "1 hour"),
            (7200, "2 hours"),
            (5400, "90 minutes"),
            (90, "90 seconds"),
            (1, "1 second"),
            (86400, "1 day"),
        ],
    )
    def test_lockout_length_in_words(self, settings, seconds, words):
        settings.NTRDB_LOGIN_LOCKOUT_SECONDS = seconds
        assert throttle.lockout_length() == words

    def test_every_page_names_the_configured_length(self, settings, member):
        settings.NTRDB_LOGIN_LOCKOUT_SECONDS = 3600
        member.is_staff = True
        member.save()
        for _ in range(ALLOWED):
            log_in(LOGIN, "marlow", WRONG)
        assert locked_login("1 hour") in text(log_in(LOGIN, "marlow", PASSWORD)[1])
        assert locked_login("1 hour") in text(log_in(ADMIN_LOGIN, "marlow", PASSWORD)[1])
        client = signed_in(member)
        assert locked_confirmation("1 hour") in text(change_password(client, PASSWORD))
        assert locked_confirmation("1 hour") in text(client.post(DELETE, {"password": PASSWORD}))
        assert "15 minutes" not in text(log_in(LOGIN, "marlow", PASSWORD)[1])


class TestCounters:
    def test_without_redis_the_counts_are_rows_shared_by_every_process(self, settings, member):
        assert "throttle" not in settings.CACHES
        log_in(LOGIN, "marlow", WRONG)
        assert sorted(ThrottleCounter.objects.values_list("count", flat=True)) == [1, 1]  # pair and address

    def test_an_expired_window_starts_again_from_one(self, member):
        for _ in range(ALLOWED):
            log_in(LOGIN, "marlow", WRONG)
        ThrottleCounter.objects.update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
        log_in(LOGIN, "marlow", WRONG)
        assert sorted(ThrottleCounter.objects.values_list("count", flat=True)) == [1, 1]
        assert log_in(LOGIN, "marlow", PASSWORD)[1].status_code == 302

    def test_the_window_is_the_configured_lock_length(self, settings, member):
        settings.NTRDB_LOGIN_LOCKOUT_SECONDS = 600
        before = timezone.now()
        log_in(LOGIN, "marlow", WRONG)
        for counter in ThrottleCounter.objects.all():
            assert (
                before + datetime.timedelta(seconds=599)
                <= counter.expires_at
                <= timezone.now() + datetime.timedelta(seconds=600)
            )

    def test_with_a_throttle_cache_the_counts_live_there(self, settings, member):
        settings.CACHES = {**settings.CACHES, "throttle": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
        try:
            for _ in range(ALLOWED):
                log_in(LOGIN, "marlow", WRONG)
            assert not ThrottleCounter.objects.exists()
            assert log_in(LOGIN, "marlow", PASSWORD)[1].status_code == 429
        finally:
            throttle.clear()

    def test_a_call_without_a_request_is_not_throttled(self, member):
        from django.contrib.auth import authenticate

        for _ in range(ALLOWED):
            log_in(LOGIN, "marlow", WRONG)
        assert authenticate(username="marlow", password=PASSWORD) == member
