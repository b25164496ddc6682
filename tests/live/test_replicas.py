"""Scale-out for real: Debian's nginx in front of two `realign serve` replicas on one PostgreSQL database, with `gql`
over WebSocket through nginx. A write reaching either replica arrives at a subscription held by the other; killing
the replica that holds a subscription costs the client nothing once it resumes with its last cursor; a client that
stops reading does not delay a healthy one on the same replica.

These never skip: without nginx they fail saying what to install (tests/nginx.py)."""

from __future__ import annotations

import asyncio
import base64
import contextlib
import json
import os
import shutil
import socket
import struct
import subprocess
import time
from collections.abc import AsyncIterator
from typing import Any

import pytest
from gql import Client, gql
from gql.transport.websockets import WebsocketsTransport

from tests.live.support import CONSULT, TIMELINE_CHANGED, create_event, subscribed, ws_url
from tests.nginx import Cluster

pytestmark = pytest.mark.parametrize("backend", ["postgresql"], indirect=True)  # replicas share one PostgreSQL


def holder(cluster_: Cluster, headers: dict[str, str]) -> Any:
    """The replica nginx passed a WebSocket to, from the upgrade's X-Realign-Upstream header."""
    return cluster_.replica_at(headers["X-Realign-Upstream"])


def test_a_write_on_either_replica_arrives_through_nginx(replicas: tuple[Cluster, str]) -> None:
    """Given a subscription through nginx (held by one replica), when a consultation is written through nginx, one
    straight to the other replica, and a protest, then both consultations arrive within two seconds each and the
    protest never does."""
    front, token = replicas

    async def scenario() -> None:
        async with subscribed(front.base, CONSULT) as feed:
            held = holder(front, feed.headers)
            other = next(r for r in front.replicas if r is not held)
            started = time.monotonic()
            await create_event(front.base, token, "scale-through-nginx")
            await feed.wait_for(1)
            await create_event(other.base, token, "scale-other-replica")
            await feed.wait_for(2)
            assert time.monotonic() - started < 4
            await create_event(front.base, token, "scale-protest", "PROTEST")
            await create_event(held.base, token, "scale-same-replica")
            await feed.wait_for(3)
            await asyncio.sleep(0.5)  # the protest, had it been coming, would be here by now
            assert feed.slugs() == ["scale-through-nginx", "scale-other-replica", "scale-same-replica"]

    asyncio.run(scenario())


class Resuming:
    """A client that keeps one subscription open through nginx: when its connection drops it reconnects with the
    last cursor it received as `after` (what a browser tab does)."""

    def __init__(self, base: str, variables: dict[str, Any]) -> None:
        self.base = base
        self.variables = variables
        self.items: list[dict[str, Any]] = []
        self.holders: list[str] = []  # the replica of each connection, in order
        self.drops = 0
        self.arrived = asyncio.Condition()

    async def run(self) -> None:
        while True:
            after = self.items[-1]["cursor"] if self.items else None
            transport = WebsocketsTransport(
                url=ws_url(self.base), subprotocols=[WebsocketsTransport.GRAPHQLWS_SUBPROTOCOL]
            )
            try:
                async with Client(transport=transport) as session:
                    self.holders.append(transport.response_headers["X-Realign-Upstream"])
                    request = gql(TIMELINE_CHANGED)
                    request.variable_values = {**self.variables, **({"after": after} if after else {})}
                    async for data in session.subscribe(request):
                        async with self.arrived:
                            self.items.append(data["timelineChanged"])
                            self.arrived.notify_all()
            except asyncio.CancelledError:
                raise
            except Exception:  # noqa: BLE001 - the connection dropped (or could not open yet): resume
                self.drops += 1
                await asyncio.sleep(0.2)

    async def wait_for(self, count: int, timeout: float) -> None:
        async with asyncio.timeout(timeout), self.arrived:
            await self.arrived.wait_for(lambda: len(self.items) >= count)

    def slugs(self) -> list[str]:
        return [m["item"]["slug"] for m in self.items]


@contextlib.asynccontextmanager
async def resuming(base: str, variables: dict[str, Any]) -> AsyncIterator[Resuming]:
    client = Resuming(base, variables)
    task = asyncio.create_task(client.run())
    await asyncio.sleep(0.5)  # connected and subscribed
    try:
        yield client
    finally:
        task.cancel()
        with contextlib.suppress(BaseException):
            await task


def test_killing_the_replica_holding_a_subscription_loses_nothing(replicas: tuple[Cluster, str]) -> None:
    """Given a resuming client subscribed through nginx and writes going on through nginx, when the replica holding
    the subscription is killed (SIGKILL), then the client reconnects through nginx to the other replica with its
    last cursor and receives every item written before, during and after, in order, each exactly once."""
    front, token = replicas

    async def scenario() -> None:
        async with resuming(front.base, CONSULT) as client:
            await create_event(front.base, token, "kill-0")
            await client.wait_for(1, timeout=2)
            held = front.replica_at(client.holders[0])
            written = ["kill-0"]

            async def keep_writing(count: int) -> None:
                for _n in range(count):
                    slug = f"kill-{len(written)}"
                    # A write the dying replica took may fail; the client retries it (through nginx, elsewhere).
                    for _attempt in range(20):
                        try:
                            await create_event(front.base, token, slug)
                            break
                        except Exception:  # noqa: BLE001 - retried: nginx moves on to the live replica
                            await asyncio.sleep(0.1)
                    written.append(slug)
                    await asyncio.sleep(0.05)

            writer = asyncio.create_task(keep_writing(12))
            await asyncio.sleep(0.2)
            front.kill(held)
            await writer
            await keep_writing(3)
            await client.wait_for(len(written), timeout=10)
            await asyncio.sleep(0.5)
            assert client.drops >= 1 and len(client.holders) >= 2
            survivor = front.replica_at(client.holders[-1])
            assert survivor is not held
            assert client.slugs() == written, front.logs()
            cursors = [m["cursor"] for m in client.items]
            assert len(set(cursors)) == len(cursors)

    asyncio.run(scenario())


# --- a stalled client ----------------------------------------------------------------------------------------------


def _frame(payload: dict[str, Any]) -> bytes:
    """One masked text frame (a client's frames are masked: RFC 6455 5.3)."""
    data = json.dumps(payload).encode()
    mask = os.urandom(4)
    length = len(data)
    header = bytes([0x81])
    if length < 126:
        header += bytes([0x80 | length])
    elif length < 65536:
        header += bytes([0x80 | 126]) + struct.pack(">H", length)
    else:
        header += bytes([0x80 | 127]) + struct.pack(">Q", length)
    return header + mask + bytes(b ^ mask[i % 4] for i, b in enumerate(data))


def _until(sock: socket.socket, marker: bytes, received: bytes) -> bytes:
    while marker not in received:
        chunk = sock.recv(4096)
        assert chunk, f"the server closed the stalled client's connection: {received!r}"
        received += chunk
    return received


def stalled_client(base: str, query: str, subscriptions: int) -> socket.socket:
    """A graphql-transport-ws connection with ``subscriptions`` running that then never reads again: a tiny receive
    buffer, so the server's sends back up as soon as a few messages are waiting."""
    host, port = base.removeprefix("http://").split(":")
    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 2048)  # before connect: it sets the window
    sock.connect((host, int(port)))
    key = base64.b64encode(os.urandom(16)).decode()
    sock.sendall(
        (
            f"GET /graphql HTTP/1.1\r\nHost: {host}:{port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n"
            "Sec-WebSocket-Protocol: graphql-transport-ws\r\n\r\n"
        ).encode()
    )
    sock.settimeout(5)
    received = _until(sock, b"\r\n\r\n", b"")
    assert received.startswith(b"HTTP/1.1 101"), received[:200]
    sock.sendall(_frame({"type": "connection_init", "payload": {}}))
    _until(sock, b"connection_ack", received)
    for n in range(subscriptions):
        sock.sendall(_frame({"id": str(n), "type": "subscribe", "payload": {"query": query}}))
    return sock


def send_queue(server_port: int, client_port: int) -> int:
    """Bytes the server has not yet got the client to take on their connection (ss's Send-Q)."""
    ss = shutil.which("ss")
    assert ss, "ss (iproute2) is needed to see the stalled connection's queue"
    out = subprocess.run(
        [ss, "-tnH", "state", "established", f"( sport = :{server_port} and dport = :{client_port} )"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    assert len(out) >= 2, f"no such connection in ss: {out}"
    return int(out[1])


def test_a_stalled_client_does_not_delay_a_healthy_one(replicas: tuple[Cluster, str]) -> None:
    """Given a client on one replica that opened 20 subscriptions to everything (each message made large: a long
    summary, 19 aliases of it) and then stopped reading, and a healthy subscriber on the same replica, when 25 items
    are written through nginx, then each arrives at the healthy subscriber within two seconds while the server's send
    queue to the stalled client is backed up (it really stalled)."""
    front, token = replicas
    replica = front.replicas[0]
    wide = " ".join(f"s{n}: summary" for n in range(19))  # the alias limit is 20
    query = f"subscription {{ timelineChanged {{ kind cursor item {{ ... on Event {{ {wide} }} }} }} }}"
    stalled = stalled_client(replica.base, query, 20)
    try:

        async def scenario() -> None:
            async with subscribed(replica.base, CONSULT) as healthy:
                for n in range(25):
                    started = time.monotonic()
                    await create_event(front.base, token, f"stall-{n}", summary="x" * 2000)
                    await healthy.wait_for(n + 1, timeout=2)
                    assert time.monotonic() - started < 2
                assert healthy.slugs() == [f"stall-{n}" for n in range(25)]

        asyncio.run(scenario())
        server_port = int(replica.base.rsplit(":", 1)[1])
        assert send_queue(server_port, stalled.getsockname()[1]) > 0, "the stalled client's connection never backed up"
    finally:
        stalled.close()
