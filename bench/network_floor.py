"""How fast the network of every actor over a year could be at best, on the data as it is: a diagnostic beside
bench/network.py, not a feature.

`actorNetwork` of every actor reads a year's interactions (changes, events' initiator→participant pairs,
statements, reactions) from their tables, joins them to their actors, groups them per ordered pair, ranks the
strongest links and counts them all. This script copies the year's interactions, already joined, into one table
of their own (a, b, kind, delta), indexed by pair, and times only what no index can skip: grouping them into
links, ranking the strongest 500 and counting every link. It prints that floor next to the whole statement, each
p50 / p99 / max of in-database time (the execution time of ``EXPLAIN (ANALYZE, TIMING OFF)``: no driver or
network cost, no clock read per row), at PostgreSQL's default ``work_mem`` and at 64MB.

    .venv/bin/python -m bench.network_floor [--events 1000000] [--runs 10] [--database NAME]
"""

from __future__ import annotations

import argparse
import statistics
from typing import Any

import psycopg
from sqlalchemy import select
from sqlalchemy.dialects import postgresql

from bench.synthetic_db import add_options, prepare
from schema.filters import filter_values
from schema.network import NetworkRequest, _whole_window, _window, network_statement

YEAR = NetworkRequest(start="2025", end="2025", max_links=500)
# The ranking and the count, as `network_statement` does them, on the pre-joined interactions.
FLOOR = """
WITH links AS (
  SELECT a, b, sum(delta) AS weight, count(*) FILTER (WHERE kind = 0) AS changes,
         count(*) FILTER (WHERE kind = 1) AS events, count(*) FILTER (WHERE kind = 2) AS statements,
         count(*) FILTER (WHERE kind = 3) AS reactions, count(*) AS interactions
  FROM year_interactions GROUP BY a, b
)
SELECT *, (SELECT count(*) FROM links) AS total FROM links
ORDER BY abs(weight) DESC, interactions DESC, a, b LIMIT 500
"""


def sql(statement: Any) -> str:
    """A statement (its values bound) as PostgreSQL text with the values written in, for EXPLAIN and CREATE
    TABLE AS (dates and numbers only: nothing to quote)."""
    return str(statement.compile(dialect=postgresql.dialect(), compile_kwargs={"literal_binds": True}))


def executed_ms(conn: psycopg.Connection[Any], text: str) -> float:
    """How long PostgreSQL took to execute a statement (EXPLAIN ANALYZE's execution time, in ms)."""
    plan = conn.execute("EXPLAIN (ANALYZE, TIMING OFF, FORMAT JSON) " + text).fetchone()[0]  # type: ignore[index]
    return float(plan[0]["Execution Time"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    add_options(parser, "--runs")
    args = parser.parse_args()
    url = prepare(args.events, args.database)
    window, as_of = _window(YEAR)
    values = {**filter_values(window), "limit": YEAR.max_links}
    whole = network_statement(window, as_of, False, False)("postgresql").params(**values)
    pairs, _ = _whole_window(window, as_of, "postgresql")
    copied = select(pairs.c.a, pairs.c.b, pairs.c.kind, pairs.c.delta).params(**values)
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("SET jit = off")  # as the app's connections (api.db)
        conn.execute("CREATE TEMP TABLE year_interactions AS " + sql(copied))
        conn.execute("CREATE INDEX ON year_interactions (a, b) INCLUDE (kind, delta)")
        conn.execute("ANALYZE year_interactions")
        rows, pairs_count = conn.execute("SELECT count(*), count(DISTINCT (a, b)) FROM year_interactions").fetchone()  # type: ignore[misc]
        print(f"the year 2025 on {args.events} events: {rows} interactions, {pairs_count} links")
        for work_mem in ("4MB", "64MB"):
            conn.execute(f"SET work_mem = '{work_mem}'")
            for name, text in (("whole statement", sql(whole)), ("floor (pre-joined)", FLOOR)):
                times = sorted([executed_ms(conn, text) for _ in range(args.runs + 1)][1:])  # the first warms up
                p99 = statistics.quantiles(times, n=100, method="inclusive")[98] if len(times) > 1 else times[0]
                print(
                    f"work_mem {work_mem:5} {name:19} p50 {statistics.median(times):7.1f} ms  p99 {p99:7.1f} ms  "
                    f"max {times[-1]:7.1f} ms"
                )


if __name__ == "__main__":
    main()
