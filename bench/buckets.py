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
import sys
from functools import partial
from pathlib import Path

import httpx

from api.app import create_app
from api.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
if __package__ in (None, ""):  # run as `bench/buckets.py` (not `-m bench.buckets`): the `bench` package too
    sys.path.insert(0, str(ROOT))

from bench.synthetic_db import build, count_events, realign, scalar  # noqa: E402 - importable from ROOT, added above
from bench.timing import line, stop_on_errors, timed  # noqa: E402

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


def prepare(backend: str, size: int, args: argparse.Namespace) -> str:
    """The URL of a data set of ``size`` synthetic events: reused when it holds that many, built otherwise."""
    if backend == "postgresql":
        url = f"{args.postgres_url.rstrip('/')}/{args.database or f'realign_bench_buckets_{size}'}"
    else:
        url = f"sqlite:///{Path(args.data_dir).resolve() / f'buckets-{size}.db'}"
    if count_events(url) == size:
        realign(["db", "upgrade"], url)
        print(f"{backend} {size}: reusing {url}")
        return url
    print(f"{backend} {size}: built {url} in {build(url, size):.0f} s")
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
            post = partial(client.post, "/graphql", json={"query": query, "variables": variables})
            timing = await timed(post, runs, tally=app.state.statements, check=partial(stop_on_errors, name))
            print(f"  {name:<55} {line(timing)}")


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
