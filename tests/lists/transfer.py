"""Helpers for the import and export tests: the catalog the shipped MyAnimeList file is matched
against, uploads, and the summary's confirmation form."""

import gzip
from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from catalog.models import AgeRating, Kind
from tests.builders import make_work

DATA = Path(__file__).parent / "data"
MAL_EXPORT = DATA / "mal_export.xml"


def shipped_file() -> bytes:
    return MAL_EXPORT.read_bytes()


def make_catalog() -> dict:
    """The works the entries of tests/lists/data/mal_export.xml are for (and some that must not match)."""
    return {
        "hiru": make_work("Hiru no Kaze", kind=Kind.ANIME, episodes=12),
        # Same title, another kind: an anime entry must not find it.
        "hiru_manga": make_work("Hiru no Kaze", slug="hiru-no-kaze-manga", kind=Kind.MANGA, volumes=3),
        "summer": make_work(
            "Summer Wind Story", kind=Kind.ANIME, episodes=24, alternative_titles="Natsu no Monogatari\nSWS"
        ),
        "twin_a": make_work("Twin Title", slug="twin-title-2001", kind=Kind.ANIME, episodes=2),
        "twin_b": make_work("Twin Title", slug="twin-title-2015", kind=Kind.ANIME, episodes=12),
        "kimi": make_work("Kimi no Tōkyō", kind=Kind.ANIME, episodes=1),
        "triangle": make_work("Triangle Blue", kind=Kind.ANIME, episodes=4, age_rating=AgeRating.R18),
        "kaette": make_work("Kaette Kita Natsu", kind=Kind.ANIME, episodes=12),
    }


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


def gzipped(content: bytes) -> bytes:
    return gzip.compress(content)


def import_url(username: str) -> str:
    return reverse("lists:import", args=[username])


def confirm_url(username: str) -> str:
    return reverse("lists:import-confirm", args=[username])


def post_file(client, username: str, content: bytes, name: str = "animelist.xml"):
    return client.post(import_url(username), {"file": upload(name, content)})


def confirm(client, username: str, summary, picks: dict | None = None):
    """Confirm the import a summary response shows, with ``picks`` {entry index: work} for ambiguous entries."""
    data = {"payload": summary.context["confirm_form"]["payload"].value()}
    for index, work in (picks or {}).items():
        data[f"pick-{index}"] = str(work.pk)
    return client.post(confirm_url(username), data)


def outcomes(summary) -> dict[str, str]:
    """{title in the file: outcome} of a summary response."""
    return {entry.file.title: entry.outcome for entry in summary.context["plan"].entries}
