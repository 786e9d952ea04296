from django.contrib import admin
from django.contrib.sitemaps import views as sitemap_views
from django.urls import include, path

from accounts.forms import ThrottledAdminAuthenticationForm
from accounts.views import admin_login
from catalog.views import HomeView, favicon, robots_txt
from config.sitemaps import SITEMAPS

admin.site.site_header = "ntrdb curation"
admin.site.site_title = "ntrdb curation"
admin.site.index_title = "Catalog, glossary and community"
# The admin log-in is throttled like every password check (accounts/throttle.py); this form names the lock.
admin.site.login_form = ThrottledAdminAuthenticationForm

urlpatterns = [
    path("", HomeView.as_view(), name="home"),
    path("robots.txt", robots_txt, name="robots-txt"),
    path("favicon.ico", favicon, name="favicon"),
    path(
        "sitemap.xml",
        sitemap_views.index,
        {"sitemaps": SITEMAPS, "sitemap_url_name": "sitemap-section"},
        name="sitemap-index",
    ),
    path("sitemap-<section>.xml", sitemap_views.sitemap, {"sitemaps": SITEMAPS}, name="sitemap-section"),
    path("", include("catalog.urls")),
    path("glossary/", include("glossary.urls")),
    path("accounts/", include("accounts.urls")),
    path("", include("lists.urls")),
    path("", include("community.urls")),
    # Ahead of the admin's own URLs: the same page, answered 429 while locked.
    path("admin/login/", admin_login),
    path("admin/", admin.site.urls),
    path("", include("ops.urls")),
]

# A database or cache that cannot be reached answers 503 with Retry-After; other errors the 500 page.
handler500 = "ops.views.server_error"

# MEDIA_ROOT is deliberately not served, not even while debugging: covers are served by
# catalog.views.work_cover, which applies the age gate a plain file URL would bypass.
