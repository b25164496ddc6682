"""A PostgreSQL database of ``realign seed --synthetic N``, shared by the benchmarks that need the items.

``prepare(events, database)`` reuses the database when it already holds that many events (bringing it to head
first: a later migration may add an index), and builds it otherwise: drop, create, `realign db upgrade`,
`realign seed --synthetic N`, `VACUUM ANALYZE` (what autovacuum would soon do; the planner needs it). One data set
serves every benchmark of that size (bench/exports.py, bench/network.py, bench/buckets.py), so a slow load at
1 000 000 events is paid once.

    .venv/bin/python -m bench.synthetic_db [--events 1000000] [--database NAME]   # build (or check) one
"""

from __future__ import annotations

import argparse
import os
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


def _env(url: str) -> dict[str, str]:
    return {**os.environ, "REALIGN_DATABASE_URL": url, "REALIGN_LOG_LEVEL": "WARNING"}


def scalar(url: str, sql: str) -> Any:
    """One value of one query; None when the database or the table is missing."""
    try:
        with psycopg.connect(url, connect_timeout=5) as conn:
            row = conn.execute(sql).fetchone()
    except psycopg.Error:
        return None
    return None if row is None else row[0]


def prepare(events: int, database: str | None = None, server: str = SERVER, *, rebuild: bool = False) -> str:
    """The URL of a database holding ``events`` synthetic events: reused when it holds that many, else built."""
    name = database or default_name(events)
    url = f"{server.rstrip('/')}/{name}"
    if not rebuild and scalar(url, "SELECT count(*) FROM event") == events:
        subprocess.run([str(BIN / "realign"), "db", "upgrade"], check=True, env=_env(url), cwd=ROOT)
        print(f"reusing {url} ({events} events)", flush=True)
        return url
    with psycopg.connect(f"{server.rstrip('/')}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    started = time.perf_counter()
    subprocess.run([str(BIN / "realign"), "db", "upgrade"], check=True, env=_env(url), cwd=ROOT)
    subprocess.run([str(BIN / "realign"), "seed", "--synthetic", str(events)], check=True, env=_env(url), cwd=ROOT)
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE")
    print(f"built {url} with {events} synthetic events in {time.perf_counter() - started:.0f} s", flush=True)
    return url


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--database", help=f"the database's name (default {default_name(0).rstrip('0')}<N>)")
    parser.add_argument("--rebuild", action="store_true", help="build it again even if it holds N events")
    args = parser.parse_args()
    print(prepare(args.events, args.database, rebuild=args.rebuild))


if __name__ == "__main__":
    main()
