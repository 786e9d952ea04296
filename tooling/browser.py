"""A small HTTP client that keeps cookies and fills in forms the way a browser does.

It reads the CSRF token from the page it last loaded and sends it back with the next
POST, keeps the session cookie, and does not follow redirects by itself, so callers
see the 302 that acknowledges a post. Standard library only.
"""

import html
import re
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from http.client import HTTPException
from http.cookiejar import CookieJar
from urllib.parse import urlencode

_CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
AGE_GATE_FORM = 'action="/accounts/age-check/"'


@dataclass
class Response:
    status: int  # 0 when no HTTP answer came back (connection refused, reset, timeout)
    body: str
    location: str
    seconds: float
    error: str = ""

    @property
    def redirected(self) -> bool:
        return self.status in (301, 302, 303)


class _KeepRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None  # hand the 3xx to the caller, as an HTTPError


class Browser:
    def __init__(self, base_url: str, *, timeout: float = 60):
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self.cookies = CookieJar()
        self.csrf_token = ""
        self._opener = urllib.request.build_opener(
            urllib.request.ProxyHandler({}),  # never route loopback traffic through a configured proxy
            urllib.request.HTTPCookieProcessor(self.cookies),
            _KeepRedirects(),
        )

    def request(self, method: str, path: str, fields: dict | None = None) -> Response:
        data = urlencode(fields, doseq=True).encode() if fields is not None else None
        url = path if path.startswith("http") else self.base_url + path
        headers = {"User-Agent": "ntrdb-tooling-browser", "Accept": "text/html"}
        if method == "POST":
            # Django checks the Referer only over HTTPS; a browser sends it anyway.
            headers["Referer"] = url
        request = urllib.request.Request(url, data=data, method=method, headers=headers)
        start = time.perf_counter()
        try:
            with self._opener.open(request, timeout=self.timeout) as answer:
                status, body, location = answer.status, answer.read(), answer.headers.get("Location", "")
        except urllib.error.HTTPError as answer:  # 3xx (not followed), 4xx and 5xx
            try:
                body = answer.read()
            except (OSError, HTTPException):
                body = b""
            status, location = answer.code, answer.headers.get("Location", "")
        except (TimeoutError, urllib.error.URLError, OSError, HTTPException) as problem:
            return Response(0, "", "", time.perf_counter() - start, error=f"{type(problem).__name__}: {problem}")
        text = body.decode("utf-8", errors="replace")
        token = _CSRF_INPUT.search(text)
        if token:
            self.csrf_token = html.unescape(token.group(1))
        return Response(status, text, location, time.perf_counter() - start)

    def get(self, path: str) -> Response:
        return self.request("GET", path)

    def post(self, path: str, fields: dict) -> Response:
        """POST a form with the CSRF token of the page loaded last, as a browser submits the form on it."""
        return self.request("POST", path, {"csrfmiddlewaretoken": self.csrf_token, **fields})

    def log_in(self, username: str, password: str) -> Response:
        self.get("/accounts/login/")
        return self.post("/accounts/login/", {"username": username, "password": password, "next": "/"})

    def pass_age_gate(self, next_path: str) -> Response:
        """Answer "Are you 18 or older?" with Enter; the gate page must have been loaded first."""
        return self.post("/accounts/age-check/", {"next": next_path})

    def has_cookie(self, name: str) -> bool:
        return any(cookie.name == name for cookie in self.cookies)
