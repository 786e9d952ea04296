"""Concurrent writers against a SQLite file, run in a child process by test_sqlite_concurrency.py.

    NTRDB_SQLITE_PATH=/tmp/x.sqlite3 python -m tests.ops.sqlite_writers stress|interleave [--transaction-mode MODE]

Prints one JSON object. Each transaction reads before it writes, as the services do
(``full_clean()`` checks uniqueness, then saves): the case that fails with "database is locked"
when SQLite has to upgrade a read transaction to a write one.
"""

import argparse
import json
import multiprocessing
import os
import threading
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django
from django.conf import settings


def _read_then_write(slug: str) -> None:
    from django.db import transaction

    from catalog.models import Tag

    with transaction.atomic():
        if not Tag.objects.filter(slug=slug).exists():
            Tag.objects.create(name=slug, slug=slug, category="theme")


def _writer_process(worker: int, transactions: int, barrier, results) -> None:
    from django.db import OperationalError, connection

    failures = []
    barrier.wait()
    for number in range(transactions):
        try:
            _read_then_write(f"writer-{worker}-{number}")
        except OperationalError as exc:
            failures.append(str(exc))
    connection.close()
    results.put(failures)


def stress(writers: int, transactions: int) -> dict:
    """Several processes (as gunicorn workers would be) write at once."""
    from django.db import connection, connections

    from catalog.models import Tag

    connections.close_all()  # nothing open to share with the forked children
    context = multiprocessing.get_context("fork")
    barrier, results = context.Barrier(writers), context.Queue()
    processes = [
        context.Process(target=_writer_process, args=(worker, transactions, barrier, results))
        for worker in range(writers)
    ]
    started = time.monotonic()
    for process in processes:
        process.start()
    failures = [failure for _ in processes for failure in results.get(timeout=300)]
    for process in processes:
        process.join()
    elapsed = time.monotonic() - started
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA journal_mode")
        journal_mode = cursor.fetchone()[0]
        cursor.execute("PRAGMA busy_timeout")
        busy_timeout_ms = cursor.fetchone()[0]
    return {
        "failures": failures,
        "rows": Tag.objects.filter(slug__startswith="writer-").count(),
        "expected_rows": writers * transactions,
        "journal_mode": journal_mode,
        "busy_timeout_ms": busy_timeout_ms,
        "seconds": round(elapsed, 2),
    }


def interleave() -> dict:
    """The race, step by step: the first transaction reads, the second writes, then the first writes."""
    from django.db import OperationalError, connection

    first_has_read, second_is_starting = threading.Event(), threading.Event()
    errors = {}

    def first():
        from django.db import transaction

        from catalog.models import Tag

        try:
            with transaction.atomic():
                Tag.objects.filter(slug="first").exists()
                first_has_read.set()
                second_is_starting.wait(10)
                time.sleep(0.3)  # long enough for the second writer to commit, if SQLite lets it
                Tag.objects.create(name="first", slug="first", category="theme")
        except OperationalError as exc:
            errors["first"] = str(exc)
        finally:
            connection.close()

    def second():
        first_has_read.wait(10)
        second_is_starting.set()
        try:
            _read_then_write("second")
        except OperationalError as exc:
            errors["second"] = str(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    from catalog.models import Tag

    return {
        "errors": errors,
        "rows": sorted(Tag.objects.filter(slug__in=["first", "second"]).values_list("slug", flat=True)),
    }


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("scenario", choices=["stress", "interleave"])
    parser.add_argument("--transaction-mode", help="override the configured mode (to show what it prevents)")
    parser.add_argument("--writers", type=int, default=8)
    parser.add_argument("--transactions", type=int, default=40)
    args = parser.parse_args()
    if args.transaction_mode:
        settings.DATABASES["default"]["OPTIONS"]["transaction_mode"] = args.transaction_mode
    django.setup()
    result = stress(args.writers, args.transactions) if args.scenario == "stress" else interleave()
    print(json.dumps(result))


if __name__ == "__main__":
    main()
