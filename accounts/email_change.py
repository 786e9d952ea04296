"""Changing a member's email address: the new address is kept as pending until the member
follows a link mailed to it, so an address takes effect only once its owner has shown they read it.

The link carries a token signed with django.core.signing (salted, time-limited by
NTRDB_EMAIL_CONFIRM_TIMEOUT) naming the member and the pending address. It works once: confirming
clears ``pending_email``, and a token whose address is no longer the pending one is refused, so
asking for another change voids the earlier link.
"""

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.template import loader
from django.urls import reverse

from accounts.models import User
from accounts.tasks import send_mail_on_commit

_SALT = "accounts.email-change"


class InvalidLink(Exception):
    """The link is malformed, tampered with, expired or already used."""


class AddressTaken(Exception):
    """Another account took the address in the meantime."""


def address_is_taken(address: str, *, by_other_than: User) -> bool:
    return User.objects.filter(email__iexact=address.strip()).exclude(pk=by_other_than.pk).exists()


def make_token(user: User, address: str) -> str:
    return signing.dumps({"user": user.pk, "email": address}, salt=_SALT, compress=True)


def request_change(request, user: User, address: str) -> None:
    """Keep ``address`` as pending and mail the confirmation link to it (after the commit)."""
    user.pending_email = address
    user.save(update_fields=["pending_email"])
    link = request.build_absolute_uri(reverse("accounts:email-confirm", args=[make_token(user, address)]))
    context = {"user": user, "link": link, "hours": settings.NTRDB_EMAIL_CONFIRM_TIMEOUT // 3600}
    send_mail_on_commit(
        loader.render_to_string("accounts/email/email_change_subject.txt", context),
        loader.render_to_string("accounts/email/email_change.txt", context),
        [address],
    )


def pending_change(token: str) -> tuple[User, str]:
    """The member and the address a token confirms; ``InvalidLink`` if it cannot be used."""
    try:
        payload = signing.loads(token, salt=_SALT, max_age=settings.NTRDB_EMAIL_CONFIRM_TIMEOUT)
        user = User.objects.get(pk=int(payload["user"]), is_active=True)
        address = str(payload["email"])
    except (signing.BadSignature, KeyError, TypeError, ValueError, User.DoesNotExist):
        raise InvalidLink from None
    if not address or user.pending_email != address:
        raise InvalidLink
    return user, address


def confirm_change(token: str) -> User:
    """Make the pending address the member's email; ``InvalidLink`` or ``AddressTaken`` otherwise."""
    with transaction.atomic():
        user, address = pending_change(token)
        user = User.objects.select_for_update().get(pk=user.pk)
        if user.pending_email != address:
            raise InvalidLink
        if address_is_taken(address, by_other_than=user):
            raise AddressTaken
        user.email = address
        user.pending_email = ""
        user.save(update_fields=["email", "pending_email"])
    return user


def cancel_change(user: User) -> None:
    user.pending_email = ""
    user.save(update_fields=["pending_email"])
