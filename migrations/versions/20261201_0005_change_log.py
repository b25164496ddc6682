"""The change log: one row per committed write of a record, in commit order, for live subscriptions.

A subscription's cursor is a ``position`` here; a client that reconnects (to any replica) resumes after it. See
``api.models.sync.ChangeEntry`` for why positions only grow in commit order. Existing writes are not back-filled:
the log starts empty, and a cursor can only name a position written after this revision.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01 14:30:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op


revision: str = '0005'
down_revision: str | None = '0004'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('change_log',
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('action', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
    sa.Column('record_type', sqlmodel.sql.sqltypes.AutoString(length=30), nullable=False),
    sa.Column('record_id', sa.Integer(), nullable=False),
    sa.Column('slug', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=True),
    sa.PrimaryKeyConstraint('position', name=op.f('pk_change_log')),
    sqlite_autoincrement=True,
    )


def downgrade() -> None:
    op.drop_table('change_log')
