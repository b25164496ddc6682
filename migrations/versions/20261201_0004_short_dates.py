"""Short dates: a ``date_short`` flag (the item spans at most ``api.dates.SHORT_SPAN``, 31 days) and an index
``ix_<table>_short`` (date_short, date_start, day_order, id) on the timeline's item tables; and an index per item
kind in date order (``ix_event_kind_timeline``, ``ix_statement_channel_timeline``, ``ix_reaction_kind_timeline``),
so a kinds filter, alone or in a window, reads one ordered range.

A date window then reads its items as one ordered index range from the window's start, plus the few items that
began before it: the short ones only a month back, the longer ones from their own small index ranges (see
``schema.filters.window_branches``). Before, every window read a whole year of items before its start.

Added in place (``ALTER TABLE ... ADD COLUMN``, no batch copy on SQLite: a copy would drop the full-text triggers of
revision 0003), then computed from each row's date bounds.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01 07:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

DATED = ("event", "statement", "reaction", "relationship_change")
ITEMS = ("event", "statement", "reaction")
KIND_COLUMN = {"event": "kind", "statement": "channel", "reaction": "kind"}
SHORT_DAYS = 31  # api.dates.SHORT_SPAN when this revision was written


def upgrade() -> None:
    postgres = op.get_bind().dialect.name == "postgresql"
    span = "date_end - date_start" if postgres else "julianday(date_end) - julianday(date_start)"
    for name in DATED:
        op.add_column(name, sa.Column("date_short", sa.Boolean(), nullable=False, server_default=sa.false()))
        op.execute(f"UPDATE {name} SET date_short = ({span} <= {SHORT_DAYS})")
    for name in ITEMS:
        op.create_index(f"ix_{name}_short", name, ["date_short", "date_start", "day_order", "id"])
        kind = KIND_COLUMN[name]
        op.create_index(f"ix_{name}_{kind}_timeline", name, [kind, "date_start", "day_order", "id"])
    if postgres:
        op.execute("ANALYZE " + ", ".join(ITEMS))


def downgrade() -> None:
    for name in ITEMS:
        op.drop_index(f"ix_{name}_{KIND_COLUMN[name]}_timeline", table_name=name)
        op.drop_index(f"ix_{name}_short", table_name=name)
    for name in DATED:
        op.drop_column(name, "date_short")
