"""Writers wait only at commit: change-log positions are handed out at commit, and the span counts take deltas.

Until 0006 every logged write on PostgreSQL took one advisory lock from its first logged change (or, for a
timeline item, its first item row) to its commit, so that log positions grew in commit order and span rows were
always locked in one order. Writers queued on it: at 50 writes a second a write waited seconds. Now:

- ``change_log``: the row's identity is ``id`` (the old ``position``, renamed), and ``position`` is handed out
  when the writing transaction commits, by a deferred constraint trigger (``change_log_position``, PostgreSQL)
  that takes the advisory lock ``LOG_LOCK`` and draws from the sequence ``change_log_commit_seq``: the lock is
  held from there to the end of the commit only, so positions become visible in commit order. SQLite has one
  writer at a time: its trigger copies ``id``. Existing rows keep their numbers (``position = id``), so a
  cursor given out before still resumes where it was. Unique index ``ix_change_log_position``.
- ``item_span_count`` on PostgreSQL: the trigger function appends one delta row per (type, span) and write
  statement, updating no row and taking no lock, so concurrent writers never wait for each other's span rows
  (no hot row, no deadlock). The primary key becomes a plain index (``ix_item_span_count_span``); readers sum a
  span's rows, and the app merges each span's rows now and then (``api.spans.compact``). SQLite keeps its
  row-level upserts.

Downgrade merges the span rows, restores 0006's key and trigger function, and gives ``change_log`` back its one
``position`` column.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01 17:00:00
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import context, op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLE = "item_span_count"
FUNCTION = "item_span_count_apply"
SPAN_INDEX = "ix_item_span_count_span"
POSITION_INDEX = "ix_change_log_position"
SEQUENCE = "change_log_commit_seq"
POSITION_TRIGGER = "change_log_position"  # the trigger's and (PostgreSQL) its function's name
# The advisory lock ordering positions by commit (any fixed number no one else uses).
LOG_LOCK = 0x7265616C  # "real"

POSITION_FUNCTION = f"""
CREATE FUNCTION {POSITION_TRIGGER}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  -- At commit (deferred): held from here to the end of the commit, so positions become visible in their order.
  PERFORM pg_advisory_xact_lock({LOG_LOCK});
  UPDATE change_log SET position = nextval('{SEQUENCE}') WHERE id = NEW.id;
  RETURN NULL;
END
$$
"""

def earlier() -> Any:
    """Migration 0006's module: the span counts' deltas are its, and a downgrade restores its function."""
    found = context.script.get_revision("0006")
    assert found is not None
    return found.module


def append(delta: str) -> str:
    return f"INSERT INTO {TABLE} (item_type, date_start, date_end, n) SELECT TG_TABLE_NAME, date_start, date_end, n FROM ({delta}) m;"


def postgres_function() -> str:
    """0006's trigger function, appending its deltas (0006's own, ``DELTA``) instead of applying them."""
    delta = earlier().DELTA
    return f"""
CREATE OR REPLACE FUNCTION {FUNCTION}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'TRUNCATE' THEN
    DELETE FROM {TABLE} WHERE item_type = TG_TABLE_NAME;
  ELSIF TG_OP = 'INSERT' THEN
    {append(delta["INSERT"])}
  ELSIF TG_OP = 'DELETE' THEN
    {append(delta["DELETE"])}
  ELSE
    {append(delta["UPDATE"])}
  END IF;
  RETURN NULL;
END
$$
"""


def upgrade() -> None:
    dialect = op.get_context().dialect.name
    # Plain ALTER TABLE on both databases (SQLite 3.25+ renames, 3.35+ drops columns): no table rebuild.
    op.execute("ALTER TABLE change_log RENAME COLUMN position TO id")
    op.add_column("change_log", sa.Column("position", sa.BigInteger(), nullable=True))
    op.execute("UPDATE change_log SET position = id")
    op.create_index(POSITION_INDEX, "change_log", ["position"], unique=True)
    if dialect == "postgresql":
        op.execute(f"CREATE SEQUENCE {SEQUENCE}")
        op.execute(f"SELECT setval('{SEQUENCE}', coalesce((SELECT max(id) FROM change_log), 0) + 1, false)")
        op.execute(POSITION_FUNCTION)
        op.execute(
            f"CREATE CONSTRAINT TRIGGER {POSITION_TRIGGER} AFTER INSERT ON change_log "
            f"DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION {POSITION_TRIGGER}()"
        )
        op.execute(postgres_function())
        op.drop_constraint(f"pk_{TABLE}", TABLE, type_="primary")
        op.create_index(SPAN_INDEX, TABLE, ["item_type", "date_start", "date_end"])
    else:
        op.execute(
            f"CREATE TRIGGER {POSITION_TRIGGER} AFTER INSERT ON change_log "
            "BEGIN UPDATE change_log SET position = new.id WHERE id = new.id; END"
        )


def downgrade() -> None:
    dialect = op.get_context().dialect.name
    if dialect == "postgresql":
        op.execute(
            "CREATE TEMPORARY TABLE merged ON COMMIT DROP AS "
            "SELECT item_type, date_start, date_end, sum(n)::integer AS n "
            f"FROM {TABLE} GROUP BY item_type, date_start, date_end HAVING sum(n) <> 0"  # noqa: S608 - fixed names
        )
        op.execute(f"DELETE FROM {TABLE}")  # noqa: S608
        op.execute(f"INSERT INTO {TABLE} SELECT * FROM merged")  # noqa: S608
        op.drop_index(SPAN_INDEX, TABLE)
        op.create_primary_key(f"pk_{TABLE}", TABLE, ["item_type", "date_start", "date_end"])
        op.execute(earlier().POSTGRES_FUNCTION.replace("CREATE FUNCTION", "CREATE OR REPLACE FUNCTION", 1))
        op.execute(f"DROP TRIGGER {POSITION_TRIGGER} ON change_log")
        op.execute(f"DROP FUNCTION {POSITION_TRIGGER}()")
        op.execute(f"DROP SEQUENCE {SEQUENCE}")
    else:
        op.execute(f"DROP TRIGGER {POSITION_TRIGGER}")
    # Under 0006 a row's number is its position: the committed rows' positions become their numbers again (through
    # negative numbers, so no two rows ever share one midway).
    op.execute("DELETE FROM change_log WHERE position IS NULL")
    op.execute("UPDATE change_log SET id = -position")
    op.execute("UPDATE change_log SET id = -id")
    op.drop_index(POSITION_INDEX, "change_log")
    op.execute("ALTER TABLE change_log DROP COLUMN position")
    op.execute("ALTER TABLE change_log RENAME COLUMN id TO position")
    if dialect == "postgresql":
        op.execute(
            "SELECT setval(pg_get_serial_sequence('change_log', 'position'), "
            "coalesce((SELECT max(position) FROM change_log), 0) + 1, false)"
        )
