"""Recount which works members completed together (lists.colisting), for the similar works.

Run nightly, before ``refresh_similar_works``, which blends the pairs in (until then each work's
similar works keep the pairs of the last run).
"""

import time

from django.core.management.base import BaseCommand

from lists.colisting import colisting_rebuild


class Command(BaseCommand):
    help = "Recount the works members completed together; run refresh_similar_works after it to blend them in."

    def handle(self, *args, **options):
        started = time.perf_counter()
        stored = colisting_rebuild()
        elapsed = time.perf_counter() - started
        self.stdout.write(self.style.SUCCESS(f"Co-listing: {stored:,} pairs stored in {elapsed:.1f} s."))
