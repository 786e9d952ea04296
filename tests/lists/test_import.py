"""Importing a MyAnimeList export (lists.mal, lists.importing, lists.transfer_views): the summary before
anything is written, the one-transaction confirmation, idempotency, hostile and broken files, privacy."""

import datetime

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from catalog.models import AgeRating, DatePrecision, Kind
from lists import importing, services
from lists.choices import Status
from lists.mal import mal_id_field
from lists.models import ListEntry, ListSettings
from lists.services import entry_save
from tests.builders import make_work
from tests.lists.transfer import (
    confirm,
    confirm_url,
    gzipped,
    import_url,
    make_catalog,
    outcomes,
    post_file,
    shipped_file,
)
from tests.pages import form_errors, html, login, messages_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalog(db):
    return make_catalog()


def entry_of(member, work) -> ListEntry:
    return ListEntry.objects.get(user=member, work=work)


def snapshot(member) -> list[tuple]:
    return sorted(
        ListEntry.objects.filter(user=member).values_list(
            "work_id",
            "status",
            "progress",
            "score",
            "started_on",
            "started_precision",
            "finished_on",
            "finished_precision",
            "notes",
            "is_private",
            "updated_at",
        )
    )


# --- the summary ----------------------------------------------------------------------------------


def test_the_summary_sorts_every_entry_and_writes_nothing(catalog, adult_member, adult_member_client):
    response = post_file(adult_member_client, "alice", shipped_file())

    assert response.status_code == 200
    assert outcomes(response) == {
        "Hiru no Kaze": importing.NEW,  # by its title; the manga of the same name is another kind
        "Natsu no Monogatari": importing.NEW,  # an alternative title
        "Twin Title": importing.AMBIGUOUS,
        "No Such Show Anywhere": importing.NOT_FOUND,
        "Kimi no Toukyou": importing.NEW,  # folded: Tōkyō and Toukyou are one spelling
        "Triangle Blue": importing.NEW,
        "Kaette Kita Natsu": importing.NEW,
    }
    plan = response.context["plan"]
    by_title = {entry.file.title: entry for entry in plan.entries}
    assert by_title["Hiru no Kaze"].work == catalog["hiru"]
    assert by_title["Natsu no Monogatari"].work == catalog["summer"]
    assert by_title["Kimi no Toukyou"].work == catalog["kimi"]
    assert {work.pk for work in by_title["Twin Title"].candidates} == {catalog["twin_a"].pk, catalog["twin_b"].pk}
    # A new entry of an 18+ work follows the member's default: private.
    assert by_title["Triangle Blue"].starts_private
    assert not by_title["Hiru no Kaze"].starts_private
    page = html(response)
    assert "Nothing has been written yet" in page
    assert "No Such Show Anywhere" in page
    assert 'name="pick-2"' in page
    assert ListEntry.objects.count() == 0


def test_the_summary_says_what_would_change_on_an_entry_already_listed(catalog, adult_member, adult_member_client):
    entry_save(member=adult_member, work=catalog["hiru"], status=Status.PLANNED, score=5)

    response = post_file(adult_member_client, "alice", shipped_file())

    hiru = next(entry for entry in response.context["plan"].entries if entry.file.title == "Hiru no Kaze")
    assert hiru.outcome == importing.CHANGED
    shown = {change.label: (change.before, change.after) for change in hiru.shown_changes}
    assert shown["Status"] == ("Plan to watch", "Completed")
    assert shown["Score"] == ("5", "8")
    assert shown["Started"] == ("—", "Apr 2021")
    assert "Plan to watch → <strong>Completed</strong>" in html(response)
    assert entry_of(adult_member, catalog["hiru"]).score == 5


def test_an_upload_page_asks_for_the_file(adult_member_client, adult_member):
    response = adult_member_client.get(import_url("alice"))
    assert response.status_code == 200
    assert 'enctype="multipart/form-data"' in html(response)
    assert "csrfmiddlewaretoken" in html(response)


# --- confirming -----------------------------------------------------------------------------------


def test_confirming_writes_every_entry_with_the_files_values(catalog, adult_member, adult_member_client):
    summary = post_file(adult_member_client, "alice", gzipped(shipped_file()), name="animelist.xml.gz")
    assert summary.status_code == 200

    response = confirm(adult_member_client, "alice", summary, picks={2: catalog["twin_b"]})

    assert response.status_code == 302
    assert ListEntry.objects.filter(user=adult_member).count() == 6
    hiru = entry_of(adult_member, catalog["hiru"])
    assert (hiru.status, hiru.progress, hiru.score) == (Status.COMPLETED, 12, 8)
    assert (hiru.started_on, hiru.started_precision) == (datetime.date(2021, 4, 1), DatePrecision.MONTH)
    assert (hiru.finished_on, hiru.finished_precision) == (datetime.date(2021, 6, 15), DatePrecision.DAY)
    assert hiru.notes == "Loved it & <cried> at the end"
    summer = entry_of(adult_member, catalog["summer"])
    assert (summer.status, summer.progress, summer.score) == (Status.IN_PROGRESS, 3, None)
    assert entry_of(adult_member, catalog["twin_b"]).status == Status.PLANNED
    assert not ListEntry.objects.filter(work=catalog["twin_a"]).exists()
    kaette = entry_of(adult_member, catalog["kaette"])
    assert (kaette.status, kaette.started_precision) == (Status.DROPPED, DatePrecision.MONTH)
    assert entry_of(adult_member, catalog["triangle"]).is_private
    assert not hiru.is_private
    followed = adult_member_client.get(response["Location"])
    assert messages_of(followed) == ["Import done: 6 added, 0 updated, 0 unchanged, 1 not imported."]


def test_an_ambiguous_entry_left_unpicked_is_not_written(catalog, adult_member, adult_member_client):
    summary = post_file(adult_member_client, "alice", shipped_file())
    confirm(adult_member_client, "alice", summary)
    assert not ListEntry.objects.filter(work__title="Twin Title").exists()
    assert ListEntry.objects.filter(user=adult_member).count() == 5


def test_a_pick_that_is_not_one_of_the_candidates_is_ignored(catalog, adult_member, adult_member_client):
    summary = post_file(adult_member_client, "alice", shipped_file())
    confirm(adult_member_client, "alice", summary, picks={2: catalog["kaette"]})
    assert ListEntry.objects.filter(user=adult_member, work=catalog["kaette"]).count() == 1
    assert not ListEntry.objects.filter(work__title="Twin Title").exists()


def test_confirming_writes_in_one_transaction(catalog, adult_member, adult_member_client, monkeypatch):
    """The fourth write is refused: the three before it are rolled back with it."""
    calls = []
    real_write = services._entry_write

    def failing_write(member, work, changes, defaults):
        calls.append(work)
        if len(calls) == 4:
            from django.core.exceptions import ValidationError

            raise ValidationError({"progress": "Refused for the test."})
        return real_write(member, work, changes, defaults)

    summary = post_file(adult_member_client, "alice", shipped_file())
    monkeypatch.setattr(services, "_entry_write", failing_write)

    response = confirm(adult_member_client, "alice", summary)

    assert len(calls) == 4
    assert response.status_code == 400
    assert any("Nothing was imported" in message for message in messages_of(response))
    assert ListEntry.objects.count() == 0


def test_importing_the_same_file_twice_changes_nothing_the_second_time(catalog, adult_member, adult_member_client):
    confirm(
        adult_member_client, "alice", post_file(adult_member_client, "alice", shipped_file()), {2: catalog["twin_a"]}
    )
    before = snapshot(adult_member)

    again = post_file(adult_member_client, "alice", shipped_file())
    counts = again.context["counts"]
    # The ambiguous entry too: its work, picked last time, is on the list.
    assert (counts[importing.NEW], counts[importing.CHANGED], counts[importing.UNCHANGED]) == (0, 0, 6)
    assert "Already on your list, unchanged" in html(again)
    with CaptureQueriesContext(connection) as queries:
        response = confirm(adult_member_client, "alice", again, {2: catalog["twin_a"]})

    assert response.status_code == 302
    writes = [q["sql"] for q in queries if "lists_listentry" in q["sql"] and not q["sql"].lstrip().startswith("SELECT")]
    assert writes == []
    assert snapshot(adult_member) == before


def test_an_empty_value_in_the_file_never_clears_the_list(catalog, adult_member, adult_member_client):
    """Score 0, dates 0000-00-00 and empty comments mean "not given", not "remove"."""
    entry_save(member=adult_member, work=catalog["summer"], progress=3, score=7, notes="Mine.")
    summary = post_file(adult_member_client, "alice", shipped_file())
    summer = next(entry for entry in summary.context["plan"].entries if entry.work == catalog["summer"])
    assert "score" not in summer.changes and "notes" not in summer.changes
    confirm(adult_member_client, "alice", summary)
    entry = entry_of(adult_member, catalog["summer"])
    assert (entry.score, entry.notes) == (7, "Mine.")


def test_an_existing_entry_keeps_its_privacy(catalog, adult_member, adult_member_client):
    entry_save(member=adult_member, work=catalog["triangle"], is_private=False)
    confirm(adult_member_client, "alice", post_file(adult_member_client, "alice", shipped_file()))
    assert not entry_of(adult_member, catalog["triangle"]).is_private


def test_new_entries_follow_the_members_privacy_default(catalog, adult_member, adult_member_client):
    ListSettings.objects.create(user=adult_member, adult_entries_private=False)
    confirm(adult_member_client, "alice", post_file(adult_member_client, "alice", shipped_file()))
    assert not entry_of(adult_member, catalog["triangle"]).is_private


def test_progress_beyond_the_works_count_is_capped_and_said(adult_member, adult_member_client):
    work = make_catalog()["hiru"]
    work.episodes = 10
    work.save()
    summary = post_file(adult_member_client, "alice", shipped_file())
    hiru = next(entry for entry in summary.context["plan"].entries if entry.work == work)
    assert hiru.changes["progress"] == 10
    assert any("has 10" in warning for warning in hiru.warnings)
    confirm(adult_member_client, "alice", summary)
    assert entry_of(adult_member, work).progress == 10


# --- who may import -------------------------------------------------------------------------------


def test_an_18_plus_work_is_skipped_for_a_minor_and_said_so(catalog, minor_member, minor_member_client):
    summary = post_file(minor_member_client, "kid", shipped_file())

    triangle = next(entry for entry in summary.context["plan"].entries if entry.file.title == "Triangle Blue")
    assert triangle.outcome == importing.SKIPPED
    assert "18 or over" in triangle.reason
    assert "Only members aged 18 or over can list 18+ works." in html(summary)
    confirm(minor_member_client, "kid", summary)
    assert not ListEntry.objects.filter(work=catalog["triangle"]).exists()
    assert ListEntry.objects.filter(user=minor_member).count() == 4


def _one_entry(title: str) -> bytes:
    return b"<myanimelist>" + _entry_xml(title) + b"</myanimelist>"


def test_an_unpublished_work_is_never_matched(adult_member, adult_member_client):
    make_work("Quiet Draft", kind=Kind.ANIME, published=False)
    assert outcomes(post_file(adult_member_client, "alice", _one_entry("Quiet Draft"))) == {
        "Quiet Draft": importing.NOT_FOUND
    }


def test_a_work_the_member_hides_by_tag_is_still_matched(adult_member, adult_member_client):
    """They named it in their own file; their list shows it too (the owner's view ignores hidden tags)."""
    from tests.builders import make_tag

    tag = make_tag("Deal Breaker")
    make_work("Hidden Favourite", kind=Kind.ANIME, tags=[tag])
    adult_member.hidden_tags.add(tag)
    assert outcomes(post_file(adult_member_client, "alice", _one_entry("Hidden Favourite"))) == {
        "Hidden Favourite": importing.NEW
    }


def test_a_locked_work_is_matched_by_its_main_title_only(
    adult_member_client, minor_member, minor_member_client, adult_member
):
    """Before the gate an 18+ work is found by its main title alone, as search finds it: its other
    names stay unsaid, even to say that the work is there and skipped."""
    make_work("Triangle Blue", kind=Kind.ANIME, age_rating=AgeRating.R18, alternative_titles="Sankaku Blue")
    assert outcomes(post_file(minor_member_client, "kid", _one_entry("Sankaku Blue"))) == {
        "Sankaku Blue": importing.NOT_FOUND
    }
    assert outcomes(post_file(minor_member_client, "kid", _one_entry("Triangle Blue"))) == {
        "Triangle Blue": importing.SKIPPED
    }
    assert outcomes(post_file(adult_member_client, "alice", _one_entry("Sankaku Blue"))) == {
        "Sankaku Blue": importing.NEW
    }


def test_a_visitor_is_sent_to_log_in(client, adult_member):
    for response in (client.get(import_url("alice")), client.post(confirm_url("alice"), {"payload": "x"})):
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")


def test_another_member_cannot_import_into_someones_list(catalog, adult_member, other_adult_member_client):
    assert other_adult_member_client.get(import_url("alice")).status_code == 403
    assert post_file(other_adult_member_client, "alice", shipped_file()).status_code == 403
    assert ListEntry.objects.count() == 0


def test_a_summary_cannot_be_confirmed_into_another_members_list(
    catalog, adult_member, adult_member_client, other_adult_member
):
    """Bob posts Alice's signed summary to his own confirmation: it is bound to Alice, so refused."""
    summary = post_file(adult_member_client, "alice", shipped_file())
    bob = login(other_adult_member)
    response = bob.post(confirm_url("bob"), {"payload": summary.context["confirm_form"]["payload"].value()})
    assert response.status_code == 400
    assert "out of date or was changed" in " ".join(form_errors(response))
    assert ListEntry.objects.count() == 0


def test_a_changed_payload_is_refused(catalog, adult_member, adult_member_client):
    summary = post_file(adult_member_client, "alice", shipped_file())
    payload = summary.context["confirm_form"]["payload"].value()
    tampered = payload[:-3] + ("AAA" if not payload.endswith("AAA") else "BBB")
    response = adult_member_client.post(confirm_url("alice"), {"payload": tampered})
    assert response.status_code == 400
    assert "upload the file again" in " ".join(form_errors(response))
    assert ListEntry.objects.count() == 0


def test_a_confirmation_needs_a_post(adult_member, adult_member_client):
    assert adult_member_client.get(confirm_url("alice")).status_code == 405


def test_no_such_member_is_a_404(adult_member_client):
    assert adult_member_client.get(import_url("nobody")).status_code == 404


def test_the_forms_carry_csrf_protection(catalog, adult_member):
    strict = login(adult_member, enforce_csrf_checks=True)
    from tests.lists.transfer import upload

    assert strict.post(import_url("alice"), {"file": upload("a.xml", shipped_file())}).status_code == 403
    assert strict.post(confirm_url("alice"), {"payload": "x"}).status_code == 403


# --- broken and hostile files ---------------------------------------------------------------------

BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
]>
<myanimelist><anime><series_title>&lol4;</series_title></anime></myanimelist>
"""

EXTERNAL_ENTITY = b"""<?xml version="1.0"?>
<!DOCTYPE myanimelist [ <!ENTITY secret SYSTEM "file:///etc/passwd"> ]>
<myanimelist><anime><series_title>&secret;</series_title><my_status>Completed</my_status></anime></myanimelist>
"""

EXTERNAL_DTD = b"""<?xml version="1.0"?>
<!DOCTYPE myanimelist SYSTEM "http://example.invalid/evil.dtd">
<myanimelist><anime><series_title>Hiru no Kaze</series_title></anime></myanimelist>
"""


def _entry_xml(title: str) -> bytes:
    return f"<anime><series_title>{title}</series_title><my_status>Completed</my_status></anime>".encode()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "The file is empty."),
        (b"   \n", "The file is empty."),
        (b"<myanimelist><anime><series_title>Hiru", "not well-formed XML"),
        (b"this is not xml at all", "not well-formed XML"),
        (b"<?xml version='1.0'?><rss><channel/></rss>", "its root element is <rss>, not <myanimelist>"),
        (b"<myanimelist><myinfo><user_name>x</user_name></myinfo></myanimelist>", "no anime or manga entries"),
        (BILLION_LAUGHS, "declares a document type or entities"),
        (EXTERNAL_ENTITY, "declares a document type or entities"),
        (EXTERNAL_DTD, "declares a document type or entities"),
        (b"\x1f\x8b\x08\x00 damaged", "cannot be unpacked"),
        (gzipped(b""), "empty once unpacked"),
        (b"PK\x03\x04\x14\x00 zipped", "This is a ZIP archive"),
        (b'<?xml version="1.0" encoding="bogus"?><myanimelist/>', "character encoding cannot be read"),
        ('<?xml version="1.0" encoding="Shift_JIS"?><myanimelist/>'.encode("shift_jis"), "character encoding"),
        (b"<myanimelist>" + b"<a>" * 50 + b"</a>" * 50 + b"</myanimelist>", "far more XML than its entries"),
        (b'<m:myanimelist xmlns:m="urn:x"><anime/></m:myanimelist>', "root element is <{urn:x}myanimelist>"),
    ],
    ids=[
        "empty",
        "blank",
        "cut-short",
        "not-xml",
        "wrong-root",
        "no-entries",
        "billion-laughs",
        "external-entity",
        "external-dtd",
        "bad-gzip",
        "empty-gzip",
        "zip",
        "unknown-encoding",
        "multibyte-encoding",
        "nested-deep",
        "namespaced-root",
    ],
)
def test_a_broken_or_hostile_file_is_refused_with_a_clear_message(adult_member, adult_member_client, content, message):
    response = post_file(adult_member_client, "alice", content)
    assert response.status_code == 400
    assert any(message in error for error in form_errors(response)), form_errors(response)
    assert ListEntry.objects.count() == 0


def test_a_form_without_a_file_asks_for_one(adult_member, adult_member_client):
    response = adult_member_client.post(import_url("alice"), {})
    assert response.status_code == 400
    assert form_errors(response) == ["This field is required."]


def test_a_file_of_many_more_elements_than_entries_is_refused(adult_member, adult_member_client, settings):
    """Memory stays small: the parser is stopped once the elements outnumber any export of the limit."""
    settings.NTRDB_IMPORT_MAX_ENTRIES = 10
    response = post_file(adult_member_client, "alice", b"<myanimelist>" + b"<x/>" * 1000 + b"</myanimelist>")
    assert response.status_code == 400
    assert any("far more XML than its entries" in error for error in form_errors(response))


def test_a_file_above_the_upload_limit_is_refused(adult_member, adult_member_client, settings):
    settings.NTRDB_IMPORT_MAX_UPLOAD_BYTES = 2048
    response = post_file(adult_member_client, "alice", shipped_file())
    assert response.status_code == 400
    assert any("larger than" in error or "too large" in error for error in form_errors(response))


def test_a_request_far_above_the_limit_is_refused_before_its_body_is_read(adult_member, adult_member_client, settings):
    settings.NTRDB_IMPORT_MAX_UPLOAD_BYTES = 1024
    response = post_file(adult_member_client, "alice", b"<myanimelist>" + b" " * 200_000 + b"</myanimelist>")
    assert response.status_code == 400
    assert "The file is too large for a MyAnimeList export; nothing was read." in html(response)


def test_a_gzip_bomb_is_read_no_further_than_the_limit(adult_member, adult_member_client, settings):
    """A few KB that unpack to 50 MB: refused after reading one byte past the XML limit."""
    settings.NTRDB_IMPORT_MAX_XML_BYTES = 1024 * 1024
    bomb = gzipped(b"<myanimelist>" + b" " * (50 * 1024 * 1024) + b"</myanimelist>")
    assert len(bomb) < 100 * 1024
    response = post_file(adult_member_client, "alice", bomb, name="animelist.xml.gz")
    assert response.status_code == 400
    assert any("Unpacked, the file is larger than 1 MB" in error for error in form_errors(response))


def test_too_many_entries_are_refused(adult_member, adult_member_client, settings):
    settings.NTRDB_IMPORT_MAX_ENTRIES = 3
    content = b"<myanimelist>" + b"".join(_entry_xml(f"Show {i}") for i in range(4)) + b"</myanimelist>"
    response = post_file(adult_member_client, "alice", content)
    assert response.status_code == 400
    assert any("more than 3 entries" in error for error in form_errors(response))


def test_unreadable_values_are_read_as_their_defaults_and_said(catalog, adult_member, adult_member_client):
    content = (
        b"<myanimelist><anime><series_title>Hiru no Kaze</series_title><my_watched_episodes>\xc2\xb2</my_watched_episodes>"
        b"<my_score>11</my_score><my_start_date>2021-13-45</my_start_date><my_status>Binging</my_status>"
        b"</anime></myanimelist>"
    )
    summary = post_file(adult_member_client, "alice", content)
    assert summary.status_code == 200
    (entry,) = summary.context["plan"].entries
    assert entry.changes == {"status": Status.PLANNED, "progress": 0}
    assert len(entry.warnings) == 4


def test_a_manga_export_matches_manga(adult_member, adult_member_client):
    works = make_catalog()
    content = (
        b"<myanimelist><myinfo><user_export_type>2</user_export_type></myinfo><manga>"
        b"<manga_mangadb_id>7</manga_mangadb_id><manga_title><![CDATA[Hiru no Kaze]]></manga_title>"
        b"<manga_volumes>3</manga_volumes><my_read_volumes>2</my_read_volumes><my_status>Reading</my_status>"
        b"<my_score>7</my_score></manga></myanimelist>"
    )
    confirm(adult_member_client, "alice", post_file(adult_member_client, "alice", content))
    entry = entry_of(adult_member, works["hiru_manga"])
    assert (entry.status, entry.progress, entry.score) == (Status.IN_PROGRESS, 2, 7)
    assert entry.work.kind == Kind.MANGA


@pytest.mark.skipif(mal_id_field() is None, reason="works do not record a MyAnimeList id yet")
def test_a_recorded_myanimelist_id_wins_over_the_title(adult_member, adult_member_client):
    works = make_catalog()
    field = mal_id_field()
    # The id of the file's "Twin Title" entry: no longer ambiguous.
    type(works["twin_b"]).objects.filter(pk=works["twin_b"].pk).update(**{field: 41003})
    # A work recorded under another id is another work on MyAnimeList, whatever its title.
    type(works["hiru"]).objects.filter(pk=works["hiru"].pk).update(**{field: 99999})
    summary = post_file(adult_member_client, "alice", shipped_file())
    assert outcomes(summary)["Twin Title"] == importing.NEW
    assert outcomes(summary)["Hiru no Kaze"] == importing.NOT_FOUND


def test_matching_by_myanimelist_id_through_a_stand_in_field(adult_member, adult_member_client, monkeypatch):
    """Until Work records a MyAnimeList id, the id path runs against a stand-in integer column
    (the episode count): an id match wins over an ambiguous title, within the entry's kind, and a
    work recorded under another id is no title match."""
    works = make_catalog()
    monkeypatch.setattr(importing, "mal_id_field", lambda: "episodes")
    type(works["twin_b"]).objects.filter(pk=works["twin_b"].pk).update(episodes=41003)
    summary = post_file(adult_member_client, "alice", shipped_file())
    found = {entry.file.title: entry for entry in summary.context["plan"].entries}
    assert (found["Twin Title"].outcome, found["Twin Title"].work) == (importing.NEW, works["twin_b"])
    assert found["Hiru no Kaze"].outcome == importing.NOT_FOUND  # recorded as 12, the file says 41001
    assert found["Kimi no Toukyou"].outcome == importing.NOT_FOUND  # recorded as 1, the file says 41005


# --- query counts ---------------------------------------------------------------------------------


def _file_of(count: int) -> bytes:
    return b"<myanimelist>" + b"".join(_entry_xml(f"Listed Show {i}") for i in range(count)) + b"</myanimelist>"


def test_the_summary_costs_the_same_queries_for_one_entry_and_many(
    adult_member, adult_member_client, django_assert_max_num_queries
):
    """Pinned as tests/query_counts.py pins pages (a cold cache, pytest-django's counter), for a POST."""
    works = [make_work(f"Listed Show {i}", kind=Kind.ANIME, episodes=12) for i in range(30)]
    entry_save(member=adult_member, work=works[0])
    counts = []
    for size in (1, 30):
        cache.clear()
        # Session, user, hidden tags (the Viewer); the index lookup, the works, the member's entries,
        # their list settings; the header's unread notifications.
        with django_assert_max_num_queries(8, info=f"the summary of {size} entries") as queries:
            response = post_file(adult_member_client, "alice", _file_of(size))
        assert response.status_code == 200
        assert response.context["counts"][importing.NEW] + response.context["counts"][importing.CHANGED] == size
        counts.append(len(queries))
    assert counts[0] == counts[1]
