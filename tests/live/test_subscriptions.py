"""Live timelines against a real `realign serve` (one process), on SQLite and PostgreSQL, with `gql` over
WebSocket: items arrive within two seconds, filters hold, cursors resume exactly, a burst past the queue is told."""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import Coroutine, Iterator
from pathlib import Path
from typing import Any

import pytest
from gql.transport.exceptions import TransportQueryError
from sqlalchemy import text

from api.db import backend as backend_of
from api.db import make_engine
from seeds.loader import STORY
from tests.live.support import CONSULT, EVENT_CREATE, create_event, event, make_token, query, subscribed, write
from tests.server import serve
from tests.support import run_realign


@pytest.fixture
def server(seeded_url: str) -> Iterator[tuple[str, str, str]]:
    """A server on a fresh copy of the story, and an editor token for it."""
    token = make_token(seeded_url)
    with serve(seeded_url) as base:
        yield base, token, seeded_url


def on_listen_connections(url: str, column: str) -> list[Any]:
    """``column`` of each connection to the database that is LISTENing (a broker's), from pg_stat_activity."""
    engine = make_engine(url)
    try:
        with engine.begin() as conn:
            where = "WHERE datname = current_database() AND query LIKE 'LISTEN%'"
            return list(conn.execute(text(f"SELECT {column} FROM pg_stat_activity {where}")).all())  # noqa: S608
    finally:
        engine.dispose()


TIMELINE_SLUGS = "query ($filter: ItemFilter) { timeline(filter: $filter, first: 100) { nodes { slug } } }"


def run(coroutine: Coroutine[Any, Any, None]) -> None:
    return asyncio.run(coroutine)


def test_created_item_arrives_and_a_mismatch_never_does(server: tuple[str, str, str]) -> None:
    """Given two subscriptions (Taiwan's consultations; protests only), when a consultation and then a protest are
    written, then each subscription receives exactly its own item, within two seconds, as CREATED with a cursor."""
    base, token, _ = server

    async def scenario() -> None:
        consult = {"filter": {"actors": [{"slug": "taiwan"}], "eventKinds": ["CONSULT"]}}
        protests = {"filter": {"eventKinds": ["PROTEST"]}}
        async with subscribed(base, consult) as taiwan, subscribed(base, protests, legacy=True) as protest:
            await create_event(base, token, "live-consult")
            first = (await taiwan.wait_for(1))[0]
            assert first["kind"] == "CREATED" and first["item"] == {
                "__typename": "Event",
                "slug": "live-consult",
                "title": "Live live-consult",
            }
            assert first["cursor"] and first["deleted"] is None
            await create_event(base, token, "live-protest", "PROTEST")
            assert [m["item"]["slug"] for m in await protest.wait_for(1)] == ["live-protest"]
            await asyncio.sleep(0.5)  # anything else that was coming would be here by now
            assert taiwan.slugs() == ["live-consult"] and protest.slugs() == ["live-protest"]

    run(scenario())


# Filters of different shapes, matched together (the families each in a statement of their own: ``api.live.match``).
MIXED_FILTERS = [
    {"eventKinds": ["CONSULT"]},
    {"eventKinds": ["PROTEST", "AID"]},
    {"actors": [{"slug": "ukraine"}]},
    {"actors": [{"slug": "israel"}, {"slug": "ukraine"}], "actorsMatch": "ALL"},
    {"actors": [{"slug": "israel"}], "includeAffiliated": True},
    {"actors": [{"slug": "ukraine"}], "includeAffiliated": True},
    {"from": "2026"},
    {"itemTypes": ["STATEMENT"]},
]
# Events written at once (so that most of them share a batch): slug, kind, initiator, target, date.
MIXED_WRITES = [
    ("mixed-consult", "CONSULT", "israel", "taiwan", "2025-08-05"),
    ("mixed-protest", "PROTEST", "knesset", "prc", "2026-01"),
    ("mixed-aid", "AID", "israel", "ukraine", "2025-09"),
    ("mixed-visit", "AID", "gideon-saar", "office-of-the-president-of-ukraine", "2026-03-02"),
    ("mixed-talks", "CONSULT", "russia", "prc", "2024"),
]


def test_many_filters_each_receive_what_the_timeline_query_matches(server: tuple[str, str, str]) -> None:
    """Given eight subscriptions with filters of different shapes (kinds, actors any and all, families, a window,
    item types) in one process, when five events are written at once, then each subscription receives exactly the
    written items that `timeline(filter:)` with the same filter finds afterwards, each once."""
    base, token, _ = server

    async def scenario() -> None:
        async with contextlib.AsyncExitStack() as stack:
            feeds = [await stack.enter_async_context(subscribed(base, {"filter": f})) for f in MIXED_FILTERS]
            await asyncio.gather(
                *(
                    write(base, token, EVENT_CREATE, {"input": event(slug, kind, date=date, participants=[
                        {"actor": {"slug": initiator}, "role": "INITIATOR"},
                        {"actor": {"slug": target}, "role": "TARGET"},
                    ])})
                    for slug, kind, initiator, target, date in MIXED_WRITES
                )
            )  # fmt: skip
            written = {slug for slug, *_ in MIXED_WRITES}
            expected = []
            for f in MIXED_FILTERS:
                found = await query(base, TIMELINE_SLUGS, {"filter": f})
                expected.append(sorted(n["slug"] for n in found["timeline"]["nodes"] if n["slug"] in written))
            assert any(expected) and not all(expected), expected  # the filters tell the writes apart
            for feed, wanted in zip(feeds, expected, strict=True):
                if wanted:
                    await feed.wait_for(len(wanted), timeout=5)
            await asyncio.sleep(0.5)  # anything else that was coming would be here by now
            assert [sorted(feed.slugs()) for feed in feeds] == expected

    run(scenario())


def test_an_import_from_the_command_line_arrives_like_any_write(server: tuple[str, str, str], tmp_path: Path) -> None:
    """Given a subscription to consultations and one to everything, when `realign import` brings a new consultation
    and a changed story event (another kind), then the first receives the new one as CREATED, the second both (the
    new one CREATED, the changed one UPDATED), each once; a second identical import sends nothing."""
    base, _, url = server
    story = {json.loads(line)["slug"]: json.loads(line) for line in (STORY / "events.jsonl").open(encoding="utf-8")}
    changed = {**story["hamas-attack-october-7-2023"], "title": "The 7 October 2023 attack on Israel"}
    new = {
        **changed,
        "slug": "imported-consult",
        "title": "Imported consultation",
        "kind": "CONSULT",
        "mode": "talks",
        "date": "2025-08-05",
        "participants": {"initiator": ["israel"], "target": ["taiwan"]},
    }
    file = tmp_path / "events.jsonl"
    file.write_text("".join(json.dumps(record) + "\n" for record in (changed, new)), encoding="utf-8")

    async def scenario() -> None:
        async with subscribed(base, CONSULT) as consult, subscribed(base, {}) as everything:
            result = await asyncio.to_thread(run_realign, "import", str(file), url=url, timeout=120)
            assert result.returncode == 0, result.stderr
            assert [m["item"]["slug"] for m in await consult.wait_for(1, timeout=5)] == ["imported-consult"]
            received = await everything.wait_for(2, timeout=5)
            assert sorted((m["kind"], m["item"]["slug"]) for m in received) == [
                ("CREATED", "imported-consult"),
                ("UPDATED", "hamas-attack-october-7-2023"),
            ]
            again = await asyncio.to_thread(run_realign, "import", str(file), url=url, timeout=120)
            assert again.returncode == 0, again.stderr
            await asyncio.sleep(2.0)  # a poll (SQLite) or a notification would have brought anything by now
            assert len(consult.items) == 1 and len(everything.items) == 2

    run(scenario())


def test_resume_after_a_cursor_receives_exactly_what_was_missed(server: tuple[str, str, str]) -> None:
    """Given a cursor from a subscription that then closed, when three items are written (one not matching) and a
    new subscription passes the cursor as `after`, then it receives the two missed matching items in order, then a
    live one, each once."""
    base, token, _ = server

    async def scenario() -> None:
        filt = CONSULT
        async with subscribed(base, filt) as feed:
            await create_event(base, token, "live-a")
            cursor = (await feed.wait_for(1))[0]["cursor"]
        await create_event(base, token, "live-b")
        await create_event(base, token, "live-skip", "PROTEST")
        await create_event(base, token, "live-c")
        async with subscribed(base, {**filt, "after": cursor}) as resumed:
            assert [m["item"]["slug"] for m in await resumed.wait_for(2)] == ["live-b", "live-c"]
            await create_event(base, token, "live-d")
            await resumed.wait_for(3)
            await asyncio.sleep(0.5)
            assert resumed.slugs() == ["live-b", "live-c", "live-d"]
            cursors = [m["cursor"] for m in resumed.items]
            assert len(set(cursors)) == 3 and cursor not in cursors

    run(scenario())


def test_a_burst_past_the_queue_ends_with_too_far_behind_and_resumes(seeded_url: str) -> None:
    """Given a server whose subscriber queues hold two changes, when one write deletes an actor with cascade (many
    changes in one commit), then the subscription ends with TOO_FAR_BEHIND and a `lastCursor`, and a subscription
    resumed from it receives the updates the deletion made, each once."""
    token = make_token(seeded_url, role="admin", name="live-admin")

    async def scenario(base: str) -> None:
        from tests.live.support import write

        async with subscribed(base) as feed:
            await create_event(base, token, "live-first")
            first = (await feed.wait_for(1))[0]
            delete = """mutation ($v: Int!) { actorDelete(ref: {slug: "taiwan"}, version: $v, cascade: true) {
              deleted { slug } userErrors { message } } }"""
            version = await _version(base, "taiwan")
            await write(base, token, delete, {"v": version})
            with pytest.raises(TransportQueryError) as caught:
                await feed.wait_for(10, timeout=5)
            assert caught.value.errors
            error = caught.value.errors[0]
            assert error["extensions"]["code"] == "TOO_FAR_BEHIND"
            last = error["extensions"]["lastCursor"]
            assert last == first["cursor"]
        async with subscribed(base, {"after": last}) as resumed:
            await resumed.wait_for(3)
            await asyncio.sleep(0.5)
            # Taiwan leaves events and statements (as a participant, as what they are about): each is updated.
            assert {m["kind"] for m in resumed.items} == {"UPDATED"} and "live-first" in resumed.slugs()
            assert len(resumed.slugs()) == len(set(resumed.slugs()))

    with serve(seeded_url, live_queue_size="2") as base:
        run(scenario(base))


async def _version(base: str, slug: str) -> int:
    import httpx

    async with httpx.AsyncClient() as http:
        answer = await http.post(
            f"{base}/graphql", json={"query": f'{{ actor(ref: {{slug: "{slug}"}}) {{ version }} }}'}
        )
    return answer.json()["data"]["actor"]["version"]


@pytest.mark.parametrize("backend", ["postgresql"], indirect=True)  # SQLite has no LISTEN connection
def test_listen_connection_killed_recovers_without_losing_an_item(server: tuple[str, str, str], backend: str) -> None:
    """Given a subscription on PostgreSQL, when the server's LISTEN connection is terminated (pg_terminate_backend)
    and items are written straight after, then every item arrives, once, in order."""
    base, token, url = server
    assert backend_of(url) == "postgresql"

    async def scenario() -> None:
        async with subscribed(base, CONSULT) as feed:
            await create_event(base, token, "live-before")
            await feed.wait_for(1)
            assert on_listen_connections(url, "pg_terminate_backend(pid)") == [(True,)]
            for name in ("live-during-1", "live-during-2"):
                await create_event(base, token, name)
            await feed.wait_for(3, timeout=8)
            await create_event(base, token, "live-after")
            await feed.wait_for(4, timeout=8)
            await asyncio.sleep(0.5)
            assert feed.slugs() == ["live-before", "live-during-1", "live-during-2", "live-after"]

    run(scenario())


@pytest.mark.parametrize("backend", ["postgresql"], indirect=True)  # SQLite has no LISTEN connection
def test_many_connections_share_one_listen_connection(server: tuple[str, str, str], backend: str) -> None:
    """Given five WebSocket connections, each with a subscription, then the server holds exactly one LISTEN
    connection (not one per WebSocket), and an item written reaches all five."""
    base, token, url = server
    assert backend_of(url) == "postgresql"

    async def scenario() -> None:
        async with contextlib.AsyncExitStack() as stack:
            feeds = [await stack.enter_async_context(subscribed(base)) for _ in range(5)]
            assert len(on_listen_connections(url, "pid")) == 1
            await create_event(base, token, "live-shared")
            for feed in feeds:
                await feed.wait_for(1)
                assert feed.slugs() == ["live-shared"]

    run(scenario())


@pytest.mark.parametrize("backend", ["postgresql"], indirect=True)  # SQLite has one writer at a time
def test_a_write_still_open_holds_back_nothing_and_arrives_once_it_commits(
    server: tuple[str, str, str], backend: str
) -> None:
    """Given a write transaction on PostgreSQL that has logged an event and stays open (a slow writer: the same
    service call a mutation makes), when another event is written through the API, then it commits and arrives
    at once (writers do not queue behind an open one); once the slow one commits, it arrives too, after it (the
    log's order is the commit order), each once."""
    from api.services.mutations import create
    from api.services.synthetic import CLI

    base, token, url = server

    async def scenario() -> None:
        async with subscribed(base, CONSULT) as feed:
            engine = make_engine(url)
            try:
                with engine.begin() as slow:
                    data = {
                        "slug": "live-slow",
                        "title": "Live slow",
                        "kind": "CONSULT",
                        "date": "2025-08-05",
                        "participants": {"initiator": ["israel"], "target": ["taiwan"]},
                    }
                    create(slow, kind="event", data=data, who=CLI)
                    await create_event(base, token, "live-fast")
                    await feed.wait_for(1)
                    assert feed.slugs() == ["live-fast"]
            finally:
                engine.dispose()
            await feed.wait_for(2)
            await asyncio.sleep(0.5)
            assert feed.slugs() == ["live-fast", "live-slow"]
            assert len({m["cursor"] for m in feed.items}) == 2

    run(scenario())


def test_an_unknown_token_in_connection_init_is_refused(server: tuple[str, str, str], backend: str) -> None:
    """Given a token nobody issued in connection_init's payload, when a client connects, then the server closes
    the connection (4403) before any subscription runs; the real token is accepted."""
    base, token, _ = server

    async def scenario() -> None:
        with pytest.raises(Exception) as caught:
            async with subscribed(base, token="rlg_not-a-token"):
                pass
        closed = caught.value.__cause__  # websockets' ConnectionClosed, with the close frame the server sent
        assert closed is not None and closed.rcvd.code == 4403, repr(closed)  # type: ignore[attr-defined]
        async with subscribed(base, CONSULT, token=token) as feed:
            await create_event(base, token, "live-with-token")
            assert [m["item"]["slug"] for m in await feed.wait_for(1)] == ["live-with-token"]

    run(scenario())
