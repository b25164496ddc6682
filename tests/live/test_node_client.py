"""The `graphql-ws` npm client (Node, with `ws` as its WebSocket) subscribing through nginx in front of two
replicas: an item written through nginx arrives; a new client resuming with `after` receives what it missed, in
order, then live items. Its packages come from tests/live/node/package-lock.json (`npm ci`, cached)."""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import AsyncIterator
from typing import Any

import pytest

from tests.client_tools import npm_installed
from tests.live.support import CONSULT, create_event, ws_url
from tests.nginx import Cluster
from tests.server import ROOT

NODE_CLIENT = ROOT / "tests" / "live" / "node"


@pytest.fixture
def node_client() -> None:
    """The `graphql-ws` client's npm packages, installed from its lock file."""
    npm_installed(NODE_CLIENT)


class NodeFeed:
    """The JSON lines a running `node subscribe.mjs` prints."""

    def __init__(self, process: asyncio.subprocess.Process) -> None:
        self.process = process
        self.lines: list[dict[str, Any]] = []

    async def next(self, timeout: float = 2.0) -> dict[str, Any]:
        assert self.process.stdout is not None
        async with asyncio.timeout(timeout):
            line = await self.process.stdout.readline()
        assert line, f"the node client ended: {await self._stderr()}"
        self.lines.append(json.loads(line))
        return self.lines[-1]

    async def item(self, timeout: float = 2.0) -> dict[str, Any]:
        """The next timelineChanged payload (failing on an error payload)."""
        message = await self.next(timeout)
        assert "data" in message, message
        changed: dict[str, Any] = message["data"]["timelineChanged"]
        return changed

    async def _stderr(self) -> str:
        assert self.process.stderr is not None
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(2):
                return (await self.process.stderr.read()).decode()
        return ""


@contextlib.asynccontextmanager
async def node_subscription(base: str, variables: dict[str, Any]) -> AsyncIterator[NodeFeed]:
    process = await asyncio.create_subprocess_exec(
        "node",
        str(NODE_CLIENT / "subscribe.mjs"),
        ws_url(base),
        json.dumps(variables),
        cwd=NODE_CLIENT,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    feed = NodeFeed(process)
    try:
        assert await feed.next(timeout=10) == {"connected": True}
        await asyncio.sleep(1.0)  # the subscribe message follows the acknowledgement; the server says nothing
        yield feed
    finally:
        if process.returncode is None:
            process.terminate()
        await process.wait()


@pytest.mark.parametrize("backend", ["postgresql"], indirect=True)  # two replicas share one PostgreSQL
def test_graphql_ws_client_through_nginx_receives_and_resumes(node_client: None, replicas: tuple[Cluster, str]) -> None:
    """Given the graphql-ws client subscribed through nginx, when a consultation and a protest are written, then the
    consultation arrives (within two seconds) and the protest does not; given two more written after it quit, when
    a new client passes its last cursor as `after`, then it receives those two in order, then a live one."""
    front, token = replicas

    async def scenario() -> None:
        async with node_subscription(front.base, CONSULT) as feed:
            await create_event(front.base, token, "node-a")
            await create_event(front.base, token, "node-skip", "PROTEST")
            first = await feed.item()
            assert first["kind"] == "CREATED" and first["item"]["slug"] == "node-a"
            with pytest.raises(TimeoutError):
                await feed.next(timeout=0.5)
        for slug in ("node-b", "node-c"):
            await create_event(front.base, token, slug)
        async with node_subscription(front.base, {**CONSULT, "after": first["cursor"]}) as resumed:
            assert [(await resumed.item())["item"]["slug"] for _ in range(2)] == ["node-b", "node-c"]
            await create_event(front.base, token, "node-d")
            live = await resumed.item()
            assert live["item"]["slug"] == "node-d"
            cursors = [first["cursor"], *(m["data"]["timelineChanged"]["cursor"] for m in resumed.lines[1:])]
            assert len(set(cursors)) == 4

    asyncio.run(scenario())
