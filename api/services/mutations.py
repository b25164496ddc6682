"""Creating, updating and deleting single records: validated like seed files, optimistic on versions,
audited, one transaction each (the caller's). No GraphQL here: errors are ``WriteError`` with a code."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable
from typing import Any

from sqlalchemy import Connection, delete, insert, select, update

from api.kinds import BY_KEY, LINKS, REFERENCES
from api.models import utcnow
from api.services import changes, slugs
from api.services import records as record_service
from api.tables import CITATION, REACTION, TOMBSTONE
from seeds.format import RESERVED, Parsed, Problem, is_synthetic, read_record


class WriteError(Exception):
    """A write refused: ``code`` says why (``BAD_USER_INPUT``: the input has ``problems``, every one found, each
    seed-format fields with a code of its own, see ``seeds.format.Problem``; ``NOT_FOUND``: the record to change is
    not there; ``CONFLICT``: a stale version, ``extra["currentVersion"]``; ``REFERENCED``: a delete of a record
    others refer to, ``extra["references"]``), ``field`` the argument or input field at fault."""

    def __init__(
        self,
        code: str,
        message: str,
        field: str | None = None,
        extra: dict[str, Any] | None = None,
        problems: list[Problem] | None = None,
    ):
        super().__init__(message)
        self.code, self.message, self.field, self.extra = code, message, field, extra or {}
        self.problems = problems or []


def summary(problems: list[tuple[str, str]], shown: int = 5) -> str:
    """One message for a list of (field, message): the problem itself if there is one, else how many and which."""
    if len(problems) == 1:
        return "{}: {}".format(*problems[0])
    listed = "; ".join(f"{field}: {message}" for field, message in problems[:shown])
    more = f"; and {len(problems) - shown} more" if len(problems) > shown else ""
    return f"{len(problems)} problems with the input: {listed}{more}"


class Problems:
    """Every problem with one write's input, collected so that the client hears of all of them at once."""

    def __init__(self, found: Iterable[Problem] = ()) -> None:
        self.items: list[Problem] = []
        self.extend(found)

    def add(self, field: str, message: str, index: int | None = None, code: str = "INVALID") -> None:
        self.extend([Problem(field, message, index, code)])

    def extend(self, found: Iterable[Problem]) -> None:
        # One problem per spot: an id that names nothing (found by the GraphQL layer) is met again by validation
        # as an unknown slug, and the first says it better.
        spots = {(p.field, p.index) for p in self.items}
        for problem in found:
            if (problem.field, problem.index) not in spots:
                spots.add((problem.field, problem.index))
                self.items.append(problem)

    def drop(self, field: str) -> None:
        self.items = [p for p in self.items if p.field != field]

    def check(self) -> None:
        """Refuse the write (BAD_USER_INPUT) if there is any problem."""
        if self.items:
            first = self.items[0]
            message = summary([(p.field, p.message) for p in self.items])
            raise WriteError("BAD_USER_INPUT", message, first.field, problems=list(self.items))


def record_dicts(conn: Connection, kind: str, ids: list[int]) -> list[dict[str, Any]]:
    """Records as seed-format dicts (the export's own function)."""
    from api.services.export import record_dicts as export

    return export(conn, kind, ids)


def find(conn: Connection, kind: str, *, ident: int | None = None, slug: str | None = None) -> Any:
    """The row of a record by id or slug; NOT_FOUND if none."""
    table = BY_KEY[kind].table
    condition = table.c.id == ident if ident is not None else table.c.slug == slug
    row = conn.execute(select(table.c.id, table.c.slug, table.c.version).where(condition)).first()
    if row is None:
        what = f"id {ident}" if ident is not None else f"slug {slug!r}"
        raise WriteError("NOT_FOUND", f"no {BY_KEY[kind].label} with {what}", "id" if ident else "slug")
    return row


def _validate(conn: Connection, kind: str, data: dict[str, Any], problems: Problems) -> Parsed:
    """Read the record as a seed line is read and add every problem, its references' included, to ``problems``."""
    parsed, found = read_record(kind, data, "input")
    problems.extend(found)
    unknown = record_service.reference_problems(conn, [parsed])
    problems.extend(dataclasses.replace(problem, code="NOT_FOUND") for _, problem in unknown)
    return parsed


def _check_version(conn: Connection, kind: str, row: Any, expected: int) -> None:
    """Compare-and-set the version: the row lock (PostgreSQL) or the write lock (SQLite) makes it atomic."""
    table = BY_KEY[kind].table
    done = conn.execute(
        update(table)
        .where(table.c.id == row.id, table.c.version == expected)
        .values(version=expected + 1, updated_at=utcnow())
    )
    if done.rowcount != 1:
        current = conn.execute(select(table.c.version).where(table.c.id == row.id)).scalar()
        raise WriteError(
            "CONFLICT",
            f"this {BY_KEY[kind].label} is at version {current}, not {expected}: reload it and apply your change again",
            "version",
            {"currentVersion": current},
        )


def create(conn: Connection, *, kind: str, data: dict[str, Any], who: Any, problems: Iterable[Problem] = ()) -> int:
    """Create one record from seed-format data; its slug must be new, and is made up when not given (see
    ``api.services.slugs``). ``problems`` found before (ids naming nothing) refuse the write along with the rest."""
    found = Problems(problems)
    table = BY_KEY[kind].table
    slug = data.get("slug")
    underivable = False
    if slug is None:
        slug = slugs.derive(conn, kind, data)
        underivable = slug is None
        data = {**data, "slug": slug}
    elif isinstance(slug, str) and is_synthetic(slug):
        found.add("slug", RESERVED)
    elif isinstance(slug, str) and conn.execute(select(table.c.id).where(table.c.slug == slug)).first():
        found.add("slug", f"{slug!r} is already used", code="TAKEN")
    parsed = _validate(conn, kind, data, found)
    if underivable:
        # The fields the slug is made from are missing, and their "is required" says what to add.
        found.drop("slug")
        if not found.items:
            found.add("slug", "is required")
    found.check()
    record_service.write(conn, [parsed])
    row = find(conn, kind, slug=parsed.slug)
    after = record_dicts(conn, kind, [row.id])[0]
    changes.record(conn, who=who, action="create", kind=kind, record_id=row.id, slug=row.slug, before=None, after=after)
    return row.id


def update_record(
    conn: Connection,
    *,
    kind: str,
    row: Any,
    version: int,
    patch: dict[str, Any],
    who: Any,
    problems: Iterable[Problem] = (),
) -> int:
    """Apply a patch (given keys replace, None removes) to a record at ``version``."""
    found = Problems(problems)
    if "slug" in patch and patch["slug"] != row.slug:
        found.add("slug", "a record's slug cannot change (create a new record)")
    _check_version(conn, kind, row, version)
    before = record_dicts(conn, kind, [row.id])[0]
    merged = {**before, **patch, "slug": row.slug}
    data = {key: value for key, value in merged.items() if value is not None}
    if kind == "reaction" and isinstance(data.get("target"), dict):
        cycle = cycle_through(conn, slug=row.slug, target_reaction=data["target"].get("reaction"))
        if cycle:
            found.add("target", cycle)
    parsed = _validate(conn, kind, data, found)
    found.check()
    record_service.write(conn, [parsed])
    table = BY_KEY[kind].table
    conn.execute(update(table).where(table.c.id == row.id).values(version=version + 1))
    after = record_dicts(conn, kind, [row.id])[0]
    changes.record(
        conn, who=who, action="update", kind=kind, record_id=row.id, slug=row.slug, before=before, after=after
    )
    return row.id


def references(conn: Connection, kind: str, ident: int) -> list[tuple[str, int, str, str]]:
    """What refers to a record: (kind, id, slug, how) for records, and link rows as their parent record: first
    the records whose own columns name it, then the records whose link rows do, each in load order."""
    found: list[tuple[str, int, str, str]] = []
    for other, ref in REFERENCES:
        if ref.target == kind:
            table = other.table
            for rid, slug in conn.execute(select(table.c.id, table.c.slug).where(table.c[ref.column] == ident)):
                found.append((other.key, rid, slug, ref.field))
    for parent_kind, link in LINKS:
        if link.target == kind:
            parent = parent_kind.table
            rows = conn.execute(
                select(parent.c.id, parent.c.slug)
                .join(link.table, link.table.c[link.parent] == parent.c.id)
                .where(link.table.c[link.column] == ident)
                .distinct()
            )
            for rid, slug in rows:
                found.append((parent_kind.key, rid, slug, link.how))
    return found


# How a reference is undone when deleting with cascade: a link row goes (the parent record stays, updated), an
# optional column is emptied (SOFT: (referring kind, field) -> column), and any other referrer is deleted too.
SOFT = {(kind.key, ref.field): kind.table.c[ref.column] for kind, ref in REFERENCES if kind.is_optional(ref)}
LINKED = {link.how for _, link in LINKS}


def delete_record(
    conn: Connection,
    *,
    kind: str,
    row: Any,
    version: int,
    cascade: bool,
    who: Any,
    doomed: set[tuple[str, int]] | None = None,
) -> list[tuple[str, int, str, dt.datetime]]:
    """Delete a record at ``version``; referenced records need ``cascade``. Returns everything deleted: (kind, id,
    slug, when), as its tombstone has it.

    With cascade, records that refer to it are deleted too (recursively), and records that only lose a link
    to it (a participation, an `about`, a citation, a venue, a reacting statement) are updated: their version
    and update time move and the audit trail shows the change, so `updatedSince` reports them.
    """
    _check_version(conn, kind, row, version)
    doomed = doomed if doomed is not None else set()
    doomed.add((kind, row.id))
    refs = [ref for ref in references(conn, kind, row.id) if (ref[0], ref[1]) not in doomed]
    if refs and not cascade:
        listed = [{"type": k, "id": rid, "slug": s, "as": how} for k, rid, s, how in refs]
        shown = ", ".join(f"{k.replace('_', ' ')} {s!r} ({how})" for k, _, s, how in refs[:10])
        more = f" and {len(refs) - 10} more" if len(refs) > 10 else ""
        raise WriteError(
            "REFERENCED",
            f"cannot delete: referenced by {shown}{more}; pass cascade: true to delete them too",
            "cascade",
            {"references": listed},
        )
    deleted: list[tuple[str, int, str, dt.datetime]] = []
    touched: dict[tuple[str, int], tuple[str, dict[str, Any]]] = {}
    for other, rid, slug, how in refs:
        if (other, rid) in doomed:
            continue
        if how in LINKED or (other, how) in SOFT:
            if (other, rid) not in touched:
                touched[(other, rid)] = (slug, record_dicts(conn, other, [rid])[0])
            column = SOFT.get((other, how))
            if column is not None:
                conn.execute(update(column.table).where(column.table.c.id == rid).values({column.name: None}))
            continue
        other_table = BY_KEY[other].table
        still = conn.execute(
            select(other_table.c.id, other_table.c.slug, other_table.c.version).where(other_table.c.id == rid)
        ).first()
        if still is not None and (other, rid) not in doomed:
            deleted += delete_record(
                conn, kind=other, row=still, version=still.version, cascade=True, who=who, doomed=doomed
            )
    before = record_dicts(conn, kind, [row.id])[0]
    table = BY_KEY[kind].table
    if kind == "source":
        conn.execute(delete(CITATION).where(CITATION.c.source_id == row.id))
    conn.execute(delete(table).where(table.c.id == row.id))
    when = utcnow()
    conn.execute(insert(TOMBSTONE).values(record_type=kind, record_id=row.id, slug=row.slug, deleted_at=when))
    changes.record(
        conn, who=who, action="delete", kind=kind, record_id=row.id, slug=row.slug, before=before, after=None
    )
    for (other, rid), (slug, earlier) in touched.items():
        if (other, rid) in doomed:
            continue
        other_table = BY_KEY[other].table
        conn.execute(
            update(other_table)
            .where(other_table.c.id == rid)
            .values(version=other_table.c.version + 1, updated_at=utcnow())
        )
        later = record_dicts(conn, other, [rid])[0]
        changes.record(
            conn, who=who, action="update", kind=other, record_id=rid, slug=slug, before=earlier, after=later
        )
    return [*deleted, (kind, row.id, row.slug, when)]


def cycle_through(conn: Connection, *, slug: str, target_reaction: str | None) -> str | None:
    """Why a reaction may not answer ``target_reaction``: it would (through a chain of reactions) answer itself."""
    target = REACTION.alias("target")
    current, seen = target_reaction, set()
    while current is not None and current not in seen:
        if current == slug:
            return "the reaction would end up answering itself"
        seen.add(current)
        current = conn.execute(
            select(target.c.slug)
            .select_from(REACTION.join(target, REACTION.c.target_reaction_id == target.c.id))
            .where(REACTION.c.slug == current)
        ).scalar()
    return None
