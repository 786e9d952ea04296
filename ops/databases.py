"""Throwaway databases for the load test and the server tests, and PostgreSQL client settings."""

import contextlib
import os
import secrets
from collections.abc import Iterator
from pathlib import Path
from typing import Any, TypeGuard
from urllib.parse import urlsplit, urlunsplit

import dj_database_url

POSTGRES_ENGINE = "django.db.backends.postgresql"


def is_postgres_url(database_url: str | None) -> TypeGuard[str]:
    if not database_url:
        return False
    return bool(dj_database_url.parse(database_url)["ENGINE"] == POSTGRES_ENGINE)


def postgres_client_env(settings_dict: dict) -> dict[str, str]:
    """libpq's PG* variables for a Django database: pg_dump and pg_restore read them, and the
    password stays out of the process list."""
    values = {
        "PGHOST": settings_dict.get("HOST"),
        "PGPORT": settings_dict.get("PORT"),
        "PGUSER": settings_dict.get("USER"),
        "PGPASSWORD": settings_dict.get("PASSWORD"),
        "PGDATABASE": settings_dict.get("NAME"),
    }
    return {**os.environ, **{key: str(value) for key, value in values.items() if value}}


@contextlib.contextmanager
def temporary_database(database_url: str | None, workdir: Path) -> Iterator[str]:
    """Yield the DATABASE_URL of a new, empty database, and remove it afterwards.

    Without a URL, or with a SQLite one, a file in ``workdir`` (the caller deletes the folder).
    With a PostgreSQL URL, a fresh database on that server, dropped even if the block fails.
    """
    if not is_postgres_url(database_url):
        yield f"sqlite:///{Path(workdir) / 'throwaway.sqlite3'}"
        return
    import psycopg  # only needed for PostgreSQL

    settings_dict = dj_database_url.parse(database_url)
    name = f"ntrdb_throwaway_{secrets.token_hex(4)}"
    server: dict[str, Any] = {
        "host": settings_dict.get("HOST") or None,
        "port": settings_dict.get("PORT") or None,
        "user": settings_dict.get("USER") or None,
        "password": settings_dict.get("PASSWORD") or None,
    }
    with psycopg.connect(dbname="postgres", autocommit=True, **server) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield urlunsplit(urlsplit(database_url)._replace(path=f"/{name}"))
    finally:
        with psycopg.connect(dbname="postgres", autocommit=True, **server) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
