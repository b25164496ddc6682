"""Tombstones: what was deleted, so clients can sync."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import DateTime
from sqlmodel import Field, SQLModel

from api.models.base import utcnow


class Tombstone(SQLModel, table=True):
    """A deleted record's type, id and slug, kept so that `deletedSince` can report it."""

    __tablename__ = "tombstone"

    id: int | None = Field(default=None, primary_key=True)
    record_type: str = Field(max_length=30)
    record_id: int
    slug: str | None = Field(default=None, max_length=120)
    deleted_at: dt.datetime = Field(default_factory=utcnow, sa_type=DateTime(timezone=True), index=True)


class ChangeEntry(SQLModel, table=True):
    """One committed write of one record, in commit order: the log that live subscriptions read and resume from.

    ``position`` only grows in commit order: on PostgreSQL every writer takes one transaction-scoped advisory lock
    before it takes a position (``api.services.changes``), so a position is handed out only once every
    transaction holding a lower one has committed or rolled back; SQLite has one writer at a time anyway. A
    reader that has seen position N can therefore never later meet a committed position below N.
    """

    __tablename__ = "change_log"
    # AUTOINCREMENT: SQLite must never hand out a position again, even if the highest row were removed.
    __table_args__ = ({"sqlite_autoincrement": True},)

    position: int | None = Field(default=None, primary_key=True)
    at: dt.datetime = Field(default_factory=utcnow, sa_type=DateTime(timezone=True))
    action: str = Field(max_length=10)
    record_type: str = Field(max_length=30)
    record_id: int
    slug: str | None = Field(default=None, max_length=120)
