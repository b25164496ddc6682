"""Benchmark: the timeline filtered by a text search, through Realign's GraphQL API, on an existing database.

    .venv/bin/python bench/search.py URL [--runs 5] [--words summit 12345 zyxwv]

Runs ``{ timeline(filter: {search: ...}, first: 50) { totalCount nodes { __typename } } }`` once to warm up,
then ``--runs`` times for each word, and prints the median and the slowest time in ms with the total count.
Load a database first: ``REALIGN_DATABASE_URL=URL realign db upgrade && realign seed --synthetic 100000``.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time

import httpx

from api.app import create_app
from api.settings import Settings

QUERY = "query ($q: String!) { timeline(filter: {search: $q}, first: 50) { totalCount nodes { __typename } } }"


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("url")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--words", nargs="+", default=["summit", "12345", "zyxwv"])
    args = parser.parse_args()
    app = create_app(Settings(database_url=args.url, statement_timeout_ms=120_000))
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://bench", timeout=300) as client,
    ):
        for word in args.words:
            times, total = [], None
            for run in range(args.runs + 1):
                started = time.perf_counter()
                response = await client.post("/graphql", json={"query": QUERY, "variables": {"q": word}})
                elapsed = (time.perf_counter() - started) * 1000
                body = response.json()
                assert not body.get("errors"), body
                total = body["data"]["timeline"]["totalCount"]
                if run:
                    times.append(elapsed)
            print(f"{word:>10}  total {total:>7}  median {statistics.median(times):8.1f} ms  max {max(times):8.1f} ms")


if __name__ == "__main__":
    asyncio.run(main())
