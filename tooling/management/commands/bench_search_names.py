"""The search lookups alone at a million works' worth of names, without building the whole demo catalog.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/scratch manage.py migrate
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/scratch manage.py bench_search_names --works 1000000

Fills an empty search index with the names of ``--works`` demo-like works (``tooling.demo_data``'s
title generator: title, katakana original, Kunrei variant, folded as the site folds them), the
names of 500 tags (two demo words each) and one work named "Nanuzo To Rafuge"; then times the lookups of the
benchmark's typo query ("Naunzo To Rafuge", catalog.search) as the search page makes them, and
checks that they find that work. A million works take about two minutes to load on PostgreSQL,
against more than an hour for ``generate_demo_data`` at that size.
"""

import io
import math
import random
import statistics
import time

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from catalog.models import SearchEntry, Work
from catalog.search import CANDIDATES_PER_RESULT, fold, query_words, searchables
from catalog.search.backends import get_backend
from catalog.search.index import index_entries
from tooling.demo_data import _title, _word

QUERY = "Nanuzo To Rafuge"
TYPO = "Naunzo To Rafuge"
TAGS = 500
RESULTS = 50  # catalog.search.search's limit


class Command(BaseCommand):
    help = __doc__.split("\n", 1)[0]

    def add_arguments(self, parser):
        parser.add_argument("--works", type=int, default=1_000_000)
        parser.add_argument("--runs", type=int, default=25, choices=range(1, 10_001), metavar="1..10000")

    def handle(self, *args, works: int, runs: int, **options):
        if SearchEntry.objects.exists() or Work.objects.exists():
            # Its names would be taken for those works' (the same object ids) by the site's search.
            raise CommandError("The catalog is not empty: run this on a scratch database, freshly migrated.")
        loaded = self.load(works)
        self.stdout.write(f"{loaded:,} names loaded on {connection.vendor}")
        target = works  # the object id load() gave the misspelt work
        backend = get_backend(vocabularies={searchable.kind for searchable in searchables() if searchable.vocabulary})
        kinds = [searchable.kind for searchable in searchables()]
        needle, words, limit = fold(TYPO), query_words(TYPO), RESULTS * CANDIDATES_PER_RESULT
        for lookup, run in (
            ("contains", lambda: backend.contains(kinds, needle, limit)),
            ("typo candidates", lambda: backend.fuzzy(kinds, needle, limit, words)),
        ):
            samples = []
            for _ in range(runs + 3):
                start = time.perf_counter()
                rows = run()
                samples.append((time.perf_counter() - start) * 1000)
            found = any(kind == "work" and object_id == target for kind, object_id, _, _ in rows)
            timed = sorted(samples[3:])
            self.stdout.write(
                f"{lookup:16} p50 {statistics.median(timed):6.1f} ms   p95 {timed[math.ceil(len(timed) * 0.95) - 1]:6.1f} ms"
                f"   {len(rows)} rows, {QUERY!r} {'found' if found else 'NOT found'}"
            )

    def load(self, works: int) -> int:
        rng = random.Random(1)
        vocabulary = [_word(rng) for _ in range(4000)]
        entries = []
        for work_id in range(works):
            title, kunrei, kana = _title(rng, vocabulary)
            entries += index_entries("work", work_id, [(0, title), (1, kana), (2, kunrei)])
        entries += index_entries("work", works, [(0, QUERY)])
        tag_rng = random.Random(2)
        for tag_id in range(TAGS):
            entries += index_entries("tag", tag_id, [(0, " ".join("".join(_word(tag_rng)) for _ in range(2)))])
        if connection.vendor == "postgresql":
            rows = io.StringIO("".join(f"{e.kind}\t{e.object_id}\t{e.field}\t{e.text}\n" for e in entries))
            with (
                connection.cursor() as cursor,
                cursor.cursor.copy("COPY catalog_searchentry (kind, object_id, field, text) FROM STDIN") as copy,
            ):
                while chunk := rows.read(1 << 20):
                    copy.write(chunk)
        else:
            SearchEntry.objects.bulk_create(entries, batch_size=5000)
        with connection.cursor() as cursor:
            # The planner's statistics, and on PostgreSQL the GIN pending list merged into the index.
            vacuum = connection.vendor == "postgresql" and not connection.in_atomic_block
            cursor.execute("VACUUM ANALYZE" if vacuum else "ANALYZE")
        return len(entries)
