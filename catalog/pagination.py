from django.conf import settings
from django.core.paginator import Paginator
from django.utils.functional import cached_property


class CappedCountPaginator(Paginator):
    """A paginator that stops counting at ``NTRDB_COUNT_CAP`` results.

    Counting every match of a broad filter over a large catalog means touching every
    matching row; past a few thousand nobody pages that deep, so the count (and the
    last page) stop at the cap and the page says "more than N".
    """

    @cached_property
    def count(self) -> int:
        cap = settings.NTRDB_COUNT_CAP
        return self.object_list.order_by()[: cap + 1].count()

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
