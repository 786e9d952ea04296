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
from collections.abc import Callable
from typing import Any

from django.core.cache import cache
from django.db import transaction

KEY = "catalog-generation"


def _fresh() -> int:
    return secrets.randbits(48)


def current() -> int:
    return int(cache.get_or_set(KEY, _fresh, timeout=None) or _fresh())


def _advance() -> None:
    try:
        cache.incr(KEY)
    except ValueError:  # evicted or never set: any new number serves
        cache.set(KEY, _fresh(), timeout=None)


def catalog_changed(**_signal_arguments) -> None:
    """Move the number now, and again once the change is committed: a request that read the
    catalog between the two, before the commit, must not leave its answer under the new number."""
    _advance()
    transaction.on_commit(_advance)


_memo: dict[str, tuple[int, Any]] = {}


def memoised(name: str, generation: int, build: Callable[[], Any]) -> Any:
    """What ``build`` returns, kept in this process until the catalog's number moves past
    ``generation``: for small reads every request needs (every tag by slug) and no request
    changes. The caller treats the result as read-only; it is shared by the process's requests."""
    kept = _memo.get(name)
    if kept is not None and kept[0] == generation:
        return kept[1]
    value = build()
    _memo[name] = (generation, value)
    return value
