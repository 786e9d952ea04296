"""The site's settings plus the bare comparison view, for ``make bench-http`` only (tooling/bench_http.py)."""

from config.settings import *  # noqa: F403

ROOT_URLCONF = "config.bench_urls"
