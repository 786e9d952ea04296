"""Login lockout behind the reverse proxy (DJANGO_BEHIND_PROXY, settings.BEHIND_PROXY).

The proxy appends the address it saw to X-Forwarded-For; everything before it was sent by
the client and may be anything. The lock must key on that last entry, or a client that
rotates the first entry on each attempt is never locked out (accounts/throttle.py).
"""

import pytest
from django.conf import settings
from django.test import Client, override_settings
from django.urls import reverse

from tests.builders import PASSWORD, make_member

pytestmark = pytest.mark.django_db

LOGIN = reverse("accounts:login")
PROXY_ADDR = "10.0.0.1"  # every request reaches the app from the proxy
CLIENT_ADDR = "198.51.100.7"  # what the proxy saw and appended


def attempt(password, forwarded_for):
    client = Client(REMOTE_ADDR=PROXY_ADDR, HTTP_X_FORWARDED_FOR=forwarded_for)
    return client.post(LOGIN, {"username": "alice", "password": password})


def fail_rotating_the_first_entry(times, client_addr=CLIENT_ADDR):
    for n in range(times):
        response = attempt("wrong-password-1", f"203.0.113.{n + 1}, {client_addr}")
        assert response.status_code == 200


@pytest.fixture
def alice(db):
    return make_member("alice")


@override_settings(BEHIND_PROXY=True)
def test_rotating_the_first_forwarded_entry_does_not_escape_the_lock(alice):
    fail_rotating_the_first_entry(settings.NTRDB_LOGIN_FAILURES_ALLOWED)
    response = attempt(PASSWORD, f"192.0.2.200, {CLIENT_ADDR}")
    assert response.status_code == 429


@override_settings(BEHIND_PROXY=True, NTRDB_LOGIN_FAILURES_ALLOWED=1000, NTRDB_LOGIN_FAILURES_PER_IP=6)
def test_rotating_the_first_forwarded_entry_does_not_escape_the_per_address_lock(alice):
    for n in range(6):
        response = Client(REMOTE_ADDR=PROXY_ADDR, HTTP_X_FORWARDED_FOR=f"203.0.113.{n + 1}, {CLIENT_ADDR}").post(
            LOGIN, {"username": f"guess{n}", "password": "wrong-password-1"}
        )
        assert response.status_code == 200
    assert attempt(PASSWORD, f"192.0.2.200, {CLIENT_ADDR}").status_code == 429


@override_settings(BEHIND_PROXY=True)
def test_another_client_behind_the_same_proxy_is_not_locked_out(alice):
    fail_rotating_the_first_entry(settings.NTRDB_LOGIN_FAILURES_ALLOWED)
    # A different address appended by the proxy: a different client, even with the same first entry.
    assert attempt(PASSWORD, "203.0.113.1, 198.51.100.99").status_code == 302


@override_settings(BEHIND_PROXY=False)
def test_without_a_proxy_the_forwarded_header_is_ignored(alice):
    """Not behind a proxy, X-Forwarded-For is the client's own text: the lock keys on REMOTE_ADDR."""
    for n in range(settings.NTRDB_LOGIN_FAILURES_ALLOWED):
        response = attempt("wrong-password-1", f"203.0.113.{n + 1}, 198.51.100.{n + 1}")
        assert response.status_code == 200
    assert attempt(PASSWORD, "192.0.2.200").status_code == 429
