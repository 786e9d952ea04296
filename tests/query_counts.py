"""Measuring pages' SQL query counts (DESIGN.md, rule 4), shared by the tests/*/test_query_counts.py files."""

from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext


def count(client: Client, url: str) -> int:
    cache.clear()  # measure the cold path, where the cached parts are computed
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(queries)


def page_counts(client: Client, pages: dict[str, str]) -> dict[str, int]:
    return {page: count(client, url) for page, url in pages.items()}


def assert_within_pins(
    client: Client, pages: dict[str, str], pins: dict[str, int], assert_max_num_queries, who: str
) -> None:
    """Each page in at most its pinned number of queries; ``assert_max_num_queries`` is pytest-django's fixture."""
    for page, url in pages.items():
        cache.clear()
        with assert_max_num_queries(pins[page], info=f"{page} ({url}) as {who}"):
            response = client.get(url)
        assert response.status_code == 200, page
