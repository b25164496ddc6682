"""Reactions: one actor's response to an event, a statement or another reaction."""

from __future__ import annotations

from sqlalchemy import CheckConstraint, Index
from sqlmodel import Field, SQLModel

from api.models.base import DATED_CHECKS, Dated, exactly_one
from api.vocabulary import REACTION_KINDS, sql_in

EXACTLY_ONE_TARGET = exactly_one(("target_event_id", "target_statement_id", "target_reaction_id"))


class Reaction(Dated, table=True):
    """A response to exactly one event, statement or reaction, optionally in words (a statement)."""

    __tablename__ = "reaction"
    __table_args__ = (
        CheckConstraint(sql_in("kind", REACTION_KINDS), name="kind"),
        CheckConstraint(EXACTLY_ONE_TARGET, name="exactly_one_target"),
        CheckConstraint("target_reaction_id IS NULL OR target_reaction_id <> id", name="not_self"),
        CheckConstraint("score >= -10 AND score <= 10", name="score_range"),
        *(CheckConstraint(sql, name=name) for sql, name in DATED_CHECKS),
        Index("ix_reaction_timeline", "date_start", "day_order", "id"),
        Index("ix_reaction_long", "date_long", "date_start", "day_order", "id"),
        Index("ix_reaction_short", "date_short", "date_start", "day_order", "id"),
        Index("ix_reaction_kind_timeline", "kind", "date_start", "day_order", "id"),
        # The actor network reads its window from this index alone (migration 0008).
        Index(
            "ix_reaction_network",
            "date_start",
            "day_order",
            "id",
            "reactor_id",
            "target_event_id",
            "target_statement_id",
            "target_reaction_id",
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    slug: str = Field(max_length=120, unique=True)
    reactor_id: int = Field(foreign_key="actor.id", index=True)
    kind: str = Field(max_length=20, index=True)
    target_event_id: int | None = Field(default=None, foreign_key="event.id", index=True)
    target_statement_id: int | None = Field(default=None, foreign_key="statement.id", index=True)
    target_reaction_id: int | None = Field(default=None, foreign_key="reaction.id", index=True)
    statement_id: int | None = Field(default=None, foreign_key="statement.id", index=True)
    score: float = Field(default=0)
    summary: str | None = Field(default=None)
    search_text: str = Field(default="")


class ReactionTag(SQLModel, table=True):
    """A tag on a reaction (part of the reaction record)."""

    __tablename__ = "reaction_tag"

    reaction_id: int = Field(foreign_key="reaction.id", ondelete="CASCADE", primary_key=True)
    tag: str = Field(max_length=60, primary_key=True, index=True)
