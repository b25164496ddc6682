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

from sqlalchemy import ColumnElement, Connection, DateTime, FromClause, delete, func, insert, literal, select

from api import spans
from api.kinds import BY_KEY, KINDS, LINKS, REFERENCES
from api.models import utcnow
from api.services import changes
from api.tables import TOMBSTONE
from seeds.format import SYNTHETIC_PREFIX

# The removal is the operator's, from the command line (as imports are audited as `cli`).
CLI = types.SimpleNamespace(token_id=None, name="cli")


def synthetic(table: FromClause) -> ColumnElement[bool]:
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
        table = kind.table
        total, syn = conn.execute(select(func.count(), func.count().filter(synthetic(table))).select_from(table)).one()
        curated[kind.key], made_up[kind.key] = total - syn, syn
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
    for kind, ref in REFERENCES:
        table, target_kind = kind.table, BY_KEY[ref.target]
        target = target_kind.table.alias("target")
        joined = table.join(target, table.c[ref.column] == target.c.id)
        where = (~synthetic(table), synthetic(target))
        found = _references(conn, joined, (table.c.slug, target.c.slug), where, limit)
        count += found[0]
        how = ref.column.removesuffix("_id")
        examples += [f"{kind.label} {a!r} ({how}) → {target_kind.label} {b!r}" for a, b in found[1]]
    for parent_kind, link in LINKS:
        parent, target_kind = parent_kind.table, BY_KEY[link.target]
        target = target_kind.table
        joined = link.table.join(parent, link.table.c[link.parent] == parent.c.id).join(
            target, link.table.c[link.column] == target.c.id
        )
        where = (~synthetic(parent), synthetic(target))
        found = _references(conn, joined, (parent.c.slug, target.c.slug), where, limit)
        count += found[0]
        examples += [f"{parent_kind.label} {a!r} → {target_kind.label} {b!r}" for a, b in found[1]]
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
        table = kind.table
        ids = select(table.c.id).where(synthetic(table))
        conn.execute(
            insert(TOMBSTONE).from_select(
                ["record_type", "record_id", "slug", "deleted_at"],
                select(literal(kind.key), table.c.id, table.c.slug, now).where(synthetic(table)),
            )
        )
        if kind.tags is not None:
            conn.execute(delete(kind.tags.table).where(kind.tags.table.c[kind.tags.parent].in_(ids)))
        for parent_kind, link in LINKS:
            if parent_kind is kind:
                conn.execute(delete(link.table).where(link.table.c[link.parent].in_(ids)))
        conn.execute(delete(table).where(synthetic(table)))
    spans.compact(conn)  # the deletions' delta rows, merged before anyone reads them (PostgreSQL)
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
