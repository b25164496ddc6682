"""Integrity in the database itself: check constraints, foreign keys and unique slugs, on both backends.

Rows go in through SQLAlchemy Core, bypassing every Python-side validation, so only the schema built by the
migrations stands between a bad row and the table. Each test first shows that a valid row goes in, then
that the bad variant is refused with ``IntegrityError`` naming the constraint.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from sqlalchemy import Engine, insert
from sqlalchemy.exc import IntegrityError
from sqlmodel import SQLModel

import api.models  # noqa: F401 - registers every table on the metadata

NOW = dt.datetime(2025, 8, 6, 12, 0, tzinfo=dt.UTC)
DAY = dt.date(2025, 8, 5)
BOOKKEEPING = {"created_at": NOW, "updated_at": NOW, "version": 1}
WHEN = {
    "when_text": "2025-08-05",
    "date_start": DAY,
    "date_end": DAY,
    "date_precision": "day",
    "date_qualifier": None,
    "date_ongoing": False,
    "date_label": "5 August 2025",
    "day_order": 0,
}
TABLES = SQLModel.metadata.tables  # by name


def row(table: str, slug: str | None = None, **values: Any) -> dict[str, Any]:
    """A valid row of ``table`` (needing the ids in ``values``), with any column overridden."""
    defaults: dict[str, dict[str, Any]] = {
        "actor": {"name": "An actor", "kind": "state", "sectors": [], "aliases": [], "external_ids": {}},
        "source": {"title": "A report", "language": "en"},
        "event": {
            **WHEN,
            "title": "A meeting",
            "kind": "CONSULT",
            "contexts": [],
            "quad_class": "VERBAL_COOPERATION",
            "score": 2,
            "modality": "actual",
        },
        "event_participant": {"role": "initiator", "position": 0},
        "statement": {**WHEN, "channel": "speech", "quote": "Words.", "language": "en"},
        "reaction": {**WHEN, "kind": "thanks", "score": 4},
        "relationship_change": {**WHEN, "delta": 2, "explanation": "Warmer."},
        "citation": {"position": 0},
    }
    data = dict(defaults[table])
    if table not in ("event_participant",):
        data.update(BOOKKEEPING)
    if slug is not None:
        data["slug"] = slug
    data.update(values)
    return data


def put(engine: Engine, table: str, data: dict[str, Any]) -> int:
    """Insert one row in its own transaction; returns its id."""
    with engine.begin() as conn:
        return conn.execute(insert(TABLES[table]).values(**data)).inserted_primary_key[0]


def refused(engine: Engine, table: str, data: dict[str, Any]) -> str:
    """Insert a row that must be refused; returns the database's error message."""
    with pytest.raises(IntegrityError) as caught:
        put(engine, table, data)
    return str(caught.value.orig)


@pytest.fixture
def world(engine: Engine) -> dict[str, int]:
    """Two actors, a source, an event, a statement and a reaction to point at."""
    ids = {
        "israel": put(engine, "actor", row("actor", "israel", name="Israel", country="ISR")),
        "taiwan": put(engine, "actor", row("actor", "taiwan", name="Taiwan", country="TWN")),
        "source": put(engine, "source", row("source", "report")),
    }
    ids["event"] = put(engine, "event", row("event", "meeting"))
    ids["statement"] = put(engine, "statement", row("statement", "speech", speaker_id=ids["israel"]))
    ids["reaction"] = put(
        engine,
        "reaction",
        row("reaction", "thanks", reactor_id=ids["taiwan"], target_event_id=ids["event"]),
    )
    return ids


def test_reaction_with_two_targets_is_refused(engine, world):
    """Given a reaction aimed at an event and a statement at once, when inserted, then the check refuses it."""
    put(engine, "reaction", row("reaction", "one", reactor_id=world["taiwan"], target_statement_id=world["statement"]))
    error = refused(
        engine,
        "reaction",
        row(
            "reaction",
            "two",
            reactor_id=world["taiwan"],
            target_event_id=world["event"],
            target_statement_id=world["statement"],
        ),
    )
    assert "ck_reaction_exactly_one_target" in error


def test_reaction_with_three_targets_is_refused(engine, world):
    """Given a reaction aimed at an event, a statement and a reaction, when inserted, then it is refused."""
    error = refused(
        engine,
        "reaction",
        row(
            "reaction",
            "three",
            reactor_id=world["taiwan"],
            target_event_id=world["event"],
            target_statement_id=world["statement"],
            target_reaction_id=world["reaction"],
        ),
    )
    assert "ck_reaction_exactly_one_target" in error


def test_reaction_with_no_target_is_refused(engine, world):
    """Given a reaction aimed at nothing, when inserted, then the exactly-one-target check refuses it."""
    error = refused(engine, "reaction", row("reaction", "none", reactor_id=world["taiwan"]))
    assert "ck_reaction_exactly_one_target" in error


@pytest.mark.parametrize("delta", [11, -11, 0])
def test_relationship_change_delta_out_of_range_is_refused(engine, world, delta):
    """Given a relationship change by 11, -11 or 0, when inserted, then the delta range check refuses it."""
    valid = row(
        "relationship_change",
        "warmer",
        from_actor_id=world["israel"],
        to_actor_id=world["taiwan"],
        cause_event_id=world["event"],
    )
    put(engine, "relationship_change", {**valid, "delta": 10})
    error = refused(engine, "relationship_change", {**valid, "slug": "bad-delta", "delta": delta})
    assert "ck_relationship_change_delta_range" in error


def test_relationship_change_needs_exactly_one_cause(engine, world):
    """Given a relationship change with two causes, when inserted, then the exactly-one-cause check refuses it."""
    error = refused(
        engine,
        "relationship_change",
        row(
            "relationship_change",
            "two-causes",
            from_actor_id=world["israel"],
            to_actor_id=world["taiwan"],
            cause_event_id=world["event"],
            cause_statement_id=world["statement"],
        ),
    )
    assert "ck_relationship_change_exactly_one_cause" in error


def _foreign_key_message(error: str) -> bool:
    return "FOREIGN KEY constraint failed" in error or "violates foreign key constraint" in error


@pytest.mark.parametrize(
    ("table", "column"),
    [
        ("reaction", "reactor_id"),
        ("statement", "speaker_id"),
        ("event_participant", "actor_id"),
        ("relationship_change", "to_actor_id"),
    ],
)
def test_dangling_actor_reference_is_refused(engine, world, table, column):
    """Given a row pointing at an actor id that does not exist, when inserted, then the foreign key refuses it."""
    valid = {
        "reaction": row("reaction", "r", reactor_id=world["israel"], target_event_id=world["event"]),
        "statement": row("statement", "s", speaker_id=world["israel"]),
        "event_participant": row("event_participant", event_id=world["event"], actor_id=world["israel"]),
        "relationship_change": row(
            "relationship_change",
            "c",
            from_actor_id=world["israel"],
            to_actor_id=world["taiwan"],
            cause_event_id=world["event"],
        ),
    }[table]
    put(engine, table, valid)
    dangling = {**valid, column: 987654}
    if "slug" in dangling:
        dangling["slug"] = "dangling"
    else:
        dangling["role"] = "participant"
    error = refused(engine, table, dangling)
    assert _foreign_key_message(error), error


@pytest.mark.parametrize("table", ["actor", "event", "source"])
def test_duplicate_slug_is_refused(engine, world, table):
    """Given a second row with a slug already taken, when inserted, then the unique slug constraint refuses it."""
    taken = {"actor": "israel", "event": "meeting", "source": "report"}[table]
    error = refused(engine, table, row(table, taken))
    assert f"uq_{table}_slug" in error or f"UNIQUE constraint failed: {table}.slug" in error, error


@pytest.mark.parametrize("table", ["event", "statement", "reaction", "relationship_change"])
def test_date_start_after_date_end_is_refused(engine, world, table):
    """Given a dated row with date_start > date_end, when inserted, then the date order check refuses it."""
    refs = {
        "event": {},
        "statement": {"speaker_id": world["israel"]},
        "reaction": {"reactor_id": world["taiwan"], "target_event_id": world["event"]},
        "relationship_change": {
            "from_actor_id": world["israel"],
            "to_actor_id": world["taiwan"],
            "cause_event_id": world["event"],
        },
    }[table]
    put(engine, table, row(table, "same-day", **refs))
    error = refused(engine, table, row(table, "backwards", **refs, date_start=DAY, date_end=DAY - dt.timedelta(days=1)))
    assert f"ck_{table}_date_order" in error


@pytest.mark.parametrize("kind", ["MEETING", "agree", ""])
def test_bad_event_kind_is_refused(engine, world, kind):
    """Given an event whose kind is not a PLOVER type, when inserted, then the kind check refuses it."""
    error = refused(engine, "event", row("event", "bad-kind", kind=kind))
    assert "ck_event_kind" in error


def test_event_score_out_of_range_is_refused(engine, world):
    """Given an event scored 10.5, when inserted, then the score range check refuses it."""
    put(engine, "event", row("event", "top-score", score=10))
    error = refused(engine, "event", row("event", "too-high", score=10.5))
    assert "ck_event_score_range" in error


def test_citation_citing_two_records_is_refused(engine, world):
    """Given a citation tied to an event and a statement at once, when inserted, then the check refuses it."""
    put(engine, "citation", row("citation", source_id=world["source"], event_id=world["event"]))
    error = refused(
        engine,
        "citation",
        row("citation", source_id=world["source"], event_id=world["event"], statement_id=world["statement"]),
    )
    assert "ck_citation_exactly_one_record" in error


def test_citation_citing_nothing_is_refused(engine, world):
    """Given a citation tied to no record, when inserted, then the exactly-one-record check refuses it."""
    error = refused(engine, "citation", row("citation", source_id=world["source"]))
    assert "ck_citation_exactly_one_record" in error
