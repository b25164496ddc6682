"""Slugs made up for records created without one: readable, ASCII, and free in the record's table.

The rules (also in the GraphQL field descriptions, ``schema.mutations.SLUG_RULE``):

- source, event: the title; actor: the name;
- affiliation: member + organisation;
- statement: speaker + the first words of the quote (the date if the quote has no Latin letters or digits);
- reaction: reactor + kind + what it answers;
- relationship change: from + to + date.

References enter as the slugs they are given as (``gideon-saar``), texts are lower-cased, accents are
transliterated (é → e), apostrophes dropped (Sa'ar → saar) and every other run of characters becomes one
hyphen. The result is cut to the column's length at a word boundary; when it is taken, ``-2``, ``-3``, … are
appended. A text with nothing Latin left falls back to the record type (``event``, ``event-2``).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping

from sqlalchemy import Connection, String, TypeDecorator, select

from api.kinds import BY_KEY

QUOTE_WORDS = 5
APOSTROPHES = re.compile(r"['’ʼ‘`´]")
# Latin letters that Unicode does not decompose into a base letter and marks.
LETTERS = str.maketrans({"æ": "ae", "ø": "o", "œ": "oe", "ß": "ss", "đ": "d", "ð": "d", "þ": "th", "ł": "l", "ı": "i"})
NOT_SLUG = re.compile(r"[^a-z0-9]+")


def slugify(text: str) -> str:
    """``Sa'ar meets Taiwan’s minister`` → ``saar-meets-taiwans-minister``."""
    text = APOSTROPHES.sub("", text).lower().translate(LETTERS)
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return NOT_SLUG.sub("-", ascii_text.lower()).strip("-")


def _text(data: Mapping[str, object], key: str) -> str | None:
    value = data.get(key)
    return value if isinstance(value, str) and value.strip() else None


def _first_words(text: str, count: int) -> str:
    return "-".join(slugify(text).split("-")[:count])


def base_slug(kind: str, data: Mapping[str, object]) -> str | None:
    """The slug a record's own fields suggest, before making it unique; None when those fields are missing
    (their own "is required" says what to add)."""
    parts: list[str | None]
    if kind in ("source", "event"):
        parts = [_text(data, "title")]
    elif kind == "actor":
        parts = [_text(data, "name")]
    elif kind == "affiliation":
        parts = [_text(data, "member"), _text(data, "organisation")]
    elif kind == "statement":
        quote, date = _text(data, "quote"), _text(data, "date")
        words = _first_words(quote, QUOTE_WORDS) if quote else ""
        parts = [_text(data, "speaker"), words or date]
    elif kind == "reaction":
        target = data.get("target")
        answered = next(iter(target.values()), None) if isinstance(target, dict) and len(target) == 1 else None
        parts = [_text(data, "reactor"), _text(data, "kind"), answered if isinstance(answered, str) else None]
    else:
        parts = [_text(data, "from"), _text(data, "to"), _text(data, "date")]
    if any(part is None for part in parts):
        return None
    return slugify(" ".join(part for part in parts if part)) or kind.replace("_", "-")


def _cut(slug: str, length: int) -> str:
    """At most ``length`` characters, cut at a hyphen when one is near enough to keep the words whole."""
    if len(slug) <= length:
        return slug
    cut = slug[:length]
    hyphen = cut.rfind("-")
    return (cut[:hyphen] if hyphen > length // 2 else cut).strip("-")


def unique_slug(conn: Connection, kind: str, base: str) -> str:
    """``base`` cut to the slug column's length, or with the first free ``-N`` (N ≥ 2), as this transaction
    sees the table. A concurrent writer may still take it first: the unique constraint then refuses the insert
    and the caller retries."""
    column = BY_KEY[kind].table.c.slug
    text_type = column.type.impl_instance if isinstance(column.type, TypeDecorator) else column.type  # SQLModel's
    if not isinstance(text_type, String) or text_type.length is None:
        raise TypeError(f"{kind}.slug is not a text column of bounded length")
    length = text_type.length
    stem = _cut(base, length)
    # Every candidate starts with the shortest stem a suffix could leave, so one query finds all taken ones.
    shortest = _cut(base, length - 8)
    taken = set(conn.execute(select(column).where(column.like(f"{shortest}%"))).scalars())
    if stem not in taken:
        return stem
    number = 2
    while True:
        suffix = f"-{number}"
        candidate = _cut(base, length - len(suffix)) + suffix
        if candidate not in taken:
            return candidate
        number += 1


def derive(conn: Connection, kind: str, data: Mapping[str, object]) -> str | None:
    """A free slug for a record given without one; None when the fields it is made from are missing."""
    base = base_slug(kind, data)
    return None if base is None else unique_slug(conn, kind, base)
