"""Benchmark: the nested timeline page through Realign's GraphQL API versus the raw-SQL limit.

Loads `realign seed --synthetic N` into a fresh PostgreSQL database, starts `realign serve` (one worker) and
the raw-SQL endpoint (bench/raw_limit.py, one worker), then drives both from this process at concurrency 1
and 16 with keep-alive HTTP/1.1 connections, taking turns for several rounds, and prints requests/s, p50, p99
(medians over the rounds), their ratio per round and its median, and the SQL statements per GraphQL request.

    .venv/bin/python bench/timeline.py [--events 100000] [--seconds 5] [--rounds 3] [--skip-load]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
SERVER = "postgresql://postgres@127.0.0.1:5432"
WINDOW = {"from": "2024-01-01", "to": "2025-12-31"}
QUERY = """
query TimelinePage($from: String!, $to: String!) {
  timeline(filter: {from: $from, to: $to, itemTypes: [EVENT]}, first: 50) {
    edges {
      cursor
      node {
        ... on Event {
          id slug title kind date { label start }
          participants { role actor { id name } }
          statements(first: 5) {
            nodes {
              id quote speaker { id name }
              reactions(first: 5) { nodes { id kind reactor { id name } } }
            }
          }
        }
      }
    }
  }
}
"""


def run(cmd: list[str], env: dict[str, str]) -> None:
    subprocess.run(cmd, check=True, env=env, cwd=ROOT)


def prepare(database: str, events: int, env: dict[str, str]) -> float:
    with psycopg.connect(f"{SERVER}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{database}"')
    run([str(BIN / "realign"), "db", "upgrade"], env)
    started = time.perf_counter()
    run([str(BIN / "realign"), "seed", "--synthetic", str(events)], env)
    elapsed = time.perf_counter() - started
    with psycopg.connect(env["REALIGN_DATABASE_URL"], autocommit=True) as conn:
        conn.execute("ANALYZE")
    return elapsed


async def wait_ready(port: int, path: str, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            reader, writer = await asyncio.open_connection("127.0.0.1", port)
            writer.write(f"GET {path} HTTP/1.1\r\nHost: x\r\n\r\n".encode())
            await writer.drain()
            line = await reader.readline()
            writer.close()
            if b" 200 " in line or b" 405 " in line:
                return
        except OSError:
            pass
        await asyncio.sleep(0.2)
    raise SystemExit(f"server on port {port} did not become ready")


def request_bytes(path: str, body: bytes) -> bytes:
    head = (
        f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
        f"Accept: application/json\r\nContent-Length: {len(body)}\r\n\r\n"
    )
    return head.encode() + body


async def one(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, payload: bytes) -> bytes:
    writer.write(payload)
    await writer.drain()
    status = await reader.readline()
    length = 0
    while True:
        line = await reader.readline()
        if line in (b"\r\n", b""):
            break
        name, _, value = line.partition(b":")
        if name.lower() == b"content-length":
            length = int(value)
    body = await reader.readexactly(length)
    if b" 200 " not in status:
        raise RuntimeError(f"{status!r}: {body[:300]!r}")
    return body


async def drive(port: int, payload: bytes, concurrency: int, seconds: float) -> tuple[float, list[float]]:
    latencies: list[float] = []
    deadline = time.perf_counter() + seconds

    async def worker() -> None:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        while time.perf_counter() < deadline:
            started = time.perf_counter()
            await one(reader, writer, payload)
            latencies.append(time.perf_counter() - started)
        writer.close()

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return len(latencies) / (time.perf_counter() - started), latencies


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))] * 1000


async def check_same_page(gql_port: int, raw_port: int, gql: bytes, raw: bytes) -> tuple[int, int]:
    reader, writer = await asyncio.open_connection("127.0.0.1", gql_port)
    answer = json.loads(await one(reader, writer, gql))
    writer.close()
    assert "errors" not in answer, answer["errors"]
    reader, writer = await asyncio.open_connection("127.0.0.1", raw_port)
    limit = json.loads(await one(reader, writer, raw))
    writer.close()
    ours = [e["node"]["slug"] for e in answer["data"]["timeline"]["edges"]]
    theirs = [e["slug"] for e in limit["data"]["events"]]
    assert ours == theirs, (ours[:5], theirs[:5])
    return len(ours), sum(len(e["node"]["statements"]["nodes"]) for e in answer["data"]["timeline"]["edges"])


def statements_per_request(url: str) -> int:
    """Count SQL statements for one page, in-process, with the app's own tally (every read passes it)."""
    import httpx

    from api.app import create_app
    from api.settings import Settings

    app = create_app(Settings(database_url=url))

    async def go() -> int:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://bench") as client:
            before = app.state.statements.sent
            response = await client.post("/graphql", json={"query": QUERY, "variables": WINDOW})
            assert "errors" not in response.json()
            sent = app.state.statements.sent - before
        await app.state.engine.dispose()
        return sent

    return asyncio.run(go())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--seconds", type=float, default=5, help="per server, concurrency and round")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--database", default="realign_bench")
    parser.add_argument("--skip-load", action="store_true", help="reuse the database from a previous run")
    args = parser.parse_args()
    url = f"{SERVER}/{args.database}"
    env = {**os.environ, "REALIGN_DATABASE_URL": url, "REALIGN_LOG_LEVEL": "WARNING", "RAW_DSN": url}
    if args.skip_load:
        run([str(BIN / "realign"), "db", "upgrade"], env)
    else:
        load = prepare(args.database, args.events, env)
        print(f"loaded {args.events} synthetic events into PostgreSQL in {load:.1f} s")
    servers = [
        subprocess.Popen([str(BIN / "realign"), "serve", "--port", "8765", "--workers", "1"], env=env, cwd=ROOT),
        subprocess.Popen(
            [
                str(BIN / "uvicorn"),
                "--app-dir",
                "bench",
                "raw_limit:app",
                "--port",
                "8766",
                "--workers",
                "1",
                "--log-level",
                "warning",
                "--no-access-log",
            ],
            env=env,
            cwd=ROOT,
        ),
    ]
    try:
        asyncio.run(wait_ready(8765, "/readyz"))
        asyncio.run(wait_ready(8766, "/page"))
        gql = request_bytes("/graphql", json.dumps({"query": QUERY, "variables": WINDOW}).encode())
        raw = request_bytes("/page", json.dumps(WINDOW).encode())
        events, statements = asyncio.run(check_same_page(8765, 8766, gql, raw))
        print(f"page: {events} events, {statements} statements at them (same events, same order, both servers)")
        # The two servers take turns, round after round, so a machine that speeds up or slows down meanwhile
        # (shared cores) weighs on both alike; each figure is the median over the rounds.
        for port, payload in ((8765, gql), (8766, raw)):
            asyncio.run(drive(port, payload, 4, 2))  # warm-up
        runs: dict[tuple[str, int], list[tuple[float, float, float]]] = {}
        for _ in range(args.rounds):
            for concurrency in (1, 16):
                for name, port, payload in (("graphql", 8765, gql), ("raw-sql", 8766, raw)):
                    rps, latencies = asyncio.run(drive(port, payload, concurrency, args.seconds))
                    runs.setdefault((name, concurrency), []).append((rps, pct(latencies, 50), pct(latencies, 99)))
        print(f"{'server':10} {'conc':>4} {'req/s':>9} {'p50 ms':>8} {'p99 ms':>8}   (median of {args.rounds} rounds)")
        for (name, concurrency), values in runs.items():
            rps, p50, p99 = (statistics.median(v[i] for v in values) for i in range(3))
            print(f"{name:10} {concurrency:>4} {rps:>9.1f} {p50:>8.2f} {p99:>8.2f}")
        for concurrency in (1, 16):
            ratios = [
                ours[0] / theirs[0]
                for ours, theirs in zip(runs[("graphql", concurrency)], runs[("raw-sql", concurrency)], strict=True)
            ]
            spread = ", ".join(f"{r:.3f}" for r in ratios)
            print(
                f"ratio graphql/raw-sql at concurrency {concurrency}: {statistics.median(ratios):.3f}x "
                f"(rounds: {spread})"
            )
    finally:
        for server in servers:
            server.terminate()
        for server in servers:
            server.wait(timeout=10)
    print(f"SQL statements per GraphQL request: {statements_per_request(url)} (raw-sql: 1)")


if __name__ == "__main__":
    main()
