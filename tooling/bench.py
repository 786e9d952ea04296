"""The benchmark on every database at hand (``make bench``, ``make bench-large``).

    python -m tooling.bench [--sizes 10000 100000] [--only sqlite|postgresql] [--runs 50]
    python -m tooling.bench --drop        # remove every demo database (make bench-clean)

Each size's demo database (``generate_demo_data --works N --seed 1`` plus the seed catalog)
is built once and kept for the next run: on SQLite as ``.bench/demo-v<version>-<works>.sqlite3``,
on PostgreSQL (when a server answers on ``NTRDB_BENCH_POSTGRES_URL``, default user ``postgres``
on 127.0.0.1:5432) as the database ``ntrdb_bench_v<version>_<works>``. A build goes to a
temporary name first, so an interrupted one is never taken for a finished one. Then each
database is migrated, timed (``manage.py benchmark``, which writes
``.bench/results-<database>-<works>.json``), and one table per database checks the targets.
"""

import argparse
import json
import os
import re
import socket
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

BASE_DIR = Path(__file__).resolve().parent.parent
BENCH_DIR = BASE_DIR / ".bench"
DEFAULT_SERVER = "postgres://postgres@127.0.0.1:5432/postgres"
DATABASE_PREFIX = "ntrdb_bench_v"
# Bump when tooling/demo_data.py changes what it generates: the next run builds new databases.
DATA_VERSION = 5

TARGET_P50_MS, TARGET_P95_MS, TARGET_QUERIES, TARGET_GROWTH = 50, 120, 10, 3.0

BENCH_ENV = {
    "DJANGO_DEBUG": "0",
    "DJANGO_SECRET_KEY": "benchmark-only",
    "DJANGO_ALLOWED_HOSTS": "testserver",
    "DJANGO_LOG_LEVEL": "WARNING",
    "DJANGO_STATIC_ROOT": str(BENCH_DIR / "static"),
}


def _manage(*args: str, database_url: str) -> None:
    environment = {**os.environ, **BENCH_ENV, "DATABASE_URL": database_url}
    subprocess.run([sys.executable, str(BASE_DIR / "manage.py"), *args], env=environment, check=True)


def _server_answers(url: str) -> bool:
    parts = urlsplit(url)
    try:
        socket.create_connection((parts.hostname or "localhost", parts.port or 5432), timeout=3).close()
    except OSError:
        return False
    return True


@dataclass
class Database:
    vendor: str  # "sqlite" or "postgresql": the results files are named for it
    server_url: str = ""

    def name(self, works: int) -> str:
        return f"{DATABASE_PREFIX}{DATA_VERSION}_{works}"

    def sqlite_path(self, works: int, *, building: bool = False) -> Path:
        return BENCH_DIR / f"demo-v{DATA_VERSION}-{works}.sqlite3{'.tmp' if building else ''}"

    def url(self, works: int, *, building: bool = False) -> str:
        if self.vendor == "sqlite":
            return f"sqlite:///{self.sqlite_path(works, building=building)}"
        name = self.name(works) + ("_building" if building else "")
        return urlunsplit(urlsplit(self.server_url)._replace(path=f"/{name}"))

    def _admin(self, statement: str, *names: str) -> list[tuple]:
        import psycopg
        from psycopg import sql

        with psycopg.connect(self.server_url, autocommit=True, connect_timeout=10) as conn:
            cursor = conn.execute(sql.SQL(statement).format(*map(sql.Identifier, names)))
            return cursor.fetchall() if cursor.description else []

    def existing(self) -> list[str]:
        if self.vendor == "sqlite":
            return sorted(str(path) for path in BENCH_DIR.glob("demo-v*.sqlite3*"))
        import psycopg

        with psycopg.connect(self.server_url, autocommit=True, connect_timeout=10) as conn:
            rows = conn.execute(
                "SELECT datname FROM pg_database WHERE datname LIKE %s ORDER BY datname", [DATABASE_PREFIX + "%"]
            ).fetchall()
        return [name for (name,) in rows]

    def is_built(self, works: int) -> bool:
        if self.vendor == "sqlite":
            return self.sqlite_path(works).exists()
        return self.name(works) in self.existing()

    def build(self, works: int) -> None:
        print(f"Building the {works:,}-work demo database on {self.vendor} (once; kept for later runs)", flush=True)
        temporary = self.url(works, building=True)
        if self.vendor == "sqlite":
            self.sqlite_path(works, building=True).unlink(missing_ok=True)
        else:
            self._admin("DROP DATABASE IF EXISTS {} WITH (FORCE)", self.name(works) + "_building")
            self._admin("CREATE DATABASE {}", self.name(works) + "_building")
        _manage("migrate", "-v0", database_url=temporary)
        _manage("generate_demo_data", "--works", str(works), "--seed", "1", database_url=temporary)
        _manage("load_seeds", database_url=temporary)
        if self.vendor == "sqlite":
            self.sqlite_path(works, building=True).rename(self.sqlite_path(works))
        else:
            self._admin("ALTER DATABASE {} RENAME TO {}", self.name(works) + "_building", self.name(works))

    def drop_all(self) -> None:
        for name in self.existing():
            if self.vendor == "sqlite":
                Path(name).unlink()
            else:
                self._admin("DROP DATABASE IF EXISTS {} WITH (FORCE)", name)
            print(f"dropped {name}")


def results_path(vendor: str, works: int) -> Path:
    return BENCH_DIR / f"results-{vendor}-{works}.json"


def page_key(label: str) -> str:
    # "work with 853 reviews" and "work with 5,674 reviews" are the same page at two sizes.
    return re.sub(r"\d[\d,]*", "N", label)


def off_target(results: list[dict], baseline: list[dict] | None, baseline_works: int | None) -> list[str]:
    """Every way one size's figures miss the targets (issue #4): p50, p95, queries, growth."""
    earlier = {page_key(row["page"]): row for row in baseline or []}
    failures = []
    for row in results:
        if row["p50_ms"] > TARGET_P50_MS or row["p95_ms"] > TARGET_P95_MS:
            failures.append(
                f"{row['page']}: p50 {row['p50_ms']} / p95 {row['p95_ms']} ms over {TARGET_P50_MS}/{TARGET_P95_MS}"
            )
        if row["queries"] > TARGET_QUERIES:
            failures.append(f"{row['page']}: {row['queries']} queries, over {TARGET_QUERIES}")
        before = earlier.get(page_key(row["page"]))
        if before and growth(row, before) > TARGET_GROWTH:
            failures.append(f"{row['page']}: {growth(row, before):.1f}x slower than at {baseline_works:,} works")
    return failures


def growth(row: dict, before: dict) -> float:
    # Pages under a millisecond vary more than they grow; 0.5 ms is the floor of a fair ratio.
    return max(row["p50_ms"], 0.5) / max(before["p50_ms"], 0.5)


def table(vendor: str, runs: dict[int, dict]) -> tuple[str, list[str]]:
    """One table for one database, every size side by side, and what misses a target."""
    sizes = sorted(runs)
    smallest = sizes[0]
    lines = [f"\n{vendor}: p50 / p95 ms (queries) per size; growth = p50 at the largest size / at {smallest:,}"]
    header = f"{'page':<42}" + "".join(f"{f'{n:,} works':>24}" for n in sizes)
    if len(sizes) > 1:
        header += f"{'growth':>8}"
    lines.append(header)
    failures = []
    first = {page_key(row["page"]): row for row in runs[smallest]["results"]}
    for index, row in enumerate(runs[smallest]["results"]):
        line = f"{page_key(row['page']):<42}"
        for n in sizes:
            other = runs[n]["results"][index]
            cell = f"{other['p50_ms']} / {other['p95_ms']} ({other['queries']})"
            line += f"{cell:>24}"
        if len(sizes) > 1:
            line += f"{growth(runs[sizes[-1]]['results'][index], first[page_key(row['page'])]):>8.2f}"
        lines.append(line)
    for n in sizes:
        baseline = runs[smallest]["results"] if n != smallest else None
        failures += [
            f"{vendor}, {n:,} works: {failure}" for failure in off_target(runs[n]["results"], baseline, smallest)
        ]
        for miss in runs[n].get("recall_misses", []):
            failures.append(f"{vendor}, {n:,} works: search recall: {miss}")
    return "\n".join(lines), failures


def databases(only: str | None) -> list[Database]:
    found = []
    if only in (None, "sqlite"):
        found.append(Database("sqlite"))
    if only in (None, "postgresql"):
        server = os.environ.get("NTRDB_BENCH_POSTGRES_URL") or DEFAULT_SERVER
        if _server_answers(server):
            found.append(Database("postgresql", server))
        elif only == "postgresql":
            raise SystemExit(f"No PostgreSQL server answers on {urlsplit(server).netloc}.")
        else:
            print(f"PostgreSQL: skipped, no server answers on {urlsplit(server).netloc}", flush=True)
    return found


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0], allow_abbrev=False)
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--only", choices=["sqlite", "postgresql"])
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument("--drop", action="store_true", help="Remove every demo database and the results.")
    options = parser.parse_args(argv)
    BENCH_DIR.mkdir(exist_ok=True)
    if options.drop:
        for database in databases(options.only):
            database.drop_all()
        return 0

    sizes = sorted(options.sizes)
    chosen = databases(options.only)
    for database in chosen:
        for works in sizes:
            if not database.is_built(works):
                database.build(works)
    _manage("collectstatic", "--noinput", "-v0", database_url=chosen[0].url(sizes[0]))

    reports, failures = [], []
    for database in chosen:
        runs = {}
        for works in sizes:
            url = database.url(works)
            _manage("migrate", "-v0", database_url=url)
            print(f"Timing {works:,} works on {database.vendor}", flush=True)
            _manage(
                "benchmark",
                "--runs",
                str(options.runs),
                "--output",
                str(results_path(database.vendor, works)),
                database_url=url,
            )
            runs[works] = json.loads(results_path(database.vendor, works).read_text())
        report, missed = table(database.vendor, runs)
        reports.append(report)
        failures += missed
    print("\n".join(reports))
    if failures:
        print("\nOff target:\n  " + "\n  ".join(failures))
        return 1
    print("\nEvery page on target on " + " and ".join(database.vendor for database in chosen) + ".")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
