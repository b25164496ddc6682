"""The kinds of record Realign keeps, one entry each, and the collections of them the rest of the code iterates.

A record kind is named two ways: by its key (``relationship_change``: its table, the seed format's and the audit
trail's name for it) and by its GraphQL type name (``RelationshipChange``). Its entry says everything the
services and the schema need to treat it generically: its table, its tags, how citations cite it, the records
it refers to and the link rows that are part of it, its seed file, and its place on the timeline.

Adding a kind means one entry here (in load order), its tables (``api.models``, ``api.tables``), its GraphQL type
and builder (``schema``), its seed reader (``seeds.format``), its export writer (``api.services.export``) and its
mutation input (``schema.mutations``); a timeline kind also takes its place in ``TIMELINE`` and in the schema's
item unions and ``TimelineItemType``. ``tests/test_kinds.py`` fails loudly while any of them is missing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from typing import TypeVar

from sqlalchemy import Table

from api import tables

# The kinds a timeline holds, in the order they sort when date and order within the day tie. A reaction's target
# and a relationship change's cause are each one of them, in a column ``<field>_<kind>_id`` per kind.
TIMELINE = ("event", "statement", "reaction")


@dataclass(frozen=True)
class Reference:
    """A column of a record's own table that holds the id of another record."""

    column: str
    target: str  # the key of the kind referred to
    field: str  # the seed-file (and GraphQL input) field that names the record referred to
    one_of: bool = False  # one of the alternatives of ``field``: a target or cause, one of the timeline's kinds


@dataclass(frozen=True)
class Link:
    """A table whose rows are part of a parent record, each pointing at another record."""

    table: Table
    parent: str  # the column holding the parent record's id
    column: str  # the column holding the id of the record pointed at
    target: str  # the key of the kind pointed at
    how: str  # what the record pointed at is to the parent: ``participant``, ``about``, ``cites``


@dataclass(frozen=True)
class Tags:
    """The table of a kind's tags: one row per (record, tag)."""

    table: Table
    parent: str  # the column holding the tagged record's id


@dataclass(frozen=True)
class RecordKind:
    """One kind of record: its names, its table and what hangs off it.

    Rows that are part of a record (its tags, its citations, an event's participants) name it in a column
    ``<key>_id``, and its seed file is ``<key>s.jsonl``: those follow from the key. (What imports ask of it for
    every row is cached: a frozen dataclass keeps ``cached_property`` values beside its fields.)
    """

    key: str
    type_name: str
    table: Table
    tag_table: Table | None = None
    cites: bool = True  # whether it cites sources (every kind but the sources themselves)
    references: tuple[Reference, ...] = ()
    links: tuple[Link, ...] = ()  # link rows that are part of it (citations aside: see ``citation``)

    @property
    def label(self) -> str:
        """The kind in words, for messages: ``relationship change``."""
        return self.key.replace("_", " ")

    @property
    def plural(self) -> str:
        """Its key in the plural, as reports and file names have it: ``relationship_changes``."""
        return f"{self.key}s"

    @property
    def file(self) -> str:
        """Its seed file, read by `realign seed` and `realign import`, written by `realign export`."""
        return f"{self.plural}.jsonl"

    @cached_property
    def parent_column(self) -> str:
        """The column naming a record of this kind in the rows that are part of it."""
        return f"{self.key}_id"

    @cached_property
    def tags(self) -> Tags | None:
        """Its tag table, if it can be tagged."""
        return Tags(self.tag_table, self.parent_column) if self.tag_table is not None else None

    @cached_property
    def citation_column(self) -> str | None:
        """Its column in the citation table; None for sources, which cite nothing."""
        return self.parent_column if self.cites else None

    @cached_property
    def citation(self) -> Link | None:
        """Its citations as link rows (to the sources cited); None for sources."""
        return Link(tables.CITATION, self.parent_column, "source_id", "source", "cites") if self.cites else None

    @property
    def rank(self) -> int | None:
        """Where it sorts on the timeline among items of the same date and order; None if not a timeline item."""
        return TIMELINE.index(self.key) if self.key in TIMELINE else None

    @property
    def is_item(self) -> bool:
        """Whether the timeline (and the dated item lists and filters) holds it."""
        return self.key in TIMELINE

    @property
    def searched(self) -> bool:
        """Whether its table has a ``search_text`` column, with a text index on it (see ``api.search``)."""
        return "search_text" in self.table.c

    @property
    def self_reference(self) -> Reference | None:
        """A reference to a record of its own kind (a reaction answering a reaction): those are written first."""
        return next((ref for ref in self.references if ref.target == self.key), None)

    def is_optional(self, ref: Reference) -> bool:
        """Whether a reference may be left empty (its column is nullable, and it is not one of a target's or cause's
        alternatives): a cascade delete of the record it names empties it and keeps the referrer."""
        return bool(self.table.c[ref.column].nullable) and not ref.one_of

    @cached_property
    def by_column(self) -> dict[str, Reference]:
        """Its references by the column holding each (looked up for every reference of every record imported)."""
        return {ref.column: ref for ref in self.references}


def _one_of(field: str) -> tuple[Reference, ...]:
    """The references of a field that names one timeline item (``{"event": slug}``): a column per kind."""
    return tuple(Reference(f"{field}_{key}_id", key, field, one_of=True) for key in TIMELINE)


# An event's participants and the actors a statement is about.
PARTICIPANTS = Link(tables.EVENT_PARTICIPANT, "event_id", "actor_id", "actor", "participant")
ABOUT = Link(tables.STATEMENT_ABOUT, "statement_id", "actor_id", "actor", "about")

SOURCE = RecordKind("source", "Source", tables.SOURCE, cites=False)
ACTOR = RecordKind("actor", "Actor", tables.ACTOR)
AFFILIATION = RecordKind(
    "affiliation",
    "Affiliation",
    tables.AFFILIATION,
    references=(Reference("member_id", "actor", "member"), Reference("organisation_id", "actor", "organisation")),
)
EVENT = RecordKind("event", "Event", tables.EVENT, tag_table=tables.EVENT_TAG, links=(PARTICIPANTS,))
STATEMENT = RecordKind(
    "statement",
    "Statement",
    tables.STATEMENT,
    tag_table=tables.STATEMENT_TAG,
    references=(Reference("speaker_id", "actor", "speaker"), Reference("venue_event_id", "event", "venue")),
    links=(ABOUT,),
)
REACTION = RecordKind(
    "reaction",
    "Reaction",
    tables.REACTION,
    tag_table=tables.REACTION_TAG,
    references=(
        Reference("reactor_id", "actor", "reactor"),
        *_one_of("target"),
        Reference("statement_id", "statement", "statement"),
    ),
)
RELATIONSHIP_CHANGE = RecordKind(
    "relationship_change",
    "RelationshipChange",
    tables.RELATIONSHIP_CHANGE,
    references=(
        Reference("from_actor_id", "actor", "from"),
        Reference("to_actor_id", "actor", "to"),
        *_one_of("cause"),
    ),
)

# In load order: a record refers only to records of its own or an earlier kind.
KINDS = (SOURCE, ACTOR, AFFILIATION, EVENT, STATEMENT, REACTION, RELATIONSHIP_CHANGE)
KEYS = tuple(kind.key for kind in KINDS)
BY_KEY = {kind.key: kind for kind in KINDS}
BY_TYPE_NAME = {kind.type_name: kind for kind in KINDS}
# The timeline's kinds, in rank order.
ITEMS = tuple(BY_KEY[key] for key in TIMELINE)
# The seed files in load order, each with the key of the kind it holds.
FILES = tuple((kind.file, kind.key) for kind in KINDS)
BY_FILE = {kind.file: kind for kind in KINDS}
# Every reference between records and every link row, with the kind of the record holding it (links: the
# parent's), in load order; citations last.
REFERENCES = tuple((kind, ref) for kind in KINDS for ref in kind.references)
LINKS = (
    *((kind, link) for kind in KINDS for link in kind.links),
    *((kind, link) for kind in KINDS if (link := kind.citation) is not None),
)

V = TypeVar("V")


class PerKind(dict[str, V]):
    """One thing per record kind (its seed reader, its export writer, its GraphQL builder...), keyed by the kind's
    key or, with ``by_type_name``, its GraphQL type name. Each is put in where it is defined, by decorating it with
    ``things.of(kind)``, so no module lists the kinds again; ``missing`` names the kinds still without one."""

    def __init__(self, *, by_type_name: bool = False) -> None:
        super().__init__()
        self._name: Callable[[RecordKind], str] = (lambda kind: kind.type_name) if by_type_name else (lambda k: k.key)

    def of(self, kind: RecordKind) -> Callable[[V], V]:
        """A decorator: what it decorates is ``kind``'s."""
        name = self._name(kind)

        def put(value: V) -> V:
            if name in self:
                raise ValueError(f"{name!r} has one already")
            self[name] = value
            return value

        return put

    def missing(self) -> list[str]:
        """The kinds (as this table names them) that have none."""
        return [self._name(kind) for kind in KINDS if self._name(kind) not in self]
