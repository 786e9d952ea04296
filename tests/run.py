"""Run the test suite on SQLite and, when a server answers, on PostgreSQL (``make test``).

    python -m tests.run [--only sqlite|postgresql] [pytest arguments ...]

The PostgreSQL run gets a database of its own, named for this run, so parallel runs on one
server never meet; it is dropped afterwards whatever happened, even on Ctrl-C or SIGTERM. The
server is ``NTRDB_TEST_POSTGRES_URL`` (default: user ``postgres`` on 127.0.0.1:5432, as on
the CI machine). No server there: the PostgreSQL run is reported as skipped, unless it was
the only one asked for. Each run tells the suite which database it means
(``NTRDB_TEST_DATABASE_VENDOR``), and tests/config/test_database.py fails if the suite got another,
so a lost ``DATABASE_URL`` cannot pass for a PostgreSQL run.
"""

import argparse
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from urllib.parse import urlsplit, urlunsplit

import psycopg
from psycopg import sql

DEFAULT_SERVER = "postgres://postgres@127.0.0.1:5432/postgres"


class Terminated(Exception):
    pass


def _raise_terminated(signum, frame):
    raise Terminated


def run_pytest(pytest_args: list[str], **env: str | None) -> int:
    # The suite clears the cache before every test: a developer's REDIS_URL would be flushed.
    # (tests/ops point their own Redis tests at a database of their own.)
    env.setdefault("REDIS_URL", None)
    environment = {key: value for key, value in os.environ.items() if key not in env}
    environment.update({key: value for key, value in env.items() if value is not None})
    return subprocess.call([sys.executable, "-m", "pytest", *pytest_args], env=environment)


def on_sqlite(pytest_args: list[str]) -> tuple[str, bool]:
    print("== SQLite ==", flush=True)
    started = time.monotonic()
    # Without DATABASE_URL the settings fall back to SQLite; pytest-django tests in memory.
    code = run_pytest(pytest_args, DATABASE_URL=None, NTRDB_TEST_DATABASE_VENDOR="sqlite")
    return f"{'passed' if code == 0 else 'FAILED'} ({time.monotonic() - started:.0f} s)", code == 0


def _server_answers(host: str, port: int) -> bool:
    try:
        socket.create_connection((host, port), timeout=3).close()
    except OSError:
        return False
    return True


def _with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{name}"))


def _drop(server_url: str, database: str) -> None:
    with psycopg.connect(server_url, autocommit=True, connect_timeout=10) as conn:
        # FORCE (PostgreSQL 13+) ends sessions a killed test run may have left behind.
        force = sql.SQL(" WITH (FORCE)") if conn.info.server_version >= 130000 else sql.SQL("")
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(database)) + force)


def on_postgresql(pytest_args: list[str], *, required: bool) -> tuple[str, bool]:
    server_url = os.environ.get("NTRDB_TEST_POSTGRES_URL") or DEFAULT_SERVER
    parts = urlsplit(server_url)
    where = f"{parts.hostname or 'localhost'}:{parts.port or 5432}"
    if not _server_answers(parts.hostname or "localhost", parts.port or 5432):
        return f"{'FAILED' if required else 'skipped'}, no server on {where}", not required
    try:
        with psycopg.connect(server_url, connect_timeout=10) as conn:
            major, minor = divmod(conn.info.server_version, 10000)
            version = f"{major}.{minor}"
    except psycopg.Error as error:
        return f"FAILED, the server on {where} refused the connection: {error}".strip(), False

    # pytest-django creates "test_<name>" and drops it after the run; we drop it again in any case.
    name = f"ntrdb_{time.strftime('%Y%m%d%H%M%S')}_{os.getpid()}_{secrets.token_hex(3)}"
    test_database = f"test_{name}"
    print(f"== PostgreSQL {version} on {where}, database {test_database} ==", flush=True)
    started = time.monotonic()
    previous_handler = signal.signal(signal.SIGTERM, _raise_terminated)
    code = 1
    try:
        # The browser journeys test pages, not the database, and already ran on SQLite.
        code = run_pytest(
            ["-m", "not e2e", *pytest_args],
            DATABASE_URL=_with_database(server_url, name),
            NTRDB_TEST_DATABASE_VENDOR="postgresql",
        )
    except (KeyboardInterrupt, Terminated):
        code = 130
    finally:
        signal.signal(signal.SIGTERM, previous_handler)
        try:
            _drop(server_url, test_database)
            dropped = "dropped"
        except psycopg.Error as error:
            dropped, code = f"NOT dropped ({error})", code or 1
    outcome = "passed" if code == 0 else "INTERRUPTED" if code == 130 else "FAILED"
    return (
        f"{outcome} ({time.monotonic() - started:.0f} s; PostgreSQL {version}, database {test_database} {dropped})",
        code == 0,
    )


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0], allow_abbrev=False)
    parser.add_argument("--only", choices=["sqlite", "postgresql"])
    options, pytest_args = parser.parse_known_args(argv)
    results = {}
    try:
        if options.only in (None, "sqlite"):
            results["SQLite"] = on_sqlite(pytest_args)
        if options.only in (None, "postgresql"):
            results["PostgreSQL"] = on_postgresql(pytest_args, required=options.only == "postgresql")
    except KeyboardInterrupt:
        return 130
    print()
    for database, (summary, _) in results.items():
        print(f"{database}: {summary}")
    return 0 if all(ok for _, ok in results.values()) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
