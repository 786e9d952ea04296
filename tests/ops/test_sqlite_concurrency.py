"""SQLite is set up for several workers: concurrent writers wait for each other instead of failing.

Runs against a real database file (WAL and locking do not apply to the in-memory test database),
in child processes that read config/settings.py as a deployment would (on SQLite whatever
database the suite itself runs on).
"""

import json
import shutil

import pytest

from tests.ops.helpers import production_env, run_python


@pytest.fixture(scope="module")
def migrated_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("sqlite") / "template.sqlite3"
    result = run_python(["manage.py", "migrate", "-v0"], production_env(NTRDB_SQLITE_PATH=str(path)))
    assert result.returncode == 0, result.stderr
    return path


def run_writers(migrated_file, tmp_path, *args) -> dict:
    database = tmp_path / "db.sqlite3"
    shutil.copyfile(migrated_file, database)
    result = run_python(["-m", "tests.ops.sqlite_writers", *args], production_env(NTRDB_SQLITE_PATH=str(database)))
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_concurrent_writer_processes_all_succeed(migrated_file, tmp_path):
    outcome = run_writers(migrated_file, tmp_path, "stress", "--writers", "8", "--transactions", "40")
    assert outcome["failures"] == []
    assert outcome["rows"] == outcome["expected_rows"] == 320
    assert outcome["journal_mode"] == "wal"
    assert outcome["busy_timeout_ms"] >= 5000


def test_a_transaction_that_read_first_waits_for_its_turn_to_write(migrated_file, tmp_path):
    outcome = run_writers(migrated_file, tmp_path, "interleave")
    assert outcome == {"errors": {}, "rows": ["first", "second"]}


def test_without_immediate_transactions_the_same_race_fails(migrated_file, tmp_path):
    # What transaction_mode=IMMEDIATE prevents: the first transaction's snapshot is stale once
    # the second has committed, and SQLite refuses its write at once, whatever the busy timeout.
    outcome = run_writers(migrated_file, tmp_path, "interleave", "--transaction-mode", "DEFERRED")
    assert outcome == {"errors": {"first": "database is locked"}, "rows": ["second"]}


def test_other_databases_get_no_sqlite_options():
    result = run_python(
        "import json; from django.conf import settings; print(json.dumps(settings.DATABASES['default']))",
        production_env(DJANGO_SETTINGS_MODULE="config.settings", DATABASE_URL="postgres://ntrdb@127.0.0.1:5432/ntrdb"),
    )
    assert result.returncode == 0, result.stderr
    database = json.loads(result.stdout)
    assert database["ENGINE"] == "django.db.backends.postgresql"
    assert "transaction_mode" not in database.get("OPTIONS", {}) and "init_command" not in database.get("OPTIONS", {})
