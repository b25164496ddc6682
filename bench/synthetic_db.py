"""A PostgreSQL database of ``realign seed --synthetic N``, shared by the benchmarks that need the items.

``prepare(events, database)`` reuses the database when it already holds that many events (bringing it to head
first: a later migration may add an index), and builds it otherwise: drop, create, `realign db upgrade`,
`realign seed --synthetic N`, `VACUUM ANALYZE` (what autovacuum would soon do; the planner needs it). One data set
serves every benchmark of that size (bench/exports.py, bench/network.py, bench/buckets.py), so a slow load at
1 000 000 events is paid once.

The steps are shared with the benchmarks that cache data sets of their own, on PostgreSQL or SQLite
(bench/buckets.py, bench/filters.py, bench/span_counts.py): ``realign`` (run a command against a database),
``scalar`` (one value of one query), ``count_events``, ``empty`` (a new, empty database) and ``build`` (empty, at
head, seeded). ``add_options`` gives the benchmarks on ``prepare``'s data set (bench/exports.py, bench/network.py)
their ``--events``, ``--database`` and number of runs.

    .venv/bin/python -m bench.synthetic_db [--events 1000000] [--database NAME]   # build (or check) one
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import psycopg

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
SERVER = "postgresql://postgres@127.0.0.1:5432"


def default_name(events: int) -> str:
    return f"realign_bench_{events}"


def realign(args: list[str], url: str, *, quiet: bool = True) -> None:
    """Run a `realign` command against ``url``; stop when it fails. Its output is shown as it comes, or with
    ``quiet`` only on failure."""
    env = {**os.environ, "REALIGN_DATABASE_URL": url, "REALIGN_LOG_LEVEL": "WARNING"}
    done = subprocess.run([str(BIN / "realign"), *args], env=env, cwd=ROOT, capture_output=quiet, text=True)
    if done.returncode:
        if quiet:
            sys.stderr.write(done.stdout + done.stderr)
        raise SystemExit(f"`realign {' '.join(args)}` failed on {url}")


def scalar(url: str, sql: str) -> Any:
    """One value of one query (PostgreSQL or SQLite); None when the database or the table is missing."""
    try:
        if url.startswith("sqlite"):
            path = Path(url.removeprefix("sqlite:///"))
            if not path.exists():
                return None
            with sqlite3.connect(path) as conn:
                row = conn.execute(sql).fetchone()
        else:
            with psycopg.connect(url, connect_timeout=5) as conn:
                row = conn.execute(sql).fetchone()
    except (sqlite3.Error, psycopg.Error):
        return None
    return None if row is None else row[0]


def count_events(url: str) -> int | None:
    """How many events the database holds; None when there is no such database or no event table."""
    found = scalar(url, "SELECT count(*) FROM event")
    return None if found is None else int(found)


def empty(url: str) -> None:
    """A new, empty database at ``url``: PostgreSQL's dropped and created again, SQLite's file (and its journals)
    removed."""
    if url.startswith("sqlite"):
        path = Path(url.removeprefix("sqlite:///"))
        path.parent.mkdir(parents=True, exist_ok=True)
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        return
    server, name = url.rsplit("/", 1)
    with psycopg.connect(f"{server}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def build(url: str, events: int, *, vacuum: bool = False, quiet: bool = True) -> float:
    """Seconds to make ``url`` a new database at head holding ``events`` synthetic events (not counting the drop):
    `realign db upgrade`, `realign seed --synthetic N`, then on PostgreSQL ANALYZE (VACUUM ANALYZE with ``vacuum``):
    what autovacuum would soon do; the planner needs it."""
    empty(url)
    started = time.perf_counter()
    realign(["db", "upgrade"], url, quiet=quiet)
    realign(["seed", "--synthetic", str(events)], url, quiet=quiet)
    if not url.startswith("sqlite"):
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute("VACUUM ANALYZE" if vacuum else "ANALYZE")
    return time.perf_counter() - started


def prepare(events: int, database: str | None = None, server: str = SERVER, *, rebuild: bool = False) -> str:
    """The URL of a database holding ``events`` synthetic events: reused when it holds that many, else built."""
    name = database or default_name(events)
    url = f"{server.rstrip('/')}/{name}"
    if not rebuild and count_events(url) == events:
        realign(["db", "upgrade"], url, quiet=False)
        print(f"reusing {url} ({events} events)", flush=True)
        return url
    seconds = build(url, events, vacuum=True, quiet=False)
    print(f"built {url} with {events} synthetic events in {seconds:.0f} s", flush=True)
    return url


def add_options(parser: argparse.ArgumentParser, runs: str) -> None:
    """A benchmark's options on ``prepare``'s data set: ``--events N`` (default 100 000), ``--database NAME``, and
    ``runs`` (the script's name for it, ``--runs`` or ``--repeat``): timed requests per case, default 20."""
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument(runs, type=int, default=20)
    parser.add_argument("--database", help=f"PostgreSQL database (default {default_name(0)[:-1]}<N>)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--database", help=f"the database's name (default {default_name(0).rstrip('0')}<N>)")
    parser.add_argument("--rebuild", action="store_true", help="build it again even if it holds N events")
    args = parser.parse_args()
    print(prepare(args.events, args.database, rebuild=args.rebuild))


if __name__ == "__main__":
    main()
