"""API tokens (hashes only) and the audit trail of every write.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25 11:46:07.805339
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op


revision: str = '0002'
down_revision: str | None = '0001'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('api_token',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
    sa.Column('role', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
    sa.Column('token_hash', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint("role IN ('reader', 'editor', 'admin')", name=op.f('ck_api_token_role')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_api_token')),
    sa.UniqueConstraint('name', name=op.f('uq_api_token_name')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_api_token_token_hash'))
    )
    op.create_table('audit_entry',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('token_id', sa.Integer(), nullable=True),
    sa.Column('token_name', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
    sa.Column('action', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
    sa.Column('record_type', sqlmodel.sql.sqltypes.AutoString(length=30), nullable=False),
    sa.Column('record_id', sa.Integer(), nullable=True),
    sa.Column('record_slug', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=True),
    sa.Column('before', sa.JSON(), nullable=True),
    sa.Column('after', sa.JSON(), nullable=True),
    sa.CheckConstraint("action IN ('create', 'update', 'delete', 'import')", name=op.f('ck_audit_entry_action')),
    sa.ForeignKeyConstraint(['token_id'], ['api_token.id'], name=op.f('fk_audit_entry_token_id_api_token')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_entry'))
    )
    with op.batch_alter_table('audit_entry', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_audit_entry_at'), ['at'], unique=False)
        batch_op.create_index('ix_audit_entry_record', ['record_type', 'record_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_entry_token_id'), ['token_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('audit_entry', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_audit_entry_token_id'))
        batch_op.drop_index('ix_audit_entry_record')
        batch_op.drop_index(batch_op.f('ix_audit_entry_at'))

    op.drop_table('audit_entry')
    op.drop_table('api_token')
