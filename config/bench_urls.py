"""The site's URLs plus the bare comparison view, for ``make bench-http`` only (tooling/bench_http.py)."""

from django.urls import path

from config.urls import urlpatterns as site_urlpatterns
from tooling.bench_views import bare_works

urlpatterns = [path("bench/bare-works/", bare_works), *site_urlpatterns]
