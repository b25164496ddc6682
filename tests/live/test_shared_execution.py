"""Identical subscriptions share one execution of each change (``schema.shared``), counted through the app's own
statement tally: the app runs in this process (Starlette's TestClient, real WebSockets over ASGI, real SQLite)."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from contextlib import ExitStack
from typing import Any

import pytest
from starlette.testclient import TestClient

from api.app import create_app
from api.settings import Settings
from tests.live.support import CONSULT, EVENT_CREATE, event, make_token

# A selection that reads beyond the record the broker fetches (participants and their actors): each execution
# costs statements of its own.
DEEP = """subscription ($filter: ItemFilter) { timelineChanged(filter: $filter) {
  kind cursor item { ... on Event { slug participants { role actor { name } } } } } }"""
SHALLOW = """subscription ($filter: ItemFilter) { timelineChanged(filter: $filter) {
  cursor item { ... on Event { slug participants { actor { slug } } } } } }"""
# A selection of what the delivery already holds: its execution costs no statement.
CURSOR = "subscription ($filter: ItemFilter) { timelineChanged(filter: $filter) { cursor } }"
# Filters of different shapes that all match a consultation between Israel and Taiwan (``event``).
MATCHING = [
    {"filter": {}},
    {"filter": {"actors": [{"slug": "israel"}], "includeAffiliated": True}},
    {"filter": {"actors": [{"slug": "taiwan"}, {"slug": "israel"}], "actorsMatch": "ALL", "from": "2025"}},
    {"filter": {"eventKinds": ["CONSULT", "AID"], "itemTypes": ["EVENT"]}},
]


@pytest.fixture
def app_client(seeded_url: str) -> Iterator[tuple[TestClient, str]]:
    # No poll: the broker reads the log only when this process commits, so no read lands at a random moment.
    app = create_app(Settings(database_url=seeded_url, live_poll_seconds=600))
    with TestClient(app) as client:
        yield client, make_token(seeded_url)


def subscribe(
    stack: ExitStack, client: TestClient, query: str, n: int, variables: dict[str, Any] = CONSULT
) -> list[Any]:
    sockets = []
    for _ in range(n):
        ws = stack.enter_context(client.websocket_connect("/graphql", subprotocols=["graphql-transport-ws"]))
        ws.send_json({"type": "connection_init", "payload": {}})
        assert ws.receive_json()["type"] == "connection_ack"
        ws.send_json({"id": "1", "type": "subscribe", "payload": {"query": query, "variables": variables}})
        sockets.append(ws)
    time.sleep(0.5)  # the subscribe messages reach the broker
    return sockets


def write_and_receive(client: TestClient, token: str, slug: str, sockets: list[Any]) -> tuple[int, list[Any]]:
    """The statements the app sent between a write and every socket's receipt of it, and what each received."""
    tally = client.app.state.statements  # type: ignore[attr-defined]
    before = tally.sent
    answer = client.post(
        "/graphql",
        json={"query": EVENT_CREATE, "variables": {"input": event(slug)}},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert answer.status_code == 200 and not answer.json().get("errors"), answer.text
    received = [ws.receive_json() for ws in sockets]
    assert all(m["type"] == "next" for m in received), received
    return tally.sent - before, [m["payload"] for m in received]


def test_identical_subscriptions_share_one_execution_and_different_ones_do_not(
    app_client: tuple[TestClient, str],
) -> None:
    """Given one subscription, when an event is written, then it arrives at a cost of N statements (write, log
    read, match, fetch, one execution). Given five identical subscriptions (same document, variables, role), the
    next event costs the same N and all five receive the same answer; given a sixth with another selection, the
    next costs more (its own execution), and each kind receives its own shape."""
    client, token = app_client
    with ExitStack() as stack:
        first = subscribe(stack, client, DEEP, 1)
        alone, _ = write_and_receive(client, token, "shared-1", first)
        five = first + subscribe(stack, client, DEEP, 4)
        together, answers = write_and_receive(client, token, "shared-2", five)
        assert together == alone
        assert len({json.dumps(a, sort_keys=True) for a in answers}) == 1
        assert answers[0]["data"]["timelineChanged"]["item"]["participants"][0]["actor"]["name"]
        other = subscribe(stack, client, SHALLOW, 1)
        mixed, answers = write_and_receive(client, token, "shared-3", five + other)
        assert mixed > together
        assert "kind" in answers[0]["data"]["timelineChanged"]
        assert "kind" not in answers[-1]["data"]["timelineChanged"]
        assert answers[-1]["data"]["timelineChanged"]["item"]["participants"][0]["actor"]["slug"]


def test_subscriptions_with_different_filters_are_matched_by_one_statement(
    app_client: tuple[TestClient, str],
) -> None:
    """Given one subscription, when an event is written, then it arrives at a cost of N statements. Given four
    more with filters of other shapes that match it too (a family among them, matched in a statement of its own),
    the next event costs N + 1: the filters without a family share the one matching statement."""
    client, token = app_client
    with ExitStack() as stack:
        first = subscribe(stack, client, CURSOR, 1)
        alone, _ = write_and_receive(client, token, "matched-1", first)
        others = [ws for variables in MATCHING for ws in subscribe(stack, client, CURSOR, 1, variables)]
        together, answers = write_and_receive(client, token, "matched-2", first + others)
        assert together == alone + 1
        assert len({a["data"]["timelineChanged"]["cursor"] for a in answers}) == 1


def test_an_unexpected_error_in_an_event_is_masked_for_every_subscriber(
    app_client: tuple[TestClient, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Given a bug where a subscription's event is executed (actors cannot be built) and three subscribers sharing
    that execution, when an event is written, then each receives `internal error` with the INTERNAL code and a
    reference, never the bug's own words."""
    from schema import loaders

    def broken(row: Any) -> Any:
        raise RuntimeError("secret detail")

    client, token = app_client
    with ExitStack() as stack:
        sockets = subscribe(stack, client, DEEP, 3)
        monkeypatch.setitem(loaders.BUILDERS, "Actor", broken)
        _, answers = write_and_receive(client, token, "masked-1", sockets)
    for answer in answers:
        assert "secret detail" not in json.dumps(answer)
        (error,) = answer["errors"]
        assert error["message"] == "internal error"
        assert error["extensions"]["code"] == "INTERNAL" and error["extensions"]["requestId"]


def test_an_unexpected_error_in_a_subscription_source_is_masked(
    app_client: tuple[TestClient, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Given a bug in a subscription's own resolver (before its first event), when subscribed, then the client is
    told `internal error` with the INTERNAL code and a reference, never the bug's own words."""
    from schema import live

    async def broken(*_: Any) -> Any:
        raise RuntimeError("secret detail")

    monkeypatch.setattr(live, "resolve", broken)
    client, _ = app_client
    with client.websocket_connect("/graphql", subprotocols=["graphql-transport-ws"]) as ws:
        ws.send_json({"type": "connection_init", "payload": {}})
        assert ws.receive_json()["type"] == "connection_ack"
        ws.send_json({"id": "1", "type": "subscribe", "payload": {"query": DEEP, "variables": CONSULT}})
        message = ws.receive_json()
    assert "secret detail" not in json.dumps(message), message
    errors = message["payload"] if message["type"] == "error" else message["payload"]["errors"]
    assert [e["message"] for e in errors] == ["internal error"], message
    assert errors[0]["extensions"]["code"] == "INTERNAL" and errors[0]["extensions"]["requestId"]


def test_the_statement_cache_stays_bounded_as_filters_come_and_go(seeded_url: str) -> None:
    """Given the broker's matching statements keyed by the filters open at the time, when more distinct statements
    than the cache holds are prepared, then it keeps at most PREPARED_LIMIT of them, the most recent, and answers
    every one right."""
    import asyncio

    from sqlalchemy import literal, select

    from api.db import make_async_engine
    from schema import context as ctx

    async def scenario() -> None:
        engine = make_async_engine(seeded_url)
        context = ctx.Context(engine=engine, settings=Settings(database_url=seeded_url))
        try:
            for n in range(ctx.PREPARED_LIMIT + 20):
                rows = await context.prepared(("cache-test", n), lambda _dialect, n=n: select(literal(n).label("n")))
                assert rows[0].n == n
        finally:
            await context.close()
            await engine.dispose()
        mine = [key for key in ctx._PREPARED if isinstance(key[1], tuple) and key[1][:1] == ("cache-test",)]
        assert len(ctx._PREPARED) <= ctx.PREPARED_LIMIT
        assert mine[-1][1] == ("cache-test", ctx.PREPARED_LIMIT + 19) and ("cache-test", 0) not in {k[1] for k in mine}

    asyncio.run(scenario())
