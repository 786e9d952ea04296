"""The password-check throttle counts across worker processes and restarts, without Redis.

Two gunicorn servers (one worker each, so which process answers is certain) serve one SQLite
file; failed log-ins alternate between them. The lock comes after exactly
NTRDB_LOGIN_FAILURES_ALLOWED failures in all, whichever process saw them, and is still there
after both servers stop and a new one starts. With the per-process memory cache each worker
would have allowed the full number on its own.
"""

from tests.tooling.site import MEMBER, MEMBER_PASSWORD
from tooling.browser import Browser
from tooling.server import GunicornServer

ALLOWED = 3
WRONG_PASSWORD = "Please enter a correct username and password."
LOCKED = "Too many failed sign-in attempts. Please wait 15 minutes and try again."


def test_the_lock_holds_across_processes_and_restarts(site, tmp_path):
    env = {**site.env, "NTRDB_LOGIN_FAILURES_ALLOWED": str(ALLOWED), "NTRDB_LOGIN_LOCKOUT_SECONDS": "900"}
    env.pop("REDIS_URL", None)
    first = GunicornServer(env, tmp_path / "first.log", workers=1)
    second = GunicornServer(env, tmp_path / "second.log", workers=1)
    with first, second:
        assert first.worker_pids().isdisjoint(second.worker_pids())
        servers = [first, second]
        for attempt in range(ALLOWED):
            server = servers[attempt % 2]
            answer = Browser(server.base_url, timeout=30).log_in(MEMBER, "not-the-password-1")
            assert answer.status == 200, f"failure {attempt + 1} on {server.base_url}: {answer.status}"
            assert WRONG_PASSWORD in answer.body
            assert LOCKED not in answer.body
        # Failure ALLOWED + 1 would be next: refused on either process, even with the right password.
        for server in (servers[ALLOWED % 2], servers[(ALLOWED + 1) % 2]):
            answer = Browser(server.base_url, timeout=30).log_in(MEMBER, MEMBER_PASSWORD)
            assert answer.status == 429, f"{server.base_url} let a locked member in: {answer.status}"
            assert LOCKED in answer.body
            admin = Browser(server.base_url, timeout=30)
            admin.get("/admin/login/")
            assert admin.post("/admin/login/", {"username": MEMBER, "password": MEMBER_PASSWORD}).status == 429

    with GunicornServer(env, tmp_path / "restarted.log", workers=2) as restarted:
        answer = Browser(restarted.base_url, timeout=30).log_in(MEMBER, MEMBER_PASSWORD)
        assert answer.status == 429, "a restart forgot the lock"
        assert LOCKED in answer.body

    # The lock is the counters' rows: lifted, the right password gets in again.
    site.query("DELETE FROM accounts_throttlecounter")
    with GunicornServer(env, tmp_path / "lifted.log", workers=1) as server:
        assert Browser(server.base_url, timeout=30).log_in(MEMBER, MEMBER_PASSWORD).status == 302
