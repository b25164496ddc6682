"""Controlled vocabularies: actor kinds, PLOVER event types, reaction kinds, roles, channels, stances."""

from __future__ import annotations

from collections.abc import Iterable

ACTOR_KINDS = (
    "state",
    "government",
    "government_body",
    "diplomatic_mission",
    "legislature",
    "party",
    "person",
    "organisation",
    "armed_group",
    "international_organisation",
    "media_outlet",
    "parliamentary_group",
)

# PLOVER event types with their quad class and default cooperation–conflict score (−10…+10).
EVENT_KINDS: dict[str, tuple[str, int]] = {
    "AGREE": ("VERBAL_COOPERATION", 4),
    "CONSULT": ("VERBAL_COOPERATION", 2),
    "SUPPORT": ("VERBAL_COOPERATION", 4),
    "CONCEDE": ("MATERIAL_COOPERATION", 5),
    "COOPERATE": ("MATERIAL_COOPERATION", 6),
    "AID": ("MATERIAL_COOPERATION", 7),
    "RETREAT": ("MATERIAL_COOPERATION", 5),
    "REQUEST": ("VERBAL_COOPERATION", 1),
    "ACCUSE": ("VERBAL_CONFLICT", -3),
    "REJECT": ("VERBAL_CONFLICT", -4),
    "THREATEN": ("VERBAL_CONFLICT", -6),
    "PROTEST": ("MATERIAL_CONFLICT", -5),
    "SANCTION": ("MATERIAL_CONFLICT", -6),
    "MOBILIZE": ("MATERIAL_CONFLICT", -7),
    "COERCE": ("MATERIAL_CONFLICT", -8),
    "ASSAULT": ("MATERIAL_CONFLICT", -10),
}
QUAD_CLASSES = ("VERBAL_COOPERATION", "MATERIAL_COOPERATION", "VERBAL_CONFLICT", "MATERIAL_CONFLICT")
MODALITIES = ("actual", "future", "hypothetical", "negated")
PARTICIPANT_ROLES = ("initiator", "target", "participant", "host", "signatory", "subject")
AFFILIATION_KINDS = ("role", "part_of", "member", "represents")
# The affiliations through which a member acts for its organisation (an actor's family, see `includeAffiliated`):
# a body part of a state, an envoy representing it, a minister holding a role in it. Mere membership (a party in
# a coalition, a person in a party) is belonging, not acting on the organisation's behalf.
WIDENING_AFFILIATIONS = ("part_of", "represents", "role")
CHANNELS = (
    "speech",
    "press_conference",
    "press_release",
    "social_media_post",
    "interview",
    "diplomatic_note",
    "petition_text",
    "resolution_text",
    "remarks",
)
STANCES = ("positive", "negative", "neutral", "mixed")

# Reaction kinds with the PLOVER type they belong to and a default score.
REACTION_KINDS: dict[str, tuple[str, int]] = {
    "thanks": ("SUPPORT", 4),
    "praise": ("SUPPORT", 4),
    "endorse": ("SUPPORT", 3),
    "agree": ("AGREE", 3),
    "condemn": ("ACCUSE", -5),
    "criticise": ("ACCUSE", -3),
    "ridicule": ("ACCUSE", -4),
    "accuse": ("ACCUSE", -4),
    "deny": ("REJECT", -2),
    "reject": ("REJECT", -4),
    "demand": ("REQUEST", -1),
    "warn": ("THREATEN", -4),
    "threaten": ("THREATEN", -6),
    "summon_envoy": ("PROTEST", -5),
    "retaliate": ("COERCE", -8),
    "clarify": ("CONSULT", 0),
}


def sql_in(column: str, values: Iterable[str]) -> str:
    """A CHECK constraint body: ``column IN ('a', 'b', ...)`` (a dict's keys, for the vocabularies with defaults)."""
    return f"{column} IN ({', '.join(repr(v) for v in values)})"
