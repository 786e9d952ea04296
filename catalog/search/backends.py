"""The two ways ``catalog.search`` finds candidate names, one per database.

Both answer the same two questions about folded names (``SearchEntry.text``),
for several kinds of object at once: which contain the needle, and which are
close to it despite typos. Each question is one SQL statement however many
kinds are asked about, so a search page costs a fixed number of queries.
Ranking and visibility stay in ``catalog.search``.
"""

from collections.abc import Sequence

from django.db import connection

FUZZY_CANDIDATES = 300
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
        ``words`` in another order, and (typo-tolerant backends) names holding a piece of it."""
        parts = []
        if len(words) >= 2:
            parts += [self._containing_all(kind, list(words), limit * 5) for kind in kinds]
        if self.typo_tolerant:
            # Split the needle in up to three pieces: two typos can spoil at most two of them, so a
            # name within two typos still contains one piece whole. Each piece is a fast indexed
            # lookup, limited on its own so a common piece cannot crowd out a rare one; the
            # candidates are then scored in catalog.search.
            parts += [
                self._containing(kind, piece, FUZZY_CANDIDATES) for piece in split_into_pieces(needle) for kind in kinds
            ]
        return _union_of_limited(parts)


class SQLiteBackend(LikeBackend):
    """FTS5 with the trigram tokenizer (migration catalog 0004)."""

    typo_tolerant = True

    # The FTS lookup runs first, in its own subquery; joined directly, SQLite may probe
    # the full-text index once per search entry instead.
    _MATCH = f"""
        SELECT {_COLUMNS} FROM catalog_searchentry
        WHERE id IN (SELECT rowid FROM catalog_searchentry_fts WHERE catalog_searchentry_fts MATCH %s)
          AND kind = %s
        LIMIT %s
    """

    def _containing(self, kind, fragment, limit):
        # Folded text is letters and digits only, so quoting it as one phrase is safe.
        return self._MATCH, [f'"{fragment}"', kind, limit]

    def _containing_all(self, kind, fragments, limit):
        return self._MATCH, [" AND ".join(f'"{fragment}"' for fragment in fragments), kind, limit]


class PostgresBackend(LikeBackend):
    """pg_trgm: the GIN trigram index (migration catalog 0004) serves LIKE, infix and prefix alike.

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


def get_backend():
    return {"sqlite": SQLiteBackend, "postgresql": PostgresBackend}.get(connection.vendor, LikeBackend)()
