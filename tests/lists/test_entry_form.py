"""The entry's form on a work page (lists.views.entry_section, entry_update, entry_delete): who sees
what, the plain POST and the JSON path, CSRF, escaping, and bad input that changes nothing."""

import datetime
import re

import pytest

from catalog.models import Kind
from lists.choices import Status
from lists.models import ListEntry
from lists.services import entry_save
from tests.builders import SCRIPT, make_curator, make_work
from tests.pages import html, login, messages_of, pass_age_gate

pytestmark = pytest.mark.django_db

JSON = {"HTTP_ACCEPT": "application/json"}


def _url(work, remove=False, details=False):
    return f"/works/{work.slug}/list/{'remove/' if remove else ''}{'details/' if details else ''}"


@pytest.fixture
def anime(db):
    return make_work("Twelve Nights", slug="twelve-nights", kind=Kind.ANIME, episodes=12)


def _entry(member, work):
    return ListEntry.objects.get(user=member, work=work)


# --- the section: who sees what ------------------------------------------------------------------


def test_a_visitor_is_asked_to_log_in(client, anime):
    page = html(client.get(anime.get_absolute_url()))
    assert "Log in to add this to your list" in page
    assert 'action="/works/twelve-nights/list/"' not in page


def test_a_member_sees_the_form_with_the_token_the_labels_of_the_kind_and_the_count(adult_member_client, anime):
    page = html(adult_member_client.get(anime.get_absolute_url()))
    assert 'id="list-entry"' in page
    form = page[page.index('action="/works/twelve-nights/list/"') :]
    assert 'name="csrfmiddlewaretoken"' in form[: form.index("</form>")]
    assert ">Plan to watch</option>" in page and ">Watching</option>" in page
    assert "of 12" in page
    assert ">No score</option>" in page and ">10 · Masterpiece</option>" in page
    assert ">Add to list</button>" in page


def test_a_minor_lists_all_ages_works_and_meets_no_form_on_an_adult_one(minor_member, safe_work, adult_work):
    client = login(minor_member)
    assert 'action="/works/sunny-afternoon/list/"' in html(client.get(safe_work.get_absolute_url()))
    # A minor's page of an 18+ work is the gate; the entry's form never shows there.
    assert 'action="/works/triangle-blue/list/"' not in html(client.get(adult_work.get_absolute_url()))


def test_a_member_without_a_birth_date_sees_why_they_cannot_list_an_adult_work(db, adult_work):
    # Staff made with createsuperuser pass the gate but may not post or list on an 18+ work.
    client = login(make_curator("nobirth", age=None))
    pass_age_gate(client)
    page = html(client.get(adult_work.get_absolute_url()))
    assert "18+ works can be listed by members aged 18 and over." in page
    assert 'action="/works/triangle-blue/list/"' not in page


def test_a_draft_preview_offers_no_list(db):
    draft = make_work("Draft Work", slug="draft-work", published=False)
    page = html(login(make_curator()).get(draft.get_absolute_url()))
    assert "Lists open once the work is published." in page
    assert 'action="/works/draft-work/list/"' not in page


# --- the plain form ------------------------------------------------------------------------------


def test_adding_from_the_work_page_redirects_back_with_a_message(adult_member, adult_member_client, anime):
    response = adult_member_client.post(_url(anime), {"status": "planned", "next": "/works/twelve-nights/#list-entry"})
    assert response.status_code == 302
    assert response["Location"] == "/works/twelve-nights/#list-entry"
    assert _entry(adult_member, anime).status == Status.PLANNED
    followed = adult_member_client.get(response["Location"])
    assert messages_of(followed) == ["Added to your list: Plan to watch."]
    assert ">Save</button>" in html(followed)


def test_a_next_off_the_site_goes_home_instead(adult_member_client, anime):
    response = adult_member_client.post(_url(anime), {"status": "planned", "next": "https://evil.example/"})
    assert response["Location"] == "/"


def test_plus_one_logs_one_more_than_the_box_and_reaching_the_end_offers_completion(
    adult_member, adult_member_client, anime
):
    entry_save(member=adult_member, work=anime, progress=10)
    adult_member_client.post(_url(anime), {"status": "in_progress", "progress": "10", "increment": "1"})
    assert _entry(adult_member, anime).progress == 11
    adult_member_client.post(_url(anime), {"status": "in_progress", "progress": "11", "increment": "1"})
    entry = _entry(adult_member, anime)
    assert (entry.progress, entry.status) == (12, Status.IN_PROGRESS)
    page = html(adult_member_client.get(anime.get_absolute_url()))
    assert ">Mark as completed</button>" in page
    assert 'aria-label="+1' not in page  # nothing left to log

    adult_member_client.post(_url(anime), {"status": "completed"})
    assert _entry(adult_member, anime).status == Status.COMPLETED
    assert ">Mark as completed</button>" not in html(adult_member_client.get(anime.get_absolute_url()))


def test_completing_from_the_full_form_fills_the_progress(adult_member, adult_member_client, anime):
    entry_save(member=adult_member, work=anime, progress=3)
    adult_member_client.post(_url(anime), {"status": "completed", "progress": "3", "score": "9"})
    entry = _entry(adult_member, anime)
    assert (entry.status, entry.progress, entry.score) == (Status.COMPLETED, 12, 9)


def test_a_score_can_be_cleared(adult_member, adult_member_client, anime):
    entry_save(member=adult_member, work=anime, score=7)
    adult_member_client.post(_url(anime), {"score": ""})
    assert _entry(adult_member, anime).score is None


def test_details_set_dates_at_their_precision_notes_and_privacy(adult_member, adult_member_client, anime):
    entry_save(member=adult_member, work=anime)
    adult_member_client.post(
        _url(anime, details=True),
        {
            "started_on": "2024-05-17",
            "started_precision": "month",
            "finished_on": "2024-08-02",
            "finished_precision": "day",
            "notes": "Rewatch the finale.",
            "is_private": "on",
        },
    )
    entry = _entry(adult_member, anime)
    assert entry.started_on == datetime.date(2024, 5, 1)
    assert entry.started_display == "May 2024"
    assert entry.finished_on == datetime.date(2024, 8, 2)
    assert (entry.notes, entry.is_private) == ("Rewatch the finale.", True)

    # The form is sent whole: an unticked box makes the entry public again.
    adult_member_client.post(_url(anime, details=True), {"started_precision": "day", "finished_precision": "day"})
    assert not _entry(adult_member, anime).is_private


def test_notes_are_escaped_in_the_form(adult_member, adult_member_client, anime):
    entry_save(member=adult_member, work=anime, notes=SCRIPT)
    page = html(adult_member_client.get(anime.get_absolute_url()))
    assert SCRIPT not in page
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in page


def test_removing_an_entry(adult_member, adult_member_client, anime):
    entry_save(member=adult_member, work=anime)
    response = adult_member_client.post(_url(anime, remove=True))
    assert response.status_code == 302
    assert not ListEntry.objects.exists()
    assert messages_of(adult_member_client.get(response["Location"])) == ["Twelve Nights was taken off your list."]


# --- CSRF ----------------------------------------------------------------------------------------


def test_the_forms_need_their_csrf_token(adult_member, anime):
    client = login(adult_member, enforce_csrf_checks=True)
    assert client.post(_url(anime), {"status": "planned"}).status_code == 403
    assert client.post(_url(anime, remove=True)).status_code == 403
    assert client.post("/list/settings/", {"is_private": "on"}).status_code == 403
    assert not ListEntry.objects.exists()

    page = html(client.get(anime.get_absolute_url()))
    token = page.split('name="csrfmiddlewaretoken" value="', 1)[1].split('"', 1)[0]
    response = client.post(_url(anime), {"status": "planned", "csrfmiddlewaretoken": token})
    assert response.status_code == 302
    assert ListEntry.objects.count() == 1
    # list-entry.js sends the form's token in a header.
    response = client.post(_url(anime), {"score": "8"}, HTTP_X_CSRFTOKEN=token, **JSON)
    assert response.status_code == 200
    assert _entry(adult_member, anime).score == 8


# --- the JSON path -------------------------------------------------------------------------------


def test_json_answers_the_entry_its_message_and_the_controls_to_show(adult_member_client, anime):
    response = adult_member_client.post(_url(anime), {"status": "in_progress", "progress": "12", "score": "8"}, **JSON)
    assert response.status_code == 200
    answer = response.json()
    assert answer["ok"] is True
    assert answer["entry"] == {
        "status": "in_progress",
        "status_label": "Watching",
        "progress": 12,
        "progress_total": 12,
        "score": 8,
        "is_private": False,
        "offers_completion": True,
    }
    assert answer["message"] == (
        "Added to your list: Watching, 12 of 12 episodes, scored 8. That was the last one: mark it as completed?"
    )
    assert "data-list-entry-widget" in answer["html"]
    assert ">Mark as completed</button>" in answer["html"]
    assert 'name="csrfmiddlewaretoken"' in answer["html"]


def test_json_for_a_visitor_asks_them_to_log_in(client, anime):
    response = client.post(_url(anime), {"status": "planned"}, **JSON)
    assert response.status_code == 401
    assert response.json()["message"] == "Log in to add this to your list."
    assert client.post(_url(anime), {"status": "planned"}).status_code == 302  # to the log-in page
    assert not ListEntry.objects.exists()


# --- bad input: a clear message, nothing changed, never a 500 --------------------------------------


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"progress": "13"}, "Twelve Nights has 12 episodes."),
        ({"score": "11"}, "Score: Select a valid choice. 11 is not one of the available choices."),
        ({"score": "0"}, "Score: Select a valid choice. 0 is not one of the available choices."),
        ({"score": "ten"}, "Score: Select a valid choice. ten is not one of the available choices."),
        ({"progress": "-1"}, "Episodes: Ensure this value is greater than or equal to 0."),
        ({"progress": "99999999999999999999"}, "Episodes: Ensure this value is less than or equal to 99999."),
        ({"progress": "two"}, "Episodes: Enter a whole number."),
        ({"status": "watched-it"}, "Status: Select a valid choice. watched-it is not one of the available choices."),
        ({}, "Nothing to change: choose a status, a progress or a score."),
        (
            {"form": "details", "started_on": "2024-05-02", "finished_on": "2024-05-01"},
            "Finished: The finish date comes before the start date.",
        ),
        ({"form": "details", "started_on": "yesterday"}, "Started: Enter a valid date."),
        (
            {"form": "details", "notes": "x" * 2001},
            "Notes: Ensure this value has at most 2000 characters (it has 2001).",
        ),
    ],
)
def test_bad_input_is_refused_with_a_message_and_changes_nothing(
    adult_member, adult_member_client, anime, data, message
):
    entry_save(member=adult_member, work=anime, progress=2, score=5)
    before = ListEntry.objects.values().get()
    data = dict(data)
    url = _url(anime, details=data.pop("form", None) == "details")

    response = adult_member_client.post(url, data, **JSON)
    assert response.status_code == 400
    assert response.json()["ok"] is False
    assert message in response.json()["message"]

    response = adult_member_client.post(url, data)
    assert response.status_code == 302
    assert message in messages_of(adult_member_client.get(response["Location"]))[0]
    assert ListEntry.objects.values().get() == before


def test_a_visual_novel_takes_a_status_but_no_progress(adult_member, adult_member_client):
    novel = make_work("Long Route", slug="long-route", kind=Kind.VISUAL_NOVEL)
    page = html(adult_member_client.get(novel.get_absolute_url()))
    assert ">Playing</option>" in page and 'name="progress"' not in page
    # A progress sent anyway is not a field of this form: the status alone is saved.
    adult_member_client.post(_url(novel), {"status": "in_progress", "progress": "3"})
    assert (_entry(adult_member, novel).status, _entry(adult_member, novel).progress) == (Status.IN_PROGRESS, 0)


def test_a_work_that_does_not_exist_or_is_a_draft_is_a_404(adult_member_client):
    draft = make_work("Draft Work", slug="draft-work", published=False)
    assert adult_member_client.post("/works/no-such-work/list/", {"status": "planned"}).status_code == 404
    assert adult_member_client.post(_url(draft), {"status": "planned"}, **JSON).status_code == 404
    assert adult_member_client.post(_url(draft, remove=True)).status_code == 404
    assert not ListEntry.objects.exists()


def test_staff_previewing_a_draft_are_refused_with_a_message(db):
    curator = make_curator()
    draft = make_work("Draft Work", slug="draft-work", published=False)
    response = login(curator).post(_url(draft), {"status": "planned"}, **JSON)
    assert response.status_code == 400
    assert response.json() == {"ok": False, "message": "This work is not published.", "entry": None, "html": ""}
    assert not ListEntry.objects.exists()


def test_a_minor_cannot_list_an_adult_work_by_posting(minor_member, adult_work):
    response = login(minor_member).post(_url(adult_work), {"status": "planned"}, **JSON)
    assert response.status_code == 400
    assert response.json()["message"] == "Only members aged 18 or over can list 18+ works."
    assert response.json()["html"] == ""
    assert not ListEntry.objects.exists()


def test_a_get_is_not_allowed(adult_member_client, anime):
    assert adult_member_client.get(_url(anime)).status_code == 405
    assert adult_member_client.get(_url(anime, remove=True)).status_code == 405


def test_plus_one_on_a_planned_entry_starts_it_and_needs_the_number_it_adds_to(
    adult_member, adult_member_client, anime
):
    entry_save(member=adult_member, work=anime, progress=0)
    adult_member_client.post(_url(anime), {"status": "planned", "progress": "0", "increment": "1"})
    entry = _entry(adult_member, anime)
    assert (entry.status, entry.progress) == (Status.IN_PROGRESS, 1)
    # Without the box's number there is nothing to add one to: the progress is left as it was.
    adult_member_client.post(_url(anime), {"increment": "1"})
    assert _entry(adult_member, anime).progress == 1


def test_adding_an_adult_work_from_its_page_keeps_it_private_by_default(adult_member, adult_member_client, adult_work):
    adult_member_client.post(_url(adult_work), {"status": "planned", "score": "8"})
    assert _entry(adult_member, adult_work).is_private
    page = html(adult_member_client.get(adult_work.get_absolute_url()))
    assert "Only you see this entry." in page
    assert re.search(r'<input type="checkbox" name="is_private"[^>]* checked>', page)
