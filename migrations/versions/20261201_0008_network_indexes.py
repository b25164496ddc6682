"""Network indexes: ``ix_<table>_network`` on the statement, reaction and relationship change tables, (date_start,
day_order, id) and the columns that join each to its actors, so the actor network of every actor reads its window
from the indexes alone (an index-only scan: no table row fetched per item) before joining by key
(``schema.network``).

- ``ix_statement_network``: (date_start, day_order, id, speaker_id);
- ``ix_reaction_network``: (date_start, day_order, id, reactor_id, target_event_id, target_statement_id,
  target_reaction_id);
- ``ix_relationship_change_network``: (date_start, day_order, id, from_actor_id, to_actor_id, delta).

Events need none: ``ix_event_timeline`` (date_start, day_order, id) covers them.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-01 17:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

KEY = ["date_start", "day_order", "id"]
INDEXES = {
    "statement": ["speaker_id"],
    "reaction": ["reactor_id", "target_event_id", "target_statement_id", "target_reaction_id"],
    "relationship_change": ["from_actor_id", "to_actor_id", "delta"],
}


def upgrade() -> None:
    for table, columns in INDEXES.items():
        op.create_index(f"ix_{table}_network", table, [*KEY, *columns])
    if op.get_bind().dialect.name == "postgresql":
        op.execute("ANALYZE " + ", ".join(INDEXES))


def downgrade() -> None:
    for table in INDEXES:
        op.drop_index(f"ix_{table}_network", table_name=table)
