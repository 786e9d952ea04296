"""Password reset by email, end to end over a real SMTP server (the ``smtp`` fixture).

The request form answers the same "check your inbox" page whether the address is known,
unknown or over the throttle; the link in the message works once and only for
PASSWORD_RESET_TIMEOUT seconds; after the reset the member logs in with the new password.
The tests are transactional so the mail task really runs on commit, as in production.
"""

import datetime
import re

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.test import Client
from django.urls import reverse
from django.utils.http import urlsafe_base64_encode

from accounts.models import User
from tests.accounts.smtp import body, free_port, link_in
from tests.builders import make_member
from tests.pages import html

pytestmark = pytest.mark.django_db(transaction=True)

OLD_PASSWORD = "an-old-passphrase-1"
NEW_PASSWORD = "a-brand-new-passphrase-2"
RESET = reverse("accounts:password-reset")
SENT = reverse("accounts:password-reset-done")
LOGIN = reverse("accounts:login")


@pytest.fixture(autouse=True)
def _fast_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def member():
    # Stored as typed (create_user lowercases only the domain), so the reset must find it by any case.
    user = make_member("akane", email="Akane@example.org", age=None)
    user.set_password(OLD_PASSWORD)
    user.save()
    return user


def ask_for_reset(client, address, **extra):
    return client.post(RESET, {"email": address}, **extra)


def set_new_password(client, link, password=NEW_PASSWORD):
    """Follow the mailed link (it redirects to the set-password form) and submit the form."""
    form_page = client.get(link, follow=True)
    assert form_page.status_code == 200
    assert "Choose a new password" in html(form_page)
    return client.post(
        form_page.redirect_chain[-1][0], {"new_password1": password, "new_password2": password}, follow=True
    )


def logs_in(password, username="akane") -> bool:
    response = Client().post(LOGIN, {"username": username, "password": password})
    return response.status_code == 302


def test_the_login_page_links_to_the_reset_form(client):
    assert f'href="{RESET}"' in html(client.get(LOGIN))
    assert "Forgot your password?" in html(client.get(LOGIN))


def test_reset_by_email_then_log_in_with_the_new_password(client, smtp, member):
    response = ask_for_reset(client, "akane@example.org")
    assert response.status_code == 302
    assert response["Location"] == SENT
    assert "Check your inbox" in html(client.get(SENT))

    message = smtp.only_message_to("Akane@example.org")
    assert message["Subject"] == "Reset your ntrdb password"
    assert "akane" in body(message)
    assert "within 2 hours" in body(message)

    done = set_new_password(client, link_in(message))
    assert "Your password was changed" in html(done)
    assert logs_in(NEW_PASSWORD)
    assert not logs_in(OLD_PASSWORD)


def test_an_unknown_address_gets_the_same_answer_and_no_mail(client, smtp, member):
    known = ask_for_reset(client, "akane@example.org")
    unknown = ask_for_reset(Client(), "nobody@example.org")
    assert (unknown.status_code, unknown["Location"]) == (known.status_code, known["Location"])
    assert smtp.recipients == [["Akane@example.org"]]


def test_a_used_link_shows_the_expired_page(client, smtp, member):
    ask_for_reset(client, "akane@example.org")
    link = link_in(smtp.messages[0])
    set_new_password(client, link)

    again = Client().get(link, follow=True)
    page = html(again)
    assert "This link has expired or was already used" in page
    assert f'href="{RESET}"' in page
    assert logs_in(NEW_PASSWORD)


def test_an_expired_link_shows_the_expired_page(client, smtp, member, monkeypatch):
    ask_for_reset(client, "akane@example.org")
    link = link_in(smtp.messages[0])
    # Three hours later (the link lives two): the token generator reads the clock through _now().
    later = default_token_generator._now().timestamp() + 3 * 60 * 60
    monkeypatch.setattr(default_token_generator, "_now", lambda: datetime.datetime.fromtimestamp(later))
    page = html(client.get(link, follow=True))
    assert "This link has expired or was already used" in page
    assert logs_in(OLD_PASSWORD)


def test_a_tampered_token_is_refused(client, smtp, member):
    ask_for_reset(client, "akane@example.org")
    link = link_in(smtp.messages[0])
    uid, token = re.search(r"/reset/([^/]+)/([^/]+)/$", link).groups()
    tampered = link.replace(token, token[:-1] + ("a" if token[-1] != "a" else "b"))
    assert "This link has expired or was already used" in html(client.get(tampered, follow=True))
    other = make_member("asato", email="asato@example.org", age=None)
    other.set_password(OLD_PASSWORD)
    other.save()
    someone_elses = link.replace(uid, urlsafe_base64_encode(str(other.pk).encode()))
    assert "This link has expired or was already used" in html(client.get(someone_elses, follow=True))
    assert logs_in(OLD_PASSWORD)


def test_requests_per_address_are_throttled_silently(client, smtp, member, settings):
    settings.NTRDB_RESETS_PER_ADDRESS_PER_HOUR = 2
    answers = [
        ask_for_reset(Client(REMOTE_ADDR=f"10.0.0.{n}"), address)
        for n, address in enumerate(["akane@example.org", "AKANE@example.org", "akane@example.org"], 1)
    ]
    assert [(a.status_code, a["Location"]) for a in answers] == [(302, SENT)] * 3
    assert len(smtp.messages) == 2


def test_requests_per_ip_are_throttled_silently(client, smtp, member, settings):
    settings.NTRDB_RESETS_PER_IP_PER_HOUR = 3
    for address in ["x@example.org", "y@example.org", "z@example.org"]:
        ask_for_reset(client, address)
    over = ask_for_reset(client, "akane@example.org")
    assert (over.status_code, over["Location"]) == (302, SENT)
    assert smtp.messages == []
    # From another address the member can still ask.
    ask_for_reset(Client(REMOTE_ADDR="10.9.9.9"), "akane@example.org")
    assert len(smtp.messages) == 1


def test_a_member_without_a_usable_password_or_inactive_gets_no_mail(client, smtp):
    make_member("ghost", email="ghost@example.org", is_active=False, age=None)
    ask_for_reset(client, "ghost@example.org")
    assert smtp.messages == []


def test_the_reset_forms_need_a_csrf_token(smtp, member):
    client = Client(enforce_csrf_checks=True)
    assert ask_for_reset(client, "akane@example.org").status_code == 403
    assert smtp.messages == []

    page = client.get(RESET)
    token = page.cookies["csrftoken"].value
    assert ask_for_reset(client, "akane@example.org", HTTP_X_CSRFTOKEN=token).status_code == 302
    link = link_in(smtp.messages[0])
    form_url = client.get(link, follow=True).redirect_chain[-1][0]
    refused = client.post(form_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert refused.status_code == 403
    assert User.objects.get(pk=member.pk).check_password(OLD_PASSWORD)


def test_a_mail_server_that_is_down_does_not_break_the_page(client, smtp, member, settings):
    """The failure is the task's (logged by django-tasks); the visitor sees the usual answer."""
    settings.EMAIL_PORT = free_port()  # nothing listens there
    response = ask_for_reset(client, "akane@example.org")
    assert (response.status_code, response["Location"]) == (302, SENT)


def test_a_reset_lifts_the_sign_in_lock_on_this_address(client, smtp, member, settings):
    settings.NTRDB_LOGIN_FAILURES_ALLOWED = 2
    for _ in range(2):
        client.post(LOGIN, {"username": "akane", "password": "wrong-guess"})
    assert client.post(LOGIN, {"username": "akane", "password": OLD_PASSWORD}).status_code == 429
    ask_for_reset(client, "akane@example.org")
    set_new_password(client, link_in(smtp.messages[0]))
    assert client.post(LOGIN, {"username": "akane", "password": NEW_PASSWORD}).status_code == 302
