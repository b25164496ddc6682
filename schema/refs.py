"""How a client names things: one record by id or slug (``RecordRef``), one timeline item by id or by its type
and slug (``ItemRef``), and a date in Realign's fuzzy-date grammar (the ``FuzzyDate`` scalar).

These are the only ways: every argument and input field that names a record takes a ``RecordRef`` (or an
``ItemRef`` where it may be any timeline item), every date given takes a ``FuzzyDate``. Both inputs are
``@oneOf``: the client gives exactly one of their fields, and GraphQL itself checks it.
"""

from __future__ import annotations

from typing import NewType

import strawberry
from strawberry.types.scalar import ScalarDefinition

from api.dates import DateError, parse_when
from schema import ids
from schema.errors import BadUserInput, article

# Where the date grammar is written down: served by Realign itself (``api.web``), so it is reachable offline.
FUZZY_DATE_SPEC = "/spec/fuzzy-date"

FUZZY_DATE_GRAMMAR = """\
A date known only as precisely as the sources say. Forms (Realign's fuzzy-date grammar):

- a day `2025-08-05`, a month `2025-07`, a year `2025`, a decade `2020s`;
- a part of one: `early 2025-07`, `mid 2025`, `late 2025-07`;
- around one: `circa 2025` (a year either way for a year, less for finer dates);
- before or after one: `before 2025-08`, `after 2024-02-28` (up to a year, or a decade for a year);
- between two: `between 2025-06 and 2025-08-08` (the finer one sets the precision);
- a span: `2022/2024`, `2025-06/2025-08-05`, and an ongoing one `2022-02-24/..`.

Outputs are canonical (single spaces, lower-case words). Years run from 1 to 9998."""


def canonical_date(text: str) -> str:
    """The canonical text of a fuzzy date (``late  2025-07`` → ``late 2025-07``); ``DateError`` saying why if the
    text is none."""
    when = parse_when(text)
    if when.ongoing:
        return f"{when.start.text}/.."
    if when.end is not None:
        return f"{when.start.text}/{when.end.text}"
    return when.start.text


def _parse_fuzzy_date(value: object) -> str:
    """The scalar's input: text that is no fuzzy date is refused as BAD_USER_INPUT (a public error: GraphQL wraps
    it, in a variable or a literal, in a coercion error naming the type and saying why)."""
    if not isinstance(value, str):
        raise BadUserInput(f"a FuzzyDate is text, not {type(value).__name__}")
    try:
        return canonical_date(value)
    except DateError as error:
        raise BadUserInput(str(error)) from None


# A date as a client writes it, checked and made canonical on the way in: the ``FuzzyDate`` scalar. The schema
# maps this type to its definition (``SCALARS``, given to ``StrawberryConfig.scalar_map`` by ``build_schema``).
FuzzyDate = NewType("FuzzyDate", str)
SCALARS: dict[object, ScalarDefinition] = {
    FuzzyDate: strawberry.scalar(
        name="FuzzyDate",
        description=FUZZY_DATE_GRAMMAR,
        specified_by_url=FUZZY_DATE_SPEC,
        serialize=str,
        parse_value=_parse_fuzzy_date,
    )
}


@strawberry.input(
    one_of=True,
    description='One record, by its global `id` or by its `slug`: exactly one of the two (`{slug: "israel"}`).',
)
class RecordRef:
    id: strawberry.ID | None = strawberry.field(default=strawberry.UNSET, description="The record's global id.")
    slug: str | None = strawberry.field(default=strawberry.UNSET, description="The record's slug, e.g. `israel`.")

    def key(self, type_name: str, field: str) -> tuple[int | None, str | None]:
        """(database id, None) or (None, slug); BAD_USER_INPUT at ``field`` if the id is not one of ``type_name``."""
        given_id = None if self.id is strawberry.UNSET else self.id
        given_slug = None if self.slug is strawberry.UNSET else self.slug
        if given_id is None:
            return None, given_slug
        kind, ident = ids.decode(given_id, field=f"{field}.id")
        if kind != type_name:
            raise BadUserInput(
                f"{given_id!r} is the id of {article(kind)}, not of {article(type_name)}", field=f"{field}.id"
            )
        return ident, None

    def text(self) -> str:
        """The id or the slug as given (for messages)."""
        return str(self.slug if self.id is strawberry.UNSET or self.id is None else self.id)


@strawberry.input(
    one_of=True,
    description="One timeline item: by its global `id`, or by its slug under the name of its type "
    '(`{event: "knesset-taiwan-petition"}`): exactly one of the four.',
)
class ItemRef:
    id: strawberry.ID | None = strawberry.field(default=strawberry.UNSET, description="The item's global id.")
    event: str | None = strawberry.field(default=strawberry.UNSET, description="An event's slug.")
    statement: str | None = strawberry.field(default=strawberry.UNSET, description="A statement's slug.")
    reaction: str | None = strawberry.field(default=strawberry.UNSET, description="A reaction's slug.")


def given(value: object) -> bool:
    """Whether an optional input field was given (not left out, not null)."""
    return value is not strawberry.UNSET and value is not None
