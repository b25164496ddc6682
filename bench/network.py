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
from functools import partial
from typing import Any

import httpx

from bench.synthetic_db import add_options, prepare
from bench.timing import line, timed

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


async def graphql(client: httpx.AsyncClient, variables: dict[str, Any]) -> str:
    """Ask for the network over GraphQL; what came back: the links returned of how many, or the refusal."""
    response = await client.post("/graphql", json={"query": QUERY, "variables": variables})
    body = response.json()
    if body.get("errors"):
        return "refused: " + body["errors"][0]["message"][:40]
    found = body["data"]["actorNetwork"]
    return f"{len(found['links'])} of {found['linkCount']} links"


async def graphml(client: httpx.AsyncClient, variables: dict[str, Any]) -> str:
    """Download the same network as GraphML; what came back: its size, or the refusal."""
    params: dict[str, Any] = {**YEAR, "maxLinks": str(variables["max"])}
    if variables["actors"]:
        params["actors"] = ",".join(a["slug"] for a in variables["actors"])
        params["includeAffiliated"] = str(variables["fold"]).lower()
    response = await client.get("/network.graphml", params=params)
    if response.status_code != 200:
        return "refused: " + response.json()["error"]["message"][:40]
    return f"{len(response.content) // 1024} kB"


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
            for form, ask in (("graphql", graphql), ("graphml", graphml)):
                # the first two warm the statement caches
                timing = await timed(partial(ask, client, variables), repeat, warmups=2, tally=app.state.statements)
                print(f"{name:24} {form:8} {line(timing, width=7, unit='statements')}  {timing.last}", flush=True)
    await app.state.engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    add_options(parser, "--repeat")
    args = parser.parse_args()
    url = prepare(args.events, args.database)
    asyncio.run(measure(url, args.repeat))


if __name__ == "__main__":
    main()
