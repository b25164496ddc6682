"""Live timelines at scale: two `realign serve` replicas behind Debian's nginx on one PostgreSQL database
(tests/nginx.py), N WebSocket subscribers (graphql-transport-ws) through nginx spread over 20 filters, W event
writes per second through nginx for S seconds. Not a timed test: it prints numbers.

Reports delivery latency (the event's `createdAt`, stamped inside the writing transaction just before it commits,
to the subscriber's receipt: a slight over-estimate of commit-to-receipt) median / p99 / worst, items lost and
duplicated (against what each filter should have received), and each replica's CPU and RSS (from /proc).

    .venv/bin/python -m bench.live --subscribers 200 --writes 20 --seconds 30

The database `realign_bench_live` (on --postgres-url) is dropped and rebuilt (the story) on each run.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import multiprocessing
import os
import resource
import statistics
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import h11
import psycopg
import websockets

from api.db import make_engine
from api.services import tokens
from tests.live.support import EVENT_CREATE, event
from tests.nginx import cluster

ROOT = Path(__file__).resolve().parent.parent
KINDS = [
    "AGREE", "CONSULT", "SUPPORT", "CONCEDE", "COOPERATE", "AID", "RETREAT", "REQUEST",
    "ACCUSE", "REJECT", "THREATEN", "PROTEST", "SANCTION", "MOBILIZE", "COERCE", "ASSAULT",
]  # fmt: skip
# Every write: Israel initiates, Taiwan is the target (tests.live.support.event); only the kind varies (KINDS in turn).
Filter = tuple[dict[str, Any], Callable[[str], bool]]
FILTERS: list[Filter] = [
    *(({"eventKinds": [kind]}, (lambda k: lambda kind_: kind_ == k)(kind)) for kind in KINDS),
    ({}, lambda kind: True),
    ({"actors": [{"slug": "israel"}]}, lambda kind: True),
    (
        {"actors": [{"slug": "taiwan"}], "eventKinds": ["CONSULT", "PROTEST"]},
        lambda kind: kind in {"CONSULT", "PROTEST"},
    ),
    ({"eventKinds": ["AGREE", "AID", "ASSAULT"]}, lambda kind: kind in {"AGREE", "AID", "ASSAULT"}),
]
QUERY = """subscription ($filter: ItemFilter) { timelineChanged(filter: $filter) {
  kind cursor item { ... on Event { slug createdAt } } } }"""


@dataclass
class Subscriber:
    """One WebSocket connection with one subscription; what it received and when."""

    number: int
    filter: int  # an index into FILTERS (a client process gets numbers, not functions)
    replica: str = ""
    received: list[tuple[str, float, float]] = field(default_factory=list)  # (slug, createdAt, receipt)
    error: str = ""


async def subscribe(url: str, sub: Subscriber, ready: asyncio.Event, count: list[int], total: int) -> None:
    try:
        async with websockets.connect(
            url, subprotocols=[websockets.Subprotocol("graphql-transport-ws")], compression=None
        ) as ws:
            response = ws.response
            sub.replica = response.headers.get("X-Realign-Upstream", "") if response else ""
            await ws.send(json.dumps({"type": "connection_init", "payload": {}}))
            assert json.loads(await ws.recv())["type"] == "connection_ack"
            variables = {"filter": FILTERS[sub.filter][0]}
            await ws.send(
                json.dumps({"id": "1", "type": "subscribe", "payload": {"query": QUERY, "variables": variables}})
            )
            count[0] += 1
            if count[0] == total:
                ready.set()
            async for raw in ws:
                now = time.time()
                message = json.loads(raw)
                if message["type"] == "ping":
                    await ws.send(json.dumps({"type": "pong"}))
                elif message["type"] == "next":
                    if "errors" in message["payload"]:
                        sub.error = str(message["payload"]["errors"])
                        return
                    item = message["payload"]["data"]["timelineChanged"]["item"]
                    created = dt.datetime.fromisoformat(item["createdAt"]).timestamp()
                    sub.received.append((item["slug"], created, now))
                elif message["type"] in {"error", "complete"}:
                    sub.error = str(message)
                    return
    except asyncio.CancelledError:
        raise
    except Exception as exc:  # noqa: BLE001 - reported with the results
        sub.error = repr(exc)


def client_process(url: str, numbers: list[int], ready: Any, stop: Any, results: Any) -> None:
    """One load-generating process: its share of the subscribers, until told to stop; then what each received
    and the process's own CPU seconds."""

    async def main() -> None:
        subs = [Subscriber(n, n % len(FILTERS)) for n in numbers]
        connected, count = asyncio.Event(), [0]
        tasks = []
        for sub in subs:  # a gentle ramp: connection storms are not what this measures
            tasks.append(asyncio.create_task(subscribe(url, sub, connected, count, len(subs))))
            await asyncio.sleep(0.01)
        async with asyncio.timeout(120):
            await connected.wait()
        ready.set()
        while not stop.is_set():
            await asyncio.sleep(0.2)
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        usage = resource.getrusage(resource.RUSAGE_SELF)
        results.put(
            ([(s.number, s.filter, s.replica, s.received, s.error) for s in subs], usage.ru_utime + usage.ru_stime)
        )

    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, max(soft, 2 * len(numbers) + 256)), hard))
    asyncio.run(main())


class Writer:
    """POSTs over a few keep-alive HTTP/1.1 connections (h11 frames the messages), each request on the next free
    one. The load generator shares the two cores with what it measures, so it must cost little: httpx's pool spent
    a third of a core at 50 writes a second matching queued requests to connections (and a failed `import sniffio`
    per request), which left the servers less of the machine than the run was meant to give them."""

    def __init__(self, base: str, connections: int) -> None:
        self.host, _, port = base.removeprefix("http://").partition(":")
        self.port = int(port or 80)
        self.size = connections
        self.idle: asyncio.Queue[tuple[asyncio.StreamReader, asyncio.StreamWriter, h11.Connection]] = asyncio.Queue()
        self.opened: list[asyncio.StreamWriter] = []

    async def _connect(self) -> None:
        reader, writer = await asyncio.open_connection(self.host, self.port)
        self.opened.append(writer)
        self.idle.put_nowait((reader, writer, h11.Connection(our_role=h11.CLIENT)))

    async def open(self) -> None:
        for _ in range(self.size):
            await self._connect()

    async def close(self) -> None:
        for writer in self.opened:
            writer.close()

    async def post(self, path: str, body: bytes, headers: dict[str, str]) -> tuple[int, bytes]:
        """The status and body of one POST (waiting for a free connection first); a connection the server closed
        or that failed is replaced by a new one."""
        reader, writer, conn = await self.idle.get()
        fields = [("Host", self.host), ("Content-Type", "application/json"), ("Content-Length", str(len(body)))]
        request = h11.Request(method="POST", target=path, headers=[*fields, *headers.items()])
        try:
            writer.write(conn.send(request) + conn.send(h11.Data(data=body)) + conn.send(h11.EndOfMessage()))
            status, chunks = 0, []
            while True:
                event = conn.next_event()
                if event is h11.NEED_DATA:
                    conn.receive_data(await reader.read(65536))
                elif isinstance(event, h11.Response):
                    status = event.status_code
                elif isinstance(event, h11.Data):
                    chunks.append(bytes(event.data))
                elif isinstance(event, h11.EndOfMessage):
                    break
                elif isinstance(event, h11.ConnectionClosed):
                    raise ConnectionError("the server closed the connection before answering")
        finally:
            if conn.our_state is h11.DONE and conn.their_state is h11.DONE:
                conn.start_next_cycle()
                self.idle.put_nowait((reader, writer, conn))
            else:  # closed, or broken mid-request: not reusable
                writer.close()
                await self._connect()
        return status, b"".join(chunks)


async def write_load(
    base: str, token: str, rate: float, seconds: float
) -> tuple[list[tuple[str, str]], int, list[float]]:
    """Writes at ``rate`` per second for ``seconds``, each its own task (a slow one does not delay the schedule)
    over at most 50 connections; what was written, the failures, and each write's round trip in ms (from the
    moment it was due, so a wait for a free connection counts)."""
    written: list[tuple[str, str]] = []
    failures = [0]
    took: list[float] = []
    http = Writer(base, 50)
    await http.open()
    headers = {"Authorization": f"Bearer {token}"}

    async def one(n: int) -> None:
        slug, kind = f"bench-live-{n}", KINDS[n % len(KINDS)]
        body = json.dumps({"query": EVENT_CREATE, "variables": {"input": event(slug, kind)}}).encode()
        sent = time.monotonic()
        try:
            status, answer = await http.post("/graphql", body, headers)
            data = json.loads(answer)
        except (OSError, ValueError, h11.ProtocolError) as exc:
            status, data = 0, {"errors": [repr(exc)]}
        took.append((time.monotonic() - sent) * 1000)
        if status == 200 and not data.get("errors") and not data["data"]["eventCreate"]["userErrors"]:
            written.append((slug, kind))
        else:
            failures[0] += 1
            if failures[0] <= 3:  # a sample of why, for the report
                print("write failed:", status, json.dumps(data)[:300], file=sys.stderr)

    try:
        tasks = []
        started = time.monotonic()
        for n in range(int(rate * seconds)):
            await asyncio.sleep(max(0.0, started + n / rate - time.monotonic()))
            tasks.append(asyncio.create_task(one(n)))
        await asyncio.gather(*tasks)
    finally:
        await http.close()
    return written, failures[0], took


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def memory(pid: int) -> dict[str, int]:
    """VmRSS and VmHWM (peak) in MB."""
    found = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in {"VmRSS", "VmHWM"}:
            found[key] = int(value.split()[0]) // 1024
    return found


def prepare(server: str) -> tuple[str, str]:
    """A fresh database holding the story, and an editor token for it."""
    url = f"{server}/realign_bench_live"
    with psycopg.connect(f"{server}/postgres", autocommit=True) as conn:
        conn.execute('DROP DATABASE IF EXISTS "realign_bench_live" WITH (FORCE)')
        conn.execute('CREATE DATABASE "realign_bench_live"')
    realign = str(Path(sys.executable).parent / "realign")
    env = {**os.environ, "REALIGN_DATABASE_URL": url}
    for argv in (["db", "upgrade"], ["seed"]):
        subprocess.run([realign, *argv], env=env, cwd=ROOT, check=True, capture_output=True)
    engine = make_engine(url)
    try:
        with engine.begin() as conn:
            token = tokens.create(conn, name="bench-live", role="editor")
    finally:
        engine.dispose()
    return url, token


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


async def run(args: argparse.Namespace, url: str, token: str) -> None:
    settings = {"log_level": "WARNING", "db_pool_size": str(args.pool_size)}
    with cluster(url, 2, **settings) as front:
        ws = front.base.replace("http://", "ws://") + "/graphql"
        # The subscribers live in client processes of their own, so that receiving is not what limits the run.
        context = multiprocessing.get_context("spawn")
        ready = [context.Event() for _ in range(args.clients)]
        stop, results = context.Event(), context.Queue()
        clients = [
            context.Process(
                target=client_process,
                args=(ws, list(range(i, args.subscribers, args.clients)), ready[i], stop, results),
            )
            for i in range(args.clients)
        ]
        for client in clients:
            client.start()
        for event in ready:
            await asyncio.to_thread(event.wait, 180)
        await asyncio.sleep(1.0)  # the last subscribe messages reach their replicas
        pids = {r.base.removeprefix("http://"): r.pid for r in front.replicas}
        cpu_before = {address: cpu_seconds(pid) for address, pid in pids.items()}
        started, writer_cpu = time.monotonic(), time.process_time()
        written, failures, took = await write_load(front.base, token, args.writes, args.seconds)
        writer_cpu = time.process_time() - writer_cpu
        await asyncio.sleep(args.drain)
        elapsed = time.monotonic() - started
        cpu = {address: (cpu_seconds(pid) - cpu_before[address]) / elapsed for address, pid in pids.items()}
        mem = {address: memory(pid) for address, pid in pids.items()}
        stop.set()
        gathered = [await asyncio.to_thread(results.get, True, 120) for _ in clients]
        for client in clients:
            client.join(30)
    subs = [
        Subscriber(n, f, replica, received, error) for part, _ in gathered for n, f, replica, received, error in part
    ]
    client_cpu = sum(seconds for _, seconds in gathered)

    kind_of = dict(written)
    latencies, lost, duplicates = [], 0, 0
    for sub in subs:
        expected = {slug for slug, kind in written if FILTERS[sub.filter][1](kind)}
        got = Counter(slug for slug, _, _ in sub.received)
        lost += len(expected - set(got))
        duplicates += sum(n - 1 for n in got.values() if n > 1)
        strays = [slug for slug in got if slug not in expected and slug in kind_of]
        assert not strays, f"subscriber {sub.number} received items its filter excludes: {strays[:5]}"
        latencies += [(receipt - created) * 1000 for _, created, receipt in sub.received]
    errors = [s for s in subs if s.error]
    per_replica = Counter(s.replica for s in subs)
    print(
        f"\n{args.subscribers} subscribers over {len(FILTERS)} filters in {args.clients} client processes, "
        f"{args.writes} writes/s for {args.seconds} s through nginx to 2 replicas (pool {args.pool_size} each)"
    )
    print(f"writes: {len(written)} committed, {failures} failed; deliveries: {len(latencies)}")
    if took:
        print(f"write round trip ms: median {statistics.median(took):.0f}, p99 {percentile(took, 0.99):.0f}")
    if latencies:
        print(
            f"latency ms (createdAt -> receipt): median {statistics.median(latencies):.0f}, "
            f"p99 {percentile(latencies, 0.99):.0f}, worst {max(latencies):.0f}"
        )
    print(f"lost: {lost}, duplicates: {duplicates}, subscribers with errors: {len(errors)}")
    for error in errors[:3]:
        print(f"  subscriber {error.number}: {error.error[:200]}")
    for address in pids:
        print(
            f"replica {address}: {per_replica[address]} subscribers, CPU {cpu[address] * 100:.0f}% of a core, "
            f"RSS {mem[address].get('VmRSS')} MB (peak {mem[address].get('VmHWM')} MB)"
        )
    print(
        f"load generator: subscriber processes {client_cpu / elapsed * 100:.0f}% of a core, writer "
        f"{writer_cpu / elapsed * 100:.0f}% (over the run)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--subscribers", type=int, default=200)
    parser.add_argument("--writes", type=float, default=20, help="writes per second")
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--drain", type=float, default=5, help="seconds to wait for deliveries after the last write")
    parser.add_argument("--pool-size", type=int, default=10, help="REALIGN_DB_POOL_SIZE of each replica")
    parser.add_argument("--clients", type=int, default=2, help="processes the subscribers are spread over")
    parser.add_argument("--postgres-url", default="postgresql://postgres@127.0.0.1:5432")
    args = parser.parse_args()
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, max(soft, 4 * args.subscribers + 256)), hard))
    url, token = prepare(args.postgres_url.rstrip("/"))
    asyncio.run(run(args, url, token))


if __name__ == "__main__":
    main()
