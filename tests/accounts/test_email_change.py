"""Adding and changing the email address on the profile, confirmed by a link mailed (over a real
SMTP server, the ``smtp`` fixture) to the new address: the address changes only once the link
is followed, works once, and an address another account uses is refused."""

import pytest
from django.core import signing
from django.test import Client
from django.urls import reverse

from accounts.email_change import make_token
from accounts.models import User
from tests.accounts.smtp import body, link_in
from tests.builders import make_member
from tests.pages import html

pytestmark = pytest.mark.django_db(transaction=True)

PROFILE = reverse("accounts:profile")
CHANGE = reverse("accounts:email-change")


@pytest.fixture
def member():
    return make_member("akane", age=30, email="old@example.org")


@pytest.fixture
def member_client(member):
    client = Client()
    client.force_login(member)
    return client


def fresh(user) -> User:
    return User.objects.get(pk=user.pk)


def test_the_profile_shows_the_current_address_and_the_form(member_client):
    page = html(member_client.get(PROFILE))
    assert "old@example.org" in page
    assert f'action="{CHANGE}"' in page


def test_the_new_address_takes_effect_only_once_the_link_is_followed(member_client, member, smtp):
    response = member_client.post(CHANGE, {"email": "new@example.org"}, follow=True)
    assert "We sent a link to new@example.org" in html(response)
    assert (fresh(member).email, fresh(member).pending_email) == ("old@example.org", "new@example.org")
    assert "Waiting for confirmation" in html(member_client.get(PROFILE))

    message = smtp.only_message_to("new@example.org")
    assert message["Subject"] == "Confirm your new ntrdb email address"
    assert "akane" in body(message)
    link = link_in(message)

    # Opening the link (a mail scanner would) changes nothing; the button does.
    confirm_page = member_client.get(link)
    assert "Confirm your email address" in html(confirm_page)
    assert fresh(member).email == "old@example.org"
    done = member_client.post(link, follow=True)
    assert "Your email address is now new@example.org" in html(done)
    assert (fresh(member).email, fresh(member).pending_email) == ("new@example.org", "")

    # The birth date stays as it was.
    assert fresh(member).birth_date == member.birth_date

    # Used once: the second time the page says so.
    again = member_client.post(link)
    assert "This link has expired or was already used" in html(again)


def test_the_link_works_from_a_browser_that_is_not_logged_in(member_client, member, smtp):
    member_client.post(CHANGE, {"email": "new@example.org"})
    link = link_in(smtp.messages[0])
    Client().post(link)
    assert fresh(member).email == "new@example.org"


def test_a_member_without_an_address_can_add_one(smtp):
    member = make_member("noaddr", age=30)
    client = Client()
    client.force_login(member)
    assert "Add address" in html(client.get(PROFILE))
    client.post(CHANGE, {"email": "first@example.org"})
    client.post(link_in(smtp.only_message_to("first@example.org")))
    assert fresh(member).email == "first@example.org"


def test_an_address_another_account_uses_is_refused_whatever_its_case(member_client, member, smtp):
    make_member("asato", email="Taken@Example.org", age=None)
    response = member_client.post(CHANGE, {"email": "taken@EXAMPLE.org"})
    assert response.status_code == 200
    assert "That address is already used by another account." in html(response)
    assert fresh(member).pending_email == ""
    assert smtp.messages == []


def test_the_same_address_is_refused(member_client, smtp):
    response = member_client.post(CHANGE, {"email": "OLD@example.org"})
    assert "That is already your address." in html(response)
    assert smtp.messages == []


def test_an_address_taken_before_the_confirmation_is_refused_then(member_client, member, smtp):
    member_client.post(CHANGE, {"email": "new@example.org"})
    link = link_in(smtp.messages[0])
    make_member("quick", email="NEW@example.org", age=None)
    response = member_client.post(link)
    assert "That address is already used by another account" in html(response)
    assert fresh(member).email == "old@example.org"


def test_a_later_request_voids_the_earlier_link(member_client, member, smtp):
    member_client.post(CHANGE, {"email": "first@example.org"})
    member_client.post(CHANGE, {"email": "second@example.org"})
    first, second = (link_in(m) for m in smtp.messages)
    assert "This link has expired or was already used" in html(member_client.post(first))
    assert fresh(member).email == "old@example.org"
    member_client.post(second)
    assert fresh(member).email == "second@example.org"


def test_cancelling_voids_the_link(member_client, member, smtp):
    member_client.post(CHANGE, {"email": "new@example.org"})
    member_client.post(reverse("accounts:email-change-cancel"))
    assert fresh(member).pending_email == ""
    assert "This link has expired or was already used" in html(member_client.post(link_in(smtp.messages[0])))
    assert fresh(member).email == "old@example.org"


def test_a_tampered_token_is_refused(member_client, member, smtp):
    member_client.post(CHANGE, {"email": "new@example.org"})
    link = link_in(smtp.messages[0])
    token = link.rstrip("/").rsplit("/", 1)[1]
    tampered = link.replace(token, token[:-2] + ("AA" if token[-2:] != "AA" else "BB"))
    assert "This link has expired or was already used" in html(member_client.post(tampered))
    # A token signed with another salt (say, copied from another signed value) is refused too.
    forged = signing.dumps({"user": member.pk, "email": "new@example.org"}, compress=True)
    assert "This link has expired or was already used" in html(
        member_client.post(reverse("accounts:email-confirm", args=[forged]))
    )
    assert fresh(member).email == "old@example.org"


def test_an_expired_link_is_refused(member_client, member, smtp, settings):
    member_client.post(CHANGE, {"email": "new@example.org"})
    link = link_in(smtp.messages[0])
    settings.NTRDB_EMAIL_CONFIRM_TIMEOUT = -1  # any age is too old
    assert "This link has expired or was already used" in html(member_client.post(link))
    assert fresh(member).email == "old@example.org"


def test_changing_the_address_needs_a_login(client):
    response = client.post(CHANGE, {"email": "new@example.org"})
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


def test_the_email_forms_need_a_csrf_token(member, smtp):
    client = Client(enforce_csrf_checks=True)
    client.force_login(member)
    assert client.post(CHANGE, {"email": "new@example.org"}).status_code == 403
    assert fresh(member).pending_email == ""
    assert smtp.messages == []

    fresh_member = fresh(member)
    fresh_member.pending_email = "new@example.org"
    fresh_member.save()
    assert (
        client.post(reverse("accounts:email-confirm", args=[make_token(member, "new@example.org")])).status_code == 403
    )
    assert client.post(reverse("accounts:email-change-cancel")).status_code == 403
    assert (fresh(member).email, fresh(member).pending_email) == ("old@example.org", "new@example.org")


def test_the_sign_up_help_text_says_the_address_can_be_changed_on_the_profile(client):
    page = html(client.get(reverse("accounts:signup")))
    assert "only to reset a forgotten password" in page
    assert "change it later on your profile" in page
