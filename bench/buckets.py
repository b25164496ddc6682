"""Benchmark: overview buckets, a relationship's series and the dyads, through Realign's GraphQL API in process.

    .venv/bin/python bench/buckets.py [--events 100000] [--backends postgresql,sqlite] [--runs 10]
        [--postgres-url postgresql://postgres@127.0.0.1:5432] [--data-dir bench/results] [--only TEXT]
        [--database NAME]

Builds (or reuses, when it holds that many events) a synthetic data set per backend (`realign db upgrade` and
`realign seed --synthetic N`: PostgreSQL database `realign_bench_buckets_<N>`, SQLite `<data-dir>/buckets-<N>.db`),
then, after one warm-up each, times ``--runs`` requests of:

- ``timelineBuckets(unit: MONTH, from: "2016", to: "2025")``: monthly buckets over ten years, no filter (answered
  from the span counts, ``api.spans``);
- the same with ``updatedSince`` long ago, a condition every item meets that the span counts cannot answer: the
  items' path, which the unfiltered case took before the span counts;
- the same for one actor (the busiest dyad's first actor), and for one event kind (ASSAULT: events only);
- ``relationship(from:, to:) { series(unit: MONTH, from: "2016", to: "2025") scoreAsOf(date: "2020") }`` for the
  pair with the most relationship changes;
- ``dyads(filter: {from: "2024", to: "2024"}, first: 20)`` with its totalCount.

Prints p50, p99 (interpolated between the slowest runs) and max in ms and the SQL statements per request. No timed
assertion: numbers to read.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sqlite3
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx
import psycopg

from api.app import create_app
from api.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
COUNTS = "events statements reactions total"
BUCKETS = f"""
query ($filter: ItemFilter) {{
  timelineBuckets(unit: MONTH, from: "2016", to: "2025", filter: $filter) {{
    buckets {{ label count {{ {COUNTS} }} overlapping {{ total }} }} spanning {{ {COUNTS} }}
  }}
}}
"""
SERIES = """
query ($from: RecordRef!, $to: RecordRef!) {
  relationship(from: $from, to: $to) {
    changeCount
    series(unit: MONTH, from: "2016", to: "2025") { label score delta changeCount overlapping }
    scoreAsOf(date: "2020") { score undecided low high }
  }
}
"""
DYADS = """
{ dyads(filter: {from: "2024", to: "2024"}, first: 20) {
    totalCount nodes { from { slug } to { slug } events scoreSum statements reactions } } }
"""


def realign(args: list[str], url: str) -> None:
    """Run a `realign` command against ``url``; on failure show its output and stop."""
    env = {**os.environ, "REALIGN_DATABASE_URL": url, "REALIGN_LOG_LEVEL": "WARNING"}
    done = subprocess.run([str(BIN / "realign"), *args], env=env, cwd=ROOT, capture_output=True, text=True)
    if done.returncode:
        sys.stderr.write(done.stdout + done.stderr)
        raise SystemExit(f"`realign {' '.join(args)}` failed on {url}")


def scalar(url: str, sql: str) -> Any:
    """One value of one query (the database at ``url``); None when the database or table is missing."""
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


def prepare(backend: str, size: int, args: argparse.Namespace) -> str:
    """The URL of a data set of ``size`` synthetic events: reused when it holds that many, built otherwise."""
    if backend == "postgresql":
        server = args.postgres_url.rstrip("/")
        name = args.database or f"realign_bench_buckets_{size}"
        url = f"{server}/{name}"
    else:
        path = Path(args.data_dir).resolve() / f"buckets-{size}.db"
        url = f"sqlite:///{path}"
    if scalar(url, "SELECT count(*) FROM event") == size:
        realign(["db", "upgrade"], url)
        print(f"{backend} {size}: reusing {url}")
        return url
    if backend == "postgresql":
        with psycopg.connect(f"{server}/postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{name}"')
    else:
        path.parent.mkdir(parents=True, exist_ok=True)
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
    started = time.perf_counter()
    realign(["db", "upgrade"], url)
    realign(["seed", "--synthetic", str(size)], url)
    if backend == "postgresql":  # what autovacuum would soon do; the planner needs it
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute("ANALYZE")
    print(f"{backend} {size}: built {url} in {time.perf_counter() - started:.0f} s")
    return url


def busiest_pair(url: str) -> tuple[str, str]:
    """The slugs of the pair with the most relationship changes."""
    sql = (
        "SELECT a.slug || ' ' || b.slug FROM relationship_change c JOIN actor a ON a.id = c.from_actor_id "
        "JOIN actor b ON b.id = c.to_actor_id GROUP BY a.slug, b.slug ORDER BY count(*) DESC, 1 LIMIT 1"
    )
    found = scalar(url, sql)
    if not found:
        raise SystemExit(f"{url} holds no relationship changes")
    first, second = str(found).split(" ")
    return first, second


async def measure(url: str, runs: int, only: str | None = None) -> None:
    app = create_app(Settings(database_url=url, statement_timeout_ms=120_000, log_level="WARNING"))
    a, b = busiest_pair(url)
    cases = [
        ("monthly buckets, 10 years (span counts)", BUCKETS, {}),
        ("monthly buckets, 10 years (items' path)", BUCKETS, {"filter": {"updatedSince": "1970-01-01T00:00:00Z"}}),
        (f"monthly buckets, 10 years, actor {a}", BUCKETS, {"filter": {"actors": [{"slug": a}]}}),
        ("monthly buckets, 10 years, event kind ASSAULT", BUCKETS, {"filter": {"eventKinds": ["ASSAULT"]}}),
        (f"series {a}->{b}, 10 years monthly + scoreAsOf", SERIES, {"from": {"slug": a}, "to": {"slug": b}}),
        ("dyads of 2024, first 20 + totalCount", DYADS, {}),
    ]
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://bench", timeout=300) as client,
    ):
        for name, query, variables in cases:
            if only and only not in name:
                continue
            times, statements = [], 0
            for run in range(runs + 1):
                before = app.state.statements.sent
                started = time.perf_counter()
                response = await client.post("/graphql", json={"query": query, "variables": variables})
                elapsed = (time.perf_counter() - started) * 1000
                body = response.json()
                if body.get("errors"):
                    raise SystemExit(f"{name}: {body['errors']}")
                statements = app.state.statements.sent - before
                if run:  # the first is the warm-up
                    times.append(elapsed)
            p99 = statistics.quantiles(times, n=100, method="inclusive")[98] if len(times) > 1 else times[0]
            print(
                f"  {name:<55} p50 {statistics.median(times):8.1f} ms  p99 {p99:8.1f} ms  max {max(times):8.1f} ms"
                f"  {statements} SQL"
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--backends", default="postgresql,sqlite")
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--postgres-url", default="postgresql://postgres@127.0.0.1:5432")
    parser.add_argument("--data-dir", default=str(ROOT / "bench" / "results"))
    parser.add_argument("--only", help="Time only the cases whose name holds this text (e.g. `monthly buckets`).")
    parser.add_argument(
        "--database", help="PostgreSQL database to use (e.g. one of bench.synthetic_db), reused when it holds N events"
    )
    args = parser.parse_args()
    for backend in args.backends.split(","):
        url = prepare(backend, args.events, args)
        print(f"{backend}, {args.events} events:")
        asyncio.run(measure(url, args.runs, args.only))


if __name__ == "__main__":
    main()
