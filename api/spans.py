"""The span counts: how many items of each type have each date span, kept by the database (migration 0006).

``item_span_count`` holds one row per (item type, first day, last day) with the number of items whose fuzzy date
is exactly that span. Many items share a span (a day, a month, a year: days × precisions), so the table stays
small however many items there are, and an unfiltered overview (``timelineBuckets`` with no filter but item
types and a window) groups it instead of reading every item.

It is exact in every transaction: triggers on ``event``, ``statement`` and ``reaction`` (insert, update of the
dates, delete, and TRUNCATE on PostgreSQL) change it in the write's own transaction, so the seed loader, the
importer, the synthetic loader, mutations and cascades keep it right with no Python code path to forget. A row
whose count falls to zero is deleted.

- PostgreSQL: statement-level triggers with transition tables, one grouped upsert per write statement. They first
  take the change log's advisory lock (``api.services.changes.LOG_LOCK``, which every logged write takes anyway):
  a writer that holds a span row's lock then always holds that lock too, so two writers never wait on each
  other's span rows in opposite orders (no deadlock), and readers never wait (MVCC).
- SQLite: row-level triggers (its only kind); it has one writer at a time.

Like the full-text index, the table is the migrations' own: the models do not describe it (autogenerate leaves it
out, ``include_name``), and a later migration that recreates an item table in Alembic's batch mode on SQLite
drops its triggers with it: it must create them again (migration 0006's ``create_sqlite_triggers``) and rebuild
the counts.
"""

from __future__ import annotations

from sqlalchemy import Column, Date, Integer, MetaData, String, Table

SPAN_TABLE = "item_span_count"
# The triggers' names on either database: ``<table>_span_<event>``.
SPAN_EVENTS = {"sqlite": ("insert", "update", "delete"), "postgresql": ("insert", "update", "delete", "truncate")}
SPAN_FUNCTION = "item_span_count_apply"  # PostgreSQL's trigger function

# Its handle for queries (on a metadata of its own: not the models').
SPAN_COUNT = Table(
    SPAN_TABLE,
    MetaData(),
    Column("item_type", String(20), primary_key=True),
    Column("date_start", Date(), primary_key=True),
    Column("date_end", Date(), primary_key=True),
    Column("n", Integer(), nullable=False),
)


def span_triggers(table: str, dialect: str) -> list[str]:
    """The names of the triggers keeping the span counts of ``table`` on ``dialect``."""
    return [f"{table}_span_{event}" for event in SPAN_EVENTS[dialect]]
