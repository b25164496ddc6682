"""Spelling of the schema's descriptions (the playground's docs pane is the manual): the words, where each comes
from, and the checks — a committed word list, no doubled words, no doubled plural suffixes.

``python -m tests.spelling`` prints the description words missing from the list (with where they are), to review
and add by hand after a schema change.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

from graphql import (
    GraphQLEnumType,
    GraphQLInputObjectType,
    GraphQLInterfaceType,
    GraphQLObjectType,
    GraphQLSchema,
    specified_directives,
    specified_scalar_types,
)

WORDS = Path(__file__).resolve().parent / "description_words.txt"

# Code-ish text is not prose: `backticked code` (with its `code`'s or `code`s), <links> and URLs, then (word
# by word) identifiers and numbers.
CODE = re.compile(r"`[^`]*`(?:['’]?s\b)?|<[^>\s]+>|https?://\S+")
WORD = re.compile(r"[^\W\d_](?:[\w'’\-.]*\w)?")
IDENTIFIER = re.compile(
    r"""^(?:
        [A-Z0-9_]{2,}                # a constant or an enum value: ASC, PLOVER, BAD_USER_INPUT
      | [a-z]+[A-Z]\w*               # lowerCamel: updatedSince
      | [A-Z][a-z0-9]+[A-Z]\w*       # UpperCamel: DateTime, RecordRef
      | \w*_\w*                      # snake_case: part_of
      | \w*\d\w*                     # has digits: ISO-3166, alpha-3, v2
    )$""",
    re.X,
)
DOUBLED_WORD = re.compile(r"\b(\w+)\s+\1\b", re.I)
# An English plural or third person never ends in a consonant then -ss (thankss) or a consonant then -ys (denys).
DOUBLED_SUFFIX = re.compile(r"(?:[^aeiousy\W]ss|[^aeiouy\W]ys)$", re.I)


def descriptions(schema: GraphQLSchema) -> Iterator[tuple[str, str]]:
    """(where, description) for every described thing of the schema: types, fields, arguments, enum values, input
    fields, directives and their arguments — GraphQL's own built-ins left out."""
    builtin = set(specified_scalar_types)
    for name, gtype in schema.type_map.items():
        if name.startswith("__") or name in builtin:
            continue
        yield name, gtype.description or ""
        if isinstance(gtype, GraphQLObjectType | GraphQLInterfaceType):
            for field_name, field in gtype.fields.items():
                yield f"{name}.{field_name}", field.description or ""
                for arg_name, arg in field.args.items():
                    yield f"{name}.{field_name}({arg_name})", arg.description or ""
        elif isinstance(gtype, GraphQLInputObjectType):
            for field_name, input_field in gtype.fields.items():
                yield f"{name}.{field_name}", input_field.description or ""
        elif isinstance(gtype, GraphQLEnumType):
            for value_name, value in gtype.values.items():
                yield f"{name}.{value_name}", value.description or ""
    for directive in schema.directives:
        if directive in specified_directives:
            continue
        yield f"@{directive.name}", directive.description or ""
        for arg_name, arg in directive.args.items():
            yield f"@{directive.name}({arg_name})", arg.description or ""


def prose(description: str) -> str:
    """The description without its code: backticked spans, links and URLs."""
    return CODE.sub(" ", description)


def words(description: str) -> Iterator[str]:
    """The prose words of a description, as they are spelt (identifiers and numbers left out).

    Hyphenated words count part by part (`social-media`), a possessive counts as its word (`Israel's`), an
    abbreviation's dots go (`e.g.`).
    """
    for token in WORD.findall(prose(description)):
        for part in token.split("-"):
            part = re.sub(r"['’]s$", "", part).strip(".'’")
            if part and not IDENTIFIER.match(part) and re.search(r"[^\W\d_]", part):
                yield part


def known() -> set[str]:
    """The checked word list (lower case, one a line)."""
    return {line.strip() for line in WORDS.read_text(encoding="utf-8").splitlines() if line.strip()}


def problems(schema: GraphQLSchema, allowed: set[str]) -> list[str]:
    """Every spelling problem of the schema's descriptions, each saying what and where."""
    found = []
    for where, description in descriptions(schema):
        for match in DOUBLED_WORD.finditer(prose(description)):
            found.append(f"{where}: doubled word {match.group(0)!r}")
        for word in words(description):
            if DOUBLED_SUFFIX.search(word):
                found.append(f"{where}: doubled plural suffix in {word!r}")
            elif word.lower() not in allowed:
                found.append(f"{where}: unknown word {word!r} (misspelt? if not, add {word.lower()!r} to {WORDS.name})")
    return found


if __name__ == "__main__":
    from schema import build_schema

    for problem in problems(build_schema()._schema, known()):
        print(problem)
