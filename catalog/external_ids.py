"""A work's ids on other catalogs (MyAnimeList, AniList, AniDB, VNDB): reading them as curators paste
them, and the links the work's page shows.

Curators copy an id from the other site's address bar more often than they type it, so the admin
accepts either the id or the page's address (``https://myanimelist.net/anime/1234/Title``) and
stores the id alone; an address of the wrong kind (a manga page for an anime) or another site is
refused with a message that says what to paste instead. The MyAnimeList import looks works up by
the stored id (``WorkQuerySet.by_mal_ids``).

Each catalog covers only some kinds of work: MyAnimeList and AniList anime and manga, AniDB anime
only, VNDB visual novels only. ``Work.clean`` refuses an id on a kind its catalog does not cover,
and the page links only those that fit the work's kind.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError

from catalog.choices import Kind

# The path segment MyAnimeList and AniList use for each kind: /anime/<id>, /manga/<id>.
MEDIA_TYPES: dict[str, str] = {Kind.ANIME: "anime", Kind.MANGA: "manga"}


@dataclass(frozen=True)
class Catalog:
    field: str  # the Work field holding the id
    name: str  # as the page and the admin name it
    host: str
    kinds: frozenset[str]  # the kinds of work it lists


MAL = Catalog("mal_id", "MyAnimeList", "myanimelist.net", frozenset({Kind.ANIME, Kind.MANGA}))
ANILIST = Catalog("anilist_id", "AniList", "anilist.co", frozenset({Kind.ANIME, Kind.MANGA}))
ANIDB = Catalog("anidb_id", "AniDB", "anidb.net", frozenset({Kind.ANIME}))
VNDB = Catalog("vndb_id", "VNDB", "vndb.org", frozenset({Kind.VISUAL_NOVEL}))
CATALOGS = (MAL, ANILIST, ANIDB, VNDB)

VNDB_ID = re.compile(r"v[1-9][0-9]*")
# The largest id a curator may enter: PostgreSQL's integer column (and far above any real id).
MAX_ID = 2_147_483_647

_URL = re.compile(r"(?:https?://)?(?:www\.)?(?P<host>[a-z0-9.-]+\.[a-z]+)(?P<path>/[^?#]*)?(?:[?#].*)?", re.I)


def _number(text: str, catalog: Catalog) -> int:
    if not text.isdigit() or not 1 <= int(text) <= MAX_ID:
        raise ValidationError(
            f"Enter the {catalog.name} id (a whole number such as 1234) or the address of its page on {catalog.host}.",
            code="invalid",
        )
    return int(text)


def _path_of(text: str, catalog: Catalog) -> str | None:
    """The path of ``text`` when it is an address (on ``catalog``'s site; another site is refused), else None."""
    if text.isdigit() or "/" not in text and "." not in text:
        return None
    match = _URL.fullmatch(text)
    if match is None or match["host"].lower() != catalog.host:
        raise ValidationError(
            f"That is not an address on {catalog.host}: paste the {catalog.name} id or its page's address.",
            code="other_site",
        )
    return match["path"] or "/"


def parse_media_id(value: str, catalog: Catalog, kind: str) -> int | None:
    """A MyAnimeList or AniList id from what a curator pasted: ``1234`` or the page's address
    (``https://myanimelist.net/anime/1234/Title``, ``anilist.co/manga/5678``). None when empty.

    An address for the other kind (a manga page on an anime) is refused: the id would name another work.
    """
    text = value.strip()
    if not text:
        return None
    path = _path_of(text, catalog)
    if path is None:
        return _number(text, catalog)
    match = re.match(r"/(anime|manga)/(\d+)(?:/|$)", path)
    if match is None:
        raise ValidationError(
            f"That {catalog.host} address is not an anime or manga page: it should look like "
            f"https://{catalog.host}/anime/1234.",
            code="not_a_work_page",
        )
    media_type, number = match.groups()
    expected = MEDIA_TYPES.get(kind)
    if expected is not None and media_type != expected:
        raise ValidationError(
            f"That is a {media_type} page, but this work is {Kind(kind).label.lower()}: "
            f"use its {catalog.name} {expected} page.",
            code="wrong_kind",
        )
    return _number(number, catalog)


def parse_anidb_id(value: str) -> int | None:
    """An AniDB anime id: ``1234``, ``https://anidb.net/anime/1234`` or the short ``https://anidb.net/a1234``."""
    text = value.strip()
    if not text:
        return None
    path = _path_of(text, ANIDB)
    if path is None:
        return _number(text, ANIDB)
    match = re.match(r"/(?:anime/|a)(\d+)(?:/|$)", path)
    if match is None:
        raise ValidationError(
            "That anidb.net address is not an anime page: it should look like https://anidb.net/anime/1234.",
            code="not_a_work_page",
        )
    return _number(match[1], ANIDB)


def normalise_vndb_id(value: str) -> str:
    """A VNDB visual novel id as stored, ``v17``, from ``v17``, ``V17``, ``17`` or ``https://vndb.org/v17``;
    "" when empty. Other VNDB ids (a release ``r12``, a character ``c5``) are refused."""
    text = value.strip()
    if not text:
        return ""
    path = _path_of(text, VNDB)
    if path is not None:
        text = path.strip("/").split("/")[0]
    text = text.lower()
    if text.isdigit():
        text = f"v{text}"
    if not VNDB_ID.fullmatch(text) or int(text[1:]) > MAX_ID:
        raise ValidationError(
            "Enter the VNDB visual novel id, a “v” and a number such as v17, or the address of its page on vndb.org.",
            code="invalid",
        )
    return text


@dataclass(frozen=True)
class ExternalLink:
    name: str
    url: str


def _url(catalog: Catalog, kind: str, value: int | str) -> str:
    if catalog is VNDB:
        return f"https://vndb.org/{value}"
    if catalog is ANIDB:
        return f"https://anidb.net/anime/{value}"
    return f"https://{catalog.host}/{MEDIA_TYPES[Kind(kind)]}/{value}"


def external_links(work) -> list[ExternalLink]:
    """The work's pages on other catalogs, only those that list its kind, in a fixed order."""
    links = []
    for catalog in CATALOGS:
        value = getattr(work, catalog.field)
        if value and work.kind in catalog.kinds:
            links.append(ExternalLink(catalog.name, _url(catalog, work.kind, value)))
    return links


def kind_errors(work) -> dict[str, str]:
    """For ``Work.clean``: an id on a work of a kind its catalog does not list, by field."""
    errors = {}
    for catalog in CATALOGS:
        if getattr(work, catalog.field) and work.kind not in catalog.kinds:
            kinds = " and ".join(sorted(Kind(k).label.lower() for k in catalog.kinds))
            errors[catalog.field] = f"{catalog.name} lists {kinds} only: clear this id or change the work's kind."
    return errors
