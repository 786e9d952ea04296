"""A number that changes whenever the catalog does, for the keys of what a list caches.

A works list caches its count and its refine panel (catalog/views.py) for a minute or a few;
their keys carry this number, so an edit to a work, a tag or a tag link, or a new rating,
reaches the next request instead of waiting out the cache. Saves and deletes of those models
move it (``catalog.apps``); services that write with ``update()`` call ``catalog_changed``.

The number starts at random (when the cache is empty: first use, an eviction, a flush), not at
1, so a number seen before a flush is not seen again after it: ``memoised`` keeps what a process
read under one number, and must never take an old number's copy for the new catalog's.
"""

import secrets
import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import transaction

KEY = "catalog-generation"
# What ``memoised`` keeps is read again after this long whatever the number says: a bound on how
# stale a copy can be if a write ever forgot ``catalog_changed``.
MEMO_SECONDS = 300


def _fresh() -> int:
    return secrets.randbits(48)


def current() -> int:
    return int(cache.get_or_set(KEY, _fresh, timeout=None) or _fresh())


def _advance() -> None:
    try:
        cache.incr(KEY)
    except ValueError:  # evicted or never set: any new number serves
        cache.set(KEY, _fresh(), timeout=None)


def is_shared() -> bool:
    """Whether the number is the same in every process serving the site (settings.NTRDB_CACHE_SHARED:
    a shared cache). Only then may a process keep what the number keys beyond one request."""
    return bool(settings.NTRDB_CACHE_SHARED)


def catalog_changed(**_signal_arguments) -> None:
    """Move the number now, and again once the change is committed: a request that read the
    catalog between the two, before the commit, must not leave its answer under the new number."""
    _advance()
    transaction.on_commit(_advance)


_memo: dict[str, tuple[int, float, Any]] = {}


def memoised(name: str, generation: int, build: Callable[[], Any]) -> Any:
    """What ``build`` returns, kept in this process until the catalog's number moves past
    ``generation`` (or ``MEMO_SECONDS`` pass): for small reads every request needs (every tag by
    slug) and no request changes. Built afresh each time when the number is not shared
    (``is_shared``). The caller treats the result as read-only: the process's requests share it."""
    if not is_shared():
        return build()
    now = time.monotonic()
    kept = _memo.get(name)
    if kept is not None and kept[0] == generation and now - kept[1] < MEMO_SECONDS:
        return kept[2]
    value = build()
    _memo[name] = (generation, now, value)
    return value
