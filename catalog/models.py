import datetime
import math
from dataclasses import dataclass

from django.core.cache import cache
from django.db import connection, models
from django.db.models import Exists, OuterRef, Prefetch, Q
from django.http import Http404

from accounts.models import SpoilerLevel
from accounts.viewer import ANONYMOUS_VIEWER, Viewer
from catalog.covers import cover_token
from config.reversing import slug_url


class Kind(models.TextChoices):
    ANIME = "anime", "Anime"
    MANGA = "manga", "Manga"
    VISUAL_NOVEL = "visual_novel", "Visual novel"


class AgeRating(models.TextChoices):
    ALL = "all", "All ages"
    R15 = "r15", "15+"
    R18 = "r18", "18+"


class DatePrecision(models.TextChoices):
    YEAR = "year", "Year"
    MONTH = "month", "Month"
    DAY = "day", "Day"


def format_partial_date(value: datetime.date | None, precision: str) -> str:
    if value is None:
        return ""
    if precision == DatePrecision.YEAR:
        return f"{value.year}"
    if precision == DatePrecision.MONTH:
        return value.strftime("%b %Y")
    return f"{value.day} {value.strftime('%b %Y')}"


def split_lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


TAG_COUNT_CACHE_SECONDS = 300
# How often a tag appears changes slowly; its share only steers the shape of tag-filter queries.
TAG_SHARE_CACHE_SECONDS = 600


class TagCategory(models.TextChoices):
    PERSPECTIVE = "perspective", "Perspective"
    SETUP = "setup", "Setup"
    THEME = "theme", "Theme"
    SETTING = "setting", "Setting"
    CONTENT = "content", "Content"


class TagQuerySet(models.QuerySet):
    def for_viewer(self, viewer: Viewer):
        """Tags the viewer may see: explicit content tags only once the age gate is passed."""
        if viewer.passed_age_gate:
            return self
        return self.exclude(category=TagCategory.CONTENT)

    @staticmethod
    def work_counts_cache_key(viewer: Viewer) -> str:
        hidden = ",".join(map(str, sorted(viewer.hidden_tag_ids))) or "-"
        return (
            f"tag-work-counts:{int(viewer.show_adult_works)}:{int(viewer.passed_age_gate)}:"
            f"{viewer.max_spoiler_level}:{hidden}"
        )

    def with_work_counts(self, viewer: Viewer):
        """The tags as a list, each with ``work_count``: how many works in the viewer's lists carry it.

        The count is what the tag's page would list (``TagFilter``: links the viewer could
        see). Counting a million tag links takes a while, so the counts are computed in one
        grouped query and cached briefly per kind of viewer.
        """
        key = self.work_counts_cache_key(viewer)
        counts = cache.get(key)
        if counts is None:
            visible = Work.objects.for_viewer(viewer).values("pk")
            links = WorkTag.objects.filter(work__in=visible, spoiler_level__lte=viewer.max_spoiler_level)
            counts = dict(links.order_by().values_list("tag").annotate(n=models.Count("pk")))
            cache.set(key, counts, TAG_COUNT_CACHE_SECONDS)
        tags = list(self)
        for tag in tags:
            tag.work_count = counts.get(tag.pk, 0)
        return tags

    def link_counts(self, tag_ids) -> tuple[int, dict[int, int]]:
        """How many works are published, and how many links each tag has, from briefly cached counts.

        Whatever is not cached costs one query: the published works and each missing tag's links.
        """
        tag_ids = sorted(set(tag_ids))
        keys = {tag_id: f"tag-links:{tag_id}" for tag_id in tag_ids}
        cached = cache.get_many([*keys.values(), "published-works"])
        missing = [tag_id for tag_id in tag_ids if keys[tag_id] not in cached]
        if missing or "published-works" not in cached:
            link_counts = [f"(SELECT COUNT(*) FROM {WorkTag._meta.db_table} WHERE tag_id = %s)" for _ in missing]
            sql = f"SELECT (SELECT COUNT(*) FROM {Work._meta.db_table} WHERE is_published), {', '.join(link_counts) or '0'}"
            with connection.cursor() as cursor:
                cursor.execute(sql, missing)
                published, *counts = cursor.fetchone()
            fresh = {
                "published-works": published,
                **{keys[tag_id]: n for tag_id, n in zip(missing, counts, strict=False)},
            }
            cache.set_many(fresh, TAG_SHARE_CACHE_SECONDS)
            cached.update(fresh)
        return cached["published-works"], {tag_id: cached[keys[tag_id]] for tag_id in tag_ids}


class Tag(models.Model):
    name = models.CharField(max_length=100)
    slug = models.SlugField(max_length=100, unique=True)
    category = models.CharField(max_length=20, choices=TagCategory.choices)
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="children")
    aliases = models.TextField(blank=True, help_text="Other names for this tag, one per line.")
    description = models.TextField(blank=True)
    term = models.ForeignKey(
        "glossary.Term",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="tags",
        help_text="The glossary entry that explains this tag, if any.",
    )

    objects = TagQuerySet.as_manager()

    class Meta:
        ordering = ["category", "name"]
        constraints = [
            models.CheckConstraint(condition=~Q(parent=models.F("pk")), name="tag_not_own_parent"),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return slug_url("catalog:tag-detail", self.slug)

    @property
    def alias_list(self) -> list[str]:
        return split_lines(self.aliases)

    @property
    def is_explicit(self) -> bool:
        return self.category == TagCategory.CONTENT


@dataclass(frozen=True)
class TagFilter:
    """Tag conditions on a list of works, by tag id: all of ``all_of``, at least one of ``any_of``, none of ``none_of``.

    A work matches an included tag only through a link no deeper a spoiler than
    ``max_spoiler_level``; otherwise a tag page or filter would reveal the spoiler. (Explicit
    tags cannot be chosen before the age gate at all: ``Tag.objects.for_viewer``.) Exclusions
    match every link: a tag the viewer wants to avoid is avoided even where it is a spoiler.
    """

    all_of: tuple[int, ...] = ()
    any_of: tuple[int, ...] = ()
    none_of: tuple[int, ...] = ()
    max_spoiler_level: int = SpoilerLevel.NONE

    @classmethod
    def for_viewer(cls, viewer: Viewer, **tags) -> "TagFilter":
        return cls(max_spoiler_level=viewer.max_spoiler_level, **tags)

    def __bool__(self):
        return bool(self.all_of or self.any_of or self.none_of)

    @property
    def tag_ids(self) -> set[int]:
        return {*self.all_of, *self.any_of, *self.none_of}


# Relative cost per row read of the two shapes in WorkQuerySet.with_tag_filter, measured on
# SQLite at 100,000 works: walking a sort index with EXISTS probes, versus reading a tag's
# links (and sorting the matches, when the list is ordered).
WALK_ROW_COST = 2.5
LIST_ROW_COST = 0.35
LIST_ROW_COST_SORTED = 1.1


# Paths under /works/ that are not work pages (catalog/urls.py): a work with one of these slugs could not be opened.
RESERVED_WORK_SLUGS = frozenset({"feed"})


class WorkQuerySet(models.QuerySet):
    def published(self):
        return self.filter(is_published=True)

    def for_viewer(self, viewer: Viewer):
        """The one read path for works: every list, search and tag page goes through here.

        Works the viewer hides by preference are left out; 18+ works stay listed for
        visitors who have not passed the age gate, flagged ``is_locked`` so only safe
        metadata is shown.
        """
        works = self.published()
        if viewer.hidden_tag_ids:
            works = works.without_tags(*viewer.hidden_tag_ids)
        if not viewer.show_adult_works:
            works = works.exclude(age_rating=AgeRating.R18)
        return works.with_lock(viewer)

    def for_syndication(self):
        """Works that feeds and the sitemap may name: an anonymous visitor's list without its 18+ works.

        Feed readers and crawlers carry no session, and what they show is read away from the
        site, where no age gate can stand in front of it; so 18+ works are left out entirely
        rather than listed as locked cards.
        """
        return self.for_viewer(ANONYMOUS_VIEWER).filter(is_locked=False)

    def with_lock(self, viewer: Viewer):
        """Annotate ``is_locked``: an 18+ work the viewer has not passed the age gate for."""
        if viewer.passed_age_gate:
            locked = models.Value(False)
        else:
            locked = models.ExpressionWrapper(Q(age_rating=AgeRating.R18), output_field=models.BooleanField())
        return self.annotate(is_locked=locked)

    def hidden_by_preferences(self, viewer: Viewer):
        """Works the viewer's lists leave out only because of their hidden tags."""
        if not viewer.hidden_tag_ids:
            return self.none()
        works = self.published().filter(self._has_any_tag(viewer.hidden_tag_ids))
        if not viewer.show_adult_works:
            works = works.exclude(age_rating=AgeRating.R18)
        return works

    def with_card_tags(self, viewer: Viewer):
        """Prefetch what a work card shows (``WorkTag.objects.shown_on_cards``)."""
        card_tags = WorkTag.objects.shown_on_cards(viewer).select_related("tag").order_by("tag__category", "tag__name")
        return self.prefetch_related(Prefetch("work_tags", queryset=card_tags, to_attr="card_tags"))

    def with_tag_filter(self, tag_filter: "TagFilter", *, rows_wanted: int, ordered: bool = True):
        """Works passing ``tag_filter``, in the query shape that reads the fewest rows.

        Two shapes answer the same question (measurements in docs/performance.md):
        - *walk*: read works in the list's own order (a sort index) and test each with
          ``EXISTS`` probes of the (work, tag) index, stopping at ``rows_wanted``. Cheap when
          matches are common: about ``rows_wanted / share`` rows are read.
        - *list*: start from the rarest included tag's links (``id IN (...)``, index
          worktag_tag_spoiler_work_idx); every link is read, and sorted when ``ordered``.
        The shares come from cached counts and assume tags fall independently of each other.
        """
        if not tag_filter:
            return self
        total, link_counts = Tag.objects.link_counts(tag_filter.tag_ids)
        total = max(total, 1)
        shares = {tag_id: min(1.0, n / total) for tag_id, n in link_counts.items()}
        groups = [(tag_id,) for tag_id in tag_filter.all_of]
        if tag_filter.any_of:
            groups.append(tuple(tag_filter.any_of))

        def share(group):
            return min(1.0, sum(shares[tag_id] for tag_id in group))

        works = self
        if groups:
            match_share = math.prod(share(group) for group in groups)
            match_share *= math.prod(1 - shares[tag_id] for tag_id in tag_filter.none_of)
            rarest = min(groups, key=share)
            walk_cost = min(total, rows_wanted / max(match_share, 1 / total)) * WALK_ROW_COST
            list_cost = share(rarest) * total * (LIST_ROW_COST_SORTED if ordered else LIST_ROW_COST)
            if list_cost < walk_cost:
                groups.remove(rarest)
                links = WorkTag.objects.filter(tag_id__in=rarest, spoiler_level__lte=tag_filter.max_spoiler_level)
                works = works.filter(pk__in=links.values("work_id"))
            for group in groups:
                works = works.filter(self._has_any_tag(group, max_spoiler_level=tag_filter.max_spoiler_level))
        if tag_filter.none_of:
            works = works.without_tags(*tag_filter.none_of)
        return works

    def without_tags(self, *tag_ids):
        return self.exclude(self._has_any_tag(tag_ids))

    @staticmethod
    def _has_any_tag(tag_ids, max_spoiler_level: int | None = None):
        links = WorkTag.objects.filter(work=OuterRef("pk"), tag_id__in=tag_ids)
        if max_spoiler_level is not None:
            links = links.filter(spoiler_level__lte=max_spoiler_level)
        return Exists(links)


class Work(models.Model):
    title = models.CharField(max_length=255)
    slug = models.SlugField(max_length=255, unique=True)
    original_title = models.CharField(max_length=255, blank=True, help_text="The title in its original script.")
    alternative_titles = models.TextField(blank=True, help_text="Other titles and spellings, one per line.")
    kind = models.CharField(max_length=20, choices=Kind.choices, blank=True)
    age_rating = models.CharField(max_length=3, choices=AgeRating.choices, default=AgeRating.ALL)
    synopsis = models.TextField(blank=True)
    couple = models.CharField(max_length=200, blank=True, help_text="The couple at the centre of the story.")
    episodes = models.PositiveIntegerField(null=True, blank=True)
    volumes = models.PositiveIntegerField(null=True, blank=True)
    released_from = models.DateField(null=True, blank=True, help_text="First aired or released.")
    released_from_precision = models.CharField(max_length=5, choices=DatePrecision.choices, default=DatePrecision.DAY)
    released_until = models.DateField(null=True, blank=True, help_text="Last aired or released, for a run.")
    released_until_precision = models.CharField(max_length=5, choices=DatePrecision.choices, default=DatePrecision.DAY)
    is_published = models.BooleanField(default=False, db_index=True)
    is_featured = models.BooleanField(default=False, help_text="Shown on the home page.")
    # Set and cleared by catalog.services (work_cover_set / work_cover_remove), which also make the
    # thumbnails; served only through catalog.views.work_cover, never from MEDIA_URL.
    cover = models.FileField(blank=True, editable=False, max_length=100, help_text="The cover as uploaded.")
    cover_updated_at = models.DateTimeField(null=True, blank=True, editable=False)
    tags = models.ManyToManyField(Tag, through="WorkTag", related_name="works", blank=True)
    # Kept by community.services in the same transaction as each review change.
    score_average = models.DecimalField(max_digits=4, decimal_places=2, null=True, blank=True, editable=False)
    review_count = models.PositiveIntegerField(default=0, editable=False)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = WorkQuerySet.as_manager()

    class Meta:
        ordering = ["title"]
        constraints = [
            models.CheckConstraint(
                condition=Q(released_until__isnull=True)
                | Q(released_from__isnull=False, released_until__gte=models.F("released_from")),
                name="work_release_run_in_order",
            ),
        ]
        indexes = [
            # One per sort order of the works list, over published works only, so a page is
            # read in index order. Partial rather than (is_published, ...) composite: SQLite
            # matches the bare boolean test Django writes to a partial index's condition,
            # but not to a composite index's first column.
            models.Index(fields=["title"], condition=Q(is_published=True), name="work_pub_title_idx"),
            models.Index(fields=["released_from"], condition=Q(is_published=True), name="work_pub_released_idx"),
            models.Index(fields=["-score_average"], condition=Q(is_published=True), name="work_pub_score_idx"),
            models.Index(fields=["-review_count"], condition=Q(is_published=True), name="work_pub_reviews_idx"),
            models.Index(fields=["-created_at"], condition=Q(is_published=True), name="work_pub_created_idx"),
            models.Index(
                fields=["-created_at"], condition=Q(is_published=True, is_featured=True), name="work_featured_idx"
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return slug_url("catalog:work-detail", self.slug)

    @property
    def alternative_title_list(self) -> list[str]:
        return split_lines(self.alternative_titles)

    @property
    def year(self) -> int | None:
        return self.released_from.year if self.released_from else None

    @property
    def is_adult(self) -> bool:
        return self.age_rating == AgeRating.R18

    @property
    def cover_token(self) -> str:
        """Names this cover upload: part of its URLs and ETag, new for every upload."""
        return cover_token(self.cover.name)

    def is_gated_for(self, viewer: Viewer) -> bool:
        """The age-gate rule for one loaded work; ``WorkQuerySet.with_lock`` is the same rule in SQL."""
        return self.is_adult and not viewer.passed_age_gate

    @property
    def release_label(self) -> str:
        return {Kind.MANGA: "Published", Kind.VISUAL_NOVEL: "Released"}.get(self.kind, "Aired")

    @property
    def release_display(self) -> str:
        start = format_partial_date(self.released_from, self.released_from_precision)
        end = format_partial_date(self.released_until, self.released_until_precision)
        if start and end and end != start:
            return f"{start} – {end}"
        return start

    @property
    def length_display(self) -> str:
        parts = []
        if self.episodes:
            parts.append(f"{self.episodes} episode{'s' if self.episodes != 1 else ''}")
        if self.volumes:
            parts.append(f"{self.volumes} volume{'s' if self.volumes != 1 else ''}")
        return ", ".join(parts)


class WorkTagQuerySet(models.QuerySet):
    def shown_on_cards(self, viewer: Viewer):
        """Tag links that may appear outside a work's own page: spoiler-free, nothing explicit
        before the age gate, and nothing at all of a locked 18+ work."""
        links = self.filter(spoiler_level=SpoilerLevel.NONE)
        if not viewer.passed_age_gate:
            links = links.exclude(tag__category=TagCategory.CONTENT).exclude(work__age_rating=AgeRating.R18)
        return links

    def most_common_tags(self, limit: int) -> list[dict]:
        """The tags these links carry most often: ``tag__slug``, ``tag__name`` and ``n``, most common first.

        The links are counted before the tags are joined, so the database groups narrow index
        entries (worktag_work_spoiler_tag_idx) instead of joined rows: 5 ms instead of 40 ms
        for a thousand works.
        """
        grouped, params = self.order_by().values("tag_id").annotate(n=models.Count("*")).query.sql_with_params()
        sql = (
            f"SELECT tag.slug, tag.name, grouped.n FROM ({grouped}) grouped "
            f"JOIN {Tag._meta.db_table} tag ON tag.id = grouped.tag_id ORDER BY grouped.n DESC, tag.name LIMIT %s"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, [*params, limit])
            return [{"tag__slug": slug, "tag__name": name, "n": n} for slug, name, n in cursor.fetchall()]

    def visible_to(self, viewer: Viewer):
        tags = self.select_related("tag")
        if not viewer.passed_age_gate:
            tags = tags.exclude(tag__category=TagCategory.CONTENT)
        return tags


class WorkTag(models.Model):
    work = models.ForeignKey(Work, on_delete=models.CASCADE, related_name="work_tags")
    tag = models.ForeignKey(Tag, on_delete=models.CASCADE, related_name="work_tags")
    spoiler_level = models.PositiveSmallIntegerField(choices=SpoilerLevel.choices, default=SpoilerLevel.NONE)
    note = models.CharField(max_length=200, blank=True, help_text="How the tag shows up in this work.")

    objects = WorkTagQuerySet.as_manager()

    class Meta:
        ordering = ["tag__category", "tag__name"]
        constraints = [
            models.UniqueConstraint(fields=["work", "tag"], name="worktag_unique_work_tag"),
            models.CheckConstraint(
                condition=Q(spoiler_level__gte=0) & Q(spoiler_level__lte=2), name="worktag_spoiler_level_range"
            ),
        ]
        indexes = [
            # Starts a tag filter from one tag's links at the viewer's spoiler level, index only.
            models.Index(fields=["tag", "spoiler_level", "work"], name="worktag_tag_spoiler_work_idx"),
            # Covers counting the card tags of a set of works (the refine panel), index only.
            models.Index(fields=["work", "spoiler_level", "tag"], name="worktag_work_spoiler_tag_idx"),
        ]

    def __str__(self):
        return f"{self.work} · {self.tag}"


class WorkView:
    """A work as one viewer may see it on its detail page."""

    def __init__(self, work: Work, *, gated: bool):
        self.work = work
        self.gated = gated


def get_work_for_viewer(viewer: Viewer, slug: str) -> WorkView:
    """The one read path for a work's detail page (and anything hanging off it)."""
    try:
        # A direct link still opens a work the viewer hides from lists; the page says why it is unlisted.
        work = Work.objects.published().with_lock(viewer).get(slug=slug)
    except Work.DoesNotExist:
        raise Http404("No such work.") from None
    return WorkView(work, gated=work.is_locked)


class SearchEntry(models.Model):
    """One searchable name of a work, glossary term or tag, folded by ``catalog.search.fold``.

    Kept in step with its source by ``catalog.search.search_index_update`` from every write
    path (admin, seed loader, demo data).
    """

    class Kind(models.TextChoices):
        WORK = "work", "Work"
        TERM = "term", "Glossary term"
        TAG = "tag", "Tag"

    class Field(models.IntegerChoices):
        # Lower sorts first: a match on the main name beats one on an alias.
        PRIMARY = 0, "Title or name"
        ORIGINAL = 1, "Original title"
        ALTERNATIVE = 2, "Alternative title or alias"

    kind = models.CharField(max_length=4, choices=Kind.choices)
    object_id = models.PositiveBigIntegerField()
    field = models.PositiveSmallIntegerField(choices=Field.choices)
    text = models.CharField(max_length=512)

    class Meta:
        verbose_name_plural = "search entries"
        indexes = [models.Index(fields=["kind", "object_id"], name="searchentry_object_idx")]

    def __str__(self):
        return f"{self.kind}:{self.object_id} {self.text}"
