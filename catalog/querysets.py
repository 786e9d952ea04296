"""Reads of the catalog: one QuerySet per model, the API views and other apps use.

Every method that depends on who is asking hands the decision to the visibility policy
(``catalog.visibility``); the methods here hold only the mechanics (which index a read walks,
what is prefetched). The models are reached through ``self.model`` and its relations, as this
module is imported by ``catalog.models`` itself.
"""

from __future__ import annotations

from typing import Any

from django.core.cache import cache
from django.db import connection, models
from django.db.models import Exists, OuterRef

from accounts.viewer import Viewer
from catalog import visibility
from catalog.tag_filter import TagFilter, plan_tag_filter

TAG_COUNT_CACHE_SECONDS = 300


class TagQuerySet(models.QuerySet):
    def for_viewer(self, viewer: Viewer) -> TagQuerySet:
        """Tags the viewer may see (``visibility.tags_for_viewer``)."""
        return visibility.tags_for_viewer(self, viewer)

    def behind_age_gate(self, viewer: Viewer) -> TagQuerySet:
        """Tags the age gate keeps from the viewer (``visibility.tags_behind_gate``)."""
        return visibility.tags_behind_gate(self, viewer)

    def read_for_viewer(self, viewer: Viewer, slug: str) -> visibility.Access:
        """A tag's page: the tag and whether the page is gated for this viewer."""
        return visibility.read_tag(self.select_related("parent", "term"), viewer, slug)

    def ancestor_ids(self, tag_id: int | None) -> set[int]:
        """``tag_id`` and every tag above it (its parent, the parent's parent, ...), in one query.

        A cycle already in the table ends the walk instead of looping; ``Tag.clean`` refuses new ones.
        """
        parents = dict(self.model._default_manager.filter(parent__isnull=False).values_list("pk", "parent_id"))
        found: set[int] = set()
        while tag_id is not None and tag_id not in found:
            found.add(tag_id)
            tag_id = parents.get(tag_id)
        return found

    @staticmethod
    def work_counts_cache_key(viewer: Viewer) -> str:
        return f"tag-work-counts:{visibility.viewer_variant(viewer)}"

    def with_work_counts(self, viewer: Viewer) -> list[Any]:
        """The tags as a list, each with ``work_count`` and ``spoiler_count``.

        ``work_count`` is what the tag's page would list: the works in the viewer's lists that
        carry the tag, or a tag beneath it, through a link the viewer reads openly (``TagFilter``).
        ``spoiler_count`` is how many more carry it only as a deeper spoiler: the number the
        one-click reveal would add, and nothing else (no title, no other tag). Counting a million
        tag links takes a while, so both are computed in one grouped query and cached briefly
        per kind of viewer.
        """
        key = self.work_counts_cache_key(viewer)
        counts = cache.get(key)
        if counts is None:
            counts = self._count_works_by_tag(viewer)
            cache.set(key, counts, TAG_COUNT_CACHE_SECONDS)
        tags: list[Any] = list(self)
        for tag in tags:
            tag.work_count, every = counts.get(tag.pk, (0, 0))
            tag.spoiler_count = every - tag.work_count
        return tags

    def _count_works_by_tag(self, viewer: Viewer) -> dict[int, tuple[int, int]]:
        """{tag id: (works carrying it or a tag beneath it openly, works carrying it at any level)}.

        The tree is walked over the tags the viewer may see (a recursive CTE), so an explicit tag
        beneath an all-ages one counts for nothing before the gate, as in ``TagFilter``.
        """
        works = self.model._meta.get_field("works").related_model.objects  # type: ignore[union-attr]  # a relation's model
        links_table = works.links().model._meta.db_table
        visible_tags = visibility.tags_for_viewer(self.model._default_manager.all(), viewer)
        tags_sql, tags_params = visible_tags.order_by().values("id", "parent_id").query.sql_with_params()
        works_sql, works_params = works.for_viewer(viewer).order_by().values("pk").query.sql_with_params()
        sql = (
            f"WITH RECURSIVE visible_tag(id, parent_id) AS ({tags_sql}), "
            "tree(ancestor, descendant) AS ("
            "SELECT id, id FROM visible_tag UNION "
            "SELECT tree.ancestor, visible_tag.id FROM tree JOIN visible_tag ON visible_tag.parent_id = tree.descendant) "
            "SELECT tree.ancestor, "
            "COUNT(DISTINCT CASE WHEN link.spoiler_level <= %s THEN link.work_id END), COUNT(DISTINCT link.work_id) "
            f"FROM tree JOIN {links_table} link ON link.tag_id = tree.descendant "
            f"WHERE link.work_id IN ({works_sql}) GROUP BY tree.ancestor"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, [*tags_params, viewer.max_spoiler_level, *works_params])
            return {tag_id: (shown, every) for tag_id, shown, every in cursor.fetchall()}


class WorkQuerySet(models.QuerySet):
    def published(self) -> WorkQuerySet:
        return self.filter(is_published=True)

    def for_viewer(self, viewer: Viewer) -> WorkQuerySet:
        """The one read path for lists of works: every list, search, tag page and feed goes through here."""
        return visibility.works_for_viewer(self, viewer)

    def for_syndication(self) -> WorkQuerySet:
        """Works feeds and the sitemap may name (``visibility.works_for_syndication``)."""
        return visibility.works_for_syndication(self)

    def hidden_by_preferences(self, viewer: Viewer) -> WorkQuerySet:
        """Works the viewer's lists leave out only because of their hidden tags."""
        return visibility.works_hidden_by_preferences(self, viewer)

    def read_for_viewer(self, viewer: Viewer, slug: str) -> visibility.Access:
        """A work's page: the work, whether the page is gated for this viewer and whether it is a draft
        preview (404 if unpublished, unless the viewer is staff)."""
        return visibility.read_work(self, viewer, slug)

    def cover_for_viewer(self, viewer: Viewer, slug: str):
        """The work whose cover the viewer may see, or 404 (``visibility.read_cover``)."""
        return visibility.read_cover(self, viewer, slug)

    def placeholder_for_viewer(self, viewer: Viewer, slug: str):
        """The work whose placeholder the viewer may see, or 404 (``visibility.read_placeholder``)."""
        return visibility.read_placeholder(self, viewer, slug)

    def similar_to(self, work, viewer: Viewer, limit: int) -> WorkQuerySet:
        """The ``limit`` works most like ``work`` for this viewer, most similar first
        (``visibility.similar_works_for_viewer``; the scores are ``catalog.similar``'s)."""
        return visibility.similar_works_for_viewer(self, work, viewer).order_by("-similarity", "pk")[:limit]

    def by_mal_id(self, kind: str, mal_id: int):
        """The work of ``kind`` (anime or manga) with this MyAnimeList id, or None: MyAnimeList numbers
        anime and manga apart, so the kind is part of the id (``work_unique_mal_id_per_kind``). Of these
        rows: ``Work.objects.for_viewer(viewer).by_mal_id(...)`` looks among the viewer's works only."""
        return self.filter(kind=kind, mal_id=mal_id).first()

    def by_mal_ids(self, kind: str, mal_ids) -> dict[int, Any]:
        """{MyAnimeList id: work} for those of ``mal_ids`` a work of ``kind`` records, in one query (an import)."""
        wanted = {int(mal_id) for mal_id in mal_ids}
        if not wanted:
            return {}
        works: list[Any] = list(self.filter(kind=kind, mal_id__in=wanted))
        return {work.mal_id: work for work in works}

    def with_tag_filter(self, tag_filter: TagFilter, *, rows_wanted: int, ordered: bool = True) -> WorkQuerySet:
        """Works passing ``tag_filter``, in the query shape that reads the fewest rows (``catalog.tag_filter``)."""
        return plan_tag_filter(self, tag_filter, rows_wanted=rows_wanted, ordered=ordered)

    def without_tags(self, *tag_ids: int) -> WorkQuerySet:
        return self.exclude(self.has_any_tag(tag_ids))

    def links(self) -> WorkTagQuerySet:
        """All tag links (the WorkTag manager), for subqueries over these works."""
        return self.model._meta.get_field("work_tags").related_model.objects.all()  # type: ignore[union-attr]  # a relation's model

    def has_any_tag(self, tag_ids, max_spoiler_level: int | None = None) -> Exists:
        """SQL: the work has a link to one of ``tag_ids`` (at most ``max_spoiler_level`` deep)."""
        links = self.links().filter(work=OuterRef("pk"), tag_id__in=tag_ids)
        if max_spoiler_level is not None:
            links = links.filter(spoiler_level__lte=max_spoiler_level)
        return Exists(links)


class WorkTagQuerySet(models.QuerySet):
    def for_viewer(self, viewer: Viewer) -> WorkTagQuerySet:
        """A work's links as its own page lists them (``visibility.work_links_for_viewer``)."""
        return visibility.work_links_for_viewer(self, viewer)

    def for_cards(self, viewer: Viewer) -> WorkTagQuerySet:
        """Links that may appear outside a work's own page (``visibility.card_links``)."""
        return visibility.card_links(self, viewer)

    def card_rows(self, viewer: Viewer) -> list[tuple[int, str, str, str]]:
        """(work id, tag name, tag slug, tag category) of the links a card shows, in a card's order.

        Plain rows, not instances: a page of cards shows about 200 of them (``catalog.cards``).
        """
        rows = self.for_cards(viewer).order_by("tag__category", "tag__name")
        return list(rows.values_list("work_id", "tag__name", "tag__slug", "tag__category"))

    def most_common_tags(self, limit: int) -> list[dict]:
        """The tags these links carry most often: ``tag__slug``, ``tag__name`` and ``n``, most common first.

        The links are counted before the tags are joined, so the database groups narrow index
        entries (worktag_work_tag_spoiler_idx) instead of joined rows: 5 ms instead of 40 ms
        for a thousand works.
        """
        tags_table = self.model._meta.get_field("tag").related_model._meta.db_table  # type: ignore[union-attr]  # a relation's model
        grouped, params = self.order_by().values("tag_id").annotate(n=models.Count("*")).query.sql_with_params()
        sql = (
            f"SELECT tag.slug, tag.name, grouped.n FROM ({grouped}) grouped "
            f"JOIN {tags_table} tag ON tag.id = grouped.tag_id ORDER BY grouped.n DESC, tag.name LIMIT %s"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, [*params, limit])
            return [{"tag__slug": slug, "tag__name": name, "n": n} for slug, name, n in cursor.fetchall()]
