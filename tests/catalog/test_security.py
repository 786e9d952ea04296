"""User-facing text is escaped everywhere it is shown."""

import pytest

from catalog.models import TagCategory
from tests.builders import make_tag, make_term, make_work
from tests.pages import html, pass_age_gate

SCRIPT = "<script>alert(1)</script>"
IMG = '<img src=x onerror="alert(2)">'
ESCAPED_SCRIPT = "&lt;script&gt;alert(1)&lt;/script&gt;"


@pytest.fixture
def hostile(db):
    tag = make_tag(
        f"Tag {SCRIPT}",
        slug="hostile-tag",
        category=TagCategory.THEME,
        description=f"About {IMG}",
        index=True,
        aliases=IMG,
    )
    term = make_term(
        f"Term {SCRIPT}", slug="hostile-term", summary=f"Summary {IMG}", body=f"Body {SCRIPT}", aliases=SCRIPT
    )
    work = make_work(
        f"Evil {SCRIPT}",
        slug="evil",
        synopsis=f"Synopsis {IMG} and {SCRIPT}",
        original_title=IMG,
        alternative_titles=f"Alt {SCRIPT}",
        couple=IMG,
        tags=[(tag, 0, f"Note {IMG}")],
    )
    term.works.add(work)
    return work


def assert_escaped(page: str):
    # Django's templates write a quote as &quot;, the Jinja2 card grid (markupsafe) as &#34;.
    page = page.replace("&#34;", "&quot;")
    assert "Evil &lt;script&gt;" in page or "Term &lt;script&gt;" in page or "Tag &lt;script&gt;" in page
    assert "<script>alert" not in page
    assert "onerror=" not in page.replace("onerror=&quot;", "")  # only ever as escaped text
    assert "<img src=x" not in page


PAGES = [
    "/",
    "/works/",
    "/works/evil/",
    "/search/?q=evil",
    "/search/?q=term+script",
    "/search/?q=tag",
    "/tags/",
    "/tags/hostile-tag/",
    "/glossary/",
    "/glossary/hostile-term/",
]


@pytest.mark.parametrize("passed", [False, True], ids=["visitor", "adult"])
def test_hostile_text_is_escaped(hostile, client, passed):
    if passed:
        pass_age_gate(client)
    for url in PAGES:
        response = client.get(url)
        assert response.status_code == 200, url
        assert_escaped(html(response))


def test_hostile_text_is_shown_escaped_not_dropped(hostile, client):
    page = html(client.get("/works/evil/"))
    assert f"Evil {ESCAPED_SCRIPT}" in page
    assert "&lt;img src=x onerror=&quot;alert(2)&quot;&gt;" in page


def test_search_query_is_reflected_escaped(db, client):
    response = client.get("/search/", {"q": '"><script>alert(3)</script>'})
    page = html(response)
    assert "<script>alert(3)" not in page
    assert "&quot;&gt;&lt;script&gt;alert(3)" in page


def test_filter_values_are_reflected_escaped(db, client):
    page = html(client.get("/works/", {"q": '"><script>alert(4)</script>', "year_min": "<b>x</b>"}))
    assert "<script>alert(4)" not in page
    assert "<b>x</b>" not in page
