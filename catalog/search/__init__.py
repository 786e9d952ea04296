"""Site search: one API for the views over works, glossary terms and tags.

Names are stored and queried in a folded form (``folding.fold``) so that case, accents,
punctuation and the common romanisation variants of Japanese do not decide whether
something is found. The package: ``folding`` (the folded form), ``index`` (the index rows
and which models are searchable), ``backends`` (finding candidate names, one backend per
database), ``ranking`` (how well a name matches) and this module (a search for one viewer).
"""

from dataclasses import dataclass, field

from django.conf import settings

from accounts.viewer import Viewer
from catalog import visibility
from catalog.models import SearchEntry
from catalog.search.backends import get_backend
from catalog.search.folding import fold
from catalog.search.index import (
    Searchable,
    register_searchable,
    search_index_remove,
    search_index_update,
    searchables,
)
from catalog.search.ranking import ALL_WORDS, FUZZY, name_rank, query_words, typo_distance, typo_rank

__all__ = [
    "SearchResults",
    "Searchable",
    "fold",
    "query_words",
    "register_searchable",
    "search",
    "search_index_remove",
    "search_index_update",
    "typo_distance",
]

# Rank more candidates than shown, so matches the viewer may not see cannot crowd out the rest.
CANDIDATES_PER_RESULT = 4


@dataclass
class SearchResults:
    query: str
    by_kind: dict[str, list] = field(default_factory=dict)
    too_long: bool = False

    @property
    def works(self) -> list:
        return self.by_kind.get(SearchEntry.Kind.WORK, [])

    @property
    def terms(self) -> list:
        return self.by_kind.get(SearchEntry.Kind.TERM, [])

    @property
    def tags(self) -> list:
        return self.by_kind.get(SearchEntry.Kind.TAG, [])

    @property
    def total(self) -> int:
        return sum(len(found) for found in self.by_kind.values())


@dataclass
class Ranks:
    """The best rank of each matching object, over all its names and over its main name only."""

    any_name: dict[int, float] = field(default_factory=dict)
    main_name: dict[int, float] = field(default_factory=dict)

    def add(self, object_id: int, name_field: int, rank: float | None) -> None:
        if rank is None:
            return
        if rank < self.any_name.get(object_id, FUZZY + 1):
            self.any_name[object_id] = rank
        if name_field == SearchEntry.Field.PRIMARY and rank < self.main_name.get(object_id, FUZZY + 1):
            self.main_name[object_id] = rank

    def best(self, limit: int) -> list[int]:
        return sorted(self.any_name, key=lambda object_id: (self.any_name[object_id], object_id))[:limit]


def _ranks(needle: str, kinds: list[str], limit: int, words: list[str]) -> dict[str, Ranks]:
    """How each object of each kind whose names match the needle ranks, best first."""
    backend = get_backend(vocabularies={searchable.kind for searchable in searchables() if searchable.vocabulary})
    ranks = {kind: Ranks() for kind in kinds}
    for kind, object_id, name_field, text in backend.contains(kinds, needle, limit):
        # Shorter names first within a band.
        ranks[kind].add(object_id, name_field, name_rank(needle, name_field, text) + len(text) / 10_000)
    short = [kind for kind in kinds if len(ranks[kind].any_name) < limit]
    if short:
        for kind, object_id, name_field, text in backend.fuzzy(short, needle, limit, words):
            if len(words) >= 2 and all(word in text for word in words):
                rank = ALL_WORDS + name_field / 10 + len(text) / 10_000
            else:
                rank = typo_rank(needle, text)
            ranks[kind].add(object_id, name_field, rank)
    return ranks


def _in_rank_order(rows, ranks: Ranks, viewer: Viewer) -> list:
    """The rows a viewer may see, best match first.

    A locked work is ranked by its main title alone, and left out if only another of its names
    matched: its card hides those names (``visibility.search_matches_other_names``).
    """
    ranked = []
    for row in rows:
        rank: float | None = ranks.any_name[row.pk]
        if getattr(row, "is_locked", False) and not visibility.search_matches_other_names(viewer):
            rank = ranks.main_name.get(row.pk)
            if rank is None:
                continue
        ranked.append((rank, row.pk, row))
    return [row for _, _, row in sorted(ranked, key=lambda item: item[:2])]


def search(query: str, viewer: Viewer, *, limit: int = 50) -> SearchResults:
    query = query.strip()
    results = SearchResults(query=query)
    if len(query) > settings.NTRDB_SEARCH_MAX_QUERY_LENGTH:
        results.too_long = True
        return results
    needle = fold(query)
    if not needle:
        return results

    kinds = {searchable.kind: searchable for searchable in searchables()}
    ranks = _ranks(needle, list(kinds), limit * CANDIDATES_PER_RESULT, query_words(query))
    for kind, searchable in kinds.items():
        ids = ranks[kind].best(limit * CANDIDATES_PER_RESULT)
        if ids:
            rows = searchable.for_viewer(viewer).filter(pk__in=ids)
            results.by_kind[kind] = _in_rank_order(rows, ranks[kind], viewer)[:limit]
    return results
