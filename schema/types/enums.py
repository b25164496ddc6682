"""GraphQL enums for the controlled vocabularies (values are what the database stores)."""

from __future__ import annotations

import enum

import strawberry

from api.vocabulary import (
    ACTOR_KINDS,
    AFFILIATION_KINDS,
    CHANNELS,
    EVENT_KINDS,
    MODALITIES,
    PARTICIPANT_ROLES,
    QUAD_CLASSES,
    REACTION_KINDS,
    STANCES,
)


def _enum(name: str, values: object, description: str) -> type[enum.Enum]:
    members = {str(v).upper(): str(v) for v in values}  # type: ignore[attr-defined]
    return strawberry.enum(enum.Enum(name, members), description=description)  # type: ignore[return-value]


ActorKind = _enum("ActorKind", ACTOR_KINDS, "What sort of actor this is.")
EventKind = _enum("EventKind", EVENT_KINDS, "The PLOVER event type (AGREE … ASSAULT), from cooperation to conflict.")
QuadClass = _enum("QuadClass", QUAD_CLASSES, "The event type's quad class: verbal/material cooperation/conflict.")
Modality = _enum("Modality", MODALITIES, "Whether the event happened, is planned, hypothetical or denied.")
ParticipantRole = _enum("ParticipantRole", PARTICIPANT_ROLES, "The part an actor plays in an event.")
AffiliationKind = _enum(
    "AffiliationKind",
    AFFILIATION_KINDS,
    "How a member belongs: holds a role, is part of, is a member, represents.",
)
Channel = _enum("Channel", CHANNELS, "How a statement was made: speech, press release, social-media post, …")
Stance = _enum("Stance", STANCES, "A statement's overall stance toward the actors it is about.")
ReactionKind = _enum("ReactionKind", REACTION_KINDS, "What kind of response a reaction is (thanks … clarify).")
DatePrecision = _enum("DatePrecision", ("day", "month", "year", "decade"), "How precisely a date is known.")
DateQualifier = _enum(
    "DateQualifier",
    ("circa", "early", "mid", "late", "before", "after", "between"),
    "A qualifier on a date: approximate, a part of the period, before/after it, or between two bounds.",
)


@strawberry.enum(description="Sort direction by date.")
class SortOrder(enum.Enum):
    ASC = "asc"
    DESC = "desc"


@strawberry.enum(description="How a list of actors in a filter combines.")
class ActorMatch(enum.Enum):
    ANY = "any"
    ALL = "all"


@strawberry.enum(description="The kinds of item a timeline holds.")
class TimelineItemType(enum.Enum):
    EVENT = "event"
    STATEMENT = "statement"
    REACTION = "reaction"


@strawberry.enum(description="Which way a relationship is moving.")
class Trend(enum.Enum):
    WARMING = "warming"
    COOLING = "cooling"
    STEADY = "steady"
