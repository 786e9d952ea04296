"""A number that changes whenever the catalog does, for the keys of what a list caches.

A works list caches its count and its refine panel (catalog/views.py) for a minute or a few;
their keys carry this number, so an edit to a work, a tag or a tag link, or a new rating,
reaches the next request instead of waiting out the cache. Saves and deletes of those models
move it (``catalog.apps``); services that write with ``update()`` call ``catalog_changed``.
"""

from django.core.cache import cache
from django.db import transaction

KEY = "catalog-generation"


def current() -> int:
    return int(cache.get_or_set(KEY, 1, timeout=None) or 1)


def _advance() -> None:
    try:
        cache.incr(KEY)
    except ValueError:  # evicted or never set: any new number serves
        cache.set(KEY, 2, timeout=None)


def catalog_changed(**_signal_arguments) -> None:
    """Move the number now, and again once the change is committed: a request that read the
    catalog between the two, before the commit, must not leave its answer under the new number."""
    _advance()
    transaction.on_commit(_advance)
