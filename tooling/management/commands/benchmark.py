import json
import statistics
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.db.models import Count
from django.test import Client
from django.test.utils import CaptureQueriesContext, setup_test_environment

from accounts.models import User
from catalog.models import Tag, Work
from catalog.search import fold
from community.models import Review
from lists.models import ListEntry
from tooling.bench import TARGET_GROWTH, TARGET_P50_MS, TARGET_P95_MS, TARGET_QUERIES, growth, off_target, page_key
from tooling.demo_data import DEMO_PREFIX

# Demo works the recall check looks for: the first ones generated, so the same titles exist at
# every size (the generator draws them first from the same seed).
RECALL_TARGETS = 8
# One-typo recall is promised at any size for names of this many folded letters or more: a
# shorter one is cut into two pieces, and a typo spoils one of them (catalog.search.backends).
RECALLED_LETTERS = 10


def _typo(title: str) -> str:
    """Swap two letters in the middle of the longest word: a realistic one-typo query."""
    word = max(title.split(), key=len)
    if len(word) < 5:
        return title
    i = len(word) // 2
    return title.replace(word, word[: i - 1] + word[i] + word[i - 1] + word[i + 1 :], 1)


def _dropped_letter(title: str) -> str:
    word = max(title.split(), key=len)
    i = len(word) // 2
    return title.replace(word, word[:i] + word[i + 1 :], 1)


def _romanised_otherwise(title: str) -> str:
    """The title as another romanisation writes it: Kunrei-shiki for Hepburn, particles by kana
    ("wo", "ha"), a macron for a long vowel, and no spaces."""
    words = []
    for word in title.lower().split():
        word = {"o": "wo", "wa": "ha", "e": "he"}.get(word, word)
        for hepburn, kunrei in (("shi", "si"), ("chi", "ti"), ("tsu", "tu"), ("fu", "hu"), ("ji", "zi")):
            word = word.replace(hepburn, kunrei)
        words.append(word)
    joined = "".join(words)
    return joined.replace("o", "ō", 1) if "ou" not in joined else joined.replace("ou", "ō", 1)


def recall_queries() -> list[tuple[str, str, str]]:
    """(kind of query, query, the URL the results must list) for the first demo works.

    Only names of RECALLED_LETTERS letters or more (folded), the names one-typo recall is promised for.
    """
    candidates = (
        Work.objects.filter(slug__startswith=DEMO_PREFIX, is_published=True, title__regex=r"\w{6,}")
        .order_by("pk")
        .only("title", "slug")[: RECALL_TARGETS * 10]
    )
    targets = [work for work in candidates if len(fold(work.title)) >= RECALLED_LETTERS][:RECALL_TARGETS]
    queries = []
    for work in targets:
        url = work.get_absolute_url()
        queries += [
            ("one typo", _typo(work.title), url),
            ("a dropped letter", _dropped_letter(work.title), url),
            ("another romanisation", _romanised_otherwise(work.title), url),
        ]
    return queries


class Command(BaseCommand):
    help = "Time the main pages in-process with the test client; print p50, p95 and SQL queries per page."

    def add_arguments(self, parser):
        parser.add_argument("--runs", type=int, default=50)
        parser.add_argument("--warmup", type=int, default=5)
        parser.add_argument("--output", help="Write the figures as JSON here.")
        parser.add_argument("--compare", help="JSON from a smaller database: print the slow-down ratio per page.")

    def pages(self) -> list[tuple[str, str]]:
        popular_tags = list(
            Tag.objects.exclude(category="content")
            .annotate(n=Count("work_tags"))
            .order_by("-n")
            .values_list("slug", flat=True)[:3]
        )
        if len(popular_tags) < 3:
            raise CommandError("The database holds too little data; run generate_demo_data first.")
        reviewed = Review.objects.values("work").annotate(n=Count("pk")).filter(n__gte=100).order_by("-n").first()
        if reviewed is None:
            raise CommandError("No work has 100 reviews; generate more demo data.")
        busy_work = Work.objects.get(pk=reviewed["work"])
        most_listed = Work.objects.order_by("-list_count", "pk").first()
        if most_listed is None or not most_listed.list_count:
            raise CommandError("No work is on a list; generate more demo data.")
        fuzzy, _ = self.timed_typo_query()
        return [
            ("baseline: robots.txt", "/robots.txt"),
            ("home", "/"),
            ("works, unfiltered", "/works/"),
            (
                "works, 2 tags + 1 excluded, by score",
                f"/works/?tags={popular_tags[0]}&tags={popular_tags[1]}&exclude_tags={popular_tags[2]}&sort=-score",
            ),
            ("search, fuzzy", f"/search/?{urlencode({'q': fuzzy})}"),
            ("tags", "/tags/"),
            ("most popular tag", f"/tags/{popular_tags[0]}/"),
            (f"work with {reviewed['n']} reviews", busy_work.get_absolute_url()),
            (f"work on {most_listed.list_count} lists", most_listed.get_absolute_url()),
            ("glossary term", "/glossary/netorare/"),
        ]

    def timed_typo_query(self) -> tuple[str, str]:
        """(query, the URL its results must list) for the timed search page: a typo in the name of the
        most reviewed work of those the recall check may pick (ten letters or more, recall_queries),
        so the timed page is a search that finds its work, at every size. Without that rule, data
        version 5's most reviewed work at 1,000,000 works is "Zohepimu", whose typo finds nothing:
        the page timed a search with no results."""
        candidates = Work.objects.filter(is_published=True, title__regex=r"\w{6,}").order_by("-review_count", "pk")
        for work in candidates.only("title", "slug")[:200]:
            # A swap of two equal letters ("Jiifugi") would search for the name as written.
            if len(fold(work.title)) >= RECALLED_LETTERS and fold(_typo(work.title)) != fold(work.title):
                return _typo(work.title), work.get_absolute_url()
        raise CommandError(
            "None of the 200 most reviewed published works has a name of ten letters or more that a typo "
            "changes; generate more demo data."
        )

    def member_pages(self) -> tuple[Any, list[tuple[str, str]]]:
        """The pages of the member with the longest list, read by that member: their list (filtered by
        status, by score) and their "For you"."""
        heavy = ListEntry.objects.values("user").annotate(n=Count("*")).order_by("-n").first()
        if heavy is None:
            raise CommandError("No member has a list; generate more demo data.")
        member = User.objects.get(pk=heavy["user"])
        return member, [
            (
                f"own list of {heavy['n']} entries, completed, by score",
                f"/members/{member.username}/list/?status=completed&sort=score",
            ),
            ("for you", "/for-you/"),
        ]

    def handle(self, *args, **options):
        setup_test_environment()
        with connection.cursor() as cursor:
            # Fresh statistics, as a maintained production database has (PostgreSQL's autovacuum
            # does this by itself); without them SQLite may pick a poor plan for tag filters.
            cursor.execute("ANALYZE")
        client = Client()
        client.post("/accounts/age-check/", {"next": "/"})  # measure pages as an adult visitor sees them
        member, member_pages = self.member_pages()
        member_client = Client()
        member_client.force_login(member)
        results = []
        pages = [(label, url, client) for label, url in self.pages()]
        pages += [(label, url, member_client) for label, url in member_pages]
        for label, url, page_client in pages:
            for _ in range(options["warmup"]):
                response = page_client.get(url)
                if response.status_code != 200:
                    raise CommandError(f"{url} answered {response.status_code}")
            with CaptureQueriesContext(connection) as queries:
                page_client.get(url)
            query_count = len(queries)  # read now: later requests reset the connection's query log
            timings = []
            for _ in range(options["runs"]):
                start = time.perf_counter()
                page_client.get(url)
                timings.append((time.perf_counter() - start) * 1000)
            timings.sort()
            results.append(
                {
                    "page": label,
                    "url": url,
                    "p50_ms": round(statistics.median(timings), 1),
                    "p95_ms": round(timings[max(0, int(len(timings) * 0.95) - 1)], 1),
                    "queries": query_count,
                }
            )
        misses = self.recall_misses(client)
        works = Work.objects.count()
        self.report(results, works, options.get("compare"), misses)
        if options.get("output"):
            Path(options["output"]).write_text(
                json.dumps(
                    {"works": works, "database": connection.vendor, "results": results, "recall_misses": misses},
                    indent=2,
                )
            )

    def recall_misses(self, client) -> list[str]:
        """The recall queries whose work is not among the search results."""
        misses = []
        queries = [("the timed typo query", *self.timed_typo_query()), *recall_queries()]
        for kind, query, url in queries:
            response = client.get("/search/", {"q": query})
            if f'href="{url}"' not in response.content.decode():
                misses.append(f"{query!r} ({kind}) does not find {url}")
        self.stdout.write(f"Search recall: {len(queries) - len(misses)} of {len(queries)} queries find their work.")
        return misses

    def report(self, results, works, compare_path, misses):
        earlier = None
        if compare_path and Path(compare_path).exists():
            earlier = json.loads(Path(compare_path).read_text())
        before = {page_key(row["page"]): row for row in (earlier or {}).get("results", [])}
        self.stdout.write(f"\n{works:,} works, {connection.vendor}\n")
        header = f"{'page':<40} {'p50 ms':>8} {'p95 ms':>8} {'queries':>8}"
        if earlier:
            header += f" {'x vs ' + str(earlier['works']):>12}"
        self.stdout.write(header)
        for row in results:
            line = f"{row['page']:<40} {row['p50_ms']:>8} {row['p95_ms']:>8} {row['queries']:>8}"
            if page_key(row["page"]) in before:
                line += f" {growth(row, before[page_key(row['page'])]):>12.2f}"
            self.stdout.write(line)
        failures = off_target(results, earlier and earlier["results"], earlier and earlier["works"])
        failures += [f"search recall: {miss}" for miss in misses]
        if failures:
            self.stdout.write(self.style.WARNING("\nOff target:\n  " + "\n  ".join(failures)))
        else:
            self.stdout.write(
                self.style.SUCCESS(
                    f"\nAll pages on target (p50 < {TARGET_P50_MS} ms, p95 < {TARGET_P95_MS} ms, "
                    f"<= {TARGET_QUERIES} queries, <= {TARGET_GROWTH:g}x growth)."
                )
            )
