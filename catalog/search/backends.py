"""The two ways ``catalog.search`` finds candidate names, one per database.

Both answer the same two questions about folded names (``SearchEntry.text``),
for several kinds of object at once: which contain the needle, and which are
close to it despite typos. Each question is one SQL statement however many
kinds are asked about, so a search page costs a fixed number of queries.
Ranking and visibility stay in ``catalog.search``.
"""

import itertools
from collections.abc import Collection, Sequence

from django.db import connection

# Candidates per typo lookup: names holding two pieces of the query (few, and most of them
# close), and names holding one piece (many in a big catalog: these only help small ones).
PAIR_CANDIDATES = 100
PIECE_CANDIDATES = 40
FUZZY_THRESHOLD = 0.6

Row = tuple[str, int, int, str]  # kind, object_id, field, text


def trigrams(text: str) -> set[str]:
    return {text[i : i + 3] for i in range(len(text) - 2)}


def split_into_pieces(needle: str, most: int = 3, shortest: int = 3) -> list[str]:
    count = min(most, len(needle) // shortest)
    if count < 2:
        return []
    size, extra = divmod(len(needle), count)
    pieces, start = [], 0
    for i in range(count):
        end = start + size + (1 if i < extra else 0)
        pieces.append(needle[start:end])
        start = end
    return pieces


def piece_pairs(needle: str, shortest: int = 3) -> list[tuple[str, str]]:
    """Pairs of pieces of the needle such that a name within one typo of it holds both of some pair.

    One typo spoils one piece of three, or two when it swaps the letters either side of a cut.
    So the needle is cut twice: into three pieces, and again with each cut one letter earlier;
    a swap across a cut of the first cutting then falls inside one piece of the second, which
    keeps its other two whole. A name holding two pieces is rare even among millions, so these
    lookups find it however common each piece is on its own.
    """
    first = split_into_pieces(needle, shortest=shortest)
    pairs = dict.fromkeys(itertools.combinations(first, 2))
    if len(first) == 3:
        cut, second_cut = len(first[0]) - 1, len(first[0]) + len(first[1]) - 1
        second = [needle[:cut], needle[cut:second_cut], needle[second_cut:]]
        if all(len(piece) >= shortest for piece in second):
            pairs.update(dict.fromkeys(itertools.combinations(second, 2)))
    return list(pairs)


def _union_of_limited(selects: list[tuple[str, list]]) -> list[Row]:
    """Run ``SELECT kind, object_id, field, text ...`` statements, each with its own LIMIT, as one query.

    Each part keeps its own limit, so a kind (or a typo piece) with many matches cannot
    crowd the others out of the answer.
    """
    if not selects:
        return []
    sql = " UNION ALL ".join(f"SELECT * FROM ({select}) AS part{i}" for i, (select, _) in enumerate(selects))
    params = [param for _, select_params in selects for param in select_params]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


_COLUMNS = "kind, object_id, field, text"


class LikeBackend:
    """Portable fallback: substring match with LIKE, no typo tolerance.

    The typo lookup is the same piece search as on SQLite and PostgreSQL, but without a
    trigram index each piece would scan the whole table, so it stays off here.
    """

    typo_tolerant = False

    def __init__(self, vocabularies: Collection[str] = ()):
        # The kinds with few names (``Searchable.vocabulary``), which the subclasses read from
        # their own rows rather than through the index built for work names.
        self.vocabularies = set(vocabularies)

    def _containing(self, kind: str, fragment: str, limit: int) -> tuple[str, list]:
        """One lookup: up to ``limit`` names of ``kind`` that contain ``fragment``."""
        # Folded text holds only letters and digits, so the fragment needs no LIKE escaping.
        return (
            f"SELECT {_COLUMNS} FROM catalog_searchentry WHERE kind = %s AND text LIKE %s LIMIT %s",
            [kind, f"%{fragment}%", limit],
        )

    def _containing_all(self, kind: str, fragments: list[str], limit: int) -> tuple[str, list]:
        """One lookup: up to ``limit`` names of ``kind`` that contain every fragment, in any order."""
        conditions = " AND ".join(["text LIKE %s"] * len(fragments))
        return (
            f"SELECT {_COLUMNS} FROM catalog_searchentry WHERE kind = %s AND {conditions} LIMIT %s",
            [kind, *[f"%{fragment}%" for fragment in fragments], limit],
        )

    def _containing_a_pair(self, kind: str, pairs: list[tuple[str, str]], limit: int) -> tuple[str, list]:
        """One lookup: up to ``limit`` names of ``kind`` that contain both fragments of some pair."""
        conditions = " OR ".join(["(text LIKE %s AND text LIKE %s)"] * len(pairs))
        return (
            f"SELECT {_COLUMNS} FROM catalog_searchentry WHERE kind = %s AND ({conditions}) LIMIT %s",
            [kind, *[f"%{fragment}%" for pair in pairs for fragment in pair], limit],
        )

    def contains(self, kinds: list[str], needle: str, limit: int) -> list[Row]:
        if len(needle) < 3:
            # Trigram indexes cannot help below three letters, so on every backend such needles
            # only match from the start of a name.
            return _union_of_limited(
                [
                    (
                        f"SELECT {_COLUMNS} FROM catalog_searchentry WHERE kind = %s AND text LIKE %s LIMIT %s",
                        [kind, f"{needle}%", limit * 5],
                    )
                    for kind in kinds
                ]
            )
        return _union_of_limited([self._containing(kind, needle, limit * 5) for kind in kinds])

    def fuzzy(self, kinds: list[str], needle: str, limit: int, words: Sequence[str] = ()) -> list[Row]:
        """Candidates for a query that no name contains as written: names holding all its
        ``words`` in another order, and (typo-tolerant backends) names holding pieces of it."""
        parts = []
        if len(words) >= 2:
            parts += [self._containing_all(kind, list(words), limit * 5) for kind in kinds]
        if self.typo_tolerant:
            # Each lookup is indexed and limited on its own, so a common piece cannot crowd out a
            # rare one; the candidates are then scored in catalog.search. Pairs carry one-typo
            # queries at any size (piece_pairs); single pieces add two-typo matches where the
            # catalog is small enough for a piece to be rare.
            pairs = piece_pairs(needle)
            if pairs:
                parts += [self._containing_a_pair(kind, pairs, PAIR_CANDIDATES) for kind in kinds]
            parts += [
                self._containing(kind, piece, PIECE_CANDIDATES) for piece in split_into_pieces(needle) for kind in kinds
            ]
        return list(dict.fromkeys(_union_of_limited(parts)))


class SQLiteBackend(LikeBackend):
    """FTS5 with the trigram tokenizer (migration catalog 0004), for every kind but the vocabularies.

    The full-text index holds every kind's names, millions of them works'; a lookup for tag
    names through it would read every matching work name to find the few tags. So the
    vocabularies (``Searchable.vocabulary``) are read by LIKE over their own rows (the
    ``(kind, object_id)`` index), a few thousand at most.
    """

    typo_tolerant = True

    # The full-text index drives the lookup (CROSS JOIN keeps it the outer loop; otherwise SQLite
    # may probe it once per search entry) and hands over matches in rowid order as it finds
    # them, so the LIMIT stops it early: a piece common to a million names costs no more than
    # a rare one. (An ``id IN (SELECT rowid ...)`` subquery would collect every match first.)
    _MATCH = """
        SELECT entry.kind, entry.object_id, entry.field, entry.text
        FROM catalog_searchentry_fts CROSS JOIN catalog_searchentry AS entry ON entry.id = catalog_searchentry_fts.rowid
        WHERE catalog_searchentry_fts MATCH %s AND entry.kind = %s
        LIMIT %s
    """

    def _containing(self, kind, fragment, limit):
        if kind in self.vocabularies:
            return super()._containing(kind, fragment, limit)
        # Folded text is letters and digits only, so quoting it as one phrase is safe.
        return self._MATCH, [f'"{fragment}"', kind, limit]

    def _containing_all(self, kind, fragments, limit):
        if kind in self.vocabularies:
            return super()._containing_all(kind, fragments, limit)
        return self._MATCH, [" AND ".join(f'"{fragment}"' for fragment in fragments), kind, limit]

    def _containing_a_pair(self, kind, pairs, limit):
        if kind in self.vocabularies:
            return super()._containing_a_pair(kind, pairs, limit)
        return self._MATCH, [" OR ".join(f'("{a}" AND "{b}")' for a, b in pairs), kind, limit]


class PostgresBackend(LikeBackend):
    """pg_trgm: the GIN trigram index over work names (migrations catalog 0004 and 0020) serves
    LIKE, infix and prefix alike; the vocabularies (``Searchable.vocabulary``) are read from their
    own rows through ``(kind, object_id)``, as on SQLite.

    So PostgreSQL runs the very lookups of the SQLite backend, and both databases find the
    same names for the same query. Two pg_trgm features were measured and left out (figures in
    docs/performance.md): the ``<%`` word-similarity operator, because its threshold is a
    per-session setting and at the default 0.6 it refuses "triangelblue" for "triangleblue",
    which the shared score in catalog.search accepts; and ordering candidates by
    ``word_similarity()``, which scores every name holding a common piece (80 ms at 200,000
    names, against 3 ms for the limited lookups).

    Full-text search (django.contrib.postgres.search) does not fit folded names: folding
    removes word boundaries on purpose ("Ore wa" and "Orewa" fold alike), so a tsvector of
    a name is one lexeme and a tsquery could only match a whole name or its prefix, which
    the trigram lookups already find. On the raw titles it would lose the romanisation
    rules, and a stemming configuration would mangle names.
    """

    typo_tolerant = True

    def _containing_a_pair(self, kind, pairs, limit):
        if kind in self.vocabularies:
            # The trigram index holds work names only (migration catalog 0020): a vocabulary's
            # rows are read through (kind, object_id), so one pass over them checks every pair.
            return super()._containing_a_pair(kind, pairs, limit)
        # One indexed lookup per pair: ORed together in one condition, the planner prices the
        # combined bitmap scans above a scan of a small table (measured at 3,000 names).
        lookups = [self._containing_all(kind, list(pair), limit) for pair in pairs]
        sql = " UNION ALL ".join(f"SELECT * FROM ({select}) AS pair{i}" for i, (select, _) in enumerate(lookups))
        return sql, [param for _, params in lookups for param in params]


def get_backend(vocabularies: Collection[str] = ()):
    backend = {"sqlite": SQLiteBackend, "postgresql": PostgresBackend}.get(connection.vendor, LikeBackend)
    return backend(vocabularies)
