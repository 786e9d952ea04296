"""/healthz also proves the database accepts writes: a real INSERT, rolled back, that leaves nothing behind."""

import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext

from ops.models import HealthProbe
from tests.ops.helpers import production_env

on_sqlite = pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite only")
on_postgresql = pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL only")


def row_counts() -> dict[str, int]:
    with connection.cursor() as cursor:
        counts = {}
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")
            counts[table] = cursor.fetchone()[0]
    return counts


def test_healthy_probe_writes_and_leaves_nothing_behind(db, client):
    before = row_counts()
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "checks": {"database": "ok"}}
    assert any(q["sql"].startswith("INSERT") and HealthProbe._meta.db_table in q["sql"] for q in queries)
    assert row_counts() == before
    assert not HealthProbe.objects.exists()


def test_a_refused_write_is_not_writable(db, client, monkeypatch):
    from django.db import OperationalError

    def refuse(*args, **kwargs):
        raise OperationalError("attempt to write a readonly database")

    monkeypatch.setattr(HealthProbe.objects, "create", refuse)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"status": "failing", "checks": {"database": "not writable"}}


@on_postgresql
def test_read_only_postgresql_transaction_is_not_writable(db, client):
    with connection.cursor() as cursor:
        # The test's transaction becomes read-only; the probe's savepoint inherits it.
        cursor.execute("SET TRANSACTION READ ONLY")
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"status": "failing", "checks": {"database": "not writable"}}


# --- SQLite: a read-only copy of the database, opened by another process -----------------------

HEALTHZ = """
import json, sys, django
django.setup()
from django.db import connection
from django.test import Client
if sys.argv[1] == "read-only":
    # root writes to a 0444 file in a 0555 directory all the same; SQLite's own read-only
    # open is what a non-root server gets from those permissions.
    connection.settings_dict["NAME"] = f"file:{connection.settings_dict['NAME']}?mode=ro"
    connection.settings_dict["OPTIONS"]["uri"] = True
r = Client().get("/healthz")
print(json.dumps([r.status_code, r.json()]))
"""


def healthz_in_child(database: Path, *, read_only: bool = False) -> tuple[int, dict]:
    env = production_env(DJANGO_SETTINGS_MODULE="config.settings", DATABASE_URL=f"sqlite:///{database}")
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    mode = "read-only" if read_only and os.geteuid() == 0 else "as-is"
    result = subprocess.run(
        [sys.executable, "-c", HEALTHZ, mode],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    status, body = json.loads(result.stdout.strip().splitlines()[-1])
    return status, body


@pytest.fixture
def sqlite_copy(transactional_db):
    """The migrated test database copied to a file (journal_mode DELETE), in a directory of its own.

    transactional_db: the backup API waits forever on the test transaction's locks otherwise."""
    directory = Path(tempfile.mkdtemp(prefix="ntrdb-healthz-"))
    database = directory / "db.sqlite3"
    connection.ensure_connection()
    with sqlite3.connect(database) as target:
        connection.connection.backup(target)
        target.execute("PRAGMA journal_mode=DELETE")
    target.close()
    yield database
    directory.chmod(0o700)
    shutil.rmtree(directory)


def file_counts(database: Path) -> dict[str, int]:
    with sqlite3.connect(f"file:{database}?mode=ro", uri=True) as db:
        tables = [row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        counts = {table: db.execute(f'SELECT COUNT(*) FROM "{table}"').fetchone()[0] for table in tables}
    db.close()
    return counts


@on_sqlite
def test_writable_sqlite_file_is_healthy_and_unchanged(sqlite_copy):
    before = file_counts(sqlite_copy)
    assert healthz_in_child(sqlite_copy) == (200, {"status": "ok", "checks": {"database": "ok"}})
    assert file_counts(sqlite_copy) == before


@on_sqlite
def test_read_only_sqlite_file_is_not_writable(sqlite_copy):
    before = file_counts(sqlite_copy)
    sqlite_copy.chmod(0o444)
    sqlite_copy.parent.chmod(0o555)
    status, body = healthz_in_child(sqlite_copy, read_only=True)
    assert (status, body) == (503, {"status": "failing", "checks": {"database": "not writable"}})
    assert file_counts(sqlite_copy) == before
