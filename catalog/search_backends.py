"""The two ways ``catalog.search`` finds candidate names, one per database.

Both answer the same two questions about folded names (``SearchEntry.text``):
which contain the needle, and which are close to it despite typos. Ranking and
visibility stay in ``catalog.search``.
"""

from django.db import connection

from catalog.models import SearchEntry

FUZZY_CANDIDATES = 300
FUZZY_THRESHOLD = 0.6


def trigrams(text: str) -> set[str]:
    return {text[i:i + 3] for i in range(len(text) - 2)}


def needle_similarity(needle: str, text: str) -> float:
    """Share of the needle's trigrams found in the name: 1.0 when the name contains the needle."""
    wanted = trigrams(needle)
    if not wanted:
        return 0.0
    return len(wanted & trigrams(text)) / len(wanted)


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


class LikeBackend:
    """Portable fallback: substring match with LIKE, fuzzy matching over a bounded scan."""

    def contains(self, kind: str, needle: str, limit: int) -> list[tuple[int, int, str]]:
        rows = SearchEntry.objects.filter(kind=kind, text__contains=needle).values_list("object_id", "field", "text")
        return list(rows[: limit * 5])

    def fuzzy(self, kind: str, needle: str, limit: int) -> list[tuple[int, int, str]]:
        return []


class SQLiteBackend(LikeBackend):
    """FTS5 with the trigram tokenizer (migration catalog 0004)."""

    def _match(self, kind: str, expression: str, limit: int):
        # The FTS lookup runs first, in its own subquery; joined directly, SQLite may probe
        # the full-text index once per search entry instead.
        sql = """
            SELECT e.object_id, e.field, e.text FROM catalog_searchentry e
            WHERE e.id IN (SELECT rowid FROM catalog_searchentry_fts WHERE catalog_searchentry_fts MATCH %s)
              AND e.kind = %s
            LIMIT %s
        """
        with connection.cursor() as cursor:
            cursor.execute(sql, [expression, kind, limit])
            return cursor.fetchall()

    def contains(self, kind, needle, limit):
        if len(needle) < 3:
            # Trigram indexes cannot help below three letters; such queries only match from the start.
            rows = SearchEntry.objects.filter(kind=kind, text__startswith=needle).values_list("object_id", "field", "text")
            return list(rows[: limit * 5])
        # Folded text is letters and digits only, so quoting it as one phrase is safe.
        return self._match(kind, f'"{needle}"', limit * 5)

    def fuzzy(self, kind, needle, limit):
        # Split the needle in up to three pieces: two typos can spoil at most two of them, so a
        # name within two typos still contains one piece whole. Each piece is a fast phrase match;
        # the candidates are then scored by trigram similarity.
        # Each piece is looked up on its own, so a common piece cannot crowd out a rare one.
        rows = []
        for piece in split_into_pieces(needle):
            rows += self._match(kind, f'"{piece}"', FUZZY_CANDIDATES)
        return rows


class PostgresBackend(LikeBackend):
    """pg_trgm: LIKE and word similarity both use the GIN trigram index (migration catalog 0004)."""

    def fuzzy(self, kind, needle, limit):
        if len(needle) < 4:
            return []
        sql = """
            SELECT object_id, field, text FROM catalog_searchentry
            WHERE kind = %s AND %s <%% text
            ORDER BY word_similarity(%s, text) DESC LIMIT %s
        """
        with connection.cursor() as cursor:
            cursor.execute(sql, [kind, needle, needle, FUZZY_CANDIDATES])
            return cursor.fetchall()


def get_backend():
    return {"sqlite": SQLiteBackend, "postgresql": PostgresBackend}.get(connection.vendor, LikeBackend)()
