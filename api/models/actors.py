"""Actors and their affiliations."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, CheckConstraint, Column, Index
from sqlmodel import Field

from api.models.base import Record
from api.vocabulary import ACTOR_KINDS, AFFILIATION_KINDS, sql_in


class Actor(Record, table=True):
    """Anyone who acts or is acted upon: a state, body, party, person, organisation..."""

    __tablename__ = "actor"
    __table_args__ = (
        CheckConstraint(sql_in("kind", ACTOR_KINDS), name="kind"),
        CheckConstraint("country IS NULL OR length(country) = 3", name="country_alpha3"),
        CheckConstraint("length(slug) > 0", name="slug_not_empty"),
    )

    id: int | None = Field(default=None, primary_key=True)
    slug: str = Field(max_length=120, unique=True)
    name: str = Field(max_length=200)
    kind: str = Field(max_length=40, index=True)
    country: str | None = Field(default=None, max_length=3, index=True)
    sectors: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    aliases: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    wikidata: str | None = Field(default=None, max_length=20)
    external_ids: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    description: str | None = Field(default=None)
    search_text: str = Field(default="")


class Affiliation(Record, table=True):
    """A spell in which a member belongs to an organisation: a role held, or a body part of another."""

    __tablename__ = "affiliation"
    __table_args__ = (
        CheckConstraint(sql_in("kind", AFFILIATION_KINDS), name="kind"),
        CheckConstraint("member_id <> organisation_id", name="not_self"),
        CheckConstraint("start_date IS NULL OR end_date IS NULL OR start_date <= end_date", name="date_order"),
        Index("ix_affiliation_member_org", "member_id", "organisation_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    slug: str = Field(max_length=120, unique=True)
    member_id: int = Field(foreign_key="actor.id", ondelete="CASCADE")
    organisation_id: int = Field(foreign_key="actor.id", ondelete="CASCADE", index=True)
    kind: str = Field(max_length=20)
    role: str | None = Field(default=None, max_length=200)
    start_text: str | None = Field(default=None, max_length=80)
    start_date: dt.date | None = Field(default=None)
    start_label: str | None = Field(default=None, max_length=120)
    end_text: str | None = Field(default=None, max_length=80)
    end_date: dt.date | None = Field(default=None)
    end_label: str | None = Field(default=None, max_length=120)
