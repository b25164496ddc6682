"""Full-text search over search_text: FTS5 tables on SQLite, GIN expression indexes on PostgreSQL.

``search_text`` is now normalised for search (``api.search``: case and accents folded, punctuation splitting
words, apostrophes joining), so every row's ``search_text`` is recomputed from its old value (the old value
was its parts joined and lower-cased; normalising it gives what the app now writes). Then, per searched table
(actor, event, statement, reaction):

- SQLite: an external-content FTS5 table ``<table>_fts`` (content=<table>, content_rowid=id: it stores the
  index, not the text) filled by ``'rebuild'``, and triggers ``<table>_fts_insert``/``_update``/``_delete`` that
  keep it in step with every write in the write's own transaction. A later migration that recreates one of these
  tables (Alembic's batch mode on SQLite copies it and drops the original) drops its triggers with it: it must
  create them again (``create_sqlite_triggers``) and rebuild the index.
- PostgreSQL: a GIN index ``ix_<table>_search`` on ``to_tsvector('simple', search_text)``, created before
  ``search_text`` is recomputed (see ``upgrade``), then ANALYZE so the planner knows how common words are.

Downgrade drops them. ``search_text`` keeps its normalised words (the originals' case, accents and punctuation
are gone): the LIKE search of revision 0002 still finds plain words in it.

Offline (``--sql``) the recomputation cannot run (it reads rows); the script says so in a comment.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-26 09:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import context, op

from api.search import fts_table, gin_index, search_text

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BATCH = 5000
# The tables this revision indexes, as they were then (``api.search.SEARCHED`` follows the kinds of today: a
# kind searched later gets its index from a revision of its own).
SEARCHED = ("actor", "event", "statement", "reaction")


def recompute_search_text(conn: sa.Connection, name: str) -> int:
    """Normalise ``search_text`` of every row of ``name`` that is not normalised yet; how many rows changed."""
    table = sa.table(name, sa.column("id", sa.Integer), sa.column("search_text", sa.String))
    update = sa.update(table).where(table.c.id == sa.bindparam("row_id")).values(search_text=sa.bindparam("text"))
    changed, last = 0, None
    while True:
        query = sa.select(table.c.id, table.c.search_text).order_by(table.c.id).limit(BATCH)
        if last is not None:
            query = query.where(table.c.id > last)
        rows = conn.execute(query).all()
        if not rows:
            return changed
        last = rows[-1].id
        new = [{"row_id": r.id, "text": search_text(r.search_text)} for r in rows]
        new = [n for n, r in zip(new, rows, strict=True) if n["text"] != r.search_text]
        if new:
            conn.execute(update, new)
            changed += len(new)


def create_sqlite_triggers(name: str) -> None:
    """The triggers keeping ``<name>_fts`` in step with table ``name`` (insert, update of search_text, delete)."""
    fts = fts_table(name)
    forget = f"INSERT INTO {fts}({fts}, rowid, search_text) VALUES ('delete', old.id, old.search_text);"
    learn = f"INSERT INTO {fts}(rowid, search_text) VALUES (new.id, new.search_text);"
    op.execute(f"CREATE TRIGGER {fts}_insert AFTER INSERT ON {name} BEGIN {learn} END")
    op.execute(f"CREATE TRIGGER {fts}_update AFTER UPDATE OF search_text ON {name} BEGIN {forget} {learn} END")
    op.execute(f"CREATE TRIGGER {fts}_delete AFTER DELETE ON {name} BEGIN {forget} END")


def recompute() -> None:
    if context.is_offline_mode():
        op.execute("-- search_text is recomputed by the online migration only (it reads every row)")
        return
    for name in SEARCHED:
        recompute_search_text(op.get_bind(), name)


def upgrade() -> None:
    dialect = op.get_context().dialect.name
    if dialect == "sqlite":
        recompute()  # before the triggers exist: the index is built once, by 'rebuild'
        for name in SEARCHED:
            fts = fts_table(name)
            op.execute(
                f"CREATE VIRTUAL TABLE {fts} USING fts5("
                f"search_text, content='{name}', content_rowid='id', tokenize='unicode61')"
            )
            op.execute(f"INSERT INTO {fts}({fts}) VALUES ('rebuild')")
            create_sqlite_triggers(name)
    elif dialect == "postgresql":
        for name in SEARCHED:
            op.execute(f"CREATE INDEX {gin_index(name)} ON {name} USING gin (to_tsvector('simple', search_text))")
        # After the indexes: rows updated before an index on the column is built leave broken HOT chains, and
        # PostgreSQL then keeps the index from every transaction older than it (pg_index.indcheckxmin) — for as
        # long as any long transaction anywhere on the server runs.
        recompute()
        for name in SEARCHED:
            op.execute(f"ANALYZE {name}")  # statistics of the indexed expression, which the planner needs
    else:
        raise NotImplementedError(f"full-text search on {dialect}")


def downgrade() -> None:
    dialect = op.get_context().dialect.name
    for name in SEARCHED:
        if dialect == "sqlite":
            fts = fts_table(name)
            for event in ("insert", "update", "delete"):
                op.execute(f"DROP TRIGGER IF EXISTS {fts}_{event}")
            op.execute(f"DROP TABLE IF EXISTS {fts}")
        elif dialect == "postgresql":
            op.execute(f"DROP INDEX IF EXISTS {gin_index(name)}")
