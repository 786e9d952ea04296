"""sitemap.xml: an index of sections, each listing only pages an anonymous visitor can read in full.

18+ works are left out (their pages answer with the age gate, which is ``noindex``), and so
are explicit content tags and anything unpublished.
"""

from django.contrib.sitemaps import GenericSitemap, Sitemap
from django.urls import reverse

from accounts.viewer import ANONYMOUS_VIEWER
from catalog.models import Tag, Work
from glossary.models import Term

# Small enough that a section page renders quickly on a large catalog; the index links every page.
SITEMAP_PAGE_SIZE = 10_000


class MainPagesSitemap(Sitemap):
    def items(self):
        return ["home", "catalog:work-list", "catalog:tag-list", "glossary:term-index"]

    def location(self, url_name):
        return reverse(url_name)


class PagedSitemap(GenericSitemap):
    """A queryset's pages; ordered by primary key so a page's contents stay put as rows are added."""

    limit = SITEMAP_PAGE_SIZE


SITEMAPS = {
    "pages": MainPagesSitemap(),
    "works": PagedSitemap(
        {
            "queryset": Work.objects.for_syndication().only("slug", "updated_at").order_by("pk"),
            "date_field": "updated_at",
        }
    ),
    "tags": PagedSitemap({"queryset": Tag.objects.for_viewer(ANONYMOUS_VIEWER).only("slug").order_by("pk")}),
    "glossary": PagedSitemap(
        {
            "queryset": Term.objects.for_viewer(ANONYMOUS_VIEWER).only("slug", "updated_at").order_by("pk"),
            "date_field": "updated_at",
        }
    ),
}
