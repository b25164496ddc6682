"""Fixtures of the write-path tests: a client holding reader, editor and admin tokens on its own story database.

- ``api``: a ``Writer`` on a fresh copy of the seed story (``seeded_url``), so every test runs on SQLite and on
  PostgreSQL and may write freely;
- ``pg_seeded_url`` / ``pg_api``: a fresh story database (and a ``Writer`` on it) on PostgreSQL only, for the tests
  of truly parallel writers (SQLite has one writer at a time by design, so a race there proves nothing).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import Databases
from tests.mutations.support import Writer


@pytest.fixture
def api(seeded_url: str) -> Iterator[Writer]:
    """A GraphQL client with a reader, an editor and an admin token, on a story database of the test's own."""
    writer = Writer(seeded_url)
    yield writer
    writer.close()


@pytest.fixture
def pg_seeded_url(databases: Databases, tmp_path: Path) -> Iterator[str]:
    """A fresh PostgreSQL database holding the seed story (no SQLite twin: for parallel-writer tests)."""
    url, name = databases.copy("postgresql", "seeded", tmp_path)
    yield url
    databases.drop("postgresql", name)


@pytest.fixture
def pg_api(pg_seeded_url: str) -> Iterator[Writer]:
    """A ``Writer`` on a fresh PostgreSQL story database."""
    writer = Writer(pg_seeded_url)
    yield writer
    writer.close()
