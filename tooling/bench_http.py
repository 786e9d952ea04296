"""What a list page costs under gunicorn, against a bare Django view in the same run (``make bench-http``).

    python -m tooling.bench_http [--works 100000] [--rounds 3] [--seconds 15] [--database sqlite|postgresql]

The site runs under gunicorn (config/gunicorn.py, two workers, production settings) on the
benchmark's demo database (``tooling.bench`` builds it once). wrk drives three loads in turn,
interleaved over ``--rounds`` rounds so that a change in the machine's load falls on all three:

- *bare*: ``/bench/bare-works/?page=N`` (tooling/bench_views.py), 24 rows of the works table
  through a minimal template: the cost of any Django page on this machine;
- *works*: ``/works/`` over every sort and its first pages;
- *filtered*: ``/works/`` with two tags included and one excluded, among the 40 commonest.

Each load cycles through 200 distinct URLs, so no single cached answer can decide the figure.
Reported per load: requests per second, server CPU per request (the gunicorn processes' own
CPU time, from /proc) and the share of the bare view's throughput; the targets (issue #12)
are ``/works/`` at 25 % or more and the filtered list at 10 % or more. Exits 1 below them.
"""

import argparse
import itertools
import json
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from tooling.bench import BENCH_DIR, DATABASE_PREFIX, databases
from tooling.server import GunicornServer, manage, production_env

URLS_PER_LOAD = 200
CLAIM_KEY = "bench-http-run"
WRK_THREADS = 2
TARGET_SHARE = {"works": 0.25, "filtered": 0.10}
SORTS = ["title", "-year", "year", "-score", "-reviews", "newest"]

WRK_SCRIPT = r"""
local paths = {}
for line in io.lines(os.getenv("BENCH_URLS")) do paths[#paths + 1] = line end
local counter = 0
local threads = 0
setup = function(thread)
  threads = threads + 1
  thread:set("thread_number", threads)
end
-- Each thread starts at its own share of the list. (It used to start at math.random(#paths),
-- which, unseeded, is the same number in every thread: the threads asked for the same URL at
-- the same moment, and both workers computed the same uncached count at once.)
init = function(args)
  counter = math.floor((thread_number - 1) * #paths / tonumber(os.getenv("BENCH_THREADS")))
end
request = function()
  counter = counter % #paths + 1
  return wrk.format("GET", paths[counter])
end
done = function(summary, latency, requests)
  local errors = summary.errors
  io.write(string.format(
    'BENCH {"requests": %d, "seconds": %.3f, "failed": %d, "not_ok": %d, "p50_ms": %.2f, "p95_ms": %.2f}\n',
    summary.requests, summary.duration / 1e6, errors.connect + errors.read + errors.write + errors.timeout,
    errors.status, latency:percentile(50) / 1000, latency:percentile(95) / 1000))
end
"""


def url_sets(env: dict[str, str], seed: int = 12) -> dict[str, list[str]]:
    """The three loads' URLs: 200 distinct each."""
    slugs = json.loads(
        manage(
            env,
            "shell",
            "-c",
            "import json; from django.db.models import Count; from catalog.models import Tag; "
            "print(json.dumps(list(Tag.objects.exclude(category='content').annotate(n=Count('work_tags'))"
            ".order_by('-n').values_list('slug', flat=True)[:40])))",
        )
        .strip()
        .splitlines()[-1]
    )
    rng = random.Random(seed)
    combinations: set[tuple[str, str, str]] = set()
    while len(combinations) < URLS_PER_LOAD:
        first, second, excluded = rng.sample(slugs, 3)
        combinations.add((*sorted((first, second)), excluded))
    sorts_and_pages = itertools.islice(zip(itertools.cycle(SORTS), itertools.cycle(range(1, 60))), URLS_PER_LOAD)
    works = [f"/works/?sort={sort}&page={page}" for sort, page in sorts_and_pages]
    return {
        "bare": [f"/bench/bare-works/?page={page}" for page in range(1, URLS_PER_LOAD + 1)],
        "works": works,
        "filtered": [f"/works/?tags={a}&tags={b}&exclude_tags={c}" for a, b, c in sorted(combinations)],
    }


def shared_cache() -> str:
    """A Redis database of this run's own for the site's cache, as production shares one cache
    between its workers; empty when no Redis answers (each worker then caches alone).

    The run claims the first empty database from 15 down (a marker key, set only if absent, in an
    otherwise empty database) and ``release_cache`` empties it at the end: two runs at once (two
    engineers' worktrees) once shared database 13 and emptied each other's caches mid-run.
    """
    import redis

    for number in range(15, 0, -1):
        url = f"redis://127.0.0.1:6379/{number}"
        try:
            client = redis.Redis.from_url(url, socket_connect_timeout=2)
            if client.dbsize() == 0 and client.set(CLAIM_KEY, "1", nx=True, ex=3600):
                return url
        except redis.RedisError:
            return ""
    return ""


def release_cache(url: str) -> None:
    import redis

    if url:
        redis.Redis.from_url(url, socket_connect_timeout=2).flushdb()


def run_wrk(base_url: str, urls_file: Path, script: Path, seconds: int, connections: int) -> dict:
    result = subprocess.run(
        ["wrk", f"-t{WRK_THREADS}", f"-c{connections}", f"-d{seconds}s", "--latency", "-s", str(script), base_url],
        env={"BENCH_URLS": str(urls_file), "BENCH_THREADS": str(WRK_THREADS), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        check=True,
    )
    line = next(line for line in result.stdout.splitlines() if line.startswith("BENCH "))
    return json.loads(line.removeprefix("BENCH "))


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0], allow_abbrev=False)
    parser.add_argument("--works", type=int, default=100_000)
    parser.add_argument("--database", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seconds", type=int, default=15)
    parser.add_argument("--connections", type=int, default=4)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument(
        "--cold",
        action="store_true",
        help="Compute every list's count and refine panel on each request (NTRDB_LIST_CACHE_SECONDS=0).",
    )
    options = parser.parse_args(argv)
    if not shutil.which("wrk"):
        print("make bench-http needs wrk (Debian: apt-get install wrk).", file=sys.stderr)
        return 2
    (database,) = databases(options.database)
    if not database.is_built(options.works):
        database.build(options.works)
    assert database.name(options.works).startswith(DATABASE_PREFIX)

    workdir = Path(tempfile.mkdtemp(prefix="ntrdb-bench-http-"))
    env = production_env(
        database.url(options.works),
        BENCH_DIR / "static",
        GUNICORN_ACCESS_LOG="/dev/null",  # the same for every load; not what is measured
    )
    env["DJANGO_SETTINGS_MODULE"] = "config.bench_settings"
    if options.cold:
        env["NTRDB_LIST_CACHE_SECONDS"] = "0"
    redis_url = shared_cache()
    if redis_url:
        env["REDIS_URL"] = redis_url
    try:
        manage(env, "migrate", "-v0")
        manage(env, "collectstatic", "--noinput", "-v0")
        loads = url_sets(env)
        script = workdir / "cycle.lua"
        script.write_text(WRK_SCRIPT)
        files = {}
        for load, urls in loads.items():
            files[load] = workdir / f"{load}.txt"
            files[load].write_text("\n".join(urls) + "\n")
        figures: dict[str, list[dict]] = {load: [] for load in loads}
        with GunicornServer(env, workdir / "gunicorn.log", workers=options.workers) as server:
            caches = "no list caches" if options.cold else "list caches on"
            caches += f", cache in {'Redis' if redis_url else 'each worker'}"
            print(
                f"gunicorn, {options.workers} workers, {options.works:,} works on {database.vendor}, {caches}",
                flush=True,
            )
            for load in loads:  # warm each worker's caches and connections first
                run_wrk(server.base_url, files[load], script, 3, options.connections)
            for round_number in range(1, options.rounds + 1):
                for load in loads:
                    cpu_before = server.cpu_seconds()
                    run = run_wrk(server.base_url, files[load], script, options.seconds, options.connections)
                    run["cpu_ms"] = (server.cpu_seconds() - cpu_before) * 1000 / max(run["requests"], 1)
                    run["per_second"] = run["requests"] / run["seconds"]
                    figures[load].append(run)
                    print(
                        f"round {round_number} {load:<9} {run['per_second']:8.1f} req/s  {run['cpu_ms']:6.2f} ms CPU"
                        f"/req  p50 {run['p50_ms']:.1f} ms  (non-2xx: {run['not_ok']}, failed: {run['failed']})",
                        flush=True,
                    )
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
        release_cache(redis_url)
    return report(figures, options, database.vendor)


def report(figures: dict[str, list[dict]], options, vendor: str) -> int:
    summary = {}
    for load, runs in figures.items():
        summary[load] = {
            "per_second": round(statistics.median(run["per_second"] for run in runs), 1),
            "cpu_ms": round(statistics.median(run["cpu_ms"] for run in runs), 2),
            "p50_ms": round(statistics.median(run["p50_ms"] for run in runs), 1),
            "not_ok": sum(run["not_ok"] + run["failed"] for run in runs),
            "runs": runs,
        }
    bare = summary["bare"]["per_second"]
    print(f"\nMedians over {options.rounds} rounds of {options.seconds} s ({options.connections} connections):")
    print(f"{'load':<10} {'req/s':>8} {'CPU ms/req':>11} {'p50 ms':>8} {'share of bare':>14} {'target':>8}")
    failures = []
    for load, figure in summary.items():
        share = figure["per_second"] / bare if bare else 0.0
        figure["share_of_bare"] = round(share, 3)
        target = TARGET_SHARE.get(load)
        line = f"{load:<10} {figure['per_second']:>8} {figure['cpu_ms']:>11} {figure['p50_ms']:>8} {share:>13.1%}"
        line += f" {'>= ' + format(target, '.0%') if target else '':>8}"
        print(line)
        if target and share < target:
            failures.append(f"{load}: {share:.1%} of the bare view's throughput, under {target:.0%}")
        if figure["not_ok"]:
            failures.append(f"{load}: {figure['not_ok']} requests failed or answered an error")
    output = BENCH_DIR / f"http-results-{vendor}-{options.works}{'-cold' if options.cold else ''}.json"
    output.write_text(json.dumps({"works": options.works, "database": vendor, "loads": summary}, indent=2))
    if failures:
        print("\nOff target:\n  " + "\n  ".join(failures))
        return 1
    print(f"\nOn target. Figures in {output}.")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
