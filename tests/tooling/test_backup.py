"""`manage.py backup` then `manage.py restore` into an empty database gives back every row of every table."""

import os
import re
import sqlite3
from pathlib import Path

import pytest

from ops.databases import is_postgres_url, temporary_database
from tests.tooling.site import copy_sqlite
from tooling.server import ServerError, manage, production_env


def fill(env: dict[str, str]) -> None:
    manage(env, "generate_demo_data", "--works", "60", "--members", "20", "--seed", "3", "--allow-existing-data")


def backup(env: dict[str, str], directory: Path) -> Path:
    output = manage(env, "backup", "--directory", str(directory))
    path = Path(re.search(r"Backup written: (\S+)", output).group(1))
    assert path.parent == directory and path.is_file()
    return path


def sqlite_rows(database: Path) -> dict[str, list[tuple]]:
    with sqlite3.connect(database) as db:
        tables = [name for (name,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")]
        return {table: sorted(db.execute(f'SELECT * FROM "{table}"').fetchall(), key=repr) for table in tables}


def assert_same_rows(original: dict[str, list[tuple]], restored: dict[str, list[tuple]]) -> None:
    assert sorted(restored) == sorted(original)
    for table, rows in original.items():
        assert len(restored[table]) == len(rows), table
        assert restored[table] == rows, table
    # The comparison has teeth: the demo data and seeds fill the main tables.
    for table in (
        "catalog_work",
        "catalog_tag",
        "community_review",
        "accounts_user",
        "glossary_term",
        "django_migrations",
    ):
        assert original[table], table


def test_a_sqlite_backup_restores_every_row_into_an_empty_database(site_template, tmp_path):
    template, static = site_template
    source = tmp_path / "live.sqlite3"
    copy_sqlite(template, source)
    live = production_env(f"sqlite:///{source}", static)
    fill(live)

    path = backup(live, tmp_path / "backups")
    assert re.fullmatch(r"ntrdb-\d{8}T\d{6}Z\.sqlite3", path.name)
    assert list(path.parent.iterdir()) == [path]  # no partial file or -wal left beside it

    empty = production_env(f"sqlite:///{tmp_path / 'restored.sqlite3'}", static)
    manage(empty, "restore", str(path))
    assert_same_rows(sqlite_rows(source), sqlite_rows(tmp_path / "restored.sqlite3"))
    # The restored database is one the site can run on: nothing left to migrate.
    assert "[ ]" not in manage(empty, "showmigrations")


def test_restore_refuses_a_database_that_holds_data(site_template, tmp_path):
    template, static = site_template
    source = tmp_path / "live.sqlite3"
    copy_sqlite(template, source)
    live = production_env(f"sqlite:///{source}", static)
    path = backup(live, tmp_path / "backups")
    manage(live, "shell", "-c", "from catalog.models import Work; Work.objects.update(title='Edited after the backup')")

    with pytest.raises(ServerError, match="already holds .* tables.*--replace"):
        manage(live, "restore", str(path))
    assert {title for (title,) in sqlite3.connect(source).execute("SELECT title FROM catalog_work")} == {
        "Edited after the backup"
    }

    manage(live, "restore", "--replace", str(path))
    assert "Edited after the backup" not in {
        title for (title,) in sqlite3.connect(source).execute("SELECT title FROM catalog_work")
    }


def test_restore_says_what_is_wrong_with_a_bad_file(site_template, tmp_path):
    _, static = site_template
    empty = production_env(f"sqlite:///{tmp_path / 'empty.sqlite3'}", static)
    not_a_database = tmp_path / "ntrdb-notes.sqlite3"
    not_a_database.write_text("shopping list")
    with pytest.raises(ServerError, match="not a readable SQLite database"):
        manage(empty, "restore", str(not_a_database))
    with pytest.raises(ServerError, match="No backup file"):
        manage(empty, "restore", str(tmp_path / "missing.sqlite3"))


def test_backup_refuses_an_empty_database_rather_than_writing_an_empty_backup(site_template, tmp_path):
    _, static = site_template
    empty = production_env(f"sqlite:///{tmp_path / 'empty.sqlite3'}", static)
    with pytest.raises(ServerError, match="holds no tables: check DATABASE_URL"):
        manage(empty, "backup", "--directory", str(tmp_path / "backups"))
    assert not (tmp_path / "backups").exists()


def postgres_rows(database_url: str) -> dict[str, list[tuple]]:
    import psycopg

    with psycopg.connect(database_url) as db:
        tables = [
            name
            for (name,) in db.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename")
        ]
        return {table: sorted(db.execute(f'SELECT * FROM "{table}"').fetchall(), key=repr) for table in tables}


@pytest.mark.skipif(
    not is_postgres_url(os.environ.get("DATABASE_URL")), reason="runs when the suite runs on PostgreSQL (DATABASE_URL)"
)
def test_a_postgres_backup_restores_every_row_into_an_empty_database(site_template, tmp_path):
    _, static = site_template
    server = os.environ["DATABASE_URL"]  # throwaway databases on the server the suite runs on
    with temporary_database(server, tmp_path) as source_url, temporary_database(server, tmp_path) as target_url:
        live = production_env(source_url, static)
        manage(  # one process rather than three: each start of Django costs a second here
            live,
            "shell",
            "-c",
            "from django.core.management import call_command as run; run('migrate', verbosity=0); run('load_seeds'); "
            "run('generate_demo_data', works=60, members=20, seed=3, allow_existing_data=True)",
        )
        path = backup(live, tmp_path / "backups")
        assert re.fullmatch(r"ntrdb-\d{8}T\d{6}Z\.dump", path.name)

        manage(production_env(target_url, static), "restore", str(path))
        assert_same_rows(postgres_rows(source_url), postgres_rows(target_url))
