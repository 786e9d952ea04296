"""Load test: the site under gunicorn on a throwaway database, driven by browser-like clients.

    python -m tooling.loadtest [--clients 16] [--duration 30] [--works 2000]   (make loadtest)

Without DATABASE_URL (or with a sqlite:// one) the site runs on a temporary SQLite file;
with DATABASE_URL=postgres://... on a fresh temporary database on that server, dropped
afterwards. The database gets the seeds, demo data and members to log in as; gunicorn
serves it with production settings on a free loopback port. Each client keeps its own
cookies, passes the age gate like a visitor, logs in members through the login form and
posts reviews and comments with real CSRF tokens.

Reported: requests per second, p50/p95/p99 latency, 5xx answers, requests with no answer,
and lost writes (a post answered with success that is not in the database afterwards)
and unacknowledged writes (a post answered with a refusal or an error that is in it).
Exits 1 if any of those is not zero.
"""

import argparse
import collections
import datetime
import os
import random
import re
import shutil
import sys
import tempfile
import threading
import time
from io import StringIO
from pathlib import Path

from ops.databases import is_postgres_url, temporary_database
from tooling.load_clients import MEMBER_PASSWORD, Cpu, LoadClient, Plan, Results, Window
from tooling.server import GunicornServer, ServerError, production_env

MEMBER_PREFIX = "loadtest-member-"
# Production limits would refuse most posts of a 30-second burst by a few dozen members;
# refusals are counted, not failures, but the point is to write a lot. The environment wins.
RAISED_LIMITS = {"NTRDB_REVIEWS_PER_DAY": "1000", "NTRDB_COMMENTS_PER_HOUR": "1000"}
# --- what the clients browse --------------------------------------------------------------------


def build_database(args, env: dict[str, str]) -> Plan:
    """Migrate, load demo data and seeds, create members; runs in this process on the throwaway database."""
    os.environ.update(env)
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
    import django

    django.setup()
    # Imported once django.setup() has run: this script configures Django itself.
    from django.contrib.auth.hashers import make_password
    from django.core.management import call_command
    from django.db import connection
    from django.db.models import Count

    from accounts.models import User
    from catalog.models import Tag, TagCategory, Work
    from glossary.models import Term

    quiet = {"stdout": StringIO(), "stderr": StringIO()}
    step("migrating")
    call_command("migrate", verbosity=0, **quiet)
    step(f"demo data: {args.works:,} works")
    call_command("generate_demo_data", works=args.works, seed=1, **quiet)
    call_command("load_seeds", **quiet)
    call_command("collectstatic", interactive=False, verbosity=0, **quiet)
    member_count = args.clients * args.members_per_client
    password = make_password(MEMBER_PASSWORD)  # hashed once: the same hash serves every member
    adult_birth_date = datetime.date.today().replace(day=1) - datetime.timedelta(days=365 * 30)
    User.objects.bulk_create(
        User(username=f"{MEMBER_PREFIX}{i}", password=password, birth_date=adult_birth_date)
        for i in range(member_count)
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")  # as a maintained production database would have

    rng = random.Random(1)
    published = list(Work.objects.filter(is_published=True).values_list("slug", "title"))
    sample = rng.sample(published, min(500, len(published)))
    tags = list(
        Tag.objects.exclude(category=TagCategory.CONTENT)
        .annotate(n=Count("work_tags"))
        .order_by("-n")
        .values_list("slug", flat=True)[:40]
    )
    words = sorted({word for _, title in sample for word in title.split() if len(word) >= 4})
    plan = Plan(
        works=[slug for slug, _ in sample],
        # Few enough works that members collide on them: concurrent score updates and
        # "already reviewed" refusals are part of the test.
        review_works=[slug for slug, _ in sample[:20]],
        tags=tags,
        terms=list(Term.objects.published().values_list("slug", flat=True)),
        words=words[:300] + ["NTR", "netorare", "netori", "netorase", "Sankaku", "kanojo"],
        members=[f"{MEMBER_PREFIX}{i}" for i in range(member_count)],
        list_works=[
            (slug, episodes or 1)
            for slug, episodes in Work.objects.filter(
                is_published=True, kind="anime", episodes__gte=2, age_rating="all"
            )
            .order_by("pk")
            .values_list("slug", "episodes")[:10]
        ],
    )
    connection.close()  # the server's workers get the database to themselves
    return plan


# --- checking and reporting ---------------------------------------------------------------------


def check_writes(results: Results, run_id: str) -> dict:
    """Compare what the server acknowledged with what the database holds, marker by marker."""
    from django.db.models import Count, F, Q

    from catalog.models import Work
    from community.models import Comment, Review
    from lists.models import ListEntry

    stored: collections.Counter[str] = collections.Counter()
    pattern = re.compile(rf"\[{run_id}:\d+:\d+\]")
    for model in (Review, Comment):
        for body in model.objects.filter(body__contains=f"[{run_id}:").values_list("body", flat=True).iterator():
            stored.update(pattern.findall(body))
    acknowledged: collections.Counter[str] = collections.Counter()
    refused: collections.Counter[str] = collections.Counter()
    failed: collections.Counter[str] = collections.Counter()
    for post in results.posts:
        if post.status == 302:
            acknowledged[post.marker] += 1
        elif 400 <= post.status < 500:
            refused[post.marker] += 1
        else:
            failed[post.marker] += 1  # 5xx or no answer: either outcome is allowed
    markers = set(acknowledged) | set(refused) | set(failed) | set(stored)
    lost = sum(max(0, acknowledged[m] - stored[m]) for m in markers)
    surplus = {m: stored[m] - acknowledged[m] for m in markers if stored[m] > acknowledged[m]}
    unacknowledged = sum(max(0, n - failed[m]) for m, n in surplus.items())
    written_without_answer = sum(min(n, failed[m]) for m, n in surplus.items())
    stale_scores = (
        Work.objects.annotate(counted_reviews=Count("reviews", filter=Q(reviews__in=Review.objects.counted())))
        .exclude(review_count=F("counted_reviews"))
        .count()
    )
    stale_votes = (
        Work.objects.annotate(
            counted_votes=Count("list_entries", filter=Q(list_entries__in=ListEntry.objects.counted_votes()))
        )
        .exclude(vote_count=F("counted_votes"))
        .count()
    )
    lost_list_updates, stale_list_counts = check_list_updates(results)
    return {
        "lost_list_updates": lost_list_updates,
        "list_updates": sum(1 for update in results.list_updates if update.status == 302),
        "stale_list_counts": stale_list_counts,
        "acknowledged": sum(acknowledged.values()),
        "stored": sum(stored.values()),
        "lost": lost,
        "unacknowledged": unacknowledged,
        "written_without_answer": written_without_answer,
        "stale_review_counts": stale_scores,
        "stale_vote_counts": stale_votes,
    }


def check_list_updates(results: Results) -> tuple[int, int]:
    """(lost, stale): entries that do not hold what their member's last acknowledged update set, and
    works whose list_count differs from the entries on them. An update with no answer or a 5xx after
    the last acknowledged one may or may not have been written; either outcome is allowed."""
    from django.db.models import Count, F

    from catalog.models import Work
    from lists.models import ListEntry

    attempts: dict[tuple[str, str], list] = collections.defaultdict(list)
    for update in results.list_updates:
        attempts[update.member, update.slug].append(update)
    stored = {
        (name, slug): (progress, score)
        for name, slug, progress, score in ListEntry.objects.filter(
            user__username__startswith=MEMBER_PREFIX
        ).values_list("user__username", "work__slug", "progress", "score")
    }
    lost = 0
    for key, sent in attempts.items():
        acknowledged = [i for i, update in enumerate(sent) if update.status == 302]
        if not acknowledged:
            continue
        last = acknowledged[-1]
        unanswered = [update for update in sent[last + 1 :] if update.status == 0 or update.status >= 500]
        allowed = {(update.progress, update.score) for update in [sent[last], *unanswered]}
        lost += stored.get(key) not in allowed
    stale = Work.objects.annotate(listed=Count("list_entries")).exclude(list_count=F("listed")).count()
    return lost, stale


def percentile(sorted_values: list[float], fraction: float) -> float:
    if not sorted_values:
        return 0.0
    rank = max(0, min(len(sorted_values) - 1, round(fraction * len(sorted_values) + 0.5) - 1))
    return sorted_values[rank]


def latency_line(label: str, seconds: list[float]) -> str:
    ordered = sorted(seconds)
    p50, p95, p99 = (percentile(ordered, f) * 1000 for f in (0.50, 0.95, 0.99))
    return (
        f"  {label:<15}{len(ordered):>7,}{p50:>9.0f}{p95:>9.0f}{p99:>9.0f}{ordered[-1] * 1000 if ordered else 0:>9.0f}"
    )


def report(
    args, results: Results, writes: dict, elapsed: float, cpu: Cpu, database: str, workers: int, server_log: str
) -> bool:
    samples = results.samples
    statuses = collections.Counter(sample.status for sample in samples)
    server_errors = sum(n for status, n in statuses.items() if status >= 500)
    no_answer = statuses.get(0, 0)
    by_kind = collections.defaultdict(list)
    for sample in samples:
        by_kind[sample.kind].append(sample.seconds)
    post_outcomes = {
        kind: collections.Counter(
            "acknowledged"
            if post.status == 302
            else f"refused: {post.refusal}"
            if post.status == 400
            else f"HTTP {post.status}"
            for post in results.posts
            if post.kind == kind
        )
        for kind in ("review", "comment")
    }
    logged_errors = server_log.count("Internal Server Error:")
    locked = len(re.findall(r"^django\.db\.utils\.OperationalError: database is locked", server_log, re.MULTILINE))
    lines = [
        "",
        f"ntrdb load test: {database}, {args.works:,} demo works + seeds; gunicorn, {workers} sync workers;",
        f"{args.clients} clients for {args.duration:g} s ({args.clients * args.members_per_client} members logged in)",
        "",
        f"requests        {len(samples):,} in {elapsed:.1f} s = {len(samples) / elapsed:.1f} requests/s",
        f"cpu             gunicorn {cpu.server:.1f} s ({cpu.server / max(len(samples), 1) * 1000:.0f} ms a request), "
        f"clients {cpu.clients:.1f} s; {os.cpu_count()} cores, load average {cpu.load_average:.1f} at the start",
        "latency (ms)     requests      p50      p95      p99      max",
        latency_line("all", [s.seconds for s in samples]),
        *(latency_line(kind, by_kind[kind]) for kind in sorted(by_kind)),
        "status codes    " + ", ".join(f"{status or 'no answer'}: {n:,}" for status, n in sorted(statuses.items())),
    ]
    for kind, outcomes in post_outcomes.items():
        lines.append(f"{kind} posts    ".ljust(16) + "; ".join(f"{what} {n}" for what, n in outcomes.most_common()))
    lines += [
        f"writes          {writes['acknowledged']} acknowledged, {writes['stored']} in the database",
        f"5xx answers     {server_errors}",
        f"no answer       {no_answer}",
        f"lost writes     {writes['lost']}  (answered with success, missing from the database)",
        f"unacknowledged  {writes['unacknowledged']}  (in the database, answered with a refusal)",
        f"                {writes['written_without_answer']} written by requests that got no answer or a 5xx (allowed)",
        f"stale counts    {writes['stale_review_counts']} works whose review_count differs from their counted reviews",
        f"stale votes     {writes['stale_vote_counts']} works whose vote_count differs from their counted votes",
        f"list updates    {writes['list_updates']} acknowledged, {writes['lost_list_updates']} lost (an entry"
        " without its member's last acknowledged progress and score)",
        f"stale listings  {writes['stale_list_counts']} works whose list_count differs from the entries on them",
        f"server log      {logged_errors} errors logged, {locked} of them 'database is locked'",
    ]
    for error in results.errors[:10]:
        lines.append(f"  error: {error}")
    passed = (
        server_errors == 0
        and no_answer == 0
        and writes["lost"] == 0
        and writes["unacknowledged"] == 0
        and writes["lost_list_updates"] == 0
        and writes["stale_list_counts"] == 0
        and writes["stale_vote_counts"] == 0
        and writes["acknowledged"] > 0
    )
    lines.append("RESULT: " + ("PASS" if passed else "FAIL"))
    print("\n".join(lines))
    return passed


def step(message: str) -> None:
    print(f"loadtest: {message}", file=sys.stderr, flush=True)


# --- the run ------------------------------------------------------------------------------------


def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        prog="python -m tooling.loadtest",
        description=__doc__.split("\n\n")[0],
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--clients", type=int, default=16, help="concurrent clients (default 16)")
    parser.add_argument("--duration", type=float, default=30, help="seconds of load after warm-up (default 30)")
    parser.add_argument("--works", type=int, default=2000, help="demo works in the throwaway database (default 2000)")
    parser.add_argument("--members-per-client", type=int, default=2, help="members each client logs in as (default 2)")
    parser.add_argument("--workers", type=int, help="gunicorn workers (default: WEB_CONCURRENCY or 2 x cores)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder (database, server log)")
    args = parser.parse_args(argv)
    if args.clients < 1 or args.duration <= 0 or args.works < 1 or args.members_per_client < 1:
        parser.error("--clients, --duration, --works and --members-per-client must be positive")
    return args


def main(argv=None) -> int:
    args = parse_args(argv)
    try:
        return run(args)
    except ServerError as error:
        print(f"loadtest: {error}", file=sys.stderr)
    except Exception as error:
        if type(error).__module__.startswith("psycopg"):  # no PostgreSQL server, wrong credentials, ...
            print(f"loadtest: PostgreSQL: {error}", file=sys.stderr)
        else:
            raise
    return 2


def run(args) -> int:
    database_url = os.environ.get("DATABASE_URL")
    postgres = is_postgres_url(database_url)
    workdir = Path(tempfile.mkdtemp(prefix="ntrdb-loadtest-"))
    try:
        with temporary_database(database_url, workdir) as url:
            database = "PostgreSQL (temporary database)" if postgres else "SQLite (temporary file)"
            limits = {name: os.environ.get(name, value) for name, value in RAISED_LIMITS.items()}
            env = production_env(url, workdir / "static", **limits)
            step(f"building the {database} in {workdir}")
            plan = build_database(args, env)
            run_id = os.urandom(3).hex()
            results = Results()
            window = Window()
            server = GunicornServer(env, workdir / "gunicorn.log", workers=args.workers)
            with server:
                step(f"gunicorn on {server.base_url}; {args.clients} clients logging in")
                barrier = threading.Barrier(args.clients + 1)
                per = args.members_per_client
                clients = [
                    LoadClient(
                        i,
                        server.base_url,
                        plan,
                        plan.members[i * per : (i + 1) * per],
                        run_id,
                        results,
                        barrier,
                        window,
                    )
                    for i in range(args.clients)
                ]
                for client in clients:
                    client.start()
                barrier.wait()  # every member is logged in: the measured window starts now
                workers = len(server.worker_pids())
                cpu = Cpu(server.cpu_seconds(), time.process_time(), os.getloadavg()[0])
                window.started = time.monotonic()
                window.deadline = window.started + args.duration
                step(f"load for {args.duration:g} s")
                for client in clients:
                    client.join()
                elapsed = time.monotonic() - window.started
                cpu.finish(server.cpu_seconds(), time.process_time())
            failures = [client.warmup_failure for client in clients if client.warmup_failure]
            if failures:
                print("\n".join(failures[:5]) + f"\n{server.log_tail()}", file=sys.stderr)
                return 1
            writes = check_writes(results, run_id)
            from django.db import connections

            connections.close_all()  # before a temporary PostgreSQL database is dropped
            passed = report(
                args, results, writes, elapsed, cpu, database, workers, server.log_path.read_text(errors="replace")
            )
            if not passed:
                print(server.log_tail(), file=sys.stderr)
            return 0 if passed else 1
    finally:
        if args.keep:
            step(f"kept {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
