"""Opaque global ids and slug-or-id look-ups.

Two forms, both URL-safe base64 of text: a record's id names its type and database id (``Event:12``); a pair's id
names its type and the ordered database ids of the two records it joins (``Relationship:3:7``, the directed
relationship of actor 3 toward actor 7, which is no row of its own). ``decode`` reads the first form only and
refuses a pair's id with a message saying what it is; ``decode_pair`` reads the second.
"""

from __future__ import annotations

import base64
import binascii

import strawberry

from api.kinds import BY_TYPE_NAME
from schema.errors import BadUserInput, article

MAX_ID = 2**31 - 1
# The types whose ids are pair ids (``encode_pair``): what they name is two records, not one.
PAIR_TYPES = frozenset({"Relationship"})


def _text(global_id: str) -> str | None:
    """The text inside a global id, or None if it is not base64 of UTF-8 text."""
    try:
        padded = global_id + "=" * (-len(global_id) % 4)
        return base64.urlsafe_b64decode(padded.encode()).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return None


def encode(type_name: str, ident: int) -> strawberry.ID:
    """The global id of a record."""
    text = base64.urlsafe_b64encode(f"{type_name}:{ident}".encode()).decode().rstrip("=")
    # strawberry.ID is a NewType of str: the text is the ID as it stands, without a call per record to say so.
    return text  # type: ignore[return-value]


def decode(global_id: str, *, field: str = "id") -> tuple[str, int]:
    """The type name and database id behind a global id; BAD_USER_INPUT if it is not one."""
    text = _text(global_id)
    if text is None:
        raise BadUserInput(f"{global_id!r} is not a valid id", field=field)
    type_name, _, ident = text.partition(":")
    if type_name in PAIR_TYPES:
        raise BadUserInput(
            f"{global_id!r} is the id of {article(type_name)} (a pair of actors), not of a record", field=field
        )
    try:
        number = int(ident)
    except ValueError:
        raise BadUserInput(f"{global_id!r} is not a valid id", field=field) from None
    if type_name not in BY_TYPE_NAME or not 1 <= number <= MAX_ID:
        raise BadUserInput(f"{global_id!r} is not a valid id", field=field)
    return type_name, number


def encode_pair(type_name: str, first: int, second: int) -> strawberry.ID:
    """The global id of an ordered pair of records (a relationship: ``first``'s stance toward ``second``)."""
    text = base64.urlsafe_b64encode(f"{type_name}:{first}:{second}".encode()).decode().rstrip("=")
    return text  # type: ignore[return-value]  # as in ``encode``


def decode_pair(global_id: str, *, field: str = "id") -> tuple[str, int, int] | None:
    """The type and the two database ids behind a pair's id; None if the id is not a pair's (it may be a record's,
    or no id at all: ``decode`` says which); BAD_USER_INPUT if it is a pair's id made wrong (two equal ids too:
    a relationship joins two different actors, so no such id is ever given out)."""
    text = _text(global_id)
    if text is None:
        return None
    type_name, _, rest = text.partition(":")
    if type_name not in PAIR_TYPES:
        return None
    first, _, second = rest.partition(":")
    try:
        pair = int(first), int(second)
    except ValueError:
        raise BadUserInput(f"{global_id!r} is not a valid id", field=field) from None
    if not all(1 <= n <= MAX_ID for n in pair) or pair[0] == pair[1]:
        raise BadUserInput(f"{global_id!r} is not a valid id", field=field)
    return type_name, *pair


def try_decode(value: str) -> tuple[str, int] | None:
    """The type and id if the value is a global id, else None (it may be a slug)."""
    try:
        return decode(value)
    except BadUserInput:
        return None


def id_or_slug(type_name: str, id: str | None, slug: str | None) -> tuple[int | None, str | None]:
    """Exactly one of a global id (of ``type_name``) or a slug: (database id, None) or (None, slug)."""
    if (id is None) == (slug is None):
        raise BadUserInput("give exactly one of `id` or `slug`", field="id")
    if id is None:
        return None, slug
    kind, ident = decode(id)
    if kind != type_name:
        raise BadUserInput(f"{id!r} is the id of {article(kind)}, not of {article(type_name)}", field="id")
    return ident, None
