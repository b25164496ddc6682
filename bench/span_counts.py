"""Benchmark: unfiltered monthly buckets over ten years from the span counts alone, at a size too slow to load.

    .venv/bin/python bench/span_counts.py [--events 1000000] [--runs 30]
        [--postgres-url postgresql://postgres@127.0.0.1:5432] [--data-dir bench/results]

The span path of ``timelineBuckets`` (no filter) reads ``item_span_count`` and nothing else, so its cost follows
that table alone. This builds the table as ``realign seed --synthetic N`` would leave it (the generator's dates,
counted per item type and span) in a database at head holding no items (PostgreSQL ``realign_bench_spans_<N>``,
SQLite ``<data-dir>/spans-<N>.db``), then times the request as ``bench/buckets.py`` does: p50, p99, max and SQL
statements. The items' path needs the items: ``bench/buckets.py``.
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import sqlite3
import sys
from functools import partial
from pathlib import Path

import httpx
import psycopg

from api.app import create_app
from api.dates import parse_when
from api.settings import Settings
from seeds.synthetic import records

ROOT = Path(__file__).resolve().parent.parent
if __package__ in (None, ""):  # run as `bench/span_counts.py` (not `-m bench.span_counts`): the `bench` package too
    sys.path.insert(0, str(ROOT))

from bench.synthetic_db import empty, realign  # noqa: E402 - importable from ROOT, added above
from bench.timing import line, stop_on_errors, timed  # noqa: E402

QUERY = """
{ timelineBuckets(unit: MONTH, from: "2016", to: "2025") {
    buckets { label count { events statements reactions total } overlapping { total } }
    spanning { events statements reactions total } } }
"""


def spans(events: int) -> list[tuple[str, str, str, int]]:
    """The synthetic data set's span counts: (item type, first day, last day, items)."""
    counts: collections.Counter[tuple[str, str, str]] = collections.Counter()
    for kind, record in records(events):
        if kind in ("event", "statement", "reaction"):
            when = parse_when(record["date"])
            counts[(kind, when.earliest.isoformat(), when.latest.isoformat())] += 1
    return [(kind, first, last, n) for (kind, first, last), n in counts.items()]


def build(rows: list[tuple[str, str, str, int]], events: int, args: argparse.Namespace) -> list[str]:
    """The two databases at head holding only these span counts; their URLs."""
    path = Path(args.data_dir).resolve() / f"spans-{events}.db"
    urls = [f"{args.postgres_url.rstrip('/')}/realign_bench_spans_{events}", f"sqlite:///{path}"]
    for url in urls:
        empty(url)
        realign(["db", "upgrade"], url)
    with psycopg.connect(urls[0]) as conn:
        with conn.cursor() as cursor:
            cursor.executemany("INSERT INTO item_span_count VALUES (%s, %s, %s, %s)", rows)
        conn.commit()
        conn.autocommit = True
        conn.execute("ANALYZE item_span_count")
    with sqlite3.connect(path) as lite:
        lite.executemany("INSERT INTO item_span_count VALUES (?, ?, ?, ?)", rows)
    return urls


async def measure(url: str, runs: int) -> None:
    app = create_app(Settings(database_url=url))
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://bench", timeout=300) as client,
    ):
        post = partial(client.post, "/graphql", json={"query": QUERY})
        timing = await timed(post, runs, tally=app.state.statements, check=partial(stop_on_errors, url))
    print(f"  {url.split(':')[0]:<10} {line(timing)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--postgres-url", default="postgresql://postgres@127.0.0.1:5432")
    parser.add_argument("--data-dir", default=str(ROOT / "bench" / "results"))
    args = parser.parse_args()
    rows = spans(args.events)
    print(f"{args.events} events: {len(rows)} spans for {sum(r[3] for r in rows)} items")
    for url in build(rows, args.events, args):
        asyncio.run(measure(url, args.runs))


if __name__ == "__main__":
    main()
