"""Helpers of the live-subscription tests: real `realign serve` processes, writes over HTTP, and `gql` clients
over WebSocket (graphql-transport-ws by default, the legacy graphql-ws on request)."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from typing import Any

import httpx
from gql import Client, gql
from gql.transport.websockets import WebsocketsTransport

from api.db import make_engine
from api.services import tokens

TIMELINE_CHANGED = """
subscription ($filter: ItemFilter, $after: String) {
  timelineChanged(filter: $filter, after: $after) {
    kind cursor
    item { __typename ... on Event { slug title } ... on Reaction { slug } ... on Statement { slug } }
    deleted { type slug }
  }
}
"""

# Subscription variables for the consultations (the kind ``event`` writes by default).
CONSULT = {"filter": {"eventKinds": ["CONSULT"]}}

EVENT_CREATE = """
mutation ($input: EventCreateInput!) { eventCreate(input: $input) { event { slug version } userErrors { message } } }
"""


def make_token(url: str, role: str = "editor", name: str = "live-editor") -> str:
    """A token of ``role`` created straight in the database."""
    engine = make_engine(url)
    try:
        with engine.begin() as conn:
            return tokens.create(conn, name=name, role=role)
    finally:
        engine.dispose()


def event(slug: str, kind: str = "CONSULT", **fields: Any) -> dict[str, Any]:
    """An EventCreateInput: Israel and Taiwan on 5 August 2025 (``kind`` and ``fields`` on top)."""
    return {
        "slug": slug,
        "title": f"Live {slug}",
        "eventKind": kind,
        "date": "2025-08-05",
        "participants": [
            {"actor": {"slug": "israel"}, "role": "INITIATOR"},
            {"actor": {"slug": "taiwan"}, "role": "TARGET"},
        ],
        **fields,
    }


async def query(base: str, text: str, variables: dict[str, Any], token: str | None = None) -> dict[str, Any]:
    """An operation over HTTP (anonymous without ``token``); its data, failing the test on any error."""
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    async with httpx.AsyncClient(timeout=10) as http:
        answer = await http.post(f"{base}/graphql", json={"query": text, "variables": variables}, headers=headers)
    body = answer.json()
    assert "errors" not in body, body
    return body["data"]


async def write(base: str, token: str, text: str, variables: dict[str, Any]) -> dict[str, Any]:
    """A mutation over HTTP; fails the test on any error, user errors too."""
    data = await query(base, text, variables, token)
    payload = next(iter(data.values()))
    assert not payload.get("userErrors"), payload
    return data


async def create_event(base: str, token: str, slug: str, kind: str = "CONSULT", **fields: Any) -> None:
    await write(base, token, EVENT_CREATE, {"input": event(slug, kind, **fields)})


def ws_url(base: str) -> str:
    return base.replace("http://", "ws://") + "/graphql"


class Feed:
    """One subscription's received messages, gathered by a background task."""

    def __init__(self) -> None:
        self.items: list[dict[str, Any]] = []
        self.error: BaseException | None = None
        self.arrived = asyncio.Condition()
        self.task: asyncio.Task[None] | None = None
        self.headers: dict[str, str] = {}  # the WebSocket upgrade's response headers

    async def wait_for(self, count: int, timeout: float = 2.0) -> list[dict[str, Any]]:
        """The first ``count`` messages, waiting at most ``timeout`` seconds for them."""
        async with asyncio.timeout(timeout), self.arrived:
            await self.arrived.wait_for(lambda: len(self.items) >= count or self.error is not None)
        if self.error is not None and len(self.items) < count:
            raise self.error
        return self.items[:count]

    def slugs(self) -> list[str]:
        return [(m["item"] or m["deleted"])["slug"] for m in self.items]


@contextlib.asynccontextmanager
async def subscribed(
    base: str,
    variables: dict[str, Any] | None = None,
    *,
    query: str = TIMELINE_CHANGED,
    token: str | None = None,
    legacy: bool = False,
) -> AsyncIterator[Feed]:
    """A running subscription (its ``Feed``); it is set up on the server once this is entered."""
    transport = WebsocketsTransport(
        url=ws_url(base),
        init_payload={"Authorization": f"Bearer {token}"} if token else {},
        subprotocols=[WebsocketsTransport.APOLLO_SUBPROTOCOL if legacy else WebsocketsTransport.GRAPHQLWS_SUBPROTOCOL],
    )
    feed = Feed()
    async with Client(transport=transport) as session:
        feed.headers = dict(transport.response_headers)

        async def gather() -> None:
            try:
                request = gql(query)
                request.variable_values = variables or {}
                async for data in session.subscribe(request):
                    async with feed.arrived:
                        feed.items.append(next(iter(data.values())))
                        feed.arrived.notify_all()
            except Exception as exc:  # noqa: BLE001 - kept for the test to look at
                async with feed.arrived:
                    feed.error = exc
                    feed.arrived.notify_all()

        feed.task = asyncio.create_task(gather())
        # The server registers the subscription once it has the subscribe message, and sends no word when it has:
        # give it a moment (a full second, so a busy machine does not turn a write before it into a lost item).
        await asyncio.sleep(1.0)
        try:
            yield feed
        finally:
            feed.task.cancel()
            with contextlib.suppress(BaseException):
                await feed.task
