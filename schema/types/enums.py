"""GraphQL enums: the controlled vocabularies (values are what the database stores) and the API's own choices.

The vocabularies' values are spelled out here so the type checker sees real classes; ``vocabulary`` checks, as
the module is imported, that each one lists exactly the domain's values (``api.vocabulary``, ``api.dates``) in
the same order, so the two cannot drift apart.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterable
from typing import TypeVar

import strawberry

from api.dates import PRECISIONS, QUALIFIERS
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

E = TypeVar("E", bound=type[enum.Enum])


def vocabulary(values: Iterable[str]) -> Callable[[E], E]:
    """A class decorator: the enum's members must be the vocabulary's values, in its order, each named by its
    value in upper case (``government_body`` → ``GOVERNMENT_BODY``)."""
    expected = [(value.upper(), value) for value in values]

    def check(cls: E) -> E:
        found = [(member.name, member.value) for member in cls]
        if found != expected:
            raise TypeError(f"{cls.__name__} does not match its vocabulary: {found} != {expected}")
        return cls

    return check


@strawberry.enum(description="What sort of actor this is.")
@vocabulary(ACTOR_KINDS)
class ActorKind(enum.Enum):
    STATE = "state"
    GOVERNMENT = "government"
    GOVERNMENT_BODY = "government_body"
    DIPLOMATIC_MISSION = "diplomatic_mission"
    LEGISLATURE = "legislature"
    PARTY = "party"
    PERSON = "person"
    ORGANISATION = "organisation"
    ARMED_GROUP = "armed_group"
    INTERNATIONAL_ORGANISATION = "international_organisation"
    MEDIA_OUTLET = "media_outlet"
    PARLIAMENTARY_GROUP = "parliamentary_group"


@strawberry.enum(description="The PLOVER event type (AGREE … ASSAULT), from cooperation to conflict.")
@vocabulary(EVENT_KINDS)
class EventKind(enum.Enum):
    AGREE = "AGREE"
    CONSULT = "CONSULT"
    SUPPORT = "SUPPORT"
    CONCEDE = "CONCEDE"
    COOPERATE = "COOPERATE"
    AID = "AID"
    RETREAT = "RETREAT"
    REQUEST = "REQUEST"
    ACCUSE = "ACCUSE"
    REJECT = "REJECT"
    THREATEN = "THREATEN"
    PROTEST = "PROTEST"
    SANCTION = "SANCTION"
    MOBILIZE = "MOBILIZE"
    COERCE = "COERCE"
    ASSAULT = "ASSAULT"


@strawberry.enum(description="The event type's quad class: verbal/material cooperation/conflict.")
@vocabulary(QUAD_CLASSES)
class QuadClass(enum.Enum):
    VERBAL_COOPERATION = "VERBAL_COOPERATION"
    MATERIAL_COOPERATION = "MATERIAL_COOPERATION"
    VERBAL_CONFLICT = "VERBAL_CONFLICT"
    MATERIAL_CONFLICT = "MATERIAL_CONFLICT"


@strawberry.enum(description="Whether the event happened, is planned, hypothetical or denied.")
@vocabulary(MODALITIES)
class Modality(enum.Enum):
    ACTUAL = "actual"
    FUTURE = "future"
    HYPOTHETICAL = "hypothetical"
    NEGATED = "negated"


@strawberry.enum(description="The part an actor plays in an event.")
@vocabulary(PARTICIPANT_ROLES)
class ParticipantRole(enum.Enum):
    INITIATOR = "initiator"
    TARGET = "target"
    PARTICIPANT = "participant"
    HOST = "host"
    SIGNATORY = "signatory"
    SUBJECT = "subject"


@strawberry.enum(description="How a member belongs: holds a role, is part of, is a member, represents.")
@vocabulary(AFFILIATION_KINDS)
class AffiliationKind(enum.Enum):
    ROLE = "role"
    PART_OF = "part_of"
    MEMBER = "member"
    REPRESENTS = "represents"


@strawberry.enum(description="How a statement was made: speech, press release, social-media post, …")
@vocabulary(CHANNELS)
class Channel(enum.Enum):
    SPEECH = "speech"
    PRESS_CONFERENCE = "press_conference"
    PRESS_RELEASE = "press_release"
    SOCIAL_MEDIA_POST = "social_media_post"
    INTERVIEW = "interview"
    DIPLOMATIC_NOTE = "diplomatic_note"
    PETITION_TEXT = "petition_text"
    RESOLUTION_TEXT = "resolution_text"
    REMARKS = "remarks"


@strawberry.enum(description="A statement's overall stance toward the actors it is about.")
@vocabulary(STANCES)
class Stance(enum.Enum):
    POSITIVE = "positive"
    NEGATIVE = "negative"
    NEUTRAL = "neutral"
    MIXED = "mixed"


@strawberry.enum(description="What kind of response a reaction is (thanks … clarify).")
@vocabulary(REACTION_KINDS)
class ReactionKind(enum.Enum):
    THANKS = "thanks"
    PRAISE = "praise"
    ENDORSE = "endorse"
    AGREE = "agree"
    CONDEMN = "condemn"
    CRITICISE = "criticise"
    RIDICULE = "ridicule"
    ACCUSE = "accuse"
    DENY = "deny"
    REJECT = "reject"
    DEMAND = "demand"
    WARN = "warn"
    THREATEN = "threaten"
    SUMMON_ENVOY = "summon_envoy"
    RETALIATE = "retaliate"
    CLARIFY = "clarify"


@strawberry.enum(description="How precisely a date is known.")
@vocabulary(PRECISIONS)
class DatePrecision(enum.Enum):
    DAY = "day"
    MONTH = "month"
    YEAR = "year"
    DECADE = "decade"


@strawberry.enum(
    description="A qualifier on a date: approximate, a part of the period, before/after it, or between two bounds."
)
@vocabulary(QUALIFIERS)
class DateQualifier(enum.Enum):
    CIRCA = "circa"
    EARLY = "early"
    MID = "mid"
    LATE = "late"
    BEFORE = "before"
    AFTER = "after"
    BETWEEN = "between"


@strawberry.enum(description="Sort direction by date.")
class SortOrder(enum.Enum):
    ASC = strawberry.enum_value("asc", description="Ascending: oldest first.")
    DESC = strawberry.enum_value("desc", description="Descending: newest first.")


@strawberry.enum(description="How a list of actors in a filter combines.")
class ActorMatch(enum.Enum):
    ANY = strawberry.enum_value("any", description="Items involving at least one of the actors.")
    ALL = strawberry.enum_value("all", description="Items involving every one of the actors.")


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
