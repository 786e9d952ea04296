"""End-to-end fixtures: Debian's Chromium driven by Playwright against a live server on loopback.

One browser for the whole run, a fresh browser context (cookies, storage) per visitor.
The live server thread shares the in-memory test database; pytest-django runs these
tests with a transactional database, flushed after each test, so each test loads its
own catalog.
"""

import datetime
import importlib
import os
from types import SimpleNamespace

import pytest
from django.contrib.auth.models import Group, Permission
from django.contrib.staticfiles.handlers import StaticFilesHandler
from playwright.sync_api import sync_playwright
from pytest_django.live_server_helper import LiveServer

from catalog.models import AgeRating, DatePrecision, Kind, Tag
from community import services
from tests.builders import make_member, make_work
from tests.e2e.browser import CHROMIUM, CHROMIUM_ARGS, DESKTOP, STRICT_CSP, Visitor, ensure_axe
from tooling.seeds import load_seeds


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/e2e/" in item.nodeid:
            item.add_marker(pytest.mark.e2e)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


class _StrictCspStaticFilesHandler(StaticFilesHandler):
    """The live server's handler, adding the site's strict CSP to any response sent without one."""

    def __call__(self, environ, start_response):
        def start_response_with_csp(status, headers, exc_info=None):
            if not any(name.lower() == "content-security-policy" for name, _ in headers):
                headers = [*headers, ("Content-Security-Policy", STRICT_CSP)]
            return start_response(status, headers, exc_info)

        return super().__call__(environ, start_response_with_csp)


@pytest.fixture(scope="session")
def live_server():
    """pytest-django's live server on 127.0.0.1 (a free port), with the strict CSP applied."""
    server = LiveServer("127.0.0.1", start=False)
    server.thread.static_handler = _StrictCspStaticFilesHandler
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: `make test` installs Debian's chromium package (apt-get install chromium)")
    axe_script = ensure_axe()
    # Playwright's sync API keeps an event loop running in this thread; the ORM calls the
    # tests make meanwhile are still synchronous, which Django must be told (Playwright's advice).
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
            browser.axe_script = axe_script
            yield browser
            browser.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def open_tab(browser, live_server, request):
    """Open a tab in a fresh browser context: ``open_tab(viewport=PHONE, color_scheme="dark")``."""
    contexts, visitors = [], []

    def open_tab(*, viewport=DESKTOP, color_scheme="light", java_script_enabled=True) -> Visitor:
        context = browser.new_context(
            viewport=viewport, color_scheme=color_scheme, java_script_enabled=java_script_enabled, locale="en-GB"
        )
        # An init script is not subject to the page's CSP, unlike an injected <script> tag.
        context.add_init_script(path=str(browser.axe_script))
        context.set_default_timeout(10_000)
        contexts.append(context)
        visitor = Visitor(page=context.new_page(), base_url=live_server.url, audit=java_script_enabled)
        visitors.append(visitor)
        return visitor

    yield open_tab

    failed = getattr(request.node, "report_call", None) is not None and request.node.report_call.failed
    if failed:
        for n, visitor in enumerate(visitors):
            visitor.screenshot(f"failures/{request.node.name}-{n}", full_page=False)
    for context in contexts:
        context.close()
    if not failed:
        for visitor in visitors:
            visitor.finish()


@pytest.fixture
def visitor(open_tab) -> Visitor:
    """A newcomer on a desktop-sized window."""
    return open_tab()


@pytest.fixture
def catalog(live_server):
    """The seed catalog and glossary, plus all-ages works with spoiler tags and a reviewed work."""
    load_seeds()
    tags = {tag.slug: tag for tag in Tag.objects.all()}
    summer = make_work(
        "Summer Station",
        kind=Kind.MANGA,
        age_rating=AgeRating.ALL,
        synopsis="Two friends from a seaside town promise to meet at the station every summer, until one of them stops coming.",
        volumes=4,
        released_from=datetime.date(2016, 1, 1),
        released_from_precision=DatePrecision.YEAR,
        tags=[
            (tags["netorare"], 0),
            (tags["jealousy"], 0),
            (tags["long-distance-relationship"], 0, "She moves to the city for university."),
            (tags["regret"], 1, "He wishes he had said something that first summer."),
            (tags["unhappy-ending"], 2, "They never meet at the station again."),
        ],
    )
    lantern = make_work(
        "Lantern Festival",
        kind=Kind.ANIME,
        age_rating=AgeRating.ALL,
        synopsis="A couple running a festival stall agree to an arrangement that tests what they thought they knew about each other.",
        episodes=12,
        released_from=datetime.date(2021, 7, 1),
        released_from_precision=DatePrecision.MONTH,
        tags=[(tags["netorase"], 0), (tags["happy-couple"], 0), (tags["workplace"], 0)],
    )
    balcony = make_work(
        "Rainy Balcony",
        kind=Kind.VISUAL_NOVEL,
        age_rating=AgeRating.R15,
        synopsis="A new neighbour and a long rainy season unsettle a couple who share a balcony wall with him.",
        released_from=datetime.date(2019, 6, 1),
        released_from_precision=DatePrecision.MONTH,
        tags=[(tags["netori"], 0), (tags["living-together"], 0), (tags["guilt"], 0)],
    )
    reviewers = [make_member(f"reader{n}") for n in range(1, 4)]
    for reviewer, score, body in zip(
        reviewers,
        (8, 7, 9),
        (
            "The festival setting carries the whole story and the ending earns its quiet tone.",
            "Slow in the middle, but the couple talk to each other like real people do.",
            "Warm, strange and honest about what the arrangement costs them both.",
        ),
        strict=False,
    ):
        services.review_create(author=reviewer, work=lantern, score=score, body=body)
    return SimpleNamespace(tags=tags, summer=summer, lantern=lantern, balcony=balcony, reviewers=reviewers)


@pytest.fixture
def curators_group(live_server):
    """The Curators group as its data migrations make it: the flush between live-server tests removes it."""
    created = importlib.import_module("community.migrations.0002_curators_group")
    trimmed = importlib.import_module("community.migrations.0006_curators_without_search_index")
    group, _ = Group.objects.get_or_create(name="Curators")
    group.permissions.set(
        Permission.objects.get(content_type__app_label=app_label, codename=f"{action}_{model}")
        for app_label, models in created.CURATOR_PERMISSIONS.items()
        for model, actions in models.items()
        for action in actions.split()
        if (app_label, f"{action}_{model}") not in trimmed.REMOVED_PERMISSIONS
    )
    return group
