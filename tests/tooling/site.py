"""The real site the server tests run: a member, seeded pages to ask for, and its SQLite file."""

import sqlite3
from dataclasses import dataclass
from pathlib import Path

MEMBER, MEMBER_PASSWORD = "server-test-member", "server-test-password-1"
ADULT_WORK = "triangle-blue"  # an 18+ work from seeds/works.json
TERM = "netorare"


@dataclass
class Site:
    database: Path
    env: dict[str, str]

    def query(self, sql: str, params=()) -> list[tuple]:
        with sqlite3.connect(self.database) as db:
            return db.execute(sql, params).fetchall()


def copy_sqlite(source: Path, target: Path) -> None:
    with sqlite3.connect(source) as origin, sqlite3.connect(target) as copy:
        origin.backup(copy)
