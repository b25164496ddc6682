"""The read engine's seam (``schema/engine.py``): how it is wired, switched off, and how it fails safe."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import pytest

from api.db import make_async_engine
from api.settings import Settings
from schema import build_schema, fastpath, prefetch
from schema.context import Context, StatementTally

PAGE = """
{
  events(first: 6) {
    nodes { title participants { role actor { name } } reactions(first: 2) { nodes { reactionKind } } }
  }
}
"""


class Unreadable(dict):
    """Prefetched values whose ``get`` fails: the fast path reads relations with it, graphql-core's resolvers do
    not (``in`` and ``[]``), so only the fast path fails on them."""

    def get(self, *args: Any) -> Any:
        raise RuntimeError("injected")


def test_a_failure_inside_the_fast_path_is_logged_counted_and_falls_back(client, monkeypatch, caplog):
    """Given events whose prefetched relations the fast path cannot read, when a page of them is asked for, then
    the answer is the same as before, and each failure is counted and logged with its exception."""
    expected = client.gql(PAGE)
    walk = prefetch.walk_root

    async def walk_then_spoil(info: Any, value: Any) -> None:
        await walk(info, value)
        for event in value.nodes:
            event.__dict__["_pre"] = Unreadable(event._pre)

    monkeypatch.setattr(prefetch, "walk_root", walk_then_spoil)
    before = fastpath.STATS.failures
    with caplog.at_level(logging.WARNING, logger="realign.fastpath"):
        assert client.gql(PAGE) == expected
    # The page's connection fails on its first event, then each of the 6 events on its own.
    assert fastpath.STATS.failures - before == 1 + len(expected["events"]["nodes"]) == 7
    logged = [record for record in caplog.records if record.name == "realign.fastpath"]
    assert len(logged) == 7 and all(str(record.exc_info[1]) == "injected" for record in logged)
    assert [record.getMessage() for record in logged[:2]] == [
        "fast completion failed for type EventConnection; completing it the ordinary way",
        "fast completion failed for type Event; completing it the ordinary way",
    ]


def test_a_deliberate_fallback_is_counted_but_not_logged(client, caplog):
    """Given a page with a lazily counted total, when asked for, then the connection falls back on purpose: counted
    as a fallback, not as a failure, and nothing is logged."""
    before = (fastpath.STATS.fallbacks, fastpath.STATS.failures)
    with caplog.at_level(logging.DEBUG, logger="realign.fastpath"):
        client.gql("{ events(first: 2) { totalCount nodes { title } } }")
    assert fastpath.STATS.fallbacks > before[0] and fastpath.STATS.failures == before[1]
    assert not [record for record in caplog.records if record.name == "realign.fastpath"]


def test_every_relation_field_needs_a_fetcher(monkeypatch):
    """Given a relation field whose fetcher is missing, when the schema is built, then it refuses, naming it."""
    monkeypatch.delitem(prefetch.REGISTRY, ("Event", "tags"))
    with pytest.raises(AssertionError, match=r"relation fields without a fetcher: \[\('Event', 'tags'\)\]"):
        build_schema()


def test_without_the_engine_every_relation_fetches_for_itself(story_url):
    """Given the schema built without the engine, when a page with nested relations is asked for, then the answer
    is the engine's, and it costs a statement per object and relation instead of one per relation and level."""
    settings = Settings(database_url=story_url)
    database = make_async_engine(story_url)

    async def run(engine: bool) -> tuple[Any, int]:
        tally = StatementTally()
        context = Context(engine=database, settings=settings, tally=tally)
        result = await build_schema(settings, engine=engine).execute(PAGE, context_value=context)
        await context.close()
        assert result.errors is None, result.errors
        return result.data, tally.sent

    async def both() -> tuple[tuple[Any, int], tuple[Any, int]]:
        try:
            return await run(True), await run(False)
        finally:
            await database.dispose()

    (fast, batched), (plain, alone) = asyncio.run(both())
    assert fast == plain
    assert batched == 3  # the page, the participants (their actors joined), the pages of reactions
    assert alone > 2 * 6
