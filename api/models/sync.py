"""Tombstones: what was deleted, so clients can sync."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import BigInteger, DateTime
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
    """One committed write of one record: the log that live subscriptions read and resume from, by ``position``.

    ``position`` is handed out when the writing transaction commits (migration 0007's trigger: on PostgreSQL under
    an advisory lock held from there to the end of the commit), so positions become visible in commit order: a
    reader that has seen position N can never later meet a committed position below N. Until its transaction
    commits a row has none (and no other transaction sees it). SQLite has one writer at a time: its position is its
    ``id``.
    """

    __tablename__ = "change_log"
    # AUTOINCREMENT: SQLite must never hand out an id (its position) again, even if the highest row were removed.
    __table_args__ = ({"sqlite_autoincrement": True},)

    id: int | None = Field(default=None, primary_key=True)
    position: int | None = Field(default=None, sa_type=BigInteger, unique=True, index=True)
    at: dt.datetime = Field(default_factory=utcnow, sa_type=DateTime(timezone=True))
    action: str = Field(max_length=10)
    record_type: str = Field(max_length=30)
    record_id: int
    slug: str | None = Field(default=None, max_length=120)
