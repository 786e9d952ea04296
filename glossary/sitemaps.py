from accounts.viewer import ANONYMOUS_VIEWER
from catalog.sitemaps import PagedSitemap
from glossary.models import Term


def term_sitemap() -> PagedSitemap:
    """Every term an anonymous visitor may read in full."""
    terms = Term.objects.for_viewer(ANONYMOUS_VIEWER).only("slug", "updated_at").order_by("pk")
    return PagedSitemap({"queryset": terms, "date_field": "updated_at"})
