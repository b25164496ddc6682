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
