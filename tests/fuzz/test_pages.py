"""Every page, for every kind of visitor, with hostile query strings and path segments.

The answer is always a page, a redirect or a 4xx, never a 5xx; a GET writes nothing; and a
redirect never leaves the site.
"""

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from catalog.filters import WorkFilter
from catalog.models import AgeRating, Kind
from lists.choices import Status as ListStatus
from lists.sorts import ENTRY_SORTS
from tests.fuzz.harness import (
    VIEWER_KINDS,
    assert_local_redirect,
    assert_not_5xx,
    client_for,
    example,
    is_redirect,
)
from tests.fuzz.strategies import (
    WORST_VALUES,
    encode_segment,
    junk_text,
    number_like,
    path_segment,
    query_string,
    urlencode,
    value_for,
)

pytestmark = pytest.mark.django_db

TAG_SLUGS = [
    "netorare",
    "netori",
    "netorase",
    "happy-couple",
    "jealousy",
    "regret",
    "hospital",
    "explicit-velvet",
    "lonely-tag",
    "",
]
NEXT_PATHS = ["/", "/works/triangle-blue/", "/works/?tags=jealousy&page=2", "/glossary/netorare/#comments"]
SEARCH_QUERIES = ["blue", "Triangle", "sankaku", "NTR", "netorare", "寝取られ", "jelousy", "a"]

WORK_LIST_PARAMS = {
    "q": value_for(["blue", "Triangle", "sunny", "トライアングル", ""]),
    "tags": value_for(TAG_SLUGS),
    "any_tags": value_for(TAG_SLUGS),
    "exclude_tags": value_for(TAG_SLUGS),
    "kind": value_for(Kind.values + [""]),
    "age_rating": value_for(AgeRating.values + [""]),
    "year_min": value_for(number_like()),
    "year_max": value_for(number_like()),
    "min_score": value_for(number_like()),
    "min_reviews": value_for(number_like()),
    "sort": value_for(list(WorkFilter.SORTS) + [""]),
    "page": number_like(),
    "show_hidden": value_for(["1", "0", ""]),
}
WORK_PAGE_PARAMS = {"reviews": value_for(["newest", "helpful"]), "reviews_page": number_like()}
NEXT_PARAMS = {"next": value_for(NEXT_PATHS)}


def _pk(name):
    """The path of a post of the ``site`` fixture, looked up when the test runs."""
    kind, which, action = name.split(":")
    return lambda site: f"/{kind}s/{getattr(getattr(site, kind + 's'), which).pk}/{action}/"


# Pages that read query parameters, with the parameters they read.
PAGES_WITH_PARAMETERS = {
    "work list": ("/works/", WORK_LIST_PARAMS),
    "work page": ("/works/sunny-afternoon/", WORK_PAGE_PARAMS),
    "18+ work page": ("/works/triangle-blue/", WORK_PAGE_PARAMS),
    "tag page": ("/tags/jealousy/", {"page": number_like()}),
    "explicit tag page": ("/tags/explicit-velvet/", {"page": number_like()}),
    "search": ("/search/", {"q": value_for(SEARCH_QUERIES)}),
    "search suggestions": ("/search/suggest/", {"q": value_for(SEARCH_QUERIES)}),
    "glossary entry": ("/glossary/netorare/", {"comments_page": number_like()}),
    "age gate": ("/accounts/age-check/", NEXT_PARAMS),
    "sign-up": ("/accounts/signup/", NEXT_PARAMS),
    "log-in": ("/accounts/login/", NEXT_PARAMS),
    "sitemap section": ("/sitemap-works.xml", {"p": number_like()}),
    "member's list": (
        "/members/alice/list/",
        {
            "status": value_for(ListStatus.values + [""]),
            "sort": value_for(list(ENTRY_SORTS) + [""]),
            "page": number_like(),
        },
    ),
    "private member's list": ("/members/bob/list/", {"status": value_for(ListStatus.values)}),
}

# Pages that read no query parameter: they must ignore whatever is sent.
PAGES_WITHOUT_PARAMETERS = [
    lambda site: "/",
    lambda site: "/works/feed/",
    lambda site: "/works/sunny-afternoon/reviews/feed/",
    lambda site: "/works/triangle-blue/reviews/feed/",
    lambda site: "/works/hidden-draft/",
    lambda site: "/tags/",
    lambda site: "/glossary/",
    lambda site: "/glossary/draftterm/",
    lambda site: "/accounts/password/",
    lambda site: "/accounts/delete/",
    lambda site: "/accounts/profile/",
    lambda site: "/accounts/members/alice/",
    lambda site: "/accounts/members/kid/",
    lambda site: "/suggest-a-term/",
    lambda site: "/robots.txt",
    lambda site: "/sitemap.xml",
    lambda site: "/sitemap-pages.xml",
    lambda site: "/sitemap-tags.xml",
    lambda site: "/sitemap-glossary.xml",
    _pk("review:own:edit"),
    _pk("review:other:edit"),
    _pk("review:own:delete"),
    _pk("review:hidden:delete"),
    _pk("review:other:report"),
    _pk("review:adult_work:report"),
    _pk("comment:own:edit"),
    _pk("comment:other:delete"),
    _pk("comment:reply:report"),
    _pk("comment:removed:report"),
]

# Every route with a path parameter, for junk in place of the slug, username or id.
PATH_TEMPLATES = [
    "/works/{}/",
    "/works/{}/reviews/",
    "/works/{}/reviews/feed/",
    "/tags/{}/",
    "/glossary/{}/",
    "/glossary/{}/comments/",
    "/accounts/members/{}/",
    "/members/{}/list/",
    "/works/{}/list/",
    "/works/{}/list/remove/",
    "/works/{}/list/details/",
    "/reviews/{}/edit/",
    "/reviews/{}/delete/",
    "/reviews/{}/helpful/",
    "/reviews/{}/report/",
    "/comments/{}/edit/",
    "/comments/{}/delete/",
    "/comments/{}/report/",
    "/sitemap-{}.xml",
    "/{}/",
    "/works/sunny-afternoon/{}/",
]


def request_and_check(watch, client, path: str, query: str = "", method: str = "GET"):
    """One request: never a 5xx, nothing written, and any redirect stays on the site."""
    watch.writes.clear()
    response = client.generic(method, f"{path}?{query}" if query else path)
    assert_not_5xx(response)
    watch.assert_wrote_nothing(f"{method} {path}?{query[:200]}")
    if is_redirect(response):
        assert_local_redirect(response)


@pytest.mark.parametrize("page", PAGES_WITH_PARAMETERS)
@given(data=st.data())
def test_query_parameters_never_break_a_page(site, page, data):
    path, parameters = PAGES_WITH_PARAMETERS[page]
    viewer = data.draw(st.sampled_from(VIEWER_KINDS), label="viewer")
    query = data.draw(query_string(parameters), label="query")
    with example() as watch:
        request_and_check(watch, client_for(viewer, site), path, query)


def test_every_parameter_takes_the_worst_values_cleanly(site):
    """Each parameter of each page alone gets each of the worst values, and comes fifty times, for a member
    with hidden tags (the deepest path through the work list)."""
    for path, parameters in PAGES_WITH_PARAMETERS.values():
        for name in parameters:
            for values in [["1"] * 50, *([value] for value in WORST_VALUES)]:
                with example() as watch:
                    request_and_check(
                        watch, client_for("adult", site), path, urlencode((name, value) for value in values)
                    )


@settings(max_examples=settings().max_examples * 2)
@given(data=st.data())
def test_pages_ignore_unknown_query_parameters(site, data):
    path = data.draw(st.sampled_from(PAGES_WITHOUT_PARAMETERS), label="page")(site)
    viewer = data.draw(st.sampled_from(VIEWER_KINDS), label="viewer")
    query = data.draw(query_string({"page": junk_text(), "next": junk_text()}), label="query")
    with example() as watch:
        request_and_check(watch, client_for(viewer, site), path, query)


@settings(max_examples=settings().max_examples * 2)
@given(data=st.data())
def test_junk_in_the_path_is_a_404_not_a_500(site, data):
    template = data.draw(st.sampled_from(PATH_TEMPLATES), label="route")
    viewer = data.draw(st.sampled_from(VIEWER_KINDS), label="viewer")
    segment = data.draw(path_segment(), label="segment")
    # A small number may be the id of a real post, where a POST rightly writes: that is not junk.
    assume(not (segment.isascii() and segment.isdigit() and len(segment) <= 6))
    method = data.draw(st.sampled_from(["GET", "POST", "HEAD", "PUT", "DELETE", "OPTIONS"]), label="method")
    with example() as watch:
        request_and_check(watch, client_for(viewer, site), template.format(segment), method=method)


def test_the_worst_values_in_every_path(site):
    for template in PATH_TEMPLATES:
        for segment in WORST_VALUES:
            for method in ("GET", "POST"):
                with example() as watch:
                    request_and_check(
                        watch, client_for("adult", site), template.format(encode_segment(segment)), method=method
                    )
