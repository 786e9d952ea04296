from django.db import models

from accounts.viewer import Viewer
from catalog.models import TagCategory, split_lines
from config.reversing import slug_url


class TermQuerySet(models.QuerySet):
    def published(self):
        return self.filter(is_published=True)

    def for_viewer(self, viewer: Viewer):
        """Published terms the viewer may see: a term that explains an explicit (content) tag
        only once the age gate is passed, as for the tag itself (``Tag.objects.for_viewer``)."""
        terms = self.published()
        if viewer.passed_age_gate:
            return terms
        return terms.exclude(tags__category=TagCategory.CONTENT)

    def with_explicitness(self):
        """Annotate ``is_explicit``: the term explains an explicit (content) tag."""
        from catalog.models import Tag

        return self.annotate(
            is_explicit=models.Exists(Tag.objects.filter(term=models.OuterRef("pk"), category=TagCategory.CONTENT))
        )

    def perspectives(self):
        """The terms behind the perspective tags (netorare, netori, netorase), for the comparison table."""
        return self.published().filter(tags__category=TagCategory.PERSPECTIVE).distinct().order_by("name")


class Term(models.Model):
    name = models.CharField(max_length=100)
    slug = models.SlugField(max_length=100, unique=True)
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
        ordering = ["name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return slug_url("glossary:term-detail", self.slug)

    @property
    def alias_list(self) -> list[str]:
        return split_lines(self.aliases)

    @property
    def index_letter(self) -> str:
        first = self.name[:1].upper()
        return first if first.isalpha() and first.isascii() else "#"


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
