from typing import Self

from django.db import models

from accounts.viewer import Viewer
from catalog import visibility
from catalog.models import SearchEntry, Tag, TagCategory
from core.fields import SortKeyField
from core.old_slugs import OldSlug
from core.reversing import slug_url
from core.text import LEADING_ARTICLES, filing_letter, sort_key, split_lines

# The comparison table's rows, in the order the glossary introduces the three perspectives; any
# other perspective term follows them alphabetically.
PERSPECTIVE_ORDER = ("netorare", "netori", "netorase")
# A term that explains a tag of these categories names a perspective or a setup of the genre itself.
GENRE_TAG_CATEGORIES = (TagCategory.PERSPECTIVE, TagCategory.SETUP)


class TermQuerySet(models.QuerySet):
    def published(self) -> Self:
        return self.filter(is_published=True)

    def for_viewer(self, viewer: Viewer):
        """Published terms the viewer may read (``visibility.terms_for_viewer``)."""
        return visibility.terms_for_viewer(self, viewer)

    def read_for_viewer(self, viewer: Viewer, slug: str) -> visibility.Access:
        """A term's page: the term and whether the page is gated for this viewer (404 if unpublished)."""
        return visibility.read_term(self, viewer, slug)

    def with_genre_flag(self) -> Self:
        """Annotate ``is_genre_term``: the term explains a perspective or setup tag (netorare, the
        “happy” couple, ...), so its comments ask how such stories feel; other terms ask for questions."""
        genre_tags = Tag.objects.filter(term=models.OuterRef("pk"), category__in=GENRE_TAG_CATEGORIES)
        return self.annotate(is_genre_term=models.Exists(genre_tags))

    def perspectives(self):
        """The terms behind the perspective tags (netorare, netori, netorase), for the comparison table."""
        position = models.Case(
            *(models.When(slug=slug, then=models.Value(i)) for i, slug in enumerate(PERSPECTIVE_ORDER)),
            default=models.Value(len(PERSPECTIVE_ORDER)),
        )
        terms = self.published().filter(tags__category=TagCategory.PERSPECTIVE).distinct()
        return terms.annotate(position=position).order_by("position", "sort_name")


class Term(models.Model):
    name = models.CharField(max_length=100)
    # The index files and sorts by this: "The “happy” couple" under H (core.text.sort_key).
    sort_name = SortKeyField(populate_from="name")
    slug = models.SlugField(max_length=100, unique=True)
    heading = models.CharField(
        "page title",
        max_length=200,
        blank=True,
        help_text="A question in plain English, such as “What is a route?” or “What does kanojo mean?”. "
        "Empty: “What is …?” around the name.",
    )
    japanese = models.CharField(max_length=100, blank=True, help_text="Spelling in Japanese script.")
    reading = models.CharField(max_length=100, blank=True, help_text="Romanised reading.")
    aliases = models.TextField(blank=True, help_text="Other names and abbreviations, one per line.")
    summary = models.CharField(max_length=300, help_text="One line shown in the index and in search.")
    body = models.TextField(blank=True, help_text="The article. Separate paragraphs with a blank line.")
    focus = models.CharField(max_length=200, blank=True, help_text="Comparison table: what the term centres on.")
    example = models.CharField(max_length=300, blank=True, help_text="Comparison table: a short example.")
    related_terms = models.ManyToManyField("self", blank=True, symmetrical=True)
    works = models.ManyToManyField(
        "catalog.Work", blank=True, related_name="glossary_terms", help_text="Works that illustrate the term."
    )
    is_published = models.BooleanField(default=False, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = TermQuerySet.as_manager()

    class Meta:
        ordering = ["sort_name"]
        indexes = [
            # The glossary index and every list of terms read published terms in this order.
            models.Index(fields=["sort_name"], condition=models.Q(is_published=True), name="term_pub_sort_idx"),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return slug_url("glossary:term-detail", self.slug)

    @property
    def alias_list(self) -> list[str]:
        return split_lines(self.aliases)

    @property
    def page_title(self) -> str:
        """The title of the term's page: the curated heading, or "What is …?" around the name as a sentence reads it."""
        return self.heading or f"What is {name_in_a_sentence(self.name)}?"

    @property
    def index_letter(self) -> str:
        """The A-Z section the term is filed under: the first letter of its sort key ("#" for digits, other scripts)."""
        return filing_letter(self.sort_name or sort_key(self.name))


def name_in_a_sentence(name: str) -> str:
    """A name as it reads after "What is": a leading article or a capitalised first word in lower case
    ("The “happy” couple" -> "the “happy” couple", "Netorare" -> "netorare"); "NTR" stays as it is."""
    first, space, rest = name.partition(" ")
    if first.casefold() in LEADING_ARTICLES or (first[:1].isupper() and first[1:].islower()):
        first = first[:1].lower() + first[1:]
    return first + space + rest


class TermFAQ(models.Model):
    term = models.ForeignKey(Term, on_delete=models.CASCADE, related_name="faqs")
    question = models.CharField(max_length=300)
    answer = models.TextField()
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = "FAQ entry"
        verbose_name_plural = "FAQ entries"

    def __str__(self):
        return self.question


class TermOldSlug(OldSlug):
    """An address a term had before its slug changed: ``/glossary/<slug>/`` redirects to its page (``core.old_slugs``)."""

    term = models.ForeignKey(Term, on_delete=models.CASCADE, related_name="old_slugs")

    class Meta(OldSlug.Meta):
        verbose_name = "old term address"


def term_search_names(term: Term) -> list[tuple[int, str]]:
    """The names site search finds a term by (``catalog.search``): name, Japanese, reading, aliases."""
    Field = SearchEntry.Field
    names: list[tuple[int, str]] = [
        (Field.PRIMARY, term.name),
        (Field.ORIGINAL, term.japanese),
        (Field.ORIGINAL, term.reading),
    ]
    return names + [(Field.ALTERNATIVE, alias) for alias in term.alias_list]
