"""Relationship changes: a directed dyad warming or cooling, with its cause."""

from __future__ import annotations

from sqlalchemy import CheckConstraint, Index
from sqlmodel import Field

from api.models.base import DATED_CHECKS, Dated, exactly_one

EXACTLY_ONE_CAUSE = exactly_one(("cause_event_id", "cause_statement_id", "cause_reaction_id"))


class RelationshipChange(Dated, table=True):
    """The from-actor's stance toward the to-actor moves by a signed delta, for a cause."""

    __tablename__ = "relationship_change"
    __table_args__ = (
        CheckConstraint("delta >= -10 AND delta <= 10 AND delta <> 0", name="delta_range"),
        CheckConstraint("from_actor_id <> to_actor_id", name="not_self"),
        CheckConstraint(EXACTLY_ONE_CAUSE, name="exactly_one_cause"),
        *(CheckConstraint(sql, name=name) for sql, name in DATED_CHECKS),
        Index("ix_relationship_change_dyad", "from_actor_id", "to_actor_id", "date_start", "day_order", "id"),
        # The actor network reads its window from this index alone (migration 0008).
        Index(
            "ix_relationship_change_network", "date_start", "day_order", "id", "from_actor_id", "to_actor_id", "delta"
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    slug: str = Field(max_length=120, unique=True)
    from_actor_id: int = Field(foreign_key="actor.id")
    to_actor_id: int = Field(foreign_key="actor.id", index=True)
    delta: int
    cause_event_id: int | None = Field(default=None, foreign_key="event.id", index=True)
    cause_statement_id: int | None = Field(default=None, foreign_key="statement.id", index=True)
    cause_reaction_id: int | None = Field(default=None, foreign_key="reaction.id", index=True)
    explanation: str
