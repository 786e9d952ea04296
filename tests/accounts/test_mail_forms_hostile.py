"""Hostile values in the reset and email-change forms and links: a form error, a refusal page or
a redirect, never a 5xx, and no mail."""

import pytest
from django.test import Client
from django.urls import reverse

from tests.builders import make_member

pytestmark = pytest.mark.django_db(transaction=True)

NASTY = ["", " ", "a\x00b@example.org", "x" * 10_000 + "@example.org", "<script>@example.org", "ü@ü.ü", "@", "a@b@c"]
NASTY_PATH_PARTS = ["AA", "MA", "OTk5OTk5OTk5OTk5OTk5OTk5OTk5OTk5", "x" * 2000, "%00", "..", "a:b:c", "-_-"]


@pytest.fixture
def member_client():
    client = Client()
    client.force_login(make_member("akane", age=30, email="old@example.org"))
    return client


@pytest.mark.parametrize("value", NASTY)
def test_the_reset_form_takes_junk(client, smtp, value):
    response = client.post(reverse("accounts:password-reset"), {"email": value})
    assert response.status_code in (200, 302)
    assert smtp.messages == []


@pytest.mark.parametrize("value", NASTY)
def test_the_email_change_form_takes_junk(member_client, smtp, value):
    response = member_client.post(reverse("accounts:email-change"), {"email": value})
    assert response.status_code == 200
    assert 'class="errorlist"' in response.content.decode()
    assert smtp.messages == []


@pytest.mark.parametrize("part", NASTY_PATH_PARTS)
def test_junk_links_are_refused_cleanly(client, smtp, part):
    for url in (f"/accounts/password/reset/{part}/{part}/", f"/accounts/email/confirm/{part}/"):
        for method in (client.get, client.post):
            response = method(url, follow=True)
            assert response.status_code in (200, 404), (url, response.status_code)
