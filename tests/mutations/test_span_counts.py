"""The span counts behind unfiltered `timelineBuckets` (``api.spans``, migration 0006), on SQLite and PostgreSQL.

An unfiltered overview (no filter, or item types and a window only) is answered from ``item_span_count``, kept by
triggers; any other filter reads the items. Here both answer every unit and window of the story alike (the items'
path is reached through the public door with ``updatedSince`` long ago, a condition every item meets), and the
table equals a count of the items' spans after writes, date moves, deletes with cascade, plain SQL and an import.
"""

from __future__ import annotations

import datetime as dt
import threading
import time
from typing import Any

from sqlalchemy import Engine, func, select, text

from api.spans import SPAN_COUNT
from api.tables import EVENT, REACTION, STATEMENT
from tests.mutations.support import (
    EVENT_CREATE,
    EVENT_DELETE,
    EVENT_UPDATE,
    REACTION_CREATE,
    Writer,
    event_input,
    reaction_input,
)
from tests.support import run_realign
from tests.test_import_export import STORY

COUNTS = "events statements reactions total"
BUCKETS = f"""
query ($filter: ItemFilter, $unit: TimeUnit!, $from: FuzzyDate!, $to: FuzzyDate!) {{
  timelineBuckets(filter: $filter, unit: $unit, from: $from, to: $to) {{
    unit start end
    buckets {{ start end label count {{ {COUNTS} }} overlapping {{ {COUNTS} }} }}
    spanning {{ {COUNTS} }}
  }}
}}
"""
# A condition every item meets, which the span counts cannot answer: the filter then reads the items.
EVERY_ITEM = {"updatedSince": "1970-01-01T00:00:00Z"}
WINDOWS = [
    ("DAY", "2025-07-20", "2025-08-20"),
    ("WEEK", "2025-01", "2025-12"),
    ("MONTH", "2016", "2025"),
    ("MONTH", "2025-08-05", "2025-08-05"),
    ("YEAR", "1990", "2026"),
]
UNFILTERED = [None, {"itemTypes": ["EVENT"]}, {"itemTypes": ["STATEMENT", "REACTION"]}, {"from": "2025-07"}]
ITEM_TABLES = {"event": EVENT, "statement": STATEMENT, "reaction": REACTION}


def spans_of_items(engine: Engine) -> dict[tuple[str, str, str], int]:
    """What the span counts must hold: the items counted by (type, first day, last day)."""
    out = {}
    with engine.connect() as conn:
        for kind, table in ITEM_TABLES.items():
            grouped = select(table.c.date_start, table.c.date_end, func.count()).group_by(
                table.c.date_start, table.c.date_end
            )
            for start, end, n in conn.execute(grouped):
                out[(kind, str(start), str(end))] = n
    return out


def span_counts(engine: Engine) -> dict[tuple[str, str, str], int]:
    """What the table says: the sum of each span's rows (PostgreSQL appends deltas), spans summing to zero left
    out."""
    span = (SPAN_COUNT.c.item_type, SPAN_COUNT.c.date_start, SPAN_COUNT.c.date_end)
    with engine.connect() as conn:
        rows = conn.execute(select(*span, func.sum(SPAN_COUNT.c.n).label("n")).group_by(*span)).all()
    return {(r.item_type, str(r.date_start), str(r.date_end)): int(r.n) for r in rows if r.n}


def rows_per_span(engine: Engine) -> dict[tuple[str, str, str], int]:
    """How many rows each span has in the table."""
    span = (SPAN_COUNT.c.item_type, SPAN_COUNT.c.date_start, SPAN_COUNT.c.date_end)
    with engine.connect() as conn:
        rows = conn.execute(select(*span, func.count().label("rows")).group_by(*span)).all()
    return {(r.item_type, str(r.date_start), str(r.date_end)): r.rows for r in rows}


def assert_exact(api: Writer) -> None:
    """The span counts are the items' (no zero, no missing or extra span), and every unfiltered overview of the
    windows answers as the items' path does."""
    expected = spans_of_items(api.engine)
    assert expected and span_counts(api.engine) == expected
    for unit, start, end in WINDOWS:
        for flt in UNFILTERED:
            variables = {"unit": unit, "from": start, "to": end}
            fast = api.ok(BUCKETS, {**variables, "filter": flt})["timelineBuckets"]
            slow = api.ok(BUCKETS, {**variables, "filter": {**(flt or {}), **EVERY_ITEM}})["timelineBuckets"]
            assert fast == slow, (unit, start, end, flt)


def statements_sent(api: Writer, variables: dict[str, Any]) -> int:
    before = api.app.state.statements.sent
    api.ok(BUCKETS, variables)
    return int(api.app.state.statements.sent - before)


def test_the_story_answers_alike_from_span_counts_and_items(api: Writer):
    """Given the story, then its span counts are its items' and every unit's unfiltered overview equals the items'
    answer, in one statement."""
    assert_exact(api)
    got = api.ok(BUCKETS, {"unit": "YEAR", "from": "2025", "to": "2025"})["timelineBuckets"]
    assert got["buckets"][0]["count"]["total"] > 0 and got["spanning"]["total"] > 0
    variables = {"unit": "MONTH", "from": "2016", "to": "2025"}
    assert (
        statements_sent(api, variables) == statements_sent(api, {**variables, "filter": {"itemTypes": ["EVENT"]}}) == 1
    )


def test_writes_moves_and_cascades_keep_the_counts(api: Writer):
    """Given the story, when events and reactions are created, an event's date is moved (from a day to a month,
    then to a span of years) and an event with its reaction thread is deleted with cascade, then after each the
    span counts equal the items' and the overviews agree."""
    before = api.ok(BUCKETS, {"unit": "MONTH", "from": "2025", "to": "2025"})["timelineBuckets"]
    api.written(EVENT_CREATE, {"input": event_input("span-event")})
    api.written(EVENT_CREATE, {"input": event_input("span-twin")})  # the same span: a count of two
    api.written(REACTION_CREATE, {"input": reaction_input("span-reaction", {"event": "span-event"})})
    answer = reaction_input("span-answer", {"reaction": "span-reaction"}, reactor={"slug": "prc"})
    api.written(REACTION_CREATE, {"input": {**answer, "reactionKind": "CONDEMN"}})
    assert_exact(api)
    august = api.ok(BUCKETS, {"unit": "MONTH", "from": "2025-08", "to": "2025-08"})["timelineBuckets"]
    assert august["buckets"][0]["count"]["events"] == before["buckets"][7]["count"]["events"] + 2

    api.written(EVENT_UPDATE, {"ref": {"slug": "span-event"}, "version": 1, "input": {"date": "2025-09"}})
    assert_exact(api)
    api.written(EVENT_UPDATE, {"ref": {"slug": "span-event"}, "version": 2, "input": {"date": "2019/2021"}})
    assert_exact(api)

    deleted = api.written(EVENT_DELETE, {"ref": {"slug": "span-event"}, "version": 3, "cascade": True}, role="admin")
    assert len(deleted["deleted"]) == 3
    assert_exact(api)
    after = api.ok(BUCKETS, {"unit": "MONTH", "from": "2025", "to": "2025"})["timelineBuckets"]
    assert after["buckets"][7]["count"]["events"] == before["buckets"][7]["count"]["events"] + 1


def test_plain_sql_writes_keep_the_counts(api: Writer):
    """Given the story, when items are inserted, their dates and other columns updated, and deleted with plain SQL
    (no Python write path at all), then the span counts still equal the items'; on PostgreSQL after a TRUNCATE
    with its cascade too."""
    with api.engine.begin() as conn:
        statement = conn.execute(select(STATEMENT).limit(1)).mappings().one()
        for n in range(3):
            row = {**statement, "slug": f"span-copy-{n}"}
            row.pop("id")
            conn.execute(STATEMENT.insert(), row)
        conn.execute(STATEMENT.update().where(STATEMENT.c.slug == "span-copy-0"), {"date_end": statement["date_end"]})
        conn.execute(text("UPDATE statement SET date_start = date_end WHERE slug LIKE 'span-copy-%'"))
        conn.execute(text("UPDATE event SET title = title || '.'"))  # every row, no date: nothing moves
        conn.execute(STATEMENT.delete().where(STATEMENT.c.slug == "span-copy-2"))
    assert span_counts(api.engine) == spans_of_items(api.engine)
    with api.engine.begin() as conn:
        conn.execute(STATEMENT.delete().where(STATEMENT.c.slug.like("span-copy-%")))
    assert_exact(api)
    if api.engine.dialect.name == "postgresql":  # TRUNCATE (SQLite has none): the reactions go by its cascade
        with api.engine.begin() as conn:
            conn.execute(text("TRUNCATE statement CASCADE"))
        assert {kind for kind, _, _ in span_counts(api.engine)} == {"event"}
        assert span_counts(api.engine) == spans_of_items(api.engine)


def test_an_import_keeps_the_counts(database_url: str, tmp_path):
    """Given an empty database, when the story is imported with `realign import` (and imported again: nothing
    changes), then the span counts are the items'; when the synthetic records are loaded and removed, too, and
    each bulk load leaves one row per span."""
    writer = Writer(database_url)
    try:
        assert span_counts(writer.engine) == {}
        for _ in range(2):
            done = run_realign("import", str(STORY), url=database_url, timeout=120)
            assert done.returncode == 0, done.stderr
            assert_exact(writer)
        story = span_counts(writer.engine)
        done = run_realign("seed", "--synthetic", "300", "--mix-with-curated", url=database_url, timeout=120)
        assert done.returncode == 0, done.stderr
        assert_exact(writer)
        assert set(rows_per_span(writer.engine).values()) == {1}  # a bulk load leaves its spans merged
        assert sum(span_counts(writer.engine).values()) > sum(story.values()) + 300
        done = run_realign("seed", "--remove-synthetic", url=database_url, timeout=120)
        assert done.returncode == 0, done.stderr
        assert span_counts(writer.engine) == story
        assert set(rows_per_span(writer.engine).values()) == {1}
    finally:
        writer.close()


def test_two_writers_in_opposite_span_order_do_not_deadlock(pg_seeded_url: str):
    """Given two PostgreSQL transactions each writing two items of the same two new spans, in opposite orders and
    interleaved (the second starts while the first has written its first span), then both commit (the span
    triggers append delta rows and lock none) and the counts are exact."""
    writer = Writer(pg_seeded_url)
    engine = writer.engine
    with engine.connect() as conn:
        model = dict(conn.execute(select(STATEMENT).limit(1)).mappings().one())
    model.pop("id")
    x = {"date_start": dt.date(2001, 1, 1), "date_end": dt.date(2001, 1, 1)}
    y = {"date_start": dt.date(2002, 2, 2), "date_end": dt.date(2002, 2, 2)}
    failures: list[BaseException] = []

    def second() -> None:
        try:
            with engine.begin() as conn:
                conn.execute(STATEMENT.insert(), {**model, **y, "slug": "span-second-y"})
                conn.execute(STATEMENT.insert(), {**model, **x, "slug": "span-second-x"})
        except BaseException as exc:  # reported below, on the test's thread
            failures.append(exc)

    try:
        with engine.begin() as conn:
            conn.execute(STATEMENT.insert(), {**model, **x, "slug": "span-first-x"})
            thread = threading.Thread(target=second)
            thread.start()
            time.sleep(0.5)  # the second writer is now at its first insert
            conn.execute(STATEMENT.insert(), {**model, **y, "slug": "span-first-y"})
        thread.join(timeout=30)
        assert not thread.is_alive() and failures == []
        counts = span_counts(engine)
        assert counts[("statement", "2001-01-01", "2001-01-01")] == counts[("statement", "2002-02-02", "2002-02-02")]
        assert counts[("statement", "2001-01-01", "2001-01-01")] >= 2
        assert_exact(writer)
    finally:
        writer.close()


def test_concurrent_writes_to_one_span_wait_for_nothing_and_compaction_merges_them(pg_seeded_url: str):
    """Given a PostgreSQL transaction that has written an item of a span and stays open, when another writes an
    item of the same span, then it commits at once (no row lock to wait for; a lock timeout would refuse it); the
    span's rows then sum to the items', and compaction (run twice, the second finding nothing to merge) leaves one
    row per span with the same sums."""
    from api.spans import compact

    writer = Writer(pg_seeded_url)
    engine = writer.engine
    with engine.connect() as conn:
        model = dict(conn.execute(select(STATEMENT).limit(1)).mappings().one())
    model.pop("id")
    day = {"date_start": dt.date(2003, 3, 3), "date_end": dt.date(2003, 3, 3)}
    try:
        with engine.begin() as holder:
            holder.execute(STATEMENT.insert(), {**model, **day, "slug": "span-held"})
            with engine.begin() as other:
                other.execute(text("SET LOCAL lock_timeout = '1s'"))
                other.execute(STATEMENT.insert(), {**model, **day, "slug": "span-free"})
        with engine.begin() as conn:
            conn.execute(STATEMENT.delete().where(STATEMENT.c.slug == "span-held"))
        assert rows_per_span(engine)[("statement", "2003-03-03", "2003-03-03")] == 3  # +1, +1, -1
        assert span_counts(engine)[("statement", "2003-03-03", "2003-03-03")] == 1
        expected = spans_of_items(engine)
        assert span_counts(engine) == expected
        with engine.begin() as conn:
            assert compact(conn) > 0
        with engine.begin() as conn:
            assert compact(conn) == 0
        assert set(rows_per_span(engine).values()) == {1}
        assert span_counts(engine) == expected
        assert_exact(writer)
    finally:
        writer.close()


def test_a_running_server_compacts_the_span_counts(pg_seeded_url: str, tmp_path):
    """Given `realign serve` on PostgreSQL with REALIGN_SPAN_COMPACT_SECONDS=0.5, when two events of one new span
    are created through the API (two delta rows), then within a few seconds the server has merged them: one row
    per span, the same counts."""
    import asyncio

    from api.db import make_engine
    from tests.live.support import create_event, make_token
    from tests.server import running

    engine = make_engine(pg_seeded_url)
    token = make_token(pg_seeded_url)
    with running(pg_seeded_url, tmp_path / "serve.log", span_compact_seconds="0.5") as server:

        async def write() -> None:
            for slug in ("compact-a", "compact-b"):
                await create_event(server.base, token, slug, date="2004-04-04")

        asyncio.run(write())
        deadline = time.monotonic() + 10
        while set(rows_per_span(engine).values()) != {1} and time.monotonic() < deadline:
            time.sleep(0.2)
        assert set(rows_per_span(engine).values()) == {1}, server.log()
    assert span_counts(engine)[("event", "2004-04-04", "2004-04-04")] == 2
    assert span_counts(engine) == spans_of_items(engine)
    engine.dispose()
