"""Statements: words someone said or wrote, and the actors they are about."""

from __future__ import annotations

from sqlalchemy import CheckConstraint, Index
from sqlmodel import Field, SQLModel

from api.models.base import DATED_CHECKS, Dated
from api.vocabulary import CHANNELS, STANCES, sql_in


class Statement(Dated, table=True):
    """Words an actor said or wrote, quoted verbatim."""

    __tablename__ = "statement"
    __table_args__ = (
        CheckConstraint(sql_in("channel", CHANNELS), name="channel"),
        CheckConstraint("stance IS NULL OR " + sql_in("stance", STANCES), name="stance"),
        CheckConstraint("length(quote) > 0", name="quote_not_empty"),
        *(CheckConstraint(sql, name=name) for sql, name in DATED_CHECKS),
        Index("ix_statement_timeline", "date_start", "day_order", "id"),
        Index("ix_statement_long", "date_long", "date_start", "day_order", "id"),
        Index("ix_statement_short", "date_short", "date_start", "day_order", "id"),
        Index("ix_statement_channel_timeline", "channel", "date_start", "day_order", "id"),
        # The actor network reads its window from this index alone (migration 0008).
        Index("ix_statement_network", "date_start", "day_order", "id", "speaker_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    slug: str = Field(max_length=120, unique=True)
    speaker_id: int = Field(foreign_key="actor.id", index=True)
    channel: str = Field(max_length=30)
    venue_event_id: int | None = Field(default=None, foreign_key="event.id", index=True)
    quote: str
    language: str = Field(default="en", max_length=12)
    translation: str | None = Field(default=None)
    stance: str | None = Field(default=None, max_length=10)
    summary: str | None = Field(default=None)
    search_text: str = Field(default="")


class StatementAbout(SQLModel, table=True):
    """An actor a statement is about (part of the statement record)."""

    __tablename__ = "statement_about"

    statement_id: int = Field(foreign_key="statement.id", ondelete="CASCADE", primary_key=True)
    actor_id: int = Field(foreign_key="actor.id", ondelete="CASCADE", primary_key=True, index=True)


class StatementTag(SQLModel, table=True):
    """A tag on a statement (part of the statement record)."""

    __tablename__ = "statement_tag"

    statement_id: int = Field(foreign_key="statement.id", ondelete="CASCADE", primary_key=True)
    tag: str = Field(max_length=60, primary_key=True, index=True)
