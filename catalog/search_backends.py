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


class LikeBackend:
    """Portable fallback: substring match with LIKE, fuzzy matching over a bounded scan."""

    def contains(self, kind: str, needle: str, limit: int) -> list[tuple[int, int, str]]:
        rows = SearchEntry.objects.filter(kind=kind, text__contains=needle).values_list("object_id", "field", "text")
        return list(rows[: limit * 5])

    def fuzzy(self, kind: str, needle: str, limit: int) -> list[tuple[int, int, str]]:
        return []


class SQLiteBackend(LikeBackend):
    """FTS5 with the trigram tokenizer (migration catalog 0004)."""

    def _match(self, kind: str, expression: str, limit: int, order_by_rank: bool):
        order = "ORDER BY f.rank" if order_by_rank else ""
        sql = f"""
            SELECT e.object_id, e.field, e.text
            FROM catalog_searchentry_fts f JOIN catalog_searchentry e ON e.id = f.rowid
            WHERE catalog_searchentry_fts MATCH %s AND e.kind = %s {order} LIMIT %s
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
        return self._match(kind, f'"{needle}"', limit * 5, order_by_rank=False)

    def fuzzy(self, kind, needle, limit):
        grams = sorted(trigrams(needle))
        if len(grams) < 3:
            return []
        expression = " OR ".join(f'"{gram}"' for gram in grams)
        return self._match(kind, expression, FUZZY_CANDIDATES, order_by_rank=True)


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
