"""Shared fixtures: a fresh, migrated database per test on every backend, optionally holding the story.

Every database test takes one of these fixtures and so runs twice, once on SQLite and once on PostgreSQL
(parameter ids ``sqlite`` and ``postgresql``; the ``backend`` fixture says which):

- ``blank_url``: a new empty database, not migrated;
- ``database_url`` / ``engine``: a new database migrated to head, empty;
- ``seeded_url`` / ``seeded_engine``: a new migrated database holding the seed story, the test's own to write;
- ``story_url`` / ``story_engine``: the story too, but one database shared by a module's tests, read-only
  (enforced on PostgreSQL) and much faster for tests that only query.

Databases are built the way an operator builds them, with ``alembic upgrade head`` (never ``create_all``),
once per session and backend into a template; each test gets its own copy of the template (a file copy on
SQLite, ``CREATE DATABASE ... TEMPLATE`` on PostgreSQL), so tests never share state and runs never collide.

PostgreSQL comes from ``REALIGN_TEST_POSTGRES_URL`` (default ``postgresql://postgres@127.0.0.1:5432/postgres``);
the role needs CREATEDB. When the server cannot be reached the PostgreSQL tests fail; they never skip.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.engine import make_url

from api.db import make_engine
from schema.context import _PREPARED
from tests.support import POSTGRES_URL, load_story, migrate, unique_name

BACKENDS = ("sqlite", "postgresql")


class PostgresServer:
    """Creates and drops throw-away databases on the test PostgreSQL server."""

    def __init__(self, url: str) -> None:
        self.url = make_url(url)
        self.admin = make_engine(url).execution_options(isolation_level="AUTOCOMMIT")
        try:
            with self.admin.connect() as conn:
                conn.execute(text("SELECT 1"))
        except Exception as exc:  # any failure to connect must fail the run, never skip it
            self.admin.dispose()
            pytest.fail(
                f"PostgreSQL is unreachable at {self.url.render_as_string(hide_password=True)} "
                f"(set REALIGN_TEST_POSTGRES_URL): {exc}",
                pytrace=False,
            )

    def url_of(self, name: str) -> str:
        """The URL of database ``name`` on this server."""
        return self.url.set(database=name).render_as_string(hide_password=False)

    def create(self, name: str, *, template: str | None = None) -> str:
        """Create database ``name`` (a copy of ``template`` if given); returns its URL."""
        sql = f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else "")
        with self.admin.connect() as conn:
            conn.execute(text(sql))
        return self.url_of(name)

    def make_read_only(self, name: str) -> None:
        """Make every new transaction in database ``name`` read-only, so a stray write fails the test."""
        with self.admin.connect() as conn:
            conn.execute(text(f'ALTER DATABASE "{name}" SET default_transaction_read_only = on'))

    def drop(self, name: str) -> None:
        """Drop database ``name``, disconnecting anyone still using it."""
        with self.admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


class Databases:
    """Session-wide factory of fresh databases: blank, migrated, or migrated and seeded."""

    def __init__(self, workdir: Path) -> None:
        self.workdir = workdir
        self._postgres: PostgresServer | None = None
        self._postgres_error: str | None = None
        self._templates: dict[tuple[str, str], str] = {}
        self._pg_names: list[str] = []

    @property
    def postgres(self) -> PostgresServer:
        """The test server, connected on first use; every PostgreSQL test fails if it is unreachable."""
        if self._postgres_error is not None:
            pytest.fail(self._postgres_error, pytrace=False)
        if self._postgres is None:
            try:
                self._postgres = PostgresServer(POSTGRES_URL)
            except pytest.fail.Exception as exc:
                self._postgres_error = str(exc)
                raise
        return self._postgres

    def blank(self, backend: str, tmp_path: Path) -> tuple[str, str | None]:
        """A new empty database (no tables); returns its URL and, on PostgreSQL, its name."""
        if backend == "sqlite":
            return f"sqlite:///{tmp_path / 'realign-blank.db'}", None
        name = unique_name("realign_test")
        return self.postgres.create(name), name

    def copy(self, backend: str, state: str, tmp_path: Path) -> tuple[str, str | None]:
        """A new database holding a copy of the ``state`` ("migrated" or "seeded") template."""
        template = self._template(backend, state)
        if backend == "sqlite":
            target = tmp_path / f"realign-{state}.db"
            _sqlite_copy(Path(template), target)
            return f"sqlite:///{target}", None
        name = unique_name("realign_test")
        return self.postgres.create(name, template=template), name

    def drop(self, backend: str, name: str | None) -> None:
        """Drop a database made by ``blank`` or ``copy`` (files on SQLite go with tmp_path)."""
        if backend == "postgresql" and name is not None:
            self.postgres.drop(name)

    def _template(self, backend: str, state: str) -> str:
        key = (backend, state)
        if key not in self._templates:
            if backend == "sqlite":
                path = self.workdir / f"template-{state}.db"
                path.unlink(missing_ok=True)
                url, handle = f"sqlite:///{path}", str(path)
            else:
                handle = unique_name(f"realign_template_{state}")
                url = self.postgres.create(handle)
                self._pg_names.append(handle)
            migrate(url)
            if state == "seeded":
                load_story(url)
            self._templates[key] = handle
        return self._templates[key]

    def close(self) -> None:
        """Drop the PostgreSQL templates and release the admin connection."""
        if self._postgres is not None:
            for name in self._pg_names:
                self._postgres.drop(name)
            self._postgres.admin.dispose()


def _sqlite_copy(source: Path, target: Path) -> None:
    # The online backup API copies a consistent database even if the template still has a WAL file.
    src, dst = sqlite3.connect(source), sqlite3.connect(target)
    try:
        src.backup(dst)
    finally:
        src.close()
        dst.close()


@pytest.fixture(scope="session")
def databases(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Databases]:
    """The session's database factory (templates are built lazily, once per backend and state)."""
    factory = Databases(tmp_path_factory.mktemp("templates"))
    yield factory
    factory.close()


@pytest.fixture(params=BACKENDS, ids=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    """The database family a test runs on: ``sqlite`` or ``postgresql``."""
    return request.param


def _fresh(databases: Databases, backend: str, tmp_path: Path, state: str | None) -> Iterator[str]:
    if state is None:
        url, name = databases.blank(backend, tmp_path)
    else:
        url, name = databases.copy(backend, state, tmp_path)
    yield url
    databases.drop(backend, name)


@pytest.fixture
def blank_url(databases: Databases, backend: str, tmp_path: Path) -> Iterator[str]:
    """The URL of a new, empty database (not migrated) of the test's backend."""
    yield from _fresh(databases, backend, tmp_path, None)


@pytest.fixture
def database_url(databases: Databases, backend: str, tmp_path: Path) -> Iterator[str]:
    """The URL of a new database of the test's backend, migrated to head and empty."""
    yield from _fresh(databases, backend, tmp_path, "migrated")


@pytest.fixture
def seeded_url(databases: Databases, backend: str, tmp_path: Path) -> Iterator[str]:
    """The URL of a new database of the test's backend, migrated to head and holding the seed story."""
    yield from _fresh(databases, backend, tmp_path, "seeded")


@pytest.fixture(scope="module", params=BACKENDS, ids=BACKENDS)
def story_url(
    request: pytest.FixtureRequest, databases: Databases, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """The URL of a database holding the seed story, shared by the tests of a module: READ ONLY.

    Much faster than ``seeded_url`` for tests that only query. On PostgreSQL every transaction is read-only,
    so a test that writes fails there; tests that write take ``seeded_url`` instead.
    """
    backend = request.param
    url, name = databases.copy(backend, "seeded", tmp_path_factory.mktemp("story"))
    if name is not None:
        databases.postgres.make_read_only(name)
    yield url
    databases.drop(backend, name)


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    """A synchronous engine on a fresh migrated (empty) database."""
    engine = make_engine(database_url)
    yield engine
    engine.dispose()


@pytest.fixture
def seeded_engine(seeded_url: str) -> Iterator[Engine]:
    """A synchronous engine on a fresh database holding the seed story."""
    engine = make_engine(seeded_url)
    yield engine
    engine.dispose()


@pytest.fixture(scope="module")
def story_engine(story_url: str) -> Iterator[Engine]:
    """A synchronous engine on the module's shared, read-only story database."""
    engine = make_engine(story_url)
    yield engine
    engine.dispose()


@pytest.fixture(autouse=True)
def _statements_built_afresh_under_mutmut() -> None:
    """Under mutation testing only (mutmut sets ``MUTANT_UNDER_TEST``), every test builds its statements anew: the
    app keeps each one built per query shape for the process's life (``schema.context``), so a later test of a
    shape seen before would never call the code that builds it, and mutmut, which runs a mutant's code only
    against the tests it saw calling it, would miss that test (or run it on a statement built before the mutant)."""
    if "MUTANT_UNDER_TEST" in os.environ:
        _PREPARED.clear()
