"""When the database (or Redis) cannot be reached, pages answer a styled 503 with Retry-After.

Never a stack trace, never the plain 500 page, wherever the error surfaces: in a view, in a
middleware, or while a template renders.
"""

import json
import re
import traceback

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.db import OperationalError
from django.template.loader import render_to_string
from django.test import Client
from redis.exceptions import ConnectionError as RedisConnectionError

from tests.builders import make_member
from tests.ops.helpers import production_env, run_python


def unreachable(*args, **kwargs):
    raise OperationalError("could not connect to server: Connection refused")


def assert_styled_503(response):
    assert response.status_code == 503
    assert int(response["Retry-After"]) > 0
    assert "no-store" in response["Cache-Control"]
    page = response.content.decode()
    assert "briefly unavailable" in page
    assert 'href="/static/css/site.css"' in page, "in the site's look"
    assert "Something went wrong" not in page, "not the 500 page"
    for leak in ("Traceback", "OperationalError", "Connection refused", "could not connect"):
        assert leak not in page


@pytest.fixture
def failing_client():
    """A client that gets the error page, as a browser would, instead of the exception."""
    return Client(raise_request_exception=False)


@pytest.fixture
def handled_exception(monkeypatch):
    """The exception handler500 was called for last, so a test can tell where it was raised."""
    import ops.views

    seen = []
    original = ops.views._caused_by_unavailable_service

    def spy(exc):
        seen.append(exc)
        return original(exc)

    monkeypatch.setattr(ops.views, "_caused_by_unavailable_service", spy)

    def last():
        assert seen, "handler500 was not called"
        return seen[-1]

    return last


def raised_in(exc: BaseException, fragment: str) -> bool:
    return any(fragment in frame.filename for frame in traceback.extract_tb(exc.__traceback__))


def test_error_in_a_view(world, failing_client, monkeypatch, handled_exception):
    monkeypatch.setattr("catalog.views.WorkListView.get_queryset", unreachable)
    response = failing_client.get("/works/")
    assert_styled_503(response)
    assert raised_in(handled_exception(), "django/views/generic/list.py")


def test_error_in_the_session_middleware(world, failing_client, monkeypatch, handled_exception):
    # Passing the age gate writes the session: SessionMiddleware saves it on the way out.
    monkeypatch.setattr(SessionStore, "save", unreachable)
    response = failing_client.post("/accounts/age-check/", {"next": "/"})
    assert_styled_503(response)
    assert raised_in(handled_exception(), "django/contrib/sessions/middleware.py")


def test_error_while_a_template_renders(db, failing_client, monkeypatch, handled_exception):
    # The page header asks whether the visitor is signed in; for a visitor with a session
    # cookie that is the first read of the session, made by the template.
    failing_client.force_login(make_member(age=30))
    monkeypatch.setattr(SessionStore, "load", unreachable)
    response = failing_client.get("/no-such-page/")
    assert_styled_503(response)
    assert raised_in(handled_exception(), "django/template/")


def test_error_reading_the_signed_in_member(db, failing_client, monkeypatch):
    failing_client.force_login(make_member(age=30))
    monkeypatch.setattr(SessionStore, "load", unreachable)
    assert_styled_503(failing_client.get("/"))


def test_unreachable_redis_cache_is_also_a_503(world, failing_client, monkeypatch):
    def redis_down(*args, **kwargs):
        raise RedisConnectionError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr("django.core.cache.backends.locmem.LocMemCache.get", redis_down)
    assert_styled_503(failing_client.get("/tags/"))


def test_other_errors_still_get_the_500_page(world, failing_client, monkeypatch):
    def bug(*args, **kwargs):
        raise ValueError("a bug, not an outage")

    monkeypatch.setattr("catalog.views.WorkListView.get_queryset", bug)
    response = failing_client.get("/works/")
    assert response.status_code == 500
    assert "Retry-After" not in response
    assert "Something went wrong" in response.content.decode()


def test_the_503_page_renders_without_the_database():
    # No db fixture: pytest-django makes any query here fail the test.
    page = render_to_string("503.html")
    assert "briefly unavailable" in page


# --- The real thing: production settings, a database file that cannot be opened. ----------

PAGES_WHEN_DOWN = """
import json
import django

django.setup()
from django.test import Client

answers = []
for cookie in (None, "a" * 32):
    client = Client(raise_request_exception=False)
    if cookie:
        client.cookies["sessionid"] = cookie
    for method, url in [
        ("get", "/"), ("get", "/works/"), ("get", "/works/some-work/"), ("get", "/tags/"), ("get", "/glossary/"),
        ("get", "/search/?q=blue"), ("post", "/accounts/age-check/"),
    ]:
        response = getattr(client, method)(url)
        answers.append({
            "request": f"{method.upper()} {url} cookie={bool(cookie)}",
            "status": response.status_code,
            "headers": dict(response.headers),
            "body": response.content.decode(),
        })
healthz = Client().get("/healthz")
print(json.dumps({"pages": answers, "healthz": {"status": healthz.status_code, "body": healthz.json()}}))
"""


@pytest.fixture(scope="module")
def collected_static(tmp_path_factory):
    """Production settings serve hashed static files from a manifest: collect them once."""
    root = tmp_path_factory.mktemp("static")
    result = run_python(
        ["manage.py", "collectstatic", "--noinput", "-v0"], production_env(DJANGO_STATIC_ROOT=str(root))
    )
    assert result.returncode == 0, result.stderr
    return root


def test_pages_and_healthz_answer_503_when_the_database_file_cannot_be_opened(collected_static, tmp_path):
    env = production_env(
        DJANGO_SETTINGS_MODULE="config.settings",
        DJANGO_STATIC_ROOT=str(collected_static),
        NTRDB_SQLITE_PATH=str(tmp_path / "no-such-directory" / "db.sqlite3"),
    )
    result = run_python(PAGES_WHEN_DOWN, env)
    assert result.returncode == 0, result.stderr
    answers = json.loads(result.stdout)
    assert answers["healthz"] == {"status": 503, "body": {"status": "failing", "checks": {"database": "failing"}}}
    assert len(answers["pages"]) == 14
    for answer in answers["pages"]:
        assert answer["status"] == 503, answer["request"]
        assert int(answer["headers"]["Retry-After"]) > 0, answer["request"]
        assert "Content-Security-Policy" in answer["headers"]
        page = answer["body"]
        assert "briefly unavailable" in page, answer["request"]
        assert re.search(r'href="/static/css/site\.[0-9a-f]+\.css"', page), "the site's hashed stylesheet"
        assert "Traceback" not in page and "unable to open database file" not in page
