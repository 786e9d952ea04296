"""gunicorn over a real SQLite file: a worker killed mid-request, and a restarted server."""

import os
import signal
import subprocess
import threading
import time
from pathlib import Path

import pytest

from tests.tooling.site import ADULT_WORK, MEMBER, MEMBER_PASSWORD, TERM
from tooling.browser import AGE_GATE_FORM, Browser, Response
from tooling.server import BASE_DIR, GunicornServer, ServerError

COMMENTS = f"/glossary/{TERM}/comments/"


def wait_for(condition, *, timeout: float = 15, what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.05)
    pytest.fail(f"timed out waiting for {what}")


def held_worker(hold_dir: Path) -> int:
    marker = hold_dir / "held.pid"
    pid = int(wait_for(lambda: marker.is_file() and marker.read_text(), what="the request to be held"))
    marker.unlink()
    return pid


def post_in_background(browser: Browser, path: str, fields: dict) -> tuple[threading.Thread, list[Response]]:
    answers: list[Response] = []
    thread = threading.Thread(target=lambda: answers.append(browser.post(path, fields)))
    thread.start()
    return thread, answers


def member_browser(server: GunicornServer) -> Browser:
    browser = Browser(server.base_url, timeout=30)
    assert browser.log_in(MEMBER, MEMBER_PASSWORD).status == 302
    return browser


def comment(browser: Browser, body: str, *, hold: str = "") -> Response:
    browser.get(f"/glossary/{TERM}/")  # the page with the form, and its CSRF token
    return browser.post(COMMENTS + (f"?hold={hold}" if hold else ""), {"body": body})


def kill_held_request(site, server: GunicornServer, browser: Browser, body: str, hold: str) -> int:
    browser.get(f"/glossary/{TERM}/")
    thread, answers = post_in_background(browser, f"{COMMENTS}?hold={hold}", {"body": body})
    pid = held_worker(Path(site.env["HOLD_DIR"]))
    assert pid in server.worker_pids()
    os.kill(pid, signal.SIGKILL)
    thread.join(timeout=30)
    assert answers and answers[0].status == 0, "the client of a killed worker gets no answer"
    return pid


def test_a_worker_killed_mid_request_loses_no_committed_data_and_the_site_keeps_serving(site, tmp_path):
    with GunicornServer(
        site.env, tmp_path / "gunicorn.log", app="tests.tooling.holding_wsgi:application", workers=2
    ) as server:
        browser = member_browser(server)
        assert comment(browser, "Written before any crash.").status == 302

        killed = {
            # Killed between the INSERT and the COMMIT: the half-done write must vanish whole.
            kill_held_request(site, server, browser, "Cut off inside its transaction.", "in-transaction"),
            # Killed after the COMMIT, before the answer went out: the write must stay.
            kill_held_request(site, server, browser, "Committed, then its worker died.", "after-commit"),
        }

        workers = wait_for(
            lambda: (pids := server.worker_pids()) and len(pids) == 2 and not pids & killed and pids,
            what="the master to replace the killed workers",
        )
        assert len(workers) == 2
        for _ in range(4):
            assert browser.get("/").status == 200
        # The killed worker held SQLite's write lock mid-transaction; writing must work again.
        assert comment(browser, "Written after the crashes.").status == 302

    bodies = {body for (body,) in site.query("SELECT body FROM community_comment")}
    assert bodies == {"Written before any crash.", "Committed, then its worker died.", "Written after the crashes."}
    assert site.query("PRAGMA integrity_check") == [("ok",)]


def test_restarting_the_server_keeps_sessions(site, tmp_path):
    server = GunicornServer(site.env, tmp_path / "gunicorn.log", workers=1)
    with server:
        member = member_browser(server)
        visitor = Browser(server.base_url)
        gate = visitor.get(f"/works/{ADULT_WORK}/")
        assert AGE_GATE_FORM in gate.body
        assert visitor.pass_age_gate(f"/works/{ADULT_WORK}/").status == 302
        assert member.get("/accounts/profile/").status == 200

    with GunicornServer(site.env, tmp_path / "gunicorn.log", port=server.port, workers=1) as restarted:
        profile = member.get("/accounts/profile/")
        assert profile.status == 200 and MEMBER in profile.body
        assert AGE_GATE_FORM not in visitor.get(f"/works/{ADULT_WORK}/").body
        # A browser without the cookies is still a stranger: the checks above can fail.
        stranger = Browser(restarted.base_url)
        assert stranger.get("/accounts/profile/").status == 302
        assert AGE_GATE_FORM in stranger.get(f"/works/{ADULT_WORK}/").body


def test_without_a_secret_key_the_server_refuses_to_start_and_says_why(site, tmp_path):
    env = {key: value for key, value in site.env.items() if key != "DJANGO_SECRET_KEY"}
    server = GunicornServer(env, tmp_path / "gunicorn.log")
    with pytest.raises(ServerError, match="DJANGO_SECRET_KEY must be set when DJANGO_DEBUG is off"):
        server.start()
    assert server.process.returncode != 0


def test_make_serve_without_a_secret_key_stops_before_doing_anything():
    env = {key: value for key, value in os.environ.items() if key != "DJANGO_SECRET_KEY"}
    result = subprocess.run(["make", "-s", "serve"], cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode != 0
    assert "set DJANGO_SECRET_KEY" in result.stderr
    assert "migrate" not in result.stdout + result.stderr
