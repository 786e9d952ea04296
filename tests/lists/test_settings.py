"""The list settings on the member's profile (lists.views.settings_section, settings_update)."""

import pytest

from lists.models import ListSettings
from lists.services import entry_save
from tests.builders import make_work
from tests.pages import html, messages_of

pytestmark = pytest.mark.django_db


def test_the_profile_shows_the_settings_with_their_defaults(adult_member_client):
    page = html(adult_member_client.get("/accounts/profile/"))
    assert 'id="list-settings"' in page and 'action="/list/settings/"' in page
    assert 'name="is_private"' in page
    assert 'id="list-settings-adult_entries_private" checked' in page
    assert 'href="/members/alice/list/"' in page


def test_saving_the_settings(adult_member, adult_member_client):
    response = adult_member_client.post("/list/settings/", {"is_private": "on"})
    assert response["Location"] == "/accounts/profile/#list-settings"
    assert messages_of(adult_member_client.get(response["Location"])) == ["Your list settings were saved."]
    saved = ListSettings.objects.get(user=adult_member)
    assert (saved.is_private, saved.adult_entries_private) == (True, False)
    # New 18+ entries now start public.
    assert not entry_save(member=adult_member, work=make_work(age_rating="r18")).entry.is_private


def test_visitors_cannot_save_settings(client):
    assert client.post("/list/settings/", {"is_private": "on"})["Location"].startswith("/accounts/login/")
    assert client.get("/list/settings/").status_code == 405
    assert not ListSettings.objects.exists()
