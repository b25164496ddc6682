"""The span counts: how many items of each type have each date span, kept by the database (migrations 0006, 0007).

``item_span_count`` holds, per (item type, first day, last day), the number of items whose fuzzy date is exactly
that span, as the sum of the span's rows (``n``). Many items share a span (a day, a month, a year: days ×
precisions), so the table stays small however many items there are, and an unfiltered overview
(``timelineBuckets`` with no filter but item types and a window) groups it instead of reading every item.

It is exact in every transaction: triggers on ``event``, ``statement`` and ``reaction`` (insert, update of the
dates, delete, and TRUNCATE on PostgreSQL) change it in the write's own transaction, so the seed loader, the
importer, the synthetic loader, mutations and cascades keep it right with no Python code path to forget.

- PostgreSQL: statement-level triggers with transition tables append one delta row per span and write statement
  (+n gained, -n lost) and update none, so concurrent writers never wait for each other (fifty events a second on
  one day all touch one span) and cannot deadlock; readers sum a span's rows. ``compact`` merges each span's rows
  into one; the app runs it every ``REALIGN_SPAN_COMPACT_SECONDS``, and it is safe beside writers and another
  replica's compaction (one statement; rows it cannot see are left for the next).
- SQLite: row-level triggers (its only kind) keep one row per span by upsert, deleting it at zero; it has one
  writer at a time.

Like the full-text index, the table is the migrations' own: the models do not describe it (autogenerate leaves it
out, ``include_name``), and a later migration that recreates an item table in Alembic's batch mode on SQLite
drops its triggers with it: it must create them again (migration 0006's ``create_sqlite_triggers``) and rebuild
the counts.
"""

from __future__ import annotations

import asyncio
import logging

from sqlalchemy import Column, Connection, Date, Integer, MetaData, String, Table, text
from sqlalchemy.ext.asyncio import AsyncEngine

LOG = logging.getLogger("realign.spans")

SPAN_TABLE = "item_span_count"
# The triggers' names on either database: ``<table>_span_<event>``.
SPAN_EVENTS = {"sqlite": ("insert", "update", "delete"), "postgresql": ("insert", "update", "delete", "truncate")}
SPAN_FUNCTION = "item_span_count_apply"  # PostgreSQL's trigger function

# Its handle for queries (on a metadata of its own: not the models').
SPAN_COUNT = Table(
    SPAN_TABLE,
    MetaData(),
    Column("item_type", String(20), nullable=False),
    Column("date_start", Date(), nullable=False),
    Column("date_end", Date(), nullable=False),
    Column("n", Integer(), nullable=False),
)

# PostgreSQL: the rows of every span that has more than one, replaced by their sum (none when it is zero).
COMPACT = text(f"""
WITH merged AS (
  DELETE FROM {SPAN_TABLE} c USING (
    SELECT item_type, date_start, date_end FROM {SPAN_TABLE}
    GROUP BY item_type, date_start, date_end HAVING count(*) > 1
  ) many
  WHERE c.item_type = many.item_type AND c.date_start = many.date_start AND c.date_end = many.date_end
  RETURNING c.item_type, c.date_start, c.date_end, c.n
)
INSERT INTO {SPAN_TABLE} (item_type, date_start, date_end, n)
SELECT item_type, date_start, date_end, sum(n) FROM merged
GROUP BY item_type, date_start, date_end HAVING sum(n) <> 0
""")  # noqa: S608 - fixed names


def compact(conn: Connection) -> int:
    """Merge each span's delta rows into one (PostgreSQL; SQLite keeps one row per span already); the rows
    written."""
    if conn.dialect.name != "postgresql":
        return 0
    return conn.execute(COMPACT).rowcount


def span_triggers(table: str, dialect: str) -> list[str]:
    """The names of the triggers keeping the span counts of ``table`` on ``dialect``."""
    return [f"{table}_span_{event}" for event in SPAN_EVENTS[dialect]]


async def keep_compact(engine: AsyncEngine, seconds: float) -> None:
    """Compact the span counts every ``seconds`` for as long as the app runs (PostgreSQL); a failure (the
    database away, a concurrent compaction's deadlock) is logged and the next round tries again."""
    while True:
        await asyncio.sleep(seconds)
        try:
            async with engine.begin() as conn:
                merged = await conn.run_sync(compact)
            LOG.debug("span counts compacted: %d rows written", merged)
        except Exception:  # noqa: BLE001 - harmless: the rows stay correct, only more numerous
            LOG.warning("compacting the span counts failed; trying again later", exc_info=True)
