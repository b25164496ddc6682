"""Span counts: ``item_span_count`` (item type, date_start, date_end, n), the number of items of each type with
each date span, kept exact by triggers on the item tables (see ``api.spans``), and back-filled from the items.

An unfiltered ``timelineBuckets`` groups this small table (one row per distinct span, not per item) instead of
reading every item.

- PostgreSQL: one trigger function, ``item_span_count_apply``, run by statement-level triggers with transition
  tables (``<table>_span_insert``/``_update``/``_delete``/``_truncate``): one grouped upsert per write statement,
  after taking the change log's advisory lock (``LOG_LOCK``: see ``api.spans`` for why).
- SQLite: row-level triggers ``<table>_span_insert``/``_update``/``_delete``. A later migration that recreates an
  item table in batch mode drops them with it: it must call ``create_sqlite_triggers`` again and rebuild.

Downgrade drops the triggers, the function and the table.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01 15:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ITEMS = ("event", "statement", "reaction")
TABLE = "item_span_count"
FUNCTION = "item_span_count_apply"
LOG_LOCK = 0x7265616C  # api.services.changes.LOG_LOCK when this revision was written (a test holds them equal)

# PostgreSQL: the item type is the table's name. A statement's change per span (``delta``: +n for spans gained,
# -n for spans lost) is applied by an upsert of the gains in key order (so two writers lock rows in the same
# order), an update of the losses, and a delete of the spans whose count fell to zero.
MOVED = "FROM old_rows o JOIN new_rows w ON w.id = o.id WHERE o.date_start <> w.date_start OR o.date_end <> w.date_end"
DELTA = {
    "INSERT": "SELECT date_start, date_end, count(*)::integer AS n FROM new_rows GROUP BY date_start, date_end",
    "DELETE": "SELECT date_start, date_end, -count(*)::integer AS n FROM old_rows GROUP BY date_start, date_end",
    "UPDATE": "SELECT date_start, date_end, sum(n)::integer AS n FROM ("
    f"SELECT o.date_start, o.date_end, -1 AS n {MOVED} UNION ALL SELECT w.date_start, w.date_end, 1 {MOVED}"
    ") d GROUP BY date_start, date_end HAVING sum(n) <> 0",
}


def gain(delta: str) -> str:
    """The statement adding a delta's gains to the table (in key order)."""
    return f"""
    INSERT INTO {TABLE} AS c (item_type, date_start, date_end, n)
      SELECT TG_TABLE_NAME, m.date_start, m.date_end, m.n FROM ({delta}) m WHERE m.n > 0
      ORDER BY m.date_start, m.date_end
      ON CONFLICT (item_type, date_start, date_end) DO UPDATE SET n = c.n + excluded.n;"""


def lose(delta: str) -> str:
    """The statements taking a delta's losses from the table, then deleting the spans left at zero."""
    return f"""
    UPDATE {TABLE} c SET n = c.n + m.n FROM ({delta}) m
      WHERE m.n < 0 AND c.item_type = TG_TABLE_NAME AND c.date_start = m.date_start AND c.date_end = m.date_end;
    DELETE FROM {TABLE} c WHERE c.item_type = TG_TABLE_NAME AND c.n <= 0
      AND (c.date_start, c.date_end) IN (SELECT m.date_start, m.date_end FROM ({delta}) m WHERE m.n < 0);"""


POSTGRES_FUNCTION = f"""
CREATE FUNCTION {FUNCTION}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'TRUNCATE' THEN
    DELETE FROM {TABLE} WHERE item_type = TG_TABLE_NAME;
  ELSIF TG_OP = 'INSERT' THEN
    PERFORM pg_advisory_xact_lock({LOG_LOCK});
    {gain(DELTA["INSERT"])}
  ELSIF TG_OP = 'DELETE' THEN
    PERFORM pg_advisory_xact_lock({LOG_LOCK});
    {lose(DELTA["DELETE"])}
  ELSIF EXISTS (SELECT 1 {MOVED}) THEN  -- most updates leave the dates alone: nothing to do, no lock to take
    PERFORM pg_advisory_xact_lock({LOG_LOCK});
    {gain(DELTA["UPDATE"])}
    {lose(DELTA["UPDATE"])}
  END IF;
  RETURN NULL;
END
$$
"""


def create_postgres_triggers(name: str) -> None:
    """The statement-level triggers keeping the span counts of table ``name`` (PostgreSQL)."""
    run = f"FOR EACH STATEMENT EXECUTE FUNCTION {FUNCTION}()"
    op.execute(f"CREATE TRIGGER {name}_span_insert AFTER INSERT ON {name} REFERENCING NEW TABLE AS new_rows {run}")
    op.execute(
        f"CREATE TRIGGER {name}_span_update AFTER UPDATE ON {name} "
        f"REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows {run}"
    )
    op.execute(f"CREATE TRIGGER {name}_span_delete AFTER DELETE ON {name} REFERENCING OLD TABLE AS old_rows {run}")
    op.execute(f"CREATE TRIGGER {name}_span_truncate AFTER TRUNCATE ON {name} {run}")


def create_sqlite_triggers(name: str) -> None:
    """The row-level triggers keeping the span counts of table ``name`` (SQLite)."""
    key = f"item_type = '{name}' AND date_start = old.date_start AND date_end = old.date_end"
    forget = f"UPDATE {TABLE} SET n = n - 1 WHERE {key}; DELETE FROM {TABLE} WHERE {key} AND n <= 0;"
    learn = (
        f"INSERT INTO {TABLE} (item_type, date_start, date_end, n) VALUES ('{name}', new.date_start, new.date_end, 1) "
        "ON CONFLICT (item_type, date_start, date_end) DO UPDATE SET n = n + 1;"
    )
    moved = "old.date_start IS NOT new.date_start OR old.date_end IS NOT new.date_end"
    op.execute(f"CREATE TRIGGER {name}_span_insert AFTER INSERT ON {name} BEGIN {learn} END")
    op.execute(
        f"CREATE TRIGGER {name}_span_update AFTER UPDATE OF date_start, date_end ON {name} WHEN {moved} "
        f"BEGIN {forget} {learn} END"
    )
    op.execute(f"CREATE TRIGGER {name}_span_delete AFTER DELETE ON {name} BEGIN {forget} END")


def upgrade() -> None:
    dialect = op.get_context().dialect.name
    op.create_table(
        TABLE,
        sa.Column("item_type", sa.String(20), nullable=False),
        sa.Column("date_start", sa.Date(), nullable=False),
        sa.Column("date_end", sa.Date(), nullable=False),
        sa.Column("n", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("item_type", "date_start", "date_end", name=f"pk_{TABLE}"),
    )
    for name in ITEMS:  # before the triggers, in the same transaction: each item counted once
        op.execute(
            f"INSERT INTO {TABLE} (item_type, date_start, date_end, n) "  # noqa: S608 - fixed names
            f"SELECT '{name}', date_start, date_end, count(*) FROM {name} GROUP BY date_start, date_end"
        )
    if dialect == "postgresql":
        op.execute(POSTGRES_FUNCTION)
        for name in ITEMS:
            create_postgres_triggers(name)
        # Small: a parallel plan's workers cost more to start than they save (measured at 100 000 events).
        op.execute(f"ALTER TABLE {TABLE} SET (parallel_workers = 0)")
        op.execute(f"ANALYZE {TABLE}")
    elif dialect == "sqlite":
        for name in ITEMS:
            create_sqlite_triggers(name)
    else:
        raise NotImplementedError(f"span counts on {dialect}")


def downgrade() -> None:
    dialect = op.get_context().dialect.name
    events = ("insert", "update", "delete", "truncate") if dialect == "postgresql" else ("insert", "update", "delete")
    for name in ITEMS:
        for event in events:
            op.execute(
                f"DROP TRIGGER IF EXISTS {name}_span_{event}" + (f" ON {name}" if dialect == "postgresql" else "")
            )
    if dialect == "postgresql":
        op.execute(f"DROP FUNCTION IF EXISTS {FUNCTION}()")
    op.drop_table(TABLE)
