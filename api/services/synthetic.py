"""Synthetic data beside the curated story: counting both, and removing every synthetic record at once.

A record is synthetic when its slug starts with ``seeds.format.SYNTHETIC_PREFIX`` (``syn-``): the generator
names every record so, and the API and ``realign seed --path`` refuse that prefix for anything else, so no new
column (and no migration) is needed to tell the two apart. An export of synthetic data keeps the prefix, and
``realign import`` of it brings synthetic records back as what they are.
"""

from __future__ import annotations

import types
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Connection, DateTime, Table, delete, func, insert, literal, select

from api.models import Tombstone, utcnow
from api.models.sources import CITED
from api.services import changes
from api.services.records import ABOUT, CITATIONS, PARTICIPANTS, TABLES, TAG_TABLES
from seeds.format import FILES, SYNTHETIC_PREFIX

KINDS = tuple(kind for _, kind in FILES)
TOMB: Table = Tombstone.__table__  # type: ignore[assignment]
# The removal is the operator's, from the command line (as imports are audited as `cli`).
CLI = types.SimpleNamespace(token_id=None, name="cli")

# Columns of a record pointing at another record: (referring kind, column, referred kind).
DIRECT = (
    ("affiliation", "member_id", "actor"),
    ("affiliation", "organisation_id", "actor"),
    ("statement", "speaker_id", "actor"),
    ("statement", "venue_event_id", "event"),
    ("reaction", "reactor_id", "actor"),
    ("reaction", "target_event_id", "event"),
    ("reaction", "target_statement_id", "statement"),
    ("reaction", "target_reaction_id", "reaction"),
    ("reaction", "statement_id", "statement"),
    ("relationship_change", "from_actor_id", "actor"),
    ("relationship_change", "to_actor_id", "actor"),
    ("relationship_change", "cause_event_id", "event"),
    ("relationship_change", "cause_statement_id", "statement"),
    ("relationship_change", "cause_reaction_id", "reaction"),
)
# Link rows, part of a parent record, pointing at another record: (table, parent column, parent kind, column,
# referred kind).
LINKS = (
    (PARTICIPANTS, "event_id", "event", "actor_id", "actor"),
    (ABOUT, "statement_id", "statement", "actor_id", "actor"),
    *((CITATIONS, f"{kind}_id", kind, "source_id", "source") for kind in CITED),
)


def synthetic(table: Table) -> ColumnElement[bool]:
    """The rows of a record table that are synthetic (no slug holds a LIKE wildcard: the slug rules forbid them)."""
    return table.c.slug.like(SYNTHETIC_PREFIX + "%")


@dataclass
class Census:
    """How many curated and synthetic records of each kind a database holds."""

    curated: dict[str, int]
    synthetic: dict[str, int]

    @property
    def total_curated(self) -> int:
        """Curated records of every kind."""
        return sum(self.curated.values())

    @property
    def total_synthetic(self) -> int:
        """Synthetic records of every kind."""
        return sum(self.synthetic.values())


def census(conn: Connection) -> Census:
    """Count curated and synthetic records, kind by kind."""
    curated, made_up = {}, {}
    for kind in KINDS:
        table = TABLES[kind]
        total, syn = conn.execute(select(func.count(), func.count().filter(synthetic(table))).select_from(table)).one()
        curated[kind], made_up[kind] = total - syn, syn
    return Census(curated, made_up)


class SyntheticInUse(Exception):
    """Curated records refer to synthetic ones, so removing the synthetic ones would break them."""

    def __init__(self, count: int, examples: list[str]) -> None:
        shown = "; ".join(examples)
        more = f" and {count - len(examples)} more" if count > len(examples) else ""
        super().__init__(
            f"{count} curated record(s) refer to synthetic ones, so nothing was removed: {shown}{more}. "
            "Change or delete them first."
        )
        self.count, self.examples = count, examples


def curated_references(conn: Connection, limit: int = 10) -> tuple[int, list[str]]:
    """How many references go from a curated record to a synthetic one, and up to ``limit`` of them in words."""
    count, examples = 0, []
    for kind, column, target_kind in DIRECT:
        table, target = TABLES[kind], TABLES[target_kind].alias("target")
        joined = table.join(target, table.c[column] == target.c.id)
        where = (~synthetic(table), synthetic(target))
        found = _references(conn, joined, (table.c.slug, target.c.slug), where, limit)
        count += found[0]
        how = column.removesuffix("_id")
        examples += [f"{_label(kind)} {a!r} ({how}) → {_label(target_kind)} {b!r}" for a, b in found[1]]
    for link, parent_column, parent_kind, column, target_kind in LINKS:
        parent, target = TABLES[parent_kind], TABLES[target_kind]
        joined = link.join(parent, link.c[parent_column] == parent.c.id).join(target, link.c[column] == target.c.id)
        where = (~synthetic(parent), synthetic(target))
        found = _references(conn, joined, (parent.c.slug, target.c.slug), where, limit)
        count += found[0]
        examples += [f"{_label(parent_kind)} {a!r} → {_label(target_kind)} {b!r}" for a, b in found[1]]
    return count, examples[:limit]


def _references(
    conn: Connection, joined: Any, slugs: tuple[Any, Any], where: tuple[Any, ...], limit: int
) -> tuple[int, list[Any]]:
    count = conn.execute(select(func.count()).select_from(joined).where(*where)).scalar_one()
    # Only then the examples: a LIMIT query that finds nothing scans everything the slow way (seconds on 100 000
    # events in PostgreSQL), where the count is a quick hash join.
    if not count:
        return 0, []
    return count, list(conn.execute(select(*slugs).select_from(joined).where(*where).limit(limit)))


def _label(kind: str) -> str:
    return kind.replace("_", " ")


def remove(conn: Connection) -> dict[str, int]:
    """Delete every synthetic record, in the caller's transaction; returns how many of each kind went.

    Refuses (``SyntheticInUse``) while a curated record refers to a synthetic one. A tombstone is written for
    each removed record, so clients syncing with `deletedSince` drop their copies, and the audit trail gets one
    entry for the whole removal. Set-wise statements, a few per kind, whatever the number of records.
    """
    count, examples = curated_references(conn)
    if count:
        raise SyntheticInUse(count, examples)
    removed = census(conn).synthetic
    now = literal(utcnow(), DateTime(timezone=True))
    # Referring kinds before the kinds they refer to (the reverse of the load order), children before parents.
    for kind in reversed(KINDS):
        table = TABLES[kind]
        ids = select(table.c.id).where(synthetic(table))
        conn.execute(
            insert(TOMB).from_select(
                ["record_type", "record_id", "slug", "deleted_at"],
                select(literal(kind), table.c.id, table.c.slug, now).where(synthetic(table)),
            )
        )
        if kind in TAG_TABLES:
            tags, column = TAG_TABLES[kind]
            conn.execute(delete(tags).where(tags.c[column].in_(ids)))
        for link, parent_column, parent_kind, *_ in LINKS:
            if parent_kind == kind:
                conn.execute(delete(link).where(link.c[parent_column].in_(ids)))
        conn.execute(delete(table).where(synthetic(table)))
    changes.record(
        conn,
        who=CLI,
        action="delete",
        kind="synthetic",
        record_id=None,
        slug=None,
        before={"removed": removed},
        after=None,
    )
    return removed
