"""Tag conditions on a list of works, and the planner that picks their query shape per read.

A works list filtered by tags reads different numbers of rows for its page, its capped count
and its refine sample; ``plan_tag_filter`` gives each read the shape that reads the fewest
rows. The cost constants below were measured; the measurements are in docs/performance.md.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.core.cache import cache
from django.db import connection

from accounts.models import SpoilerLevel
from accounts.viewer import Viewer

if TYPE_CHECKING:
    from catalog.querysets import WorkQuerySet

# How often a tag appears changes slowly; its share only steers the shape of tag-filter queries.
TAG_SHARE_CACHE_SECONDS = 600

# Relative cost per row read of the two shapes, measured on SQLite at 100,000 works: walking a
# sort index with EXISTS probes, versus reading a tag's links (and sorting the matches, when the
# list is ordered).
WALK_ROW_COST = 2.5
LIST_ROW_COST = 0.35
LIST_ROW_COST_SORTED = 1.1


@dataclass(frozen=True)
class TagFilter:
    """Tag conditions by tag id: all of ``all_of``, at least one of ``any_of``, none of ``none_of``.

    A work matches an included tag only through a link no deeper a spoiler than
    ``max_spoiler_level``; otherwise a tag page or filter would reveal the spoiler. (Explicit
    tags cannot be chosen before the age gate at all: ``Tag.objects.for_viewer``.) Exclusions
    match every link: a tag the viewer wants to avoid is avoided even where it is a spoiler
    (docs/architecture.md, "Hidden tags and spoilers").
    """

    all_of: tuple[int, ...] = ()
    any_of: tuple[int, ...] = ()
    none_of: tuple[int, ...] = ()
    max_spoiler_level: int = SpoilerLevel.NONE

    @classmethod
    def for_viewer(cls, viewer: Viewer, **tags: tuple[int, ...]) -> TagFilter:
        return cls(max_spoiler_level=viewer.max_spoiler_level, **tags)

    def __bool__(self) -> bool:
        return bool(self.all_of or self.any_of or self.none_of)

    @property
    def tag_ids(self) -> set[int]:
        return {*self.all_of, *self.any_of, *self.none_of}


def link_counts(works: WorkQuerySet, tag_ids) -> tuple[int, dict[int, int]]:
    """How many works are published, and how many links each tag has, from briefly cached counts.

    Whatever is not cached costs one query: the published works and each missing tag's links.
    """
    links_table = works.model._meta.get_field("work_tags").related_model._meta.db_table
    works_table = works.model._meta.db_table
    tag_ids = sorted(set(tag_ids))
    keys = {tag_id: f"tag-links:{tag_id}" for tag_id in tag_ids}
    cached = cache.get_many([*keys.values(), "published-works"])
    missing = [tag_id for tag_id in tag_ids if keys[tag_id] not in cached]
    if missing or "published-works" not in cached:
        counts_sql = [f"(SELECT COUNT(*) FROM {links_table} WHERE tag_id = %s)" for _ in missing]
        sql = f"SELECT (SELECT COUNT(*) FROM {works_table} WHERE is_published), {', '.join(counts_sql) or '0'}"
        with connection.cursor() as cursor:
            cursor.execute(sql, missing)
            published, *counts = cursor.fetchone()
        fresh = {"published-works": published, **{keys[tag_id]: n for tag_id, n in zip(missing, counts, strict=True)}}
        cache.set_many(fresh, TAG_SHARE_CACHE_SECONDS)
        cached.update(fresh)
    return cached["published-works"], {tag_id: cached[keys[tag_id]] for tag_id in tag_ids}


def plan_tag_filter(
    works: WorkQuerySet, tag_filter: TagFilter, *, rows_wanted: int, ordered: bool = True
) -> WorkQuerySet:
    """``works`` passing ``tag_filter``, in the query shape that reads the fewest rows.

    Two shapes answer the same question:
    - *walk*: read works in the list's own order (a sort index) and test each with ``EXISTS``
      probes of the (work, tag) index, stopping at ``rows_wanted``. Cheap when matches are
      common: about ``rows_wanted / share`` rows are read.
    - *list*: start from the rarest included tag's links (``id IN (...)``, index
      worktag_tag_spoiler_work_idx); every link is read, and sorted when ``ordered``.
    The shares come from cached counts and assume tags fall independently of each other.
    """
    if not tag_filter:
        return works
    total, counts = link_counts(works, tag_filter.tag_ids)
    total = max(total, 1)
    shares = {tag_id: min(1.0, n / total) for tag_id, n in counts.items()}
    groups: list[tuple[int, ...]] = [(tag_id,) for tag_id in tag_filter.all_of]
    if tag_filter.any_of:
        groups.append(tuple(tag_filter.any_of))

    def share(group: tuple[int, ...]) -> float:
        return min(1.0, sum(shares[tag_id] for tag_id in group))

    level = tag_filter.max_spoiler_level
    if groups:
        match_share = math.prod(share(group) for group in groups)
        match_share *= math.prod(1 - shares[tag_id] for tag_id in tag_filter.none_of)
        rarest = min(groups, key=share)
        walk_cost = min(total, rows_wanted / max(match_share, 1 / total)) * WALK_ROW_COST
        list_cost = share(rarest) * total * (LIST_ROW_COST_SORTED if ordered else LIST_ROW_COST)
        if list_cost < walk_cost:
            groups.remove(rarest)
            links = works.links().filter(tag_id__in=rarest, spoiler_level__lte=level)
            works = works.filter(pk__in=links.values("work_id"))
        for group in groups:
            works = works.filter(works.has_any_tag(group, max_spoiler_level=level))
    if tag_filter.none_of:
        works = works.without_tags(*tag_filter.none_of)
    return works
