"""Events, their participants and tags."""

from __future__ import annotations

from sqlalchemy import JSON, CheckConstraint, Column, Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from api.models.base import DATED_CHECKS, Dated
from api.vocabulary import EVENT_KINDS, MODALITIES, PARTICIPANT_ROLES, QUAD_CLASSES, sql_in


class Event(Dated, table=True):
    """Something that happened: a meeting, visit, petition, agreement, sanction, strike..."""

    __tablename__ = "event"
    __table_args__ = (
        CheckConstraint(sql_in("kind", EVENT_KINDS), name="kind"),
        CheckConstraint(sql_in("quad_class", QUAD_CLASSES), name="quad_class"),
        CheckConstraint(sql_in("modality", MODALITIES), name="modality"),
        CheckConstraint("score >= -10 AND score <= 10", name="score_range"),
        CheckConstraint("place_lat IS NULL OR (place_lat >= -90 AND place_lat <= 90)", name="lat_range"),
        CheckConstraint("place_lon IS NULL OR (place_lon >= -180 AND place_lon <= 180)", name="lon_range"),
        CheckConstraint("place_country IS NULL OR length(place_country) = 3", name="country_alpha3"),
        *(CheckConstraint(sql, name=name) for sql, name in DATED_CHECKS),
        Index("ix_event_timeline", "date_start", "day_order", "id"),
        Index("ix_event_long", "date_long", "date_start", "day_order", "id"),
        Index("ix_event_short", "date_short", "date_start", "day_order", "id"),
        Index("ix_event_kind_timeline", "kind", "date_start", "day_order", "id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    slug: str = Field(max_length=120, unique=True)
    title: str = Field(max_length=300)
    summary: str | None = Field(default=None)
    kind: str = Field(max_length=20, index=True)
    mode: str | None = Field(default=None, max_length=60)
    contexts: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    quad_class: str = Field(max_length=24)
    score: float = Field(default=0)
    modality: str = Field(default="actual", max_length=20)
    cameo: str | None = Field(default=None, max_length=10)
    place_name: str | None = Field(default=None, max_length=200)
    place_country: str | None = Field(default=None, max_length=3, index=True)
    place_lat: float | None = Field(default=None)
    place_lon: float | None = Field(default=None)
    search_text: str = Field(default="")


class EventParticipant(SQLModel, table=True):
    """An actor taking part in an event in a role (part of the event record)."""

    __tablename__ = "event_participant"
    __table_args__ = (
        CheckConstraint(sql_in("role", PARTICIPANT_ROLES), name="role"),
        UniqueConstraint("event_id", "actor_id", "role"),
    )

    id: int | None = Field(default=None, primary_key=True)
    event_id: int = Field(foreign_key="event.id", ondelete="CASCADE")
    actor_id: int = Field(foreign_key="actor.id", ondelete="CASCADE", index=True)
    role: str = Field(max_length=20)
    position: int = Field(default=0)


class EventTag(SQLModel, table=True):
    """A tag on an event (part of the event record)."""

    __tablename__ = "event_tag"

    event_id: int = Field(foreign_key="event.id", ondelete="CASCADE", primary_key=True)
    tag: str = Field(max_length=60, primary_key=True, index=True)
