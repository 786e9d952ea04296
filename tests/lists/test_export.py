"""Exporting a member's own list (lists.exporting, lists.mal): MyAnimeList XML per kind, CSV and JSON,
escaping, the formula guard, privacy, and the round trip through the import."""

import csv
import datetime
import io
import json
import xml.etree.ElementTree as ET

import pytest
from django.urls import reverse

from catalog.models import AgeRating, DatePrecision, Kind
from lists.choices import Status
from lists.exporting import safe_cell
from lists.mal import format_date, parse_date
from lists.models import ListEntry
from lists.services import entry_save
from tests.builders import make_work
from tests.lists.transfer import confirm, post_file
from tests.pages import html

pytestmark = pytest.mark.django_db


def file_url(username: str, name: str) -> str:
    return reverse("lists:export-file", args=[username, name])


def body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


@pytest.fixture
def listed(adult_member):
    """Alice's list: anime and manga entries with every field, an 18+ private one, a visual novel."""
    works = {
        "anime": make_work("Sunset <Tag> & Co", kind=Kind.ANIME, episodes=12),
        "planned": make_work("Plain Plans", kind=Kind.ANIME, episodes=None),
        "adult": make_work("Triangle Blue", kind=Kind.ANIME, episodes=4, age_rating=AgeRating.R18),
        "manga": make_work("Paper Moon", kind=Kind.MANGA, volumes=9),
        "vn": make_work("Summer Route", kind=Kind.VISUAL_NOVEL),
    }
    entry_save(
        member=adult_member,
        work=works["anime"],
        status=Status.COMPLETED,
        score=9,
        started_on=datetime.date(2021, 4, 1),
        started_precision=DatePrecision.MONTH,
        finished_on=datetime.date(2021, 6, 15),
        notes="Tears & <laughter>\x01 both",
    )
    entry_save(member=adult_member, work=works["planned"])
    entry_save(member=adult_member, work=works["adult"], status=Status.ON_HOLD, progress=2)
    entry_save(
        member=adult_member,
        work=works["manga"],
        progress=4,
        score=6,
        started_on=datetime.date(2019, 1, 1),
        started_precision=DatePrecision.YEAR,
    )
    entry_save(member=adult_member, work=works["vn"], status=Status.DROPPED)
    return works


def anime_entries(content: bytes, tag: str = "anime") -> list[dict[str, str]]:
    root = ET.fromstring(content)
    assert root.tag == "myanimelist"
    assert root[0].tag == "myinfo"
    return [{child.tag: (child.text or "") for child in element} for element in root.findall(tag)]


def test_the_export_page_offers_each_file_and_says_visual_novels_have_no_mal_format(
    listed, adult_member, adult_member_client
):
    response = adult_member_client.get(reverse("lists:export", args=["alice"]))
    page = html(response)
    assert response.status_code == 200
    for name in ("anime.xml", "manga.xml", "list.csv", "list.json"):
        assert file_url("alice", name) in page
    assert "Visual novels have no MyAnimeList format" in page
    assert "3 entries" in page and "5 entries" in page


def test_the_anime_file_is_a_myanimelist_export(listed, adult_member, adult_member_client):
    response = adult_member_client.get(file_url("alice", "anime.xml"))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/xml; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="ntrdb-alice-animelist.xml"'
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]
    content = body(response)
    assert content.startswith(b'<?xml version="1.0" encoding="utf-8"?>')
    root = ET.fromstring(content)
    info = {child.tag: child.text for child in root.find("myinfo")}
    assert info["user_export_type"] == "1"
    assert (info["user_total_anime"], info["user_total_completed"], info["user_total_plantowatch"]) == ("3", "1", "1")
    entries = {entry["series_title"]: entry for entry in anime_entries(content)}
    assert set(entries) == {"Sunset <Tag> & Co", "Plain Plans", "Triangle Blue"}  # escaped and read back whole
    sunset = entries["Sunset <Tag> & Co"]
    assert sunset["series_animedb_id"] == "0"  # no MyAnimeList id recorded
    assert (sunset["my_status"], sunset["my_watched_episodes"], sunset["series_episodes"]) == ("Completed", "12", "12")
    assert (sunset["my_start_date"], sunset["my_finish_date"]) == ("2021-04-00", "2021-06-15")
    assert sunset["my_score"] == "9"
    assert sunset["my_comments"] == "Tears & <laughter> both"  # a control character XML cannot hold is dropped
    assert sunset["update_on_import"] == "1"
    plans = entries["Plain Plans"]
    assert (plans["my_status"], plans["my_score"], plans["my_start_date"]) == ("Plan to Watch", "0", "0000-00-00")
    assert entries["Triangle Blue"]["my_status"] == "On-Hold"
    assert b"Summer Route" not in content and b"Paper Moon" not in content


def test_a_recorded_myanimelist_id_is_written(listed, adult_member, adult_member_client, monkeypatch):
    """Through a stand-in integer column (the episode count) until Work records the id itself."""
    from lists import exporting

    monkeypatch.setattr(exporting, "mal_id_field", lambda: "episodes")
    entries = {
        e["series_title"]: e for e in anime_entries(body(adult_member_client.get(file_url("alice", "anime.xml"))))
    }
    assert entries["Sunset <Tag> & Co"]["series_animedb_id"] == "12"
    assert entries["Plain Plans"]["series_animedb_id"] == "0"  # none recorded


def test_the_manga_file_words_manga_as_myanimelist_does(listed, adult_member, adult_member_client):
    content = body(adult_member_client.get(file_url("alice", "manga.xml")))
    root = ET.fromstring(content)
    assert root.find("myinfo/user_export_type").text == "2"
    (moon,) = anime_entries(content, "manga")
    assert moon["manga_title"] == "Paper Moon"
    assert (moon["manga_mangadb_id"], moon["my_read_volumes"], moon["manga_volumes"]) == ("0", "4", "9")
    assert (moon["my_status"], moon["my_start_date"]) == ("Reading", "2019-00-00")
    assert moon["my_rereading"] == "NO"


def test_myanimelist_dates_read_back_at_their_precision():
    for value, precision in [
        (datetime.date(2021, 4, 1), DatePrecision.MONTH),
        (datetime.date(2019, 1, 1), DatePrecision.YEAR),
        (datetime.date(2020, 2, 29), DatePrecision.DAY),
    ]:
        assert parse_date(format_date(value, precision)) == (value, precision)
    assert format_date(None, DatePrecision.DAY) == "0000-00-00"
    assert parse_date("0000-00-00") == (None, DatePrecision.DAY)


def test_the_csv_holds_every_entry_with_its_url(listed, adult_member, adult_member_client):
    response = adult_member_client.get(file_url("alice", "list.csv"))
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(body(response).decode("utf-8-sig"))))
    assert {row["title"] for row in rows} == {
        "Sunset <Tag> & Co",
        "Plain Plans",
        "Triangle Blue",
        "Paper Moon",
        "Summer Route",
    }
    by_title = {row["title"]: row for row in rows}
    assert by_title["Summer Route"]["kind"] == Kind.VISUAL_NOVEL
    assert by_title["Summer Route"]["status_label"] == "Dropped"
    assert by_title["Triangle Blue"]["is_private"] == "yes"
    assert by_title["Paper Moon"]["url"] == f"http://testserver{listed['manga'].get_absolute_url()}"
    assert by_title["Paper Moon"]["started_precision"] == DatePrecision.YEAR


def test_csv_cells_that_would_run_as_formulas_get_an_apostrophe(adult_member, adult_member_client):
    work = make_work('=HYPERLINK("http://evil.example","x")', slug="formula", kind=Kind.ANIME)
    entry_save(member=adult_member, work=work, notes="+1 and -1 @ once")
    rows = list(
        csv.DictReader(io.StringIO(body(adult_member_client.get(file_url("alice", "list.csv"))).decode("utf-8-sig")))
    )
    assert rows[0]["title"] == '\'=HYPERLINK("http://evil.example","x")'
    assert rows[0]["notes"] == "'+1 and -1 @ once"
    assert [safe_cell(text) for text in ("-2", "@x", "\tx", "plain", 5)] == ["'-2", "'@x", "'\tx", "plain", 5]


def test_the_json_holds_every_entry(listed, adult_member, adult_member_client):
    response = adult_member_client.get(file_url("alice", "list.json"))
    data = json.loads(response.content)
    assert data["member"] == "alice"
    assert len(data["entries"]) == 5
    sunset = next(entry for entry in data["entries"] if entry["title"] == "Sunset <Tag> & Co")
    assert sunset["status"] == Status.COMPLETED
    assert (sunset["started_on"], sunset["started_precision"]) == ("2021-04-01", DatePrecision.MONTH)
    assert sunset["url"].endswith(listed["anime"].get_absolute_url())
    assert sunset["myanimelist_id"] is None and "vndb_id" in sunset  # every external id named, null when unknown


def test_an_unpublished_works_entry_waits_out_of_the_files(listed, adult_member, adult_member_client):
    listed["planned"].is_published = False
    listed["planned"].save()
    data = json.loads(adult_member_client.get(file_url("alice", "list.json")).content)
    assert "Plain Plans" not in {entry["title"] for entry in data["entries"]}


# --- privacy --------------------------------------------------------------------------------------


def test_another_member_cannot_export_someones_list(listed, adult_member, other_adult_member_client):
    assert other_adult_member_client.get(reverse("lists:export", args=["alice"])).status_code == 403
    for name in ("anime.xml", "manga.xml", "list.csv", "list.json"):
        assert other_adult_member_client.get(file_url("alice", name)).status_code == 403


def test_a_visitor_is_sent_to_log_in(client, listed):
    for url in (reverse("lists:export", args=["alice"]), file_url("alice", "list.csv")):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")


def test_an_unknown_file_is_a_404(adult_member, adult_member_client):
    assert adult_member_client.get(file_url("alice", "list.exe")).status_code == 404


@pytest.mark.parametrize("username", ["nobody", "ali%00ce"])
def test_an_unknown_member_or_a_nul_in_the_name_is_a_404(adult_member, adult_member_client, username):
    # PostgreSQL refuses a NUL in a query string: without the check it was a 500 there.
    assert adult_member_client.get(f"/members/{username}/list/export/").status_code == 404
    assert adult_member_client.get(f"/members/{username}/list/import/").status_code == 404


# --- round trip -----------------------------------------------------------------------------------

COMPARED = ("work_id", "status", "progress", "score", "started_on", "started_precision", "finished_on", "notes")


def test_an_exported_list_imported_into_another_members_list_gives_the_same_entries(
    listed, adult_member, adult_member_client, other_adult_member, other_adult_member_client
):
    for name in ("anime.xml", "manga.xml"):
        exported = body(adult_member_client.get(file_url("alice", name)))
        summary = post_file(other_adult_member_client, "bob", exported, name=name)
        assert summary.status_code == 200, summary.content[:500]
        assert confirm(other_adult_member_client, "bob", summary).status_code == 302

    def entries(member):
        rows = ListEntry.objects.filter(user=member).exclude(work__kind=Kind.VISUAL_NOVEL).values_list(*COMPARED)
        return sorted(rows)

    expected = [
        row[:-1] + ("Tears & <laughter> both",) if row[-1].startswith("Tears") else row for row in entries(adult_member)
    ]
    assert entries(other_adult_member) == expected
    # Bob's new 18+ entry follows his own default (private), as the import promises.
    assert ListEntry.objects.get(user=other_adult_member, work=listed["adult"]).is_private
