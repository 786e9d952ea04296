"""The catalog's parts of sitemap.xml (assembled in ``config.sitemaps``): only pages an
anonymous visitor can read in full.

18+ works are left out (their pages answer with the age gate, which is ``noindex``), and so
are explicit content tags and anything unpublished.
"""

from django.contrib.sitemaps import GenericSitemap, Sitemap
from django.urls import reverse

from accounts.viewer import ANONYMOUS_VIEWER
from catalog.models import Tag, Work

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


def work_sitemap() -> PagedSitemap:
    works = Work.objects.for_syndication().only("slug", "updated_at").order_by("pk")
    return PagedSitemap({"queryset": works, "date_field": "updated_at"})


def tag_sitemap() -> PagedSitemap:
    return PagedSitemap({"queryset": Tag.objects.for_viewer(ANONYMOUS_VIEWER).only("slug").order_by("pk")})
