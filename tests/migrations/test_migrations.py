"""Alembic migrations (migrations/): up, down and up again, the plain alembic command, and no drift."""

from __future__ import annotations

import subprocess

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect, select, text
from sqlmodel import SQLModel

import api.models  # noqa: F401 - registers every table on the metadata
from api.db import backend, make_engine
from api.models import utcnow
from api.search import SEARCHED, fts_table, gin_index, include_name, matching_ids, query_string, search_text
from api.spans import SPAN_FUNCTION, SPAN_TABLE, span_triggers
from api.tables import CHANGE_LOG, EVENT
from tests.support import BIN, ROOT, alembic_config, count, load_story

TABLES = set(SQLModel.metadata.tables)
# On SQLite each searched table has an FTS5 table, which keeps its index in shadow tables of its own.
FTS_TABLES = {fts_table(t) + suffix for t in SEARCHED for suffix in ("", "_data", "_idx", "_docsize", "_config")}


def at_head(url: str) -> set[str]:
    """The tables of a database at head: the models' own, Alembic's, the span counts, and on SQLite the text
    indexes."""
    return TABLES | {"alembic_version", SPAN_TABLE} | (FTS_TABLES if backend(url) == "sqlite" else set())


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
    assert tables_and_revision(blank_url) == (at_head(blank_url), head())

    command.downgrade(config, "base")
    assert tables_and_revision(blank_url) == ({"alembic_version"}, None)

    command.upgrade(config, "head")
    assert tables_and_revision(blank_url) == (at_head(blank_url), head())


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
    assert tables_and_revision(blank_url) == (at_head(blank_url), head())

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
    """Given a database at head, when autogenerate compares it with the models (leaving out the text indexes, as
    migrations/env.py does), then it finds no difference."""
    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True, "include_name": include_name})
        diff = compare_metadata(context, SQLModel.metadata)
    assert diff == [], "the models differ from the migrations:\n" + "\n".join(map(repr, diff))


def test_migrated_database_is_empty(engine):
    """Given a database at head, when tables are counted, then migrations created schema but no rows."""
    for table in TABLES | {SPAN_TABLE}:
        assert count(engine, table) == 0, table
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM alembic_version")).scalar_one() == 1


def text_index_objects(engine) -> set[str]:
    """The text-index objects in a database: FTS5 tables and their triggers on SQLite, GIN indexes on PostgreSQL."""
    with engine.connect() as conn:
        if engine.dialect.name == "sqlite":
            sql = "SELECT name FROM sqlite_master WHERE type IN ('table', 'trigger') AND instr(name, '_fts') > 0"
            return set(conn.execute(text(sql)).scalars())
        sql = "SELECT indexname FROM pg_indexes WHERE indexdef LIKE '%USING gin (to_tsvector(''simple''::regconfig%'"
        return set(conn.execute(text(sql)).scalars())


def expected_text_index_objects(dialect: str) -> set[str]:
    if dialect == "sqlite":
        triggers = {f"{fts_table(t)}_{e}" for t in SEARCHED for e in ("insert", "update", "delete")}
        return FTS_TABLES | triggers
    return {gin_index(t) for t in SEARCHED}


def assert_index_agrees(conn, dialect: str) -> None:
    """For every word of every searched table, the text index finds exactly the rows whose ``search_text`` holds a
    word starting with it (what the search promises), so the index is in step with the table."""
    for name in SEARCHED:
        table = SQLModel.metadata.tables[name]
        rows = conn.execute(select(table.c.id, table.c.search_text)).all()
        assert rows, name
        for word in {w for r in rows for w in r.search_text.split()}:
            found = conn.execute(matching_ids(table, "q", dialect), {"q": query_string([word], dialect)})
            expected = {r.id for r in rows if any(w.startswith(word) for w in r.search_text.split())}
            assert set(found.scalars()) == expected, (name, word)


def test_text_indexes_exist_at_head_and_go_with_downgrade(database_url):
    """Given a database at head, when its text indexes are listed, then each searched table has its own (FTS5 table
    and three triggers on SQLite, a GIN index on PostgreSQL); when downgraded to 0002, then none is left."""
    engine = make_engine(database_url)
    try:
        assert text_index_objects(engine) == expected_text_index_objects(engine.dialect.name)
        command.downgrade(alembic_config(database_url), "0002")
        assert text_index_objects(engine) == set()
        command.upgrade(alembic_config(database_url), "head")
        assert text_index_objects(engine) == expected_text_index_objects(engine.dialect.name)
    finally:
        engine.dispose()


def test_text_indexes_follow_inserts_updates_and_deletes(seeded_engine):
    """Given the story at head, when rows are inserted, their text changed and rows deleted with plain SQL, then
    the text indexes still find exactly the rows holding each word (on SQLite the triggers kept them in step)."""
    dialect = seeded_engine.dialect.name
    actor, event = SQLModel.metadata.tables["actor"], SQLModel.metadata.tables["event"]
    with seeded_engine.begin() as conn:
        assert_index_agrees(conn, dialect)
        saar = conn.execute(select(actor).where(actor.c.slug == "gideon-saar")).mappings().one()
        clone = {**saar, "slug": "gideon-saar-clone", "search_text": search_text("Zyx Clone")}
        clone.pop("id")
        conn.execute(actor.insert(), clone)
        conn.execute(
            event.update().where(event.c.slug == "prc-buys-iranian-crude"), {"search_text": search_text("Qwv Oil")}
        )
        conn.execute(actor.delete().where(actor.c.slug == "gideon-saar-clone"))
        conn.execute(actor.insert(), {**clone, "slug": "gideon-saar-clone-2"})
    with seeded_engine.connect() as conn:
        assert_index_agrees(conn, dialect)
        found = conn.execute(matching_ids(event, "q", dialect), {"q": query_string(["qwv"], dialect)}).scalars()
        assert len(list(found)) == 1
        found = conn.execute(matching_ids(event, "q", dialect), {"q": query_string(["crude"], dialect)}).scalars()
        assert list(found) == []


def test_upgrade_normalises_search_text_written_before(blank_url):
    """Given a database at 0002 holding the story, with Sa'ar's search text as 0002 wrote it (lower-cased, accents
    and typographic apostrophes kept), when upgraded to head, then every search_text is normalised and the text
    index finds Sa'ar by `saar`."""
    config = alembic_config(blank_url)
    command.upgrade(config, "head")
    load_story(blank_url)  # with today's loader (it writes today's columns), then back to 0002's tables
    command.downgrade(config, "0002")
    engine = make_engine(blank_url)
    actor = SQLModel.metadata.tables["actor"]
    old = "gideon sa’ar gideon saar gideon sa’ar sa'ar sa’ar gideon saar @gidonsaar élysée"
    try:
        with engine.begin() as conn:
            conn.execute(actor.update().where(actor.c.slug == "gideon-saar"), {"search_text": old})
        command.upgrade(config, "head")
        with engine.connect() as conn:
            text_of_saar = conn.execute(select(actor.c.search_text).where(actor.c.slug == "gideon-saar")).scalar()
            assert text_of_saar == search_text(old)
            assert "saar" in text_of_saar.split() and "elysee" in text_of_saar.split()
            for name in SEARCHED:
                table = SQLModel.metadata.tables[name]
                for value in conn.execute(select(table.c.search_text)).scalars():
                    assert search_text(value) == value, (name, value)
            assert_index_agrees(conn, engine.dialect.name)
            query = {"q": query_string(["saar"], engine.dialect.name)}
            ids = conn.execute(matching_ids(actor, "q", engine.dialect.name), query).scalars()
            slugs = conn.execute(select(actor.c.slug).where(actor.c.id.in_(list(ids)))).scalars()
            assert "gideon-saar" in set(slugs)
    finally:
        engine.dispose()


def span_objects(engine) -> set[str]:
    """The span counts' objects in a database: its table, its triggers and (PostgreSQL) its trigger function."""
    with engine.connect() as conn:
        if engine.dialect.name == "sqlite":
            sql = "SELECT name FROM sqlite_master WHERE name = :table OR (type = 'trigger' AND instr(name, '_span_'))"
            return set(conn.execute(text(sql), {"table": SPAN_TABLE}).scalars())
        tables = conn.execute(text("SELECT tablename FROM pg_tables WHERE tablename = :t"), {"t": SPAN_TABLE})
        triggers = conn.execute(text("SELECT tgname FROM pg_trigger WHERE tgname LIKE '%\\_span\\_%'"))
        functions = conn.execute(text("SELECT proname FROM pg_proc WHERE proname = :f"), {"f": SPAN_FUNCTION})
        return {*tables.scalars(), *triggers.scalars(), *functions.scalars()}


def test_span_counts_are_back_filled_and_go_with_downgrade(seeded_url):
    """Given the story at head, when downgraded to 0005, then the span counts' table, triggers and function are
    gone; when upgraded again, then they are back and the table counts the story's items by span exactly."""
    engine = make_engine(seeded_url)
    dialect = engine.dialect.name
    expected = {SPAN_TABLE, *(t for name in ("event", "statement", "reaction") for t in span_triggers(name, dialect))}
    expected |= {SPAN_FUNCTION} if dialect == "postgresql" else set()
    counted = "SELECT '{0}', date_start, date_end, count(*) FROM {0} GROUP BY date_start, date_end"  # noqa: S608 - fixed
    items = " UNION ALL ".join(counted.format(name) for name in ("event", "statement", "reaction"))
    try:
        assert span_objects(engine) == expected
        command.downgrade(alembic_config(seeded_url), "0005")
        assert span_objects(engine) == set()
        command.upgrade(alembic_config(seeded_url), "head")
        assert span_objects(engine) == expected
        with engine.connect() as conn:
            spans = {tuple(map(str, r)) for r in conn.execute(text(f"SELECT * FROM {SPAN_TABLE}"))}  # noqa: S608
            want = {tuple(map(str, r)) for r in conn.execute(text(items))}
        assert spans == want and len(want) > 10
    finally:
        engine.dispose()


def test_commit_positions_and_span_deltas_migrate_both_ways(seeded_url):
    """Given the story at head with logged changes, when events are added (PostgreSQL: delta rows) and the
    database is downgraded to 0006, then each span has one row again holding its sum (0006's key is back) and each
    log row's number is its position; when upgraded again, then the positions are kept, a new row gets the next
    one at commit, and a new event is counted in its span."""
    engine = make_engine(seeded_url)
    span = "SELECT item_type, date_start, date_end, sum(n) FROM item_span_count GROUP BY 1, 2, 3"
    many = (
        "SELECT count(*) FROM (SELECT 1 FROM item_span_count GROUP BY item_type, date_start, date_end "
        "HAVING count(*) > 1) m"
    )
    logged = {"at": utcnow(), "action": "create", "record_type": "event", "record_id": 1}
    try:
        with engine.begin() as conn:
            event = dict(conn.execute(select(EVENT).limit(1)).mappings().one())
            event.pop("id")
            for n in range(2):
                conn.execute(EVENT.insert(), {**event, "slug": f"down-{n}"})
            before = {tuple(r[:3]): r[3] for r in conn.execute(text(span))}
            conn.execute(CHANGE_LOG.insert(), [logged, logged])
        with engine.connect() as conn:
            positions = conn.execute(select(CHANGE_LOG.c.position).order_by(CHANGE_LOG.c.position)).scalars().all()
        assert len(positions) == 2 and None not in positions
        command.downgrade(alembic_config(seeded_url), "0006")
        with engine.connect() as conn:
            assert {tuple(r[:3]): r[3] for r in conn.execute(text(span))} == before
            assert conn.execute(text(many)).scalar_one() == 0
            assert conn.execute(text("SELECT position FROM change_log ORDER BY 1")).scalars().all() == positions
            assert "id" not in {c["name"] for c in inspect(conn).get_columns("change_log")}
        command.upgrade(alembic_config(seeded_url), "head")
        with engine.begin() as conn:
            conn.execute(CHANGE_LOG.insert(), logged)
            conn.execute(EVENT.insert(), {**event, "slug": "up-again"})
        with engine.connect() as conn:
            again = conn.execute(select(CHANGE_LOG.c.position).order_by(CHANGE_LOG.c.position)).scalars().all()
            after = {tuple(r[:3]): r[3] for r in conn.execute(text(span))}
        assert again[:2] == positions and again[2] > positions[1]
        grown = {key for key, n in after.items() if before.get(key) != n}
        assert len(grown) == 1 and after[next(iter(grown))] == before[next(iter(grown))] + 1
    finally:
        engine.dispose()
