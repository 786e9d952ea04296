"""Exporting a member's own list: MyAnimeList XML per kind (``lists.mal``), CSV and JSON of every entry.

The entries are read through the policy as their owner sees them (``visibility.list_entries_for_viewer``):
every entry of a published work, private ones and notes included, since the file is the owner's.
CSV cells that a spreadsheet would run as a formula (a title starting with ``=``, ``+``, ``-``,
``@``, a tab or a carriage return) get a leading apostrophe, so opening the file runs nothing.
"""

from __future__ import annotations

import csv
import json
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from django.db.models import Count, QuerySet

from accounts.models import User
from accounts.viewer import Viewer
from catalog import visibility
from catalog.choices import Kind
from catalog.models import Work
from lists.choices import progress_total, status_label
from lists.mal import FORMATS, ExportRow, mal_id_field, write_export
from lists.models import ListEntry

# A work's ids on other catalogs, as the files name them, when the model records them (external ids
# on works are being added; until then these columns stay empty).
EXTERNAL_IDS = ["myanimelist_id", "anilist_id", "anidb_id", "vndb_id"]


CSV_COLUMNS = [
    "title",
    "kind",
    "status",
    "status_label",
    "progress",
    "progress_total",
    "score",
    "started_on",
    "started_precision",
    "finished_on",
    "finished_precision",
    "notes",
    "is_private",
    "url",
    *EXTERNAL_IDS,
    "updated_at",
]

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _external_id_fields() -> dict[str, str]:
    """{Work field: the files' name} for the external ids the model has."""
    names = {model_field.name for model_field in Work._meta.get_fields()}
    fields = {field: field for field in EXTERNAL_IDS[1:] if field in names}
    mal_field = mal_id_field()
    return {mal_field: "myanimelist_id", **fields} if mal_field else fields


def own_entries(member: User, viewer: Viewer) -> QuerySet[ListEntry]:
    """The member's entries as they see them, with their works, by title."""
    entries = visibility.list_entries_for_viewer(
        # The owner's view does not read list_is_private; True is the safe side should it ever be read.
        ListEntry.objects.of_member(member.pk),
        Work.objects,
        viewer,
        owner_id=member.pk,
        list_is_private=True,
    )
    return entries.select_related("work").order_by("work__title", "work_id")


def counts_by_kind(entries: QuerySet[ListEntry]) -> dict[str, int]:
    rows = entries.order_by().values("work__kind").annotate(n=Count("pk")).values_list("work__kind", "n")
    return dict(rows)


def mal_export(entries: QuerySet[ListEntry], kind: str, username: str) -> Iterator[bytes]:
    """The MyAnimeList file of the member's entries of ``kind`` (anime or manga), as chunks."""
    of_kind = entries.filter(work__kind=kind)
    totals = Counter(of_kind.order_by().values_list("status", flat=True))
    mal_field = mal_id_field()

    def rows() -> Iterator[ExportRow]:
        for entry in of_kind.iterator(chunk_size=500):
            yield ExportRow(
                mal_id=getattr(entry.work, mal_field) if mal_field else None,
                title=entry.work.title,
                total=progress_total(entry.work),
                status=entry.status,
                progress=entry.progress,
                score=entry.score,
                started_on=entry.started_on,
                started_precision=entry.started_precision,
                finished_on=entry.finished_on,
                finished_precision=entry.finished_precision,
                notes=entry.notes,
            )

    assert kind in FORMATS
    return write_export(kind, username, rows(), dict(totals))


def safe_cell(value: Any) -> Any:
    """A CSV cell a spreadsheet shows as text: a leading apostrophe on what it would run as a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _record(entry: ListEntry, absolute_url: Callable[[str], str]) -> dict[str, Any]:
    work = entry.work
    record: dict[str, Any] = {
        "title": work.title,
        "kind": work.kind,
        "status": entry.status,
        "status_label": status_label(entry.status, work.kind),
        "progress": entry.progress,
        "progress_total": progress_total(work),
        "score": entry.score,
        "started_on": entry.started_on.isoformat() if entry.started_on else None,
        "started_precision": entry.started_precision if entry.started_on else None,
        "finished_on": entry.finished_on.isoformat() if entry.finished_on else None,
        "finished_precision": entry.finished_precision if entry.finished_on else None,
        "notes": entry.notes,
        "is_private": entry.is_private,
        "url": absolute_url(work.get_absolute_url()),
    }
    record.update(dict.fromkeys(EXTERNAL_IDS))
    for field, key in _external_id_fields().items():
        record[key] = getattr(work, field) or None
    record["updated_at"] = entry.updated_at.isoformat()
    return record


class _Echo:
    """A file-like object whose write hands the line back, for csv.writer in a streaming response."""

    def write(self, value: str) -> str:
        return value


def csv_export(entries: QuerySet[ListEntry], absolute_url: Callable[[str], str]) -> Iterator[str]:
    writer = csv.writer(_Echo())
    yield "\ufeff"  # a byte-order mark, so spreadsheet programs read the file as UTF-8
    yield writer.writerow(CSV_COLUMNS)
    for entry in entries.iterator(chunk_size=500):
        record = _record(entry, absolute_url)
        yield writer.writerow([safe_cell(_csv_value(record.get(column))) for column in CSV_COLUMNS])


def _csv_value(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    return value


def json_export(
    entries: QuerySet[ListEntry], username: str, absolute_url: Callable[[str], str], exported_at: str
) -> str:
    records: Iterable[dict[str, Any]] = (_record(entry, absolute_url) for entry in entries.iterator(chunk_size=500))
    return json.dumps(
        {"member": username, "exported_at": exported_at, "entries": list(records)}, ensure_ascii=False, indent=2
    )


# What the export page offers: each file's name and what it holds. Visual novels have no
# MyAnimeList format; they are in the CSV and JSON files.
FILES = {
    "anime.xml": ("MyAnimeList XML, anime", Kind.ANIME),
    "manga.xml": ("MyAnimeList XML, manga", Kind.MANGA),
    "list.csv": ("CSV, every entry", None),
    "list.json": ("JSON, every entry", None),
}
