"""Benchmark: the actor network of a year (``actorNetwork``) and its GraphML download, on synthetic data.

Loads `realign seed --synthetic N` into a fresh PostgreSQL database (``realign_bench_network_<N>``, kept and reused
with --skip-load), then asks the app in this process (through ASGI, no server: the time is the app's and the
database's) for the network of the year 2025 three ways — every actor, five actors, the same five with their
families folded in — over GraphQL and as GraphML, at concurrency 1, and prints p50/p99/max, the links (or the
refusal, past `maxLinks`) and the SQL statements per request.

    .venv/bin/python bench/network.py [--events 100000] [--repeat 20] [--skip-load]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx
import psycopg

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
BIN = Path(sys.executable).parent
SERVER = "postgresql://postgres@127.0.0.1:5432"
YEAR = {"from": "2025", "to": "2025"}
QUERY = """
query Network($from: FuzzyDate, $to: FuzzyDate, $actors: [RecordRef!], $fold: Boolean!) {
  actorNetwork(from: $from, to: $to, actors: $actors, includeAffiliated: $fold, maxLinks: 5000) {
    nodes { actor { slug name } degree inWeight outWeight }
    links { from { slug } to { slug } weight interactionCount trend }
  }
}
"""


def prepare(database: str, events: int, env: dict[str, str]) -> float:
    with psycopg.connect(f"{SERVER}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{database}"')
    subprocess.run([str(BIN / "realign"), "db", "upgrade"], check=True, env=env, cwd=ROOT)
    started = time.perf_counter()
    subprocess.run([str(BIN / "realign"), "seed", "--synthetic", str(events)], check=True, env=env, cwd=ROOT)
    elapsed = time.perf_counter() - started
    with psycopg.connect(env["REALIGN_DATABASE_URL"], autocommit=True) as conn:
        conn.execute("ANALYZE")
    return elapsed


async def measure(url: str, repeat: int) -> None:
    from api.app import create_app
    from api.settings import Settings

    app = create_app(Settings(database_url=url, log_level="WARNING"))
    actors = [{"slug": f"syn-actor-{n}"} for n in range(5)]
    cases: list[tuple[str, dict[str, Any]]] = [
        ("every actor", {**YEAR, "actors": None, "fold": False}),
        ("5 actors", {**YEAR, "actors": actors, "fold": False}),
        ("5 actors + families", {**YEAR, "actors": actors, "fold": True}),
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
                        outcome = (
                            f"{len(body['data']['actorNetwork']['links'])} links"
                            if not body.get("errors")
                            else "refused: " + body["errors"][0]["message"][:40]
                        )
                    else:
                        params: dict[str, Any] = {**YEAR, "maxLinks": "5000"}
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
                p99 = times[min(len(times) - 1, int(len(times) * 0.99))]
                print(
                    f"{name:22} {form:8} p50 {statistics.median(times):7.1f} ms  p99 {p99:7.1f} ms  "
                    f"max {times[-1]:7.1f} ms  {statements:.0f} statements  {outcome}"
                )
    await app.state.engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--skip-load", action="store_true", help="reuse the database of a previous run")
    args = parser.parse_args()
    database = f"realign_bench_network_{args.events}"
    url = f"{SERVER}/{database}"
    env = {**os.environ, "REALIGN_DATABASE_URL": url, "REALIGN_LOG_LEVEL": "WARNING"}
    if not args.skip_load:
        print(f"loading {args.events} synthetic events: {prepare(database, args.events, env):.0f} s")
    asyncio.run(measure(url, args.repeat))


if __name__ == "__main__":
    main()
