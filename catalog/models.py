"""The catalog's tables: works, tags and the links between them, and the search index.

Reads are QuerySet methods (``catalog.querysets``); who may see what is decided by the
visibility policy (``catalog.visibility``); writes with side effects are services
(``catalog.services``).
"""

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q

from accounts.models import SpoilerLevel
from catalog import external_ids, sorts, visibility
from catalog.choices import AgeRating, DatePrecision, Kind, TagCategory, format_partial_date
from catalog.covers import cover_token
from catalog.querysets import TagQuerySet, WorkQuerySet, WorkTagQuerySet
from core.fields import SortKeyField
from core.old_slugs import OldSlug
from core.reversing import slug_url
from core.text import split_lines

__all__ = [
    "AgeRating",
    "DatePrecision",
    "Kind",
    "RESERVED_WORK_SLUGS",
    "SearchEntry",
    "SimilarWork",
    "Tag",
    "TagCategory",
    "TagOldSlug",
    "Work",
    "WorkOldSlug",
    "WorkTag",
]


class Tag(models.Model):
    name = models.CharField(max_length=100)
    # /tags/ sorts by this within a category: "The “happy” couple" among the H's (core.text.sort_key).
    sort_name = SortKeyField(populate_from="name")
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
        indexes = [models.Index(fields=["category", "sort_name"], name="tag_category_sort_idx")]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return slug_url("catalog:tag-detail", self.slug)

    def clean(self):
        """A tag may not sit beneath itself, however far down: its parent must not be the tag or one of
        the tags beneath it. (The database refuses only a tag that is its own parent: ``tag_not_own_parent``.)"""
        super().clean()
        if self.parent_id is not None and self.pk is not None and self.pk in Tag.objects.ancestor_ids(self.parent_id):
            raise ValidationError(
                {
                    "parent": f"“{self.parent}” sits beneath “{self.name}”, so it cannot be its parent: choose a broader tag."
                }
            )

    @property
    def alias_list(self) -> list[str]:
        return split_lines(self.aliases)

    @property
    def is_explicit(self) -> bool:
        return visibility.is_explicit_tag(self)


# Paths under /works/ that are not work pages (catalog/urls.py): a work with one of these slugs could not be opened.
RESERVED_WORK_SLUGS = frozenset({"feed"})


class Work(models.Model):
    title = models.CharField(max_length=255)
    slug = models.SlugField(max_length=255, unique=True)
    original_title = models.CharField(max_length=255, blank=True, help_text="The title in its original script.")
    alternative_titles = models.TextField(blank=True, help_text="Other titles and spellings, one per line.")
    kind = models.CharField(max_length=20, choices=Kind.choices, blank=True)
    age_rating = models.CharField(max_length=3, choices=AgeRating.choices, default=AgeRating.ALL)
    # The age-gate rule's input (visibility.GATED_RATING) as a column the database keeps, so the
    # sorts that leave a locked work's figures out (visibility.public_score) test it without a
    # parameter: SQLite never matches an index on an expression that holds one.
    is_gated = models.GeneratedField(
        expression=Q(age_rating=visibility.GATED_RATING),  # type: ignore[arg-type]  # a Q is an expression here
        output_field=models.BooleanField(),
        db_persist=True,
    )
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
    # The mean of members' list scores that count (lists.votes) and how many they are, kept by
    # lists.votes in the same transaction as each vote change.
    score_average = models.DecimalField(max_digits=4, decimal_places=2, null=True, blank=True, editable=False)
    vote_count = models.PositiveIntegerField(default=0, editable=False)
    # Members with the work on their list, private entries included (a count names nobody): its
    # popularity, kept by lists.services in the same transaction as each entry added or removed.
    list_count = models.PositiveIntegerField(default=0, editable=False)
    # Kept by community.services in the same transaction as each review change.
    review_count = models.PositiveIntegerField(default=0, editable=False)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)
    # The work's ids on other catalogs (catalog.external_ids): linked on its page, and how the
    # MyAnimeList import finds it. Each is checked against the kinds its catalog lists (clean).
    mal_id = models.PositiveIntegerField(
        "MyAnimeList id",
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text="The number in its MyAnimeList address: myanimelist.net/anime/<id> or /manga/<id>.",
    )
    anilist_id = models.PositiveIntegerField(
        "AniList id",
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text="The number in its AniList address: anilist.co/anime/<id> or /manga/<id>.",
    )
    anidb_id = models.PositiveIntegerField(
        "AniDB id",
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text="Anime only: the number in its AniDB address, anidb.net/anime/<id>.",
    )
    vndb_id = models.CharField(
        "VNDB id",
        max_length=12,
        blank=True,
        validators=[RegexValidator(r"^v[1-9][0-9]*\Z", "A VNDB visual novel id is a “v” and a number, such as v17.")],
        help_text="Visual novels only: “v” and the number in its VNDB address, vndb.org/v<number>.",
    )

    objects = WorkQuerySet.as_manager()

    class Meta:
        ordering = ["title"]
        constraints = [
            models.CheckConstraint(
                condition=Q(released_until__isnull=True)
                | Q(released_from__isnull=False, released_until__gte=models.F("released_from")),
                name="work_release_run_in_order",
            ),
            # One work per id on another catalog, so an import that matches by id finds one work or
            # none. MyAnimeList numbers anime and manga separately (anime/1 and manga/1 are two
            # works), so its id is unique per kind; AniList, AniDB and VNDB number all they list
            # as one series. Only where set: most works have no id.
            models.UniqueConstraint(
                fields=["kind", "mal_id"],
                condition=Q(mal_id__isnull=False),
                name="work_unique_mal_id_per_kind",
                violation_error_message="Another work of this kind already has this MyAnimeList id.",
            ),
            models.UniqueConstraint(
                fields=["anilist_id"],
                condition=Q(anilist_id__isnull=False),
                name="work_unique_anilist_id",
                violation_error_message="Another work already has this AniList id.",
            ),
            models.UniqueConstraint(
                fields=["anidb_id"],
                condition=Q(anidb_id__isnull=False),
                name="work_unique_anidb_id",
                violation_error_message="Another work already has this AniDB id.",
            ),
            models.UniqueConstraint(
                fields=["vndb_id"],
                condition=~Q(vndb_id=""),
                name="work_unique_vndb_id",
                violation_error_message="Another work already has this VNDB id.",
            ),
            # Ids start at 1 on every one of those catalogs; a 0 is a typing slip, not an id.
            models.CheckConstraint(
                condition=(Q(mal_id__isnull=True) | Q(mal_id__gte=1))
                & (Q(anilist_id__isnull=True) | Q(anilist_id__gte=1))
                & (Q(anidb_id__isnull=True) | Q(anidb_id__gte=1)),
                name="work_external_ids_positive",
            ),
        ]
        indexes = [
            # One per sort order of the works list, built with the ORDER BY it serves.
            *sorts.work_sort_indexes(),
            models.Index(
                fields=["-created_at"], condition=Q(is_published=True, is_featured=True), name="work_featured_idx"
            ),
            # The few unpublished works, read whole: an owner's list shows every entry "not of an
            # unpublished work" (visibility.list_entries_for_viewer). Without it PostgreSQL read
            # the table's rows behind the is_published index for each of the page's queries
            # (1,835 buffers, 2.7 ms at 100,000 works; from this index 5 buffers, 0.1 ms).
            models.Index(fields=["id"], condition=Q(is_published=False), name="work_unpublished_idx"),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return slug_url("catalog:work-detail", self.slug)

    def clean(self):
        """An id on another catalog only for a kind that catalog lists (AniDB: anime; VNDB: visual novels)."""
        super().clean()
        errors = external_ids.kind_errors(self)
        if errors:
            raise ValidationError(errors)

    @property
    def external_links(self) -> list[external_ids.ExternalLink]:
        """Its pages on other catalogs, for the page's "Elsewhere" row."""
        return external_ids.external_links(self)

    @property
    def alternative_title_list(self) -> list[str]:
        return split_lines(self.alternative_titles)

    @property
    def year(self) -> int | None:
        return self.released_from.year if self.released_from else None

    @property
    def is_adult(self) -> bool:
        return visibility.is_adult_work(self)

    @property
    def age_badge(self) -> visibility.AgeBadge | None:
        return visibility.age_badge(self)

    @property
    def cover_token(self) -> str:
        """Names this cover upload: part of its URLs and ETag, new for every upload."""
        return cover_token(self.cover.name)

    @property
    def release_label(self) -> str:
        labels: dict[str, str] = {Kind.MANGA: "Published", Kind.VISUAL_NOVEL: "Released"}
        return labels.get(self.kind, "Aired")

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
            # Serves, index only, the probe a tag filter makes per work ("does this work carry
            # this tag, no deeper a spoiler than the viewer reads?": equal work and tag, then the
            # level), the card tags of a page of works and the refine panel's counts.
            models.Index(fields=["work", "tag", "spoiler_level"], name="worktag_work_tag_spoiler_idx"),
        ]

    def __str__(self):
        return f"{self.work} · {self.tag}"

    @property
    def spoiler_label(self) -> str:
        """The badge a spoiler link wears on the work's page: "Minor spoiler" or "Major spoiler" (none for 0)."""
        return SPOILER_BADGES.get(self.spoiler_level, ("", ""))[0]

    @property
    def spoiler_modifier(self) -> str:
        return SPOILER_BADGES.get(self.spoiler_level, ("", ""))[1]


# A spoiler link's badge: its text and its CSS modifier (badge--spoiler-minor, badge--spoiler-major).
SPOILER_BADGES: dict[int, tuple[str, str]] = {
    SpoilerLevel.MINOR: ("Minor spoiler", "minor"),
    SpoilerLevel.MAJOR: ("Major spoiler", "major"),
}


class WorkOldSlug(OldSlug):
    """An address a work had before its slug changed: ``/works/<slug>/`` redirects to its page (``core.old_slugs``)."""

    work = models.ForeignKey(Work, on_delete=models.CASCADE, related_name="old_slugs")

    class Meta(OldSlug.Meta):
        verbose_name = "old work address"


class TagOldSlug(OldSlug):
    """An address a tag had before its slug changed or it was merged into another tag."""

    tag = models.ForeignKey(Tag, on_delete=models.CASCADE, related_name="old_slugs")

    class Meta(OldSlug.Meta):
        verbose_name = "old tag address"


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


class SimilarWork(models.Model):
    """One of the works most like ``work`` by the tags they share, each tag weighted by how rare it is
    (``catalog.similar``, which keeps this table; the work's page reads it through the policy).

    A score per kind of viewer, since a tag counts only where the viewer may see it: ``score_<n>``
    through the links no deeper a spoiler than level n on both works, leaving out explicit tags
    (which do not exist before the age gate); ``explicit_score_<n>`` the same with explicit tags.
    ``visibility.similar_works_for_viewer`` picks the viewer's column.
    """

    # No index of its own: similarwork_unique_pair starts with it.
    work = models.ForeignKey(Work, on_delete=models.CASCADE, related_name="similar_works", db_index=False)
    similar = models.ForeignKey(Work, on_delete=models.CASCADE, related_name="similar_of")
    score_0 = models.FloatField(default=0)
    score_1 = models.FloatField(default=0)
    score_2 = models.FloatField(default=0)
    explicit_score_0 = models.FloatField(default=0)
    explicit_score_1 = models.FloatField(default=0)
    explicit_score_2 = models.FloatField(default=0)

    class Meta:
        constraints = [
            # One row per pair: a refresh replaces a pair's scores, never adds a second row.
            models.UniqueConstraint(fields=["work", "similar"], name="similarwork_unique_pair"),
            models.CheckConstraint(condition=~Q(similar=models.F("work")), name="similarwork_not_itself"),
        ]

    def __str__(self):
        return f"{self.work_id} ~ {self.similar_id}"
