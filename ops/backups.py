"""Consistent backups of the database and their restoration (``manage.py backup`` / ``restore``).

SQLite: the online backup API copies the database page by page as one snapshot, while
the site keeps serving. PostgreSQL: ``pg_dump`` in its custom format (one transaction,
so one snapshot), restored with ``pg_restore`` in a single transaction.
"""

import datetime
import shutil
import sqlite3
import subprocess
from pathlib import Path

from django.core.management.base import CommandError

from ops.databases import postgres_client_env

SUFFIXES = {"sqlite": ".sqlite3", "postgresql": ".dump"}


def _vendor(connection) -> str:
    if connection.vendor not in SUFFIXES:
        raise CommandError(f"Backups support SQLite and PostgreSQL, not {connection.vendor}.")
    return connection.vendor


def _postgres_tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise CommandError(
            f"{name} was not found on PATH; install the PostgreSQL client tools (Debian: postgresql-client)."
        )
    return path


def _run(command: list[str], connection) -> None:
    result = subprocess.run(command, env=postgres_client_env(connection.settings_dict), capture_output=True, text=True)
    if result.returncode != 0:
        raise CommandError(f"{Path(command[0]).name} failed: {result.stderr.strip() or result.stdout.strip()}")


def backup_path(directory: Path, vendor: str, now: datetime.datetime) -> Path:
    """backups/ntrdb-20260101T120000Z.sqlite3; never the name of an existing backup."""
    stem = f"ntrdb-{now:%Y%m%dT%H%M%SZ}"
    path = directory / f"{stem}{SUFFIXES[vendor]}"
    counter = 1
    while path.exists():
        counter += 1
        path = directory / f"{stem}-{counter}{SUFFIXES[vendor]}"
    return path


def create_backup(connection, directory: Path) -> Path:
    vendor = _vendor(connection)
    if not connection.introspection.table_names():
        raise CommandError(f"The database {connection.settings_dict['NAME']} holds no tables: check DATABASE_URL.")
    directory.mkdir(parents=True, exist_ok=True)
    target = backup_path(directory, vendor, datetime.datetime.now(datetime.UTC))
    # Written under a temporary name and renamed when complete: a file named ntrdb-*.sqlite3
    # or ntrdb-*.dump is always a whole backup, even if the command was interrupted.
    partial = target.with_name(target.name + ".partial")
    try:
        if vendor == "sqlite":
            connection.ensure_connection()
            destination = sqlite3.connect(partial)
            try:
                connection.connection.backup(destination)
                destination.execute("PRAGMA journal_mode=DELETE")  # one self-contained file, no -wal beside it
            finally:
                destination.close()
        else:
            _run(
                [_postgres_tool("pg_dump"), "--format=custom", "--no-owner", "--no-privileges", f"--file={partial}"],
                connection,
            )
        partial.rename(target)
    finally:
        partial.unlink(missing_ok=True)
    return target


def restore_backup(connection, source: Path, *, replace: bool) -> None:
    """Load ``source`` into the configured database, which must be empty unless ``replace``."""
    vendor = _vendor(connection)
    if not source.is_file():
        raise CommandError(f"No backup file at {source}.")
    if source.suffix != SUFFIXES[vendor]:
        raise CommandError(f"{source.name} is not a {vendor} backup (expected a {SUFFIXES[vendor]} file).")
    tables = connection.introspection.table_names()
    if tables and not replace:
        raise CommandError(
            f"The database already holds {len(tables)} tables. Restore into an empty database, "
            "or pass --replace to overwrite everything in it."
        )
    if vendor == "sqlite":
        _restore_sqlite(connection, source)
    else:
        options = ["--clean", "--if-exists"] if replace else []
        _run(
            [
                _postgres_tool("pg_restore"),
                "--no-owner",
                "--no-privileges",
                "--single-transaction",
                "--exit-on-error",
                *options,
                f"--dbname={connection.settings_dict['NAME']}",
                str(source),
            ],
            connection,
        )


def _restore_sqlite(connection, source: Path) -> None:
    try:
        backup = sqlite3.connect(f"{source.resolve().as_uri()}?mode=ro", uri=True)
        backup.execute("PRAGMA schema_version").fetchone()
    except sqlite3.DatabaseError as error:
        raise CommandError(f"{source.name} is not a readable SQLite database: {error}") from None
    try:
        connection.ensure_connection()
        backup.backup(connection.connection)  # replaces every page of the target, atomically
    finally:
        backup.close()
        connection.close()
