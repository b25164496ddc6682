"""Alembic migrations (migrations/): up, down and up again, the plain alembic command, and no drift."""

from __future__ import annotations

import subprocess

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect, text
from sqlmodel import SQLModel

import api.models  # noqa: F401 - registers every table on the metadata
from api.db import make_engine
from tests.support import BIN, ROOT, alembic_config, count

TABLES = set(SQLModel.metadata.tables)


def head() -> str:
    """The head revision of the migration scripts."""
    return ScriptDirectory.from_config(alembic_config("sqlite://")).get_current_head()


def tables_and_revision(url: str) -> tuple[set[str], str | None]:
    """The tables in a database and the revision it is stamped with."""
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            names = set(inspect(conn).get_table_names())
            revision = MigrationContext.configure(conn).get_current_revision()
        return names, revision
    finally:
        engine.dispose()


def test_one_linear_history():
    """Given the migration scripts, when their heads are listed, then there is exactly one."""
    assert len(ScriptDirectory.from_config(alembic_config("sqlite://")).get_heads()) == 1


def test_upgrade_downgrade_upgrade(blank_url):
    """Given an empty database, when upgraded, downgraded to base and upgraded again, then tables match."""
    config = alembic_config(blank_url)

    command.upgrade(config, "head")
    assert tables_and_revision(blank_url) == (TABLES | {"alembic_version"}, head())

    command.downgrade(config, "base")
    assert tables_and_revision(blank_url) == ({"alembic_version"}, None)

    command.upgrade(config, "head")
    assert tables_and_revision(blank_url) == (TABLES | {"alembic_version"}, head())


def test_upgrade_at_head_is_a_no_op(database_url):
    """Given a database at head, when upgraded again, then it stays at head with the same tables."""
    before = tables_and_revision(database_url)
    command.upgrade(alembic_config(database_url), "head")
    assert tables_and_revision(database_url) == before


def test_downgrade_a_seeded_database(seeded_url):
    """Given a database holding the story, when downgraded to base, then every table with its rows is gone."""
    command.downgrade(alembic_config(seeded_url), "base")
    assert tables_and_revision(seeded_url) == ({"alembic_version"}, None)


def test_plain_alembic_command_from_repo_root(blank_url):
    """Given an empty database, when `alembic -x url=... upgrade head` runs in the repo, then it is at head."""
    env_url = ["-x", f"url={blank_url}"]
    upgraded = subprocess.run(
        [str(BIN / "alembic"), *env_url, "upgrade", "head"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert upgraded.returncode == 0, upgraded.stderr
    assert tables_and_revision(blank_url) == (TABLES | {"alembic_version"}, head())

    current = subprocess.run(
        [str(BIN / "alembic"), *env_url, "current"], cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert current.returncode == 0, current.stderr
    assert f"{head()} (head)" in current.stdout


def test_offline_sql_script(backend):
    """Given no database at all, when `alembic upgrade head --sql` runs, then it prints the DDL for the backend."""
    url = "sqlite:///never-created.db" if backend == "sqlite" else "postgresql://nobody@127.0.0.1:1/none"
    result = subprocess.run(
        [str(BIN / "alembic"), "-x", f"url={url}", "upgrade", "head", "--sql"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "CREATE TABLE actor" in result.stdout
    assert "INSERT INTO alembic_version" in result.stdout
    assert not (ROOT / "never-created.db").exists()


def test_models_and_migrations_do_not_drift(engine):
    """Given a database at head, when autogenerate compares it with the models, then it finds no difference."""
    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        diff = compare_metadata(context, SQLModel.metadata)
    assert diff == [], "the models differ from the migrations:\n" + "\n".join(map(repr, diff))


def test_migrated_database_is_empty(engine):
    """Given a database at head, when tables are counted, then migrations created schema but no rows."""
    for table in TABLES:
        assert count(engine, table) == 0, table
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM alembic_version")).scalar_one() == 1
