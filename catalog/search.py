"""Site search: one API for the views over works, glossary terms and tags.

Names are stored and queried in a folded form (see ``fold``) so that case,
accents, punctuation and the common romanisation variants of Japanese do not
decide whether something is found.
"""

import re
import unicodedata
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction

from accounts.viewer import Viewer
from catalog.models import SearchEntry, Tag, Work
from catalog.search_backends import FUZZY_THRESHOLD, get_backend, trigrams

# Applied in order to each word: Hepburn spellings fold to Kunrei-shiki, long vowels to short.
_ROMANISATION_RULES = [
    ("shi", "si"),
    ("sh", "sy"),
    ("chi", "ti"),
    ("ch", "ty"),
    ("tsu", "tu"),
    ("ji", "zi"),
    ("j", "zy"),
    ("fu", "hu"),
    ("ou", "o"),
    ("oo", "o"),
    ("uu", "u"),
    ("aa", "a"),
    ("ii", "i"),
    ("ee", "e"),
]
# Particles as written by sound versus by kana.
_PARTICLES = {"wo": "o", "ha": "wa", "he": "e"}
_WORD = re.compile(r"[^\W_]+")


def _strip_latin_accents(text: str) -> str:
    out = []
    for char in unicodedata.normalize("NFKC", text):
        decomposed = unicodedata.normalize("NFKD", char)
        if decomposed[:1].isascii():
            # ō -> o, é -> e; kana keep their voicing marks.
            out.append("".join(c for c in decomposed if not unicodedata.combining(c)))
        else:
            out.append(char)
    return "".join(out)


def fold(text: str) -> str:
    """Reduce a name or query to the form both sides are compared in."""
    words = _WORD.findall(_strip_latin_accents(text).casefold())
    folded = []
    for word in words:
        word = _PARTICLES.get(word, word)
        if word.isascii():
            for old, new in _ROMANISATION_RULES:
                word = word.replace(old, new)
        folded.append(word)
    return "".join(folded)


def _entries_for(kind: str, object_id: int, names: list[tuple[int, str]]) -> list[SearchEntry]:
    seen = set()
    entries = []
    for field_rank, name in names:
        text = fold(name)[:512]
        if text and text not in seen:
            seen.add(text)
            entries.append(SearchEntry(kind=kind, object_id=object_id, field=field_rank, text=text))
    return entries


def _names_of(obj) -> tuple[str, list[tuple[int, str]]]:
    from glossary.models import Term

    Field = SearchEntry.Field
    if isinstance(obj, Work):
        names = [(Field.PRIMARY, obj.title), (Field.ORIGINAL, obj.original_title)]
        names += [(Field.ALTERNATIVE, t) for t in obj.alternative_title_list]
        return SearchEntry.Kind.WORK, names
    if isinstance(obj, Term):
        names = [(Field.PRIMARY, obj.name), (Field.ORIGINAL, obj.japanese), (Field.ORIGINAL, obj.reading)]
        names += [(Field.ALTERNATIVE, a) for a in obj.alias_list]
        return SearchEntry.Kind.TERM, names
    if isinstance(obj, Tag):
        names = [(Field.PRIMARY, obj.name)] + [(Field.ALTERNATIVE, a) for a in obj.alias_list]
        return SearchEntry.Kind.TAG, names
    raise TypeError(f"{type(obj).__name__} is not searchable")


@transaction.atomic
def search_index_update(*objects) -> None:
    """Replace the search entries of the given works, terms or tags."""
    for obj in objects:
        kind, names = _names_of(obj)
        SearchEntry.objects.filter(kind=kind, object_id=obj.pk).delete()
        SearchEntry.objects.bulk_create(_entries_for(kind, obj.pk, names))


def search_index_remove(obj) -> None:
    kind, _ = _names_of(obj)
    SearchEntry.objects.filter(kind=kind, object_id=obj.pk).delete()


@dataclass
class SearchResults:
    query: str
    works: list = field(default_factory=list)
    terms: list = field(default_factory=list)
    tags: list = field(default_factory=list)
    too_long: bool = False

    @property
    def total(self) -> int:
        return len(self.works) + len(self.terms) + len(self.tags)


CANDIDATES_PER_RESULT = 4

# Rank bands, best first: exact title, title prefix, title elsewhere, other names, every word
# of the query in another order, typo matches.
EXACT, PREFIX, CONTAINS, OTHER_NAME, ALL_WORDS, FUZZY = range(6)

# Words shorter than this (particles, mostly) are left out of the any-order lookup.
SHORTEST_WORD = 3


def query_words(query: str) -> list[str]:
    """The query's words, each folded, for finding names that hold them all in another order."""
    words = (fold(word) for word in _WORD.findall(query))
    return list(dict.fromkeys(word for word in words if len(word) >= SHORTEST_WORD))


def _rank(needle: str, field: int, text: str) -> float:
    if field == SearchEntry.Field.PRIMARY:
        if text == needle:
            return EXACT
        if text.startswith(needle):
            return PREFIX
        return CONTAINS
    return OTHER_NAME


def typos_allowed(needle: str) -> int:
    """One typo from five letters, two from nine: shorter queries would match too much."""
    return 0 if len(needle) < 5 else 1 if len(needle) < 9 else 2


def typo_distance(needle: str, text: str) -> int:
    """The fewest one-letter edits (insert, delete, change, swap two neighbours) that turn the
    needle into some part of the text: Sellers' approximate substring matching."""
    m = len(needle)
    before_previous = None
    previous = list(range(m + 1))  # column for the empty text prefix
    best = m
    for j, letter in enumerate(text):
        current = [0] * (m + 1)  # a match may start anywhere in the text
        for i in range(1, m + 1):
            # Written out rather than with min(): this loop is most of a typo search's time.
            value = previous[i - 1] + (needle[i - 1] != letter)
            if previous[i] + 1 < value:
                value = previous[i] + 1
            if current[i - 1] + 1 < value:
                value = current[i - 1] + 1
            if (
                before_previous is not None
                and i > 1
                and needle[i - 1] == text[j - 1]
                and needle[i - 2] == letter
                and before_previous[i - 2] + 1 < value
            ):
                value = before_previous[i - 2] + 1
            current[i] = value
        if current[m] < best:
            best = current[m]
        before_previous, previous = previous, current
    return best


def _typo_rank(needle: str, text: str) -> float | None:
    """Where a name found by the typo-tolerant lookup ranks, or None if it is too far off.

    A name qualifies when it shares most of the query's trigrams (FUZZY_THRESHOLD) or holds
    the query within ``typos_allowed`` edits; fewer edits rank first.
    """
    wanted = trigrams(needle)
    shared = len(wanted & trigrams(text))
    similarity = shared / len(wanted) if wanted else 0.0
    allowed = typos_allowed(needle)
    # Each edit spoils at most four of the query's trigrams (a swap of neighbours does), so a
    # name sharing fewer than this cannot hold the query within the allowed edits.
    if similarity < FUZZY_THRESHOLD and shared < len(wanted) - 4 * allowed:
        return None
    distance = typo_distance(needle, text)
    if distance > allowed and similarity < FUZZY_THRESHOLD:
        return None
    return FUZZY + min(distance, allowed + 1) / 10 + (1 - similarity) / 100


def _ranked_ids(needle: str, kinds: list[str], limit: int, words: list[str] = ()) -> dict[str, list[int]]:
    """Object ids of each kind whose names match the needle, best match first."""
    backend = get_backend()
    best: dict[str, dict[int, float]] = {kind: {} for kind in kinds}
    for kind, object_id, name_field, text in backend.contains(kinds, needle, limit):
        rank = _rank(needle, name_field, text) + len(text) / 10_000  # shorter names first within a band
        found = best[kind]
        found[object_id] = min(rank, found.get(object_id, rank))
    short = [kind for kind in kinds if len(best[kind]) < limit]
    if short:
        for kind, object_id, name_field, text in backend.fuzzy(short, needle, limit, words):
            if len(words) >= 2 and all(word in text for word in words):
                rank = ALL_WORDS + name_field / 10 + len(text) / 10_000
            else:
                rank = _typo_rank(needle, text)
            found = best[kind]
            if rank is not None and rank < found.get(object_id, FUZZY + 1):
                found[object_id] = rank
    return {
        kind: sorted(found, key=lambda object_id: (found[object_id], object_id))[:limit] for kind, found in best.items()
    }


def _in_rank_order(objects, ids: list[int]) -> list:
    position = {pk: i for i, pk in enumerate(ids)}
    return sorted(objects, key=lambda obj: position[obj.pk])


def search(query: str, viewer: Viewer, *, limit: int = 50) -> SearchResults:
    from glossary.models import Term

    query = query.strip()
    results = SearchResults(query=query)
    if len(query) > settings.NTRDB_SEARCH_MAX_QUERY_LENGTH:
        results.too_long = True
        return results
    needle = fold(query)
    if not needle:
        return results

    # Rank more candidates than shown, so matches the viewer may not see cannot crowd out the rest.
    candidates = limit * CANDIDATES_PER_RESULT
    Kind = SearchEntry.Kind
    ids = _ranked_ids(needle, [Kind.WORK, Kind.TERM, Kind.TAG], candidates, query_words(query))
    if ids[Kind.WORK]:
        works = Work.objects.for_viewer(viewer).filter(pk__in=ids[Kind.WORK]).with_card_tags(viewer)
        results.works = _in_rank_order(works, ids[Kind.WORK])[:limit]
    if ids[Kind.TERM]:
        results.terms = _in_rank_order(Term.objects.for_viewer(viewer).filter(pk__in=ids[Kind.TERM]), ids[Kind.TERM])[
            :limit
        ]
    if ids[Kind.TAG]:
        results.tags = _in_rank_order(Tag.objects.for_viewer(viewer).filter(pk__in=ids[Kind.TAG]), ids[Kind.TAG])[
            :limit
        ]
    return results
