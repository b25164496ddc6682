"""Opaque global ids ("Event:12" in URL-safe base64) and slug-or-id look-ups."""

from __future__ import annotations

import base64
import binascii

import strawberry

from api.kinds import BY_TYPE_NAME
from schema.errors import BadUserInput, article

MAX_ID = 2**31 - 1


def encode(type_name: str, ident: int) -> strawberry.ID:
    """The global id of a record."""
    text = base64.urlsafe_b64encode(f"{type_name}:{ident}".encode()).decode().rstrip("=")
    # strawberry.ID is a NewType of str: the text is the ID as it stands, without a call per record to say so.
    return text  # type: ignore[return-value]


def decode(global_id: str, *, field: str = "id") -> tuple[str, int]:
    """The type name and database id behind a global id; BAD_USER_INPUT if it is not one."""
    try:
        padded = global_id + "=" * (-len(global_id) % 4)
        type_name, _, ident = base64.urlsafe_b64decode(padded.encode()).decode().partition(":")
        number = int(ident)
    except (binascii.Error, UnicodeDecodeError, ValueError):
        raise BadUserInput(f"{global_id!r} is not a valid id", field=field) from None
    if type_name not in BY_TYPE_NAME or not 1 <= number <= MAX_ID:
        raise BadUserInput(f"{global_id!r} is not a valid id", field=field)
    return type_name, number


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
