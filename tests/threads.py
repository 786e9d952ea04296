"""Writes started at the same instant from several threads, each on its own connection (the
concurrency regressions on PostgreSQL: tests/community/test_reviews.py, tests/lists/test_votes.py)."""

import threading
from collections.abc import Callable

from django.db import connections


def all_at_once(calls: list[Callable[[], object]]) -> list[Exception]:
    """Run every call in a thread of its own, released together; returns the exceptions they raised
    (a thread's exception is otherwise lost)."""
    start = threading.Barrier(len(calls))
    errors: list[Exception] = []

    def run(call):
        try:
            start.wait()
            call()
        except Exception as error:
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return errors
