"""Benchmark: the actor network of a year (``actorNetwork``) and its GraphML download, on synthetic data.

Uses the PostgreSQL data set of ``bench.synthetic_db`` (`realign seed --synthetic N`, built on first use, then
reused), then asks the app in this process (through ASGI, no server: the time is the app's and the database's) for
the network of the year 2025 four ways — every actor (the strongest 5 000 links, and the default 500), five actors,
the same five with their families folded in — over GraphQL and as GraphML, at concurrency 1, and prints
p50/p99/max, the links returned of how many there are and the SQL statements per request.

    .venv/bin/python -m bench.network [--events 100000] [--repeat 20] [--database NAME]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time
from typing import Any

import httpx

from bench.synthetic_db import default_name, prepare

YEAR = {"from": "2025", "to": "2025"}
QUERY = """
query Network($from: FuzzyDate, $to: FuzzyDate, $actors: [RecordRef!], $fold: Boolean!, $max: Int!) {
  actorNetwork(from: $from, to: $to, actors: $actors, includeAffiliated: $fold, maxLinks: $max) {
    linkCount
    nodes { actor { slug name } degree inWeight outWeight }
    links { from { slug } to { slug } weight interactionCount trend }
  }
}
"""


async def measure(url: str, repeat: int) -> None:
    from api.app import create_app
    from api.settings import Settings

    app = create_app(Settings(database_url=url, log_level="WARNING"))
    actors = [{"slug": f"syn-actor-{n}"} for n in range(5)]
    cases: list[tuple[str, dict[str, Any]]] = [
        ("every actor, 5000 links", {**YEAR, "actors": None, "fold": False, "max": 5000}),
        ("every actor, 500 links", {**YEAR, "actors": None, "fold": False, "max": 500}),
        ("5 actors", {**YEAR, "actors": actors, "fold": False, "max": 5000}),
        ("5 actors + families", {**YEAR, "actors": actors, "fold": True, "max": 5000}),
    ]
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://bench") as client:
        for name, variables in cases:
            for form in ("graphql", "graphml"):
                times: list[float] = []
                outcome = ""
                before = app.state.statements.sent
                for _ in range(repeat + 2):  # the first two warm the statement caches
                    started = time.perf_counter()
                    if form == "graphql":
                        response = await client.post("/graphql", json={"query": QUERY, "variables": variables})
                        body = response.json()
                        found = body["data"]["actorNetwork"] if not body.get("errors") else None
                        outcome = (
                            f"{len(found['links'])} of {found['linkCount']} links"
                            if found is not None
                            else "refused: " + body["errors"][0]["message"][:40]
                        )
                    else:
                        params: dict[str, Any] = {**YEAR, "maxLinks": str(variables["max"])}
                        if variables["actors"]:
                            params["actors"] = ",".join(a["slug"] for a in variables["actors"])
                            params["includeAffiliated"] = str(variables["fold"]).lower()
                        response = await client.get("/network.graphml", params=params)
                        outcome = (
                            f"{len(response.content) // 1024} kB"
                            if response.status_code == 200
                            else "refused: " + response.json()["error"]["message"][:40]
                        )
                    times.append((time.perf_counter() - started) * 1000)
                statements = (app.state.statements.sent - before) / (repeat + 2)
                times = sorted(times[2:])
                p99 = statistics.quantiles(times, n=100, method="inclusive")[98] if len(times) > 1 else times[0]
                print(
                    f"{name:24} {form:8} p50 {statistics.median(times):7.1f} ms  p99 {p99:7.1f} ms  "
                    f"max {times[-1]:7.1f} ms  {statements:.0f} statements  {outcome}",
                    flush=True,
                )
    await app.state.engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--database", help=f"PostgreSQL database (default {default_name(0)[:-1]}<N>)")
    args = parser.parse_args()
    url = prepare(args.events, args.database)
    asyncio.run(measure(url, args.repeat))


if __name__ == "__main__":
    main()
