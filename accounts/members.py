"""Finding a member by the username in a URL, for every page that is about one member."""

from django.http import Http404
from django.shortcuts import get_object_or_404

from accounts.models import User


def active_member_or_404(username: str) -> User:
    """The active member of that username, or a 404 (deactivated members have no pages)."""
    if "\x00" in username:
        # No username holds a NUL character, and PostgreSQL refuses one in a query (a 500).
        raise Http404("No such member.")
    return get_object_or_404(User, username=username, is_active=True)
