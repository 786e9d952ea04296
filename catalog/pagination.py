from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.paginator import Paginator
from django.utils.functional import cached_property


def capped_count(works) -> int:
    """How many rows, counting no further than one past ``NTRDB_COUNT_CAP``."""
    # Only the key is read: the annotations (is_locked, say) would make the database visit each
    # row instead of counting from an index.
    return works.order_by().values("pk")[: settings.NTRDB_COUNT_CAP + 1].count()


def cached_capped_count(works: Callable[[], Any], key: str) -> int:
    """``capped_count`` of ``works()``, kept under ``key`` for ``NTRDB_LIST_CACHE_SECONDS``.

    Every page and sort of one list, for every viewer of one kind, has the same count; on
    PostgreSQL counting a broad tag filter to the cap costs tens of milliseconds. The key holds
    ``catalog.generation``, so an edit to the catalog reaches the next request. ``works`` is
    called only when the count is not cached: planning the query costs more than reading the key.
    """
    count = cache.get(key)
    if count is None:
        count = capped_count(works())
        cache.set(key, count, settings.NTRDB_LIST_CACHE_SECONDS)
    return count


class CappedCountPaginator(Paginator):
    """A paginator that stops counting at ``NTRDB_COUNT_CAP`` results.

    Counting every match of a broad filter over a large catalog means touching every
    matching row; past a few thousand nobody pages that deep, so the count (and the
    last page) stop at the cap and the page says "more than N".

    ``counted`` returns the same set of rows in a shape suited to counting, when the page's own
    shape is not (see ``WorkQuerySet.with_tag_filter``); it is called only if the count is not
    cached under ``cache_key``.
    """

    def __init__(
        self,
        object_list,
        per_page,
        *args,
        counted: Callable[[], Any] | None = None,
        cache_key: str | None = None,
        **kwargs,
    ):
        super().__init__(object_list, per_page, *args, **kwargs)
        self.counted = counted or (lambda: object_list)
        self.cache_key = cache_key

    @cached_property
    def count(self) -> int:
        if self.cache_key is None:
            return capped_count(self.counted())
        return cached_capped_count(self.counted, self.cache_key)

    @staticmethod
    def rows_to_read(page_number, per_page: int) -> int:
        """How many rows of a list the requested page reaches into (a malformed page counts as the first)."""
        try:
            number = max(1, int(page_number))
        except (TypeError, ValueError):
            number = 1
        return min(number, settings.NTRDB_COUNT_CAP // per_page + 1) * per_page

    @property
    def is_capped(self) -> bool:
        return self.count > settings.NTRDB_COUNT_CAP

    @cached_property
    def num_pages(self) -> int:
        count = min(self.count, settings.NTRDB_COUNT_CAP)
        if count == 0 and not self.allow_empty_first_page:
            return 0
        hits = max(1, count - self.orphans)
        return -(-hits // self.per_page)
