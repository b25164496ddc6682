"""Descriptions for arguments and enum values, filled in once the schema is built (one place, not 250)."""

from __future__ import annotations

from graphql import GraphQLEnumType, GraphQLInterfaceType, GraphQLObjectType, GraphQLSchema

from api.settings import Settings
from api.vocabulary import EVENT_KINDS, REACTION_KINDS
from schema.pagination import DEFAULT_PAGE

PAGE_LIMIT: int = Settings.model_fields["max_page_size"].default
"""The page-size limit the descriptions state: the setting's default (``REALIGN_MAX_PAGE_SIZE``), so the committed
SDL is the same whatever the environment that exports it."""

ARGUMENTS = {
    "first": f"Page forward: at most this many items (1–{PAGE_LIMIT}; {DEFAULT_PAGE} when neither `first` nor `last` "
    "is given).",
    "after": "Page forward from the item with this cursor (an `endCursor` or an edge's `cursor`).",
    "last": f"Page backward: at most this many items (1–{PAGE_LIMIT}).",
    "before": "Page backward from the item with this cursor (a `startCursor` or an edge's `cursor`).",
    "filter": "Only the items that match (see the input's fields); omitted, everything.",
    "order": "ASC (default): oldest first; DESC: newest first.",
    "id": "The global id.",
    "ids": f"Global ids, at most {PAGE_LIMIT}.",
    "slug": "The slug (give `id` or `slug`, not both).",
    "updatedSince": "Only records created or changed at or after this time.",
    "since": "From this time on.",
}

ONE_OF = "The global id (give `id` or `slug`, not both)."
"""An ``id`` argument beside a ``slug`` one names the same record two ways; a lone ``id`` (``node(id:)``) is just
the id."""

REACTIONS = {
    "thanks": "thanks",
    "praise": "praises",
    "endorse": "endorses",
    "agree": "agrees",
    "condemn": "condemns",
    "criticise": "criticises",
    "ridicule": "ridicules",
    "accuse": "accuses",
    "deny": "denies",
    "reject": "rejects",
    "demand": "demands",
    "warn": "warns",
    "threaten": "threatens",
    "summon_envoy": "summons an envoy",
    "retaliate": "retaliates",
    "clarify": "clarifies",
}
"""What the reactor does, for each reaction kind: spelt out, since no rule turns every kind into its verb
(`thanks` is one already, `deny` becomes `denies`, `summon_envoy` `summons an envoy`)."""

PLOVER = {
    "AGREE": "Agree to, or declare the intent to do, something.",
    "CONSULT": "Meet, talk, visit or negotiate.",
    "SUPPORT": "Praise, endorse or express support.",
    "CONCEDE": "Yield: ease restrictions, release, give in.",
    "COOPERATE": "Cooperate materially: sign or carry out a cooperation deal.",
    "AID": "Give economic, military or humanitarian aid.",
    "RETREAT": "Withdraw, de-escalate or stand aside.",
    "REQUEST": "Ask for something: appeal, demand politely, call on.",
    "ACCUSE": "Accuse, criticise, denounce.",
    "REJECT": "Refuse, reject a proposal or a demand.",
    "THREATEN": "Threaten or warn.",
    "PROTEST": "Protest, demonstrate, summon an envoy.",
    "SANCTION": "Impose sanctions, embargoes or other penalties.",
    "MOBILIZE": "Mobilise or deploy forces.",
    "COERCE": "Coerce: seize, detain, take hostages, repress.",
    "ASSAULT": "Use force: strike, bomb, invade, attack.",
}


def _words(value: str) -> str:
    return value.replace("_", " ").lower()


def _enum_value(enum_name: str, value_name: str, value: object) -> str:
    raw = str(getattr(value, "value", value))
    if enum_name == "EventKind":
        quad, score = EVENT_KINDS[raw]
        return f"{PLOVER[raw].rstrip('.')} ({_words(quad)}; default score {score:+d})."
    if enum_name == "ReactionKind":
        plover, score = REACTION_KINDS[raw]
        return f"The reactor {REACTIONS[raw]}: PLOVER type {plover}, default score {score:+d}."
    return f"{_words(value_name).capitalize()}."


def document(schema: GraphQLSchema) -> None:
    """Give every argument and enum value without a description one (arguments by name, values by vocabulary)."""
    for name, gtype in schema.type_map.items():
        if name.startswith("__"):
            continue
        if isinstance(gtype, GraphQLObjectType | GraphQLInterfaceType):
            for field in gtype.fields.values():
                for arg_name, arg in field.args.items():
                    if not arg.description:
                        one_of = arg_name == "id" and "slug" in field.args
                        arg.description = ONE_OF if one_of else ARGUMENTS.get(arg_name)
        elif isinstance(gtype, GraphQLEnumType):
            for value_name, value in gtype.values.items():
                if not value.description:
                    value.description = _enum_value(name, value_name, value.value)
