"""The MyAnimeList export format (``<myanimelist>``): reading an uploaded file and writing one.

MyAnimeList documents neither side of it; what other list sites read and write is the shape of
MyAnimeList's own export: ``<myinfo>``, then one ``<anime>`` (or ``<manga>``) element per entry
with ``series_animedb_id`` / ``manga_mangadb_id``, the title, ``my_watched_episodes`` /
``my_read_volumes``, ``my_start_date`` and ``my_finish_date`` as ``YYYY-MM-DD`` (``0000-00-00``
when unknown, ``00`` for an unknown day or month), ``my_score`` (0: no score), ``my_status``
worded per kind ("Plan to Watch", "Reading", "On-Hold"...), ``my_comments`` and
``update_on_import``.

An upload is untrusted: it is read with ``defusedxml`` with no DTD allowed (a MyAnimeList export
never has one, and every entity trick, the "billion laughs" and external entities alike, needs
one), its size is capped before and after gzip (``read_upload`` reads at most the limit from the
decompressor, so a small bomb cannot fill the memory), and so is its number of entries. Every
refusal is a ``MalFileError`` whose message says what was wrong, for the member to read.
"""

from __future__ import annotations

import datetime
import gzip
import io
import re
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import IO, Any
from xml.etree.ElementTree import Element, ParseError
from xml.sax.saxutils import XMLGenerator
from xml.sax.xmlreader import AttributesImpl

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import iterparse
from django.conf import settings

from catalog.choices import DatePrecision, Kind
from catalog.models import Work
from lists.choices import Status
from lists.models import ListEntry

GZIP_MAGIC = b"\x1f\x8b"
ZIP_MAGIC = b"PK\x03\x04"
# <myanimelist>, an entry, its fields (and a CDATA or two): nothing in an export nests deeper.
MAX_DEPTH = 4
ELEMENTS_PER_ENTRY = 60
ROOT = "myanimelist"
# Comments longer than a list entry's notes are cut to them (and the summary says so).
NOTES_MAX_LENGTH: int = ListEntry._meta.get_field("notes").max_length or 2000

# One element per entry and the names of its fields, per kind: MyAnimeList numbers anime and
# manga apart and words their statuses apart.
ENTRY_TAGS: dict[str, str] = {"anime": Kind.ANIME, "manga": Kind.MANGA}


@dataclass(frozen=True)
class KindFormat:
    tag: str
    id_field: str
    title_field: str
    progress_field: str
    total_field: str
    export_type: str  # <user_export_type>: 1 anime, 2 manga
    statuses: dict[str, str]  # our status -> MyAnimeList's word


ANIME = KindFormat(
    tag="anime",
    id_field="series_animedb_id",
    title_field="series_title",
    progress_field="my_watched_episodes",
    total_field="series_episodes",
    export_type="1",
    statuses={
        Status.IN_PROGRESS: "Watching",
        Status.COMPLETED: "Completed",
        Status.ON_HOLD: "On-Hold",
        Status.DROPPED: "Dropped",
        Status.PLANNED: "Plan to Watch",
    },
)
MANGA = KindFormat(
    tag="manga",
    id_field="manga_mangadb_id",
    title_field="manga_title",
    progress_field="my_read_volumes",
    total_field="manga_volumes",
    export_type="2",
    statuses={
        Status.IN_PROGRESS: "Reading",
        Status.COMPLETED: "Completed",
        Status.ON_HOLD: "On-Hold",
        Status.DROPPED: "Dropped",
        Status.PLANNED: "Plan to Read",
    },
)
FORMATS: dict[str, KindFormat] = {Kind.ANIME: ANIME, Kind.MANGA: MANGA}

# MyAnimeList's words, read case- and space-insensitively (and some sites write the numbers MAL's
# API uses: 1 watching ... 6 planned).
_STATUS_WORDS = {
    "watching": Status.IN_PROGRESS,
    "reading": Status.IN_PROGRESS,
    "1": Status.IN_PROGRESS,
    "completed": Status.COMPLETED,
    "2": Status.COMPLETED,
    "onhold": Status.ON_HOLD,
    "3": Status.ON_HOLD,
    "dropped": Status.DROPPED,
    "4": Status.DROPPED,
    "plantowatch": Status.PLANNED,
    "plantoread": Status.PLANNED,
    "6": Status.PLANNED,
}


# The Work field holding a work's MyAnimeList id. It is being added (external ids on works); until
# it is on the model, imports match by title alone and exports write id 0. The first of these
# names the model has.
_MAL_ID_FIELDS = ("mal_id", "myanimelist_id")


def mal_id_field() -> str | None:
    names = {model_field.name for model_field in Work._meta.get_fields()}
    return next((name for name in _MAL_ID_FIELDS if name in names), None)


class MalFileError(Exception):
    """The upload cannot be imported; the message says why, in words for the member."""


# --- dates ---------------------------------------------------------------------------------------

_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
UNKNOWN_DATE = "0000-00-00"


def format_date(value: datetime.date | None, precision: str) -> str:
    """A date as MyAnimeList writes it: ``0000-00-00`` unknown, ``2021-05-00`` a month, ``2021-00-00`` a year."""
    if value is None:
        return UNKNOWN_DATE
    if precision == DatePrecision.YEAR:
        return f"{value.year:04d}-00-00"
    if precision == DatePrecision.MONTH:
        return f"{value.year:04d}-{value.month:02d}-00"
    return value.isoformat()


def parse_date(text: str) -> tuple[datetime.date | None, str]:
    """(date, precision) from MyAnimeList's form; (None, day) when unknown. ValueError when it is no date."""
    text = text.strip()
    if not text or text == UNKNOWN_DATE:
        return None, DatePrecision.DAY
    match = _DATE.fullmatch(text)
    if match is None:
        raise ValueError(text)
    year, month, day = (int(part) for part in match.groups())
    if year == 0:
        return None, DatePrecision.DAY
    if month == 0:
        return datetime.date(year, 1, 1), DatePrecision.YEAR
    if day == 0:
        return datetime.date(year, month, 1), DatePrecision.MONTH
    return datetime.date(year, month, day), DatePrecision.DAY


# --- reading -------------------------------------------------------------------------------------


@dataclass
class FileEntry:
    """One entry of an uploaded file, in our terms; ``warnings`` say what of it could not be kept."""

    index: int
    kind: str
    mal_id: int | None
    title: str
    status: str
    progress: int
    score: int | None
    started_on: datetime.date | None
    started_precision: str
    finished_on: datetime.date | None
    finished_precision: str
    notes: str
    warnings: list[str] = field(default_factory=list)

    def as_data(self) -> dict[str, Any]:
        """Plain values for the signed payload (``FileEntry.from_data`` reads them back)."""
        return {
            "i": self.index,
            "k": self.kind,
            "m": self.mal_id,
            "t": self.title,
            "s": self.status,
            "p": self.progress,
            "sc": self.score,
            "sd": self.started_on.isoformat() if self.started_on else None,
            "sp": self.started_precision,
            "fd": self.finished_on.isoformat() if self.finished_on else None,
            "fp": self.finished_precision,
            "n": self.notes,
            "w": self.warnings,
        }

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> FileEntry:
        return cls(
            index=int(data["i"]),
            kind=str(data["k"]),
            mal_id=data["m"],
            title=str(data["t"]),
            status=str(data["s"]),
            progress=int(data["p"]),
            score=data["sc"],
            started_on=datetime.date.fromisoformat(data["sd"]) if data["sd"] else None,
            started_precision=str(data["sp"]),
            finished_on=datetime.date.fromisoformat(data["fd"]) if data["fd"] else None,
            finished_precision=str(data["fp"]),
            notes=str(data["n"]),
            warnings=list(data["w"]),
        )


def read_upload(upload: IO[bytes], size: int | None) -> bytes:
    """The file's XML bytes, gunzipped when it is gzipped, each side within its limit."""
    max_upload = settings.NTRDB_IMPORT_MAX_UPLOAD_BYTES
    max_xml = settings.NTRDB_IMPORT_MAX_XML_BYTES
    if size is not None and size > max_upload:
        raise MalFileError(f"The file is larger than {_megabytes(max_upload)}; a MyAnimeList export is far smaller.")
    raw = upload.read(max_upload + 1)
    if len(raw) > max_upload:
        raise MalFileError(f"The file is larger than {_megabytes(max_upload)}; a MyAnimeList export is far smaller.")
    if not raw.strip():
        raise MalFileError("The file is empty.")
    if raw.startswith(ZIP_MAGIC):
        raise MalFileError("This is a ZIP archive: upload the .xml or .xml.gz file it holds.")
    if not raw.startswith(GZIP_MAGIC):
        if len(raw) > max_xml:
            raise MalFileError(f"The file is larger than {_megabytes(max_xml)} of XML.")
        return raw
    try:
        with gzip.GzipFile(fileobj=io.BytesIO(raw)) as unzipped:
            # At most one byte past the limit, however much the archive claims to hold.
            xml = unzipped.read(max_xml + 1)
    except (OSError, EOFError, zlib.error):
        raise MalFileError("The file looks gzipped but cannot be unpacked: it may be damaged or cut short.")
    if len(xml) > max_xml:
        raise MalFileError(f"Unpacked, the file is larger than {_megabytes(max_xml)} of XML, more than any list needs.")
    if not xml.strip():
        raise MalFileError("The file is empty once unpacked.")
    return xml


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.0f} MB" if size >= 1024 * 1024 else f"{size // 1024} KB"


def _text(element: Element, name: str) -> str:
    child = element.find(name)
    return (child.text or "").strip() if child is not None else ""


def _number(text: str) -> int | None:
    """A whole number of up to nine digits (ASCII only: ``int`` would read other scripts' digits)."""
    return int(text) if text.isascii() and text.isdigit() and len(text) <= 9 else None


def _entry(element: Element, index: int, kind: str) -> FileEntry:
    fmt = FORMATS[kind]
    warnings = []
    title = _text(element, fmt.title_field)[:255]
    mal_id = _number(_text(element, fmt.id_field)) or None
    word = re.sub(r"[\s_-]", "", _text(element, "my_status")).casefold()
    status = _STATUS_WORDS.get(word)
    if status is None:
        status = Status.PLANNED
        if word:
            warnings.append(
                f"Status “{_text(element, 'my_status')[:40]}” is not one MyAnimeList uses: read as planned."
            )
    progress_text = _text(element, fmt.progress_field)
    progress = _number(progress_text)
    if progress is None:
        if progress_text:
            warnings.append(f"Progress “{progress_text[:20]}” is not a number: read as 0.")
        progress = 0
    score_text = _text(element, "my_score")
    score = _number(score_text) if score_text else 0
    if score is None or score > 10:
        warnings.append(f"Score “{score_text[:20]}” is not 0 to 10: left out.")
        score = 0
    dates = {}
    for name, label in (("my_start_date", "Start"), ("my_finish_date", "Finish")):
        try:
            dates[name] = parse_date(_text(element, name))
        except ValueError:
            warnings.append(f"{label} date “{_text(element, name)[:20]}” is not a date: left out.")
            dates[name] = (None, DatePrecision.DAY)
    (started_on, started_precision), (finished_on, finished_precision) = dates["my_start_date"], dates["my_finish_date"]
    if started_on and finished_on and finished_on < started_on:
        warnings.append("The finish date is before the start date: the finish date is left out.")
        finished_on, finished_precision = None, DatePrecision.DAY
    notes = _text(element, "my_comments")
    limit = NOTES_MAX_LENGTH
    if len(notes) > limit:
        warnings.append(f"The comments are longer than {limit:,} characters: cut to that length.")
        notes = notes[:limit]
    return FileEntry(
        index=index,
        kind=kind,
        mal_id=mal_id,
        title=title,
        status=status,
        progress=progress,
        score=score or None,
        started_on=started_on,
        started_precision=started_precision,
        finished_on=finished_on,
        finished_precision=finished_precision,
        notes=notes,
        warnings=warnings,
    )


def parse_export(xml: bytes) -> list[FileEntry]:
    """The entries of a MyAnimeList export, in file order; ``MalFileError`` if it is not one or is unsafe."""
    max_entries = settings.NTRDB_IMPORT_MAX_ENTRIES
    # An entry has some 25 fields; far more elements than that, or nesting deeper than an entry's
    # fields, is no export, and would only make the parser hold a large tree.
    max_elements = max_entries * ELEMENTS_PER_ENTRY + ELEMENTS_PER_ENTRY
    entries: list[FileEntry] = []
    depth = elements = 0
    root: Element | None = None
    try:
        # iterparse reads the file element by element, and each child of the root is dropped once
        # read, so the memory held stays small; forbid_dtd refuses any DOCTYPE, entities and all.
        for event, element in iterparse(io.BytesIO(xml), events=("start", "end"), forbid_dtd=True):
            if event == "start":
                depth += 1
                elements += 1
                if root is None:
                    root = element
                    if element.tag != ROOT:
                        raise MalFileError(
                            f"This is not a MyAnimeList export: its root element is <{_tag_name(element.tag)}>, "
                            f"not <{ROOT}>."
                        )
                if depth > MAX_DEPTH or elements > max_elements:
                    raise MalFileError(
                        "The file is not laid out as a MyAnimeList export: it holds far more XML than its entries."
                    )
                continue
            depth -= 1
            if depth != 1 or root is None:
                continue
            if element.tag in ENTRY_TAGS:
                if len(entries) >= max_entries:
                    raise MalFileError(
                        f"The file holds more than {max_entries:,} entries; import it in parts of at most that many."
                    )
                entries.append(_entry(element, len(entries), ENTRY_TAGS[element.tag]))
            root.remove(element)
    except DefusedXmlException:
        raise MalFileError(
            "The file declares a document type or entities, which a MyAnimeList export never does; "
            "it was not read, for safety."
        )
    except (LookupError, ValueError):
        # expat knows few encodings and no multi-byte ones but UTF-8 and UTF-16.
        raise MalFileError("The file's character encoding cannot be read; a MyAnimeList export is UTF-8.")
    except ParseError as error:
        line, column = getattr(error, "position", (0, 0))
        raise MalFileError(f"The file is not well-formed XML (line {line}, column {column}); nothing was read.")
    if root is None:
        raise MalFileError("The file holds no XML.")
    if not entries:
        raise MalFileError("The file is a MyAnimeList export with no anime or manga entries in it.")
    return entries


def _tag_name(tag: str) -> str:
    """The tag as ElementTree names it: ``{namespace}name`` when it has a namespace, which MyAnimeList's has not."""
    return tag[:80]


# --- writing -------------------------------------------------------------------------------------

# Characters XML 1.0 cannot hold at all, not even escaped: a note pasted with one must not make
# the whole file unreadable.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


_NO_ATTRIBUTES = AttributesImpl({})


def _clean(text: str) -> str:
    return _NOT_XML.sub("", text)


@dataclass(frozen=True)
class ExportRow:
    """What the file says of one entry (made by ``lists.transfer``, from the entry and its work)."""

    mal_id: int | None
    title: str
    total: int | None
    status: str
    progress: int
    score: int | None
    started_on: datetime.date | None
    started_precision: str
    finished_on: datetime.date | None
    finished_precision: str
    notes: str


def write_export(kind: str, username: str, rows: Iterable[ExportRow], totals: dict[str, int]) -> Iterator[bytes]:
    """The file as chunks of UTF-8, one per entry, for a streaming response.

    Written through ``XMLGenerator``, which escapes every text; nothing is pasted into markup.
    ``totals`` is the member's count of entries of this kind per status, for ``<myinfo>``.
    """
    fmt = FORMATS[kind]
    buffer = io.StringIO()
    xml = XMLGenerator(buffer, encoding="utf-8", short_empty_elements=False)

    def flush() -> bytes:
        chunk = buffer.getvalue().encode()
        buffer.seek(0)
        buffer.truncate()
        return chunk

    def element(name: str, value: object = "") -> None:
        xml.characters("\n    ")
        xml.startElement(name, _NO_ATTRIBUTES)
        xml.characters(_clean(str(value)))
        xml.endElement(name)

    xml.startDocument()
    xml.characters("\n")
    xml.startElement(ROOT, _NO_ATTRIBUTES)
    xml.characters("\n  ")
    xml.startElement("myinfo", _NO_ATTRIBUTES)
    element("user_name", username)
    element("user_export_type", fmt.export_type)
    element(f"user_total_{fmt.tag}", sum(totals.values()))
    verb = "watching" if kind == Kind.ANIME else "reading"
    plan = "plantowatch" if kind == Kind.ANIME else "plantoread"
    for name, status in (
        (f"user_total_{verb}", Status.IN_PROGRESS),
        ("user_total_completed", Status.COMPLETED),
        ("user_total_onhold", Status.ON_HOLD),
        ("user_total_dropped", Status.DROPPED),
        (f"user_total_{plan}", Status.PLANNED),
    ):
        element(name, totals.get(status, 0))
    xml.characters("\n  ")
    xml.endElement("myinfo")
    yield flush()
    for row in rows:
        xml.characters("\n  ")
        xml.startElement(fmt.tag, _NO_ATTRIBUTES)
        element(fmt.id_field, row.mal_id or 0)
        element(fmt.title_field, row.title)
        if kind == Kind.ANIME:
            element("series_type", "Unknown")
            element("series_episodes", row.total or 0)
        else:
            element("manga_volumes", row.total or 0)
            element("manga_chapters", 0)
        element("my_id", 0)
        element(fmt.progress_field, row.progress)
        if kind == Kind.MANGA:
            element("my_read_chapters", 0)
        element("my_start_date", format_date(row.started_on, row.started_precision))
        element("my_finish_date", format_date(row.finished_on, row.finished_precision))
        element("my_score", row.score or 0)
        element("my_status", fmt.statuses[row.status])
        element("my_comments", row.notes)
        element("my_times_watched" if kind == Kind.ANIME else "my_times_read", 0)
        element("my_tags")
        element("my_priority", "Low")
        element("my_rewatching" if kind == Kind.ANIME else "my_rereading", 0 if kind == Kind.ANIME else "NO")
        # The file is the member's list as it is now: a site importing it should update what it holds.
        element("update_on_import", 1)
        xml.characters("\n  ")
        xml.endElement(fmt.tag)
        yield flush()
    xml.characters("\n")
    xml.endElement(ROOT)
    xml.characters("\n")
    xml.endDocument()
    yield flush()
