"""Security headers on every kind of response, and no inline code for the CSP to block."""

from html.parser import HTMLParser

import pytest
from django.conf import settings
from django.db import OperationalError
from django.test import Client
from django.urls import reverse

from accounts.models import User
from tests.pages import html

DENIED_FEATURES = ["camera", "microphone", "geolocation", "payment", "usb"]


def csp_directives(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    return {name: values for name, *values in (part.split() for part in header.split(";") if part.strip())}


def assert_security_headers(response):
    csp = csp_directives(response)
    assert csp["default-src"] == ["'self'"]
    assert csp["script-src"] == ["'self'"], "scripts only from this site: no unsafe-inline, no unsafe-eval"
    assert csp["style-src"] == ["'self'"]
    assert csp["img-src"] == ["'self'", "data:"]
    assert csp["object-src"] == ["'none'"]
    assert csp["base-uri"] == ["'self'"]
    assert csp["form-action"] == ["'self'"]
    assert csp["frame-ancestors"] == ["'none'"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"
    permissions = {item.strip() for item in response["Permissions-Policy"].split(",")}
    assert {f"{feature}=()" for feature in DENIED_FEATURES} <= permissions


@pytest.fixture
def superuser_client(db):
    user = User.objects.create_superuser("headers-admin", "admin@example.com", password=None)
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.parametrize(
    "url, status",
    [
        ("/", 200),
        ("/works/", 200),
        ("/glossary/", 200),
        ("/search/?q=blue", 200),
        ("/search/suggest/?q=blue", 200),
        ("/robots.txt", 200),
        ("/healthz", 200),
        ("/no-such-page/", 404),
        ("/admin/", 302),
    ],
)
def test_pages_carry_the_security_headers(world, client, url, status):
    response = client.get(url)
    assert response.status_code == status
    assert_security_headers(response)


def test_gated_work_page_carries_the_security_headers(world, client):
    response = client.get(reverse("catalog:work-detail", args=[world.adult.slug]))
    assert "Are you 18 or older?" in html(response)
    assert_security_headers(response)


def test_refused_csrf_post_carries_the_security_headers(world):
    response = Client(enforce_csrf_checks=True).post(reverse("accounts:age-gate"), {"next": "/"})
    assert response.status_code == 403
    assert_security_headers(response)


def test_bad_host_carries_the_security_headers(world, client):
    response = client.get("/", HTTP_HOST="evil.example")
    assert response.status_code == 400
    assert_security_headers(response)


@pytest.mark.parametrize(
    "error, status", [(RuntimeError("a bug"), 500), (OperationalError("could not connect to server"), 503)]
)
def test_server_error_and_unavailable_pages_carry_the_security_headers(world, monkeypatch, error, status):
    def broken(*args, **kwargs):
        raise error

    monkeypatch.setattr("catalog.views.HomeView.get_context_data", broken)
    response = Client(raise_request_exception=False).get("/")
    assert response.status_code == status
    assert_security_headers(response)


def test_static_files_served_by_whitenoise_carry_the_security_headers(settings):
    settings.WHITENOISE_USE_FINDERS = True  # read when the middleware is built: by the new Client below
    response = Client().get("/static/css/site.css")
    assert response.status_code == 200
    assert type(response).__name__ == "WhiteNoiseFileResponse", "answered by whitenoise, not a view"
    assert_security_headers(response)


@pytest.mark.parametrize(
    "url_name",
    [
        "admin:index",
        "admin:catalog_work_changelist",
        "admin:catalog_work_add",
        "admin:glossary_term_add",
        "admin:community_review_changelist",
    ],
)
def test_admin_pages_carry_the_security_headers(world, superuser_client, url_name):
    response = superuser_client.get(reverse(url_name))
    assert response.status_code == 200
    assert_security_headers(response)


def test_hsts_and_secure_cookies_in_production(world, client, settings):
    # What DJANGO_HTTPS=1 turns on (config/settings.py), applied to a request that came over HTTPS.
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    settings.SESSION_COOKIE_SECURE = True
    settings.CSRF_COOKIE_SECURE = True
    response = client.post(reverse("accounts:age-gate"), {"next": "/"}, secure=True)
    assert response.status_code == 302
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
    session_cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert session_cookie["secure"] and session_cookie["httponly"]
    csrf_cookie = Client().get(reverse("accounts:login"), secure=True).cookies[settings.CSRF_COOKIE_NAME]
    assert csrf_cookie["secure"] and csrf_cookie["httponly"]


# --- No inline code: the CSP would block it, so none may exist. -----------------------------


class InlineCodeFinder(HTMLParser):
    """Collects what a CSP without 'unsafe-inline' blocks: inline scripts and styles,
    event-handler attributes, style attributes and javascript: URLs."""

    def __init__(self):
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        # JSON data blocks (Django's json_script) are never executed, so CSP allows them.
        if tag == "script" and "src" not in attributes and attributes.get("type") != "application/json":
            self.found.append(f"inline <script> {attributes}")
        if tag == "style":
            self.found.append("<style> element")
        for name, value in attrs:
            if name.startswith("on"):
                self.found.append(f"<{tag} {name}=...>")
            if name == "style":
                self.found.append(f"<{tag} style={value!r}>")
            if name in ("href", "src", "action") and (value or "").strip().lower().startswith("javascript:"):
                self.found.append(f"<{tag} {name}={value!r}>")


def inline_code(page: str) -> list[str]:
    finder = InlineCodeFinder()
    finder.feed(page)
    return finder.found


def test_the_finder_sees_inline_code():
    page = '<script>x()</script><p style="color:red" onclick="y()"><a href="javascript:z()">'
    assert len(inline_code(page)) == 4
    assert inline_code('<script src="/static/a.js"></script><script type="application/json">{}</script>') == []


TEMPLATES = sorted(
    p.relative_to(settings.BASE_DIR).as_posix() for p in (settings.BASE_DIR / "templates").rglob("*.html")
)


@pytest.mark.parametrize("template", TEMPLATES)
def test_templates_hold_no_inline_code(template):
    assert inline_code((settings.BASE_DIR / template).read_text()) == []


@pytest.mark.parametrize(
    "url",
    [
        "/admin/",
        "/admin/catalog/work/",
        "/admin/catalog/work/add/",
        "/admin/catalog/work/{adult}/change/",
        "/admin/catalog/tag/add/",
        "/admin/glossary/term/{netorare}/change/",
        "/admin/accounts/user/add/",
        "/admin/community/review/",
        "/admin/community/report/",
    ],
)
def test_admin_pages_hold_no_inline_code(world, superuser_client, url):
    """The admin's changelists and change forms (inlines, autocomplete, prepopulated slugs) work under the CSP."""
    response = superuser_client.get(url.format(adult=world.adult.pk, netorare=world.terms.netorare.pk))
    assert response.status_code == 200
    assert inline_code(html(response)) == []
