"""API tokens (stored only as hashes) and the audit trail of every write."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, CheckConstraint, Column, DateTime, Index
from sqlmodel import Field, SQLModel

from api.models.base import utcnow

ROLES = ("reader", "editor", "admin")


class ApiToken(SQLModel, table=True):
    """A bearer token: its name, role and SHA-256 hash (the token itself is shown once, never stored)."""

    __tablename__ = "api_token"
    __table_args__ = (CheckConstraint("role IN ('reader', 'editor', 'admin')", name="role"),)

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=120, unique=True)
    role: str = Field(max_length=10)
    token_hash: str = Field(max_length=64, unique=True)
    created_at: dt.datetime = Field(default_factory=utcnow, sa_type=DateTime(timezone=True))
    revoked_at: dt.datetime | None = Field(default=None, sa_type=DateTime(timezone=True))


class AuditEntry(SQLModel, table=True):
    """One write: who (token), what (record type, id, slug, before and after) and when."""

    __tablename__ = "audit_entry"
    __table_args__ = (
        CheckConstraint("action IN ('create', 'update', 'delete', 'import')", name="action"),
        Index("ix_audit_entry_record", "record_type", "record_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    at: dt.datetime = Field(default_factory=utcnow, sa_type=DateTime(timezone=True), index=True)
    token_id: int | None = Field(default=None, foreign_key="api_token.id", index=True)
    token_name: str = Field(max_length=120)
    action: str = Field(max_length=10)
    record_type: str = Field(max_length=30)
    record_id: int | None = Field(default=None)
    record_slug: str | None = Field(default=None, max_length=120)
    before: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON, nullable=True))
    after: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON, nullable=True))
