"""The filter planner's functions (``schema/filters.py``) where what they do shows only there, not in an answer on
SQLite: the SQL PostgreSQL is given, the plan a judgement picks, SQLite's index hint, and the conditions that must
match nothing even without the timeline's shortcut (``may_match``) in front of them.

Written against the survivors of mutation testing (README "Mutation testing"), whose test subset runs on SQLite;
the answers themselves are checked through GraphQL on both databases (``tests/api/test_filter_*.py``).
"""

from __future__ import annotations

import datetime as dt
import time
from typing import Any

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import SQLModel

import api.models  # noqa: F401 - registers every table on the metadata
from api.vocabulary import CHANNELS, EVENT_KINDS, REACTION_KINDS
from schema.context import Prepared
from schema.filters import Resolved, _some, conditions, filter_shape, may_match, utc, window_branches
from tests.test_filter_shapes import CORPUS, KINDS, rare_search

DIALECTS = {"sqlite": sqlite.dialect(), "postgresql": postgresql.dialect()}
WINDOW = {"start": dt.date(2021, 7, 2), "end": dt.date(2021, 7, 10)}  # "near+far": a window with a start


def of_kinds(values: list[str], **more: Any) -> Resolved:
    """A resolved filter on item kinds (the one place these tests name the `kinds` field): each name given to every
    item type whose vocabulary has it (`eventKinds`, `channels`, `reactionKinds`), as resolved filters hold them."""
    kinds = {
        "event": [v.upper() for v in values if v.upper() in EVENT_KINDS],
        "statement": [v for v in values if v in CHANNELS],
        "reaction": [v for v in values if v in REACTION_KINDS],
    }
    return Resolved(kinds=kinds, **more)


def sql(kind: str, f: Resolved, dialect: str) -> str:
    """The SQL of a filter's conditions on one kind of item (no window)."""
    table = SQLModel.metadata.tables[kind]
    return str(select(table.c.id).where(*conditions(kind, table, f, dialect)).compile(dialect=DIALECTS[dialect]))


def test_utc_keeps_the_instant_and_reads_a_bare_time_as_utc():
    """Given a time without zone, one at +02:00 and none, when made UTC, then the first is taken as UTC, the second
    moved to UTC (two hours earlier on the clock, the same instant), and none stays none."""
    bare = dt.datetime(2025, 7, 1, 12, 30)
    assert utc(bare) == dt.datetime(2025, 7, 1, 12, 30, tzinfo=dt.UTC)
    assert utc(bare).tzinfo is dt.UTC
    eastern = dt.datetime(2025, 7, 1, 12, 30, tzinfo=dt.timezone(dt.timedelta(hours=2)))
    moved = utc(eastern)
    assert (moved.hour, moved.tzinfo) == (10, dt.UTC) and moved == eastern
    assert utc(None) is None


def test_utc_reads_a_bare_time_as_utc_whatever_the_server_zone(monkeypatch: pytest.MonkeyPatch):
    """Given a server whose local zone is New York's, when a time without zone is made UTC, then it is still taken
    as UTC (not as New York's time), and a zoned time still moves to UTC (not to New York's)."""
    monkeypatch.setenv("TZ", "America/New_York")
    time.tzset()
    try:
        assert utc(dt.datetime(2025, 7, 1, 12, 30)) == dt.datetime(2025, 7, 1, 12, 30, tzinfo=dt.UTC)
        moved = utc(dt.datetime(2025, 7, 1, 12, 30, tzinfo=dt.timezone(dt.timedelta(hours=2))))
        assert (moved.hour, moved.utcoffset()) == (10, dt.timedelta(0))
    finally:
        monkeypatch.undo()
        time.tzset()


def test_every_filter_statement_is_compiled_once_for_asyncpg():
    """Given every filter of the shape corpus, when its statement is built for PostgreSQL, then it binds each list
    as one array parameter (so it is compiled once and sent straight to asyncpg, not expanded per run by
    SQLAlchemy) and reads the text index in PostgreSQL's own terms (no SQLite FTS5 `MATCH`)."""
    for f in CORPUS:
        for kind in KINDS:
            table = SQLModel.metadata.tables[kind]
            for branch in window_branches(table, f):
                statement = select(table.c.id).where(*conditions(kind, table, f, "postgresql"), *branch)
                assert Prepared.of(statement, DIALECTS["postgresql"]).sql is not None, (kind, f)
                assert " MATCH " not in str(statement.compile(dialect=DIALECTS["postgresql"])), (kind, f)


def test_a_rare_search_naming_actors_is_one_id_set_where_an_or_would_walk():
    """Given a rare search that names actors, when its condition is built, then PostgreSQL gets one id set (the
    listed text matches unnested, then the named actors' items: it would walk every item for an OR of two sets)
    and SQLite the OR it answers from two indexes."""
    f = Resolved(**rare_search([1]))
    for kind in KINDS:
        assert "unnest(" in sql(kind, f, "postgresql") and " OR " not in sql(kind, f, "postgresql"), kind
        assert "unnest(" not in sql(kind, f, "sqlite") and " OR " in sql(kind, f, "sqlite"), kind


def test_a_probe_reads_at_most_one_row():
    """Given a correlated select that may find many rows, when made a probe (``_some``), then it asks for one row:
    PostgreSQL refuses a scalar subquery that returns more (SQLite would quietly take the first)."""
    event = SQLModel.metadata.tables["event"]
    probe = _some(select(event.c.id))
    text = str(probe.compile(dialect=DIALECTS["postgresql"], compile_kwargs={"literal_binds": True}))
    assert text.endswith("LIMIT 1) IS NOT NULL"), text


@pytest.mark.parametrize("kind", KINDS)
def test_sqlite_keeps_a_kind_off_its_index_only_in_a_window_with_a_start(kind: str):
    """Given a kinds filter, when its SQL is built, then on SQLite in a window with a start (whose branches read
    the items begun long before it from their own index) the kind column is wrapped (`|| ''`), so SQLite's averaged
    statistics cannot pick the (kind, date) index there; without such a window, or on PostgreSQL, it is not."""
    f = of_kinds(["consult", "speech", "thanks"])
    windowed = of_kinds(["consult", "speech", "thanks"], **WINDOW)
    assert "||" in sql(kind, windowed, "sqlite")
    assert "||" not in sql(kind, f, "sqlite")
    assert "||" not in sql(kind, of_kinds(["consult", "speech", "thanks"], end=WINDOW["end"]), "sqlite")
    assert "||" not in sql(kind, windowed, "postgresql")


@pytest.mark.parametrize("kind", KINDS)
def test_a_tag_judged_common_is_tested_per_item(kind: str):
    """Given a tag judged common for one kind of item and rare for the others, when the conditions are built, then
    that kind tests each item by a probe on its (item, tag) key and the others gather the tagged ids first."""
    rare = dict.fromkeys(KINDS, False)
    for dialect in DIALECTS:
        common = sql(kind, Resolved(tags=["war"], tags_common={**rare, kind: True}), dialect)
        gathered = sql(kind, Resolved(tags=["war"], tags_common=rare), dialect)
        assert "IS NOT NULL" in common and "IS NOT NULL" not in gathered, dialect


def test_may_match_leaves_out_the_types_a_filter_excludes():
    """Given item types and kinds, when the timeline asks which types can match, then only those listed and
    holding one of the kinds can."""
    assert [may_match(kind, Resolved(item_types={"event", "reaction"})) for kind in KINDS] == [True, False, True]
    assert [may_match(kind, of_kinds(["thanks"])) for kind in KINDS] == [False, False, True]
    assert [may_match(kind, Resolved()) for kind in KINDS] == [True, True, True]


@pytest.fixture(scope="module")
def story(story_engine: Engine) -> Engine:
    return story_engine


@pytest.mark.parametrize("kind", KINDS)
def test_conditions_that_can_match_nothing_match_nothing(story: Engine, kind: str):
    """Given the story, when the conditions of a filter no item of a kind can meet (kinds of other types only, a
    search of no words, item types without it) are run on that kind on their own (without ``may_match``), then no
    row comes, although every kind has rows."""
    table = SQLModel.metadata.tables[kind]
    others = {"event": ["thanks"], "statement": ["consult", "thanks"], "reaction": ["consult", "speech"]}[kind]
    nothing = [
        of_kinds(others),
        Resolved(search="", search_words=[]),
        Resolved(item_types={k for k in KINDS if k != kind}),
    ]
    dialect = story.dialect.name
    with story.connect() as conn:
        assert conn.execute(select(func.count()).select_from(table)).scalar_one() > 0
        for f in nothing:
            count = select(func.count()).select_from(table).where(*conditions(kind, table, f, dialect))
            assert conn.execute(count).scalar_one() == 0, f


def test_one_kind_and_many_kinds_of_a_type_are_shapes_apart():
    """Given one, two and three event kinds, when their shapes are taken, then one kind (compared with `=`) is a
    shape apart from two or three (one list), which share theirs: their SQL is the same."""
    one, two, three = (
        filter_shape(of_kinds(k)) for k in (["consult"], ["consult", "support"], ["consult", "support", "aid"])
    )
    assert one != two == three
    assert sql("event", of_kinds(["consult", "support"]), "sqlite") == sql(
        "event", of_kinds(["consult", "support", "aid"]), "sqlite"
    )
