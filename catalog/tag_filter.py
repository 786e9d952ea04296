"""Tag conditions on a list of works, and the planner that picks their query shape per read.

A works list filtered by tags reads different numbers of rows for its page, its capped count
and its refine sample; ``plan_tag_filter`` gives each read the shape that reads the fewest
rows. The cost constants below were measured; the measurements are in docs/performance.md.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from django.core.cache import cache
from django.db import connection
from django.db.models import Q

from accounts.models import SpoilerLevel
from accounts.viewer import Viewer
from catalog import visibility

if TYPE_CHECKING:
    from catalog.querysets import WorkQuerySet

# How often a tag appears changes slowly; its share only steers the shape of tag-filter queries.
TAG_SHARE_CACHE_SECONDS = 600
# Which tags sit beneath which: a curator's change to a tag's parent reaches the filters within this.
TAG_TREE_CACHE_SECONDS = 300
TAG_TREE_CACHE_KEY = "tag-tree"

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

    A tag stands for itself and every tag beneath it (docs/architecture.md, "Broader and
    narrower tags"): Unhappy ending matches a work tagged Regret, and excluding Unhappy ending
    leaves Regret's works out too. ``plan_tag_filter`` fills in ``narrower`` from the briefly
    cached tag tree, skipping narrower tags in ``unseen_categories`` and everything beneath them.
    """

    all_of: tuple[int, ...] = ()
    any_of: tuple[int, ...] = ()
    none_of: tuple[int, ...] = ()
    max_spoiler_level: int = SpoilerLevel.NONE
    # The categories the viewer cannot see (visibility.unseen_tag_categories).
    unseen_categories: frozenset[str] = frozenset()
    # (tag, the tags beneath it) for each chosen tag that has any (``expanded``).
    narrower: tuple[tuple[int, tuple[int, ...]], ...] = ()

    @classmethod
    def for_viewer(
        cls,
        viewer: Viewer,
        *,
        all_of: tuple[int, ...] = (),
        any_of: tuple[int, ...] = (),
        none_of: tuple[int, ...] = (),
    ) -> TagFilter:
        return cls(
            all_of=all_of,
            any_of=any_of,
            none_of=none_of,
            max_spoiler_level=viewer.max_spoiler_level,
            unseen_categories=visibility.unseen_tag_categories(viewer),
        )

    def __bool__(self) -> bool:
        return bool(self.all_of or self.any_of or self.none_of)

    @property
    def includes(self) -> bool:
        """Whether any tag must be present: only then does the spoiler level change what matches."""
        return bool(self.all_of or self.any_of)

    def revealing(self, level: int) -> TagFilter:
        """The same conditions, matched through links up to ``level`` deep (never less than now)."""
        return replace(self, max_spoiler_level=max(self.max_spoiler_level, level))

    def group(self, tag_id: int) -> tuple[int, ...]:
        """``tag_id`` and the tags beneath it: a work carrying any of them carries the tag."""
        return (tag_id, *dict(self.narrower).get(tag_id, ()))

    def groups(self, tag_ids: tuple[int, ...]) -> tuple[int, ...]:
        return tuple(dict.fromkeys(member for tag_id in tag_ids for member in self.group(tag_id)))

    @property
    def tag_ids(self) -> set[int]:
        return {*self.groups(self.all_of), *self.groups(self.any_of), *self.groups(self.none_of)}

    def expanded(self, children: Mapping[int, list[tuple[int, str]]]) -> TagFilter:
        """These conditions with ``narrower`` filled in from ``children`` (parent id: [(child id, category)])."""
        narrower = []
        for tag_id in dict.fromkeys((*self.all_of, *self.any_of, *self.none_of)):
            below: list[int] = []
            seen = {tag_id}
            stack = [tag_id]
            while stack:
                for child, category in children.get(stack.pop(), ()):
                    if child not in seen and category not in self.unseen_categories:
                        seen.add(child)
                        below.append(child)
                        stack.append(child)
            if below:
                narrower.append((tag_id, tuple(sorted(below))))
        return replace(self, narrower=tuple(narrower))


def forget_tag_tree() -> None:
    """Drop the cached tag tree, after a write that changed which tag sits beneath which."""
    cache.delete(TAG_TREE_CACHE_KEY)


def tag_children(works: WorkQuerySet) -> dict[int, list[tuple[int, str]]]:
    """The tag tree, briefly cached: each broader tag's id with the (id, category) of the tags right beneath it.

    Whatever the filter, this costs at most one query (none while cached), so filtering by a
    broader tag keeps each page's query count fixed.
    """
    tree = cache.get(TAG_TREE_CACHE_KEY)
    if tree is None:
        tags = works.model._meta.get_field("tags").related_model
        tree = {}
        rows = tags.objects.filter(parent__isnull=False).order_by().values_list("parent_id", "pk", "category")
        for parent_id, tag_id, category in rows:
            tree.setdefault(parent_id, []).append((tag_id, category))
        cache.set(TAG_TREE_CACHE_KEY, tree, TAG_TREE_CACHE_SECONDS)
    return tree


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


def no_deeper_than(spoiler_level: int) -> Q:
    """Tag links at most ``spoiler_level`` deep, as ``spoiler_level IN (0, ..., n)`` rather than ``<= n``.

    SQLite 3.40 answers ``tag_id IN (a, b) AND work_id = ? AND spoiler_level <= ?`` wrongly through
    the (work, tag, spoiler_level) index, now and then counting a deeper link (on the 100,000-work
    demo data, 46 of 10,000 probes): a filtered list would show works carrying its tags only as
    spoilers. Equality on every column of the index is answered right, on every database.
    """
    return Q(spoiler_level__in=range(spoiler_level + 1))


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
    The shares come from cached counts and assume tags fall independently of each other. Each
    chosen tag counts with the tags beneath it (``TagFilter.expanded``, from ``tag_children``).
    """
    if not tag_filter:
        return works
    tag_filter = tag_filter.expanded(tag_children(works))
    total, counts = link_counts(works, tag_filter.tag_ids)
    total = max(total, 1)
    shares = {tag_id: min(1.0, n / total) for tag_id, n in counts.items()}
    groups: list[tuple[int, ...]] = [tag_filter.group(tag_id) for tag_id in tag_filter.all_of]
    if tag_filter.any_of:
        groups.append(tag_filter.groups(tag_filter.any_of))

    def share(group: tuple[int, ...]) -> float:
        return min(1.0, sum(shares[tag_id] for tag_id in group))

    level = tag_filter.max_spoiler_level
    if groups:
        excluded = tag_filter.groups(tag_filter.none_of)
        match_share = math.prod(share(group) for group in groups)
        match_share *= math.prod(1 - shares[tag_id] for tag_id in excluded)
        rarest = min(groups, key=share)
        walk_cost = min(total, rows_wanted / max(match_share, 1 / total)) * WALK_ROW_COST
        list_cost = share(rarest) * total * (LIST_ROW_COST_SORTED if ordered else LIST_ROW_COST)
        if list_cost < walk_cost:
            groups.remove(rarest)
            links = works.links().filter(no_deeper_than(level), tag_id__in=rarest)
            works = works.filter(pk__in=links.values("work_id"))
        # Rarest first: the database tests the conditions in the order written, and a work that
        # fails the first is not probed again (a walk of the sort index then costs a fifth to a
        # half less: docs/performance.md).
        for group in sorted(groups, key=share):
            works = works.filter(works.has_any_tag(group, max_spoiler_level=level))
    if tag_filter.none_of:
        works = works.without_tags(*tag_filter.groups(tag_filter.none_of))
    return works
