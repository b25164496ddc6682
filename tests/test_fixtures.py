"""The shared database fixtures (tests/conftest.py): fresh, migrated, isolated, and read-only where promised."""

from __future__ import annotations

import datetime as dt

import pytest
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from api.db import backend as backend_of
from api.db import make_engine
from tests.support import alembic_config, count, story_lines


def test_database_url_is_at_head_and_empty(backend, database_url, engine):
    """Given the database_url fixture, when inspected, then it is of the test's backend, at head, with no rows."""
    assert backend_of(database_url) == backend
    head = ScriptDirectory.from_config(alembic_config(database_url)).get_current_head()
    with engine.connect() as conn:
        assert MigrationContext.configure(conn).get_current_revision() == head
    assert count(engine, "actor") == 0


def test_each_test_gets_its_own_database(engine, request):
    """Given a write in one fresh database, when another fresh database is made, then it does not see the write."""
    with engine.begin() as conn:
        conn.execute(
            text("INSERT INTO tombstone (record_type, record_id, deleted_at) VALUES ('actor', 1, :now)"),
            {"now": dt.datetime(2025, 8, 6, tzinfo=dt.UTC)},
        )
    databases = request.getfixturevalue("databases")
    backend = request.getfixturevalue("backend")
    other_dir = request.getfixturevalue("tmp_path_factory").mktemp("other")
    url, name = databases.copy(backend, "migrated", other_dir)
    try:
        other = make_engine(url)
        assert count(other, "tombstone") == 0
        other.dispose()
    finally:
        databases.drop(backend, name)
    assert count(engine, "tombstone") == 1


def test_seeded_url_holds_the_story(seeded_engine):
    """Given the seeded_url fixture, when counted, then it holds every actor of the story."""
    assert count(seeded_engine, "actor") == len(story_lines("actor"))


def test_story_url_is_read_only_on_postgresql(story_url, story_engine):
    """Given the shared story database, when a test tries to write on PostgreSQL, then the write is refused."""
    assert count(story_engine, "actor") == len(story_lines("actor"))
    if backend_of(story_url) != "postgresql":
        return
    with pytest.raises(DBAPIError, match="read-only transaction"), story_engine.begin() as conn:
        conn.execute(text("DELETE FROM citation"))
