"""sitemap.xml: an index of sections, one per app that has pages to list, each through the visibility policy."""

from catalog.sitemaps import MainPagesSitemap, tag_sitemap, work_sitemap
from glossary.sitemaps import term_sitemap

SITEMAPS = {
    "pages": MainPagesSitemap(),
    "works": work_sitemap(),
    "tags": tag_sitemap(),
    "glossary": term_sitemap(),
}
