import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from tests.conftest import *

@pytest.mark.parametrize("url", ["/", "/works/", "/works/triangle-blue/", "/works/sunny-afternoon/", "/tags/", "/tags/netorare/", "/glossary/", "/glossary/netorare/", "/search/?q=tri", "/search/", "/tags/explicit-velvet/"])
@pytest.mark.parametrize("passed", [False, True])
def test_scratch(world, client, url, passed):
    if passed:
        pass_age_gate(client)
    with CaptureQueriesContext(connection) as ctx:
        r = client.get(url)
    print(url, passed, r.status_code, len(ctx.captured_queries), r.headers.get("Vary"), r.headers.get("Cache-Control"))
