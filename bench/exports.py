"""Benchmark: a vis-timeline export of a two-year window (GraphQL field and GET download), on synthetic data.

    .venv/bin/python -m bench.exports [--events 100000] [--runs 20] [--database NAME] [--kind ASSAULT]

Uses the PostgreSQL data set of ``bench.synthetic_db`` (built on first use, then reused), asks the app in this
process (through ASGI, no server: the time is the app's and the database's) at concurrency 1, and prints items,
p50/p99/max and the SQL statements per request.

The filter is what a frontend showing two years on a vis-timeline would send and what fits one export
(REALIGN_MAX_EXPORT_ITEMS, 5 000): the events of one PLOVER kind over 2024–2025 (``eventKinds: [ASSAULT]``; the
generator draws 16 kinds evenly, so ~4 200 events at 1 000 000, ~420 at 100 000). The whole window (~130 000
items at 1 000 000 events) is timed too: refused (BAD_USER_INPUT, ``exportItems``) — what it costs to say no.
"""

from __future__ import annotations

import argparse
import asyncio
from functools import partial
from typing import Any

import httpx

from api.app import create_app
from api.settings import Settings
from bench.synthetic_db import add_options, prepare
from bench.timing import line, timed

WINDOW = {"from": "2024", "to": "2025"}
VIS = """
query ($filter: ItemFilter, $groupBy: VisGroupBy!) { visTimelineExport(filter: $filter, groupBy: $groupBy) }
"""
TIMELINEJS = "query ($filter: ItemFilter) { timelineJsExport(filter: $filter) }"


async def measure(url: str, runs: int, kind: str) -> None:
    app = create_app(Settings(database_url=url, log_level="WARNING"))
    chosen = {**WINDOW, "eventKinds": [kind]}
    params = {**WINDOW, "eventKinds": kind.lower()}
    # (name, GraphQL query and variables, or the download's path and parameters)
    cases: list[tuple[str, str, Any]] = [
        (f"vis GraphQL, {kind} 2024-2025, lanes by type", "graphql", (VIS, {"filter": chosen, "groupBy": "ITEM_TYPE"})),
        (f"vis GraphQL, {kind} 2024-2025, lanes by actor", "graphql", (VIS, {"filter": chosen, "groupBy": "ACTOR"})),
        (f"vis GET, {kind} 2024-2025", "get", ("/export/vis-timeline.json", params)),
        (f"TimelineJS GraphQL, {kind} 2024-2025", "graphql", (TIMELINEJS, {"filter": chosen})),
        ("vis GET, everything 2024-2025 (refused)", "get", ("/export/vis-timeline.json", WINDOW)),
    ]
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://bench", timeout=300) as client,
    ):
        for name, door, (target, arguments) in cases:
            if door == "graphql":
                request = partial(client.post, "/graphql", json={"query": target, "variables": arguments})
            else:
                request = partial(client.get, target, params=arguments)
            # the first two warm the statement caches
            timing = await timed(request, runs, warmups=2, tally=app.state.statements)
            response = timing.last
            body = response.json()
            if door == "graphql" and not body.get("errors"):
                document = next(iter(body["data"].values()))
                outcome = f"{len(document.get('items', document.get('events', [])))} items"
            elif door == "get" and response.status_code == 200:
                outcome = f"{len(body['items'])} items"
            else:
                error = body["errors"][0] if door == "graphql" else body["error"]
                outcome = "refused: " + str(error.get("extensions", error).get("limit", error.get("message")))
            print(f"  {name:<48} {line(timing, width=7)}  {outcome} ({len(response.content) // 1024} kB)", flush=True)
    await app.state.engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    add_options(parser, "--runs")
    parser.add_argument("--kind", default="ASSAULT", help="the event kind exported (default ASSAULT)")
    args = parser.parse_args()
    url = prepare(args.events, args.database)
    print(f"vis-timeline export of 2024-2025, {args.events} events, {args.runs} runs each:")
    asyncio.run(measure(url, args.runs, args.kind))


if __name__ == "__main__":
    main()
