"""Writing records in bulk, by slug: the one write path shared by the seed loader, imports and the CLI.

Records arrive as ``seeds.format.Parsed`` (columns plus references by slug and child lists). ``write``
resolves the references, inserts new records, updates changed ones (bumping their version) and leaves
unchanged ones alone, all inside the caller's transaction.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, Table, delete, func, insert, select, text, update

from api.kinds import BY_KEY, KINDS
from api.models import utcnow
from api.tables import CITATION, EVENT_PARTICIPANT, STATEMENT_ABOUT
from seeds.format import Parsed, Problem

CHUNK = 500


@dataclass
class Counts:
    """How many records of each type were inserted, updated or left unchanged."""

    inserted: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    updated: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    unchanged: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    # When asked for (``write(..., track=True)``): each record written, as (action, kind, id, slug), action
    # ``create`` or ``update``, for the change log (``api.services.changes.record_written``).
    written: list[tuple[str, str, int, str]] | None = None

    def total(self, kind: str) -> int:
        """Records of a type that the files hold."""
        return self.inserted[kind] + self.updated[kind] + self.unchanged[kind]

    def lines(self) -> list[str]:
        """The counts as a report, a line per type the files hold, in load order:
        ``events     12  (new 3, updated 1, unchanged 8)``."""
        return [
            f"{kind.plural:22} {self.total(kind.key):>7}  (new {self.inserted[kind.key]}, "
            f"updated {self.updated[kind.key]}, unchanged {self.unchanged[kind.key]})"
            for kind in KINDS
            if self.total(kind.key)
        ]


def _chunks(items: list[Any], size: int = CHUNK) -> Iterable[list[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def existing_ids(conn: Connection, kind: str, slugs: Iterable[str]) -> dict[str, int]:
    """The ids of the records of a type that already exist, by slug."""
    table = BY_KEY[kind].table
    found: dict[str, int] = {}
    for chunk in _chunks(sorted(set(slugs))):
        for slug, ident in conn.execute(select(table.c.slug, table.c.id).where(table.c.slug.in_(chunk))):
            found[slug] = ident
    return found


def missing_references(conn: Connection, records: list[Parsed]) -> list[str]:
    """``where: field: message`` for every reference to a slug neither in the records nor the database."""
    return [problem.line(record.where) for record, problem in reference_problems(conn, records)]


def reference_problems(
    conn: Connection, records: list[Parsed], partial: Iterable[Parsed] = ()
) -> list[tuple[Parsed, Problem]]:
    """Every reference of ``records`` and ``partial`` (records with problems of their own) to a slug that is
    neither among them nor in the database. A partial record still counts as there: its own problems say
    what is wrong, and an `unknown` for each record referring to it would only send the reader looking."""
    partial = list(partial)
    known: dict[str, set[str]] = defaultdict(set)
    for record in [*records, *partial]:
        known[record.kind].add(record.slug)
    wanted: dict[str, set[str]] = defaultdict(set)
    for record in [*records, *partial]:
        for kind, slug in _references(record):
            if slug not in known[kind]:
                wanted[kind].add(slug)
    for kind, slugs in wanted.items():
        known[kind].update(existing_ids(conn, kind, slugs))
    found = []
    for record in [*records, *partial]:
        for kind, slug, name, index in reference_items(record):
            if slug not in known[kind]:
                found.append((record, Problem(name, f"unknown {kind.replace('_', ' ')} {slug!r}", index)))
    return found


def reference_items(record: Parsed) -> list[tuple[str, str, str, int | None]]:
    """Every reference of a record: (kind, slug, the seed field naming it, the position in that field's list)."""
    items: list[tuple[str, str, str, int | None]] = []
    references = BY_KEY[record.kind].by_column
    for column, (kind, slug) in record.refs.items():
        items.append((kind, slug, references[column].field, None))
    within: dict[str, int] = defaultdict(int)
    for role, slug in record.participants:
        items.append(("actor", slug, f"participants.{role}", within[role]))
        within[role] += 1
    items += [("actor", slug, "about", index) for index, slug in enumerate(record.about)]
    items += [("source", slug, "sources", index) for index, (slug, _) in enumerate(record.citations)]
    return items


def _references(record: Parsed) -> list[tuple[str, str]]:
    return [(kind, slug) for kind, slug, _, _ in reference_items(record)]


def duplicate_slugs(records: list[Parsed]) -> list[str]:
    """``where: slug: message`` for every slug used twice within one record type."""
    first: dict[tuple[str, str], str] = {}
    errors = []
    for record in records:
        key = (record.kind, record.slug)
        if key in first:
            errors.append(f"{record.where}: slug: {record.slug!r} is already used at {first[key]}")
        else:
            first[key] = record.where
    return errors


def _answered_first(records: list[Parsed], column: str) -> list[Parsed]:
    """Records that refer to a record of their own kind (in ``column``: a reaction answering a reaction) come
    after it."""
    by_slug = {r.slug: r for r in records}
    done: set[str] = set()
    ordered: list[Parsed] = []

    def visit(record: Parsed, trail: set[str]) -> None:
        if record.slug in done:
            return
        target = record.refs.get(column)
        if target and target[1] in by_slug and target[1] not in trail:
            visit(by_slug[target[1]], trail | {record.slug})
        done.add(record.slug)
        ordered.append(record)

    for record in records:
        visit(record, set())
    return ordered


def write(
    conn: Connection, records: list[Parsed], *, progress: Callable[[int], None] | None = None, track: bool = False
) -> Counts:
    """Insert or update every record by slug (references must already be valid); with ``track``, the counts also
    list each record created or updated (``Counts.written``)."""
    counts = Counts(written=[] if track else None)
    ids: dict[str, dict[str, int]] = defaultdict(dict)
    by_kind: dict[str, list[Parsed]] = defaultdict(list)
    for record in records:
        by_kind[record.kind].append(record)
    for kind in KINDS:
        batch = by_kind.get(kind.key, [])
        if kind.self_reference is not None:
            batch = _answered_first(batch, kind.self_reference.column)
        if batch:
            _write_kind(conn, kind.key, batch, ids, counts, progress)
    return counts


def _resolve(conn: Connection, ids: dict[str, dict[str, int]], kind: str, slugs: set[str]) -> None:
    missing = slugs - ids[kind].keys()
    if missing:
        ids[kind].update(existing_ids(conn, kind, missing))


def _write_kind(
    conn: Connection,
    kind: str,
    batch: list[Parsed],
    ids: dict[str, dict[str, int]],
    counts: Counts,
    progress: Callable[[int], None] | None,
) -> None:
    table = BY_KEY[kind].table
    # Self-references (a reaction answering a reaction) need their target written first: split in waves.
    waves: list[list[Parsed]] = [batch]
    own = BY_KEY[kind].self_reference
    if own is not None:
        waves = []
        current: list[Parsed] = []
        for record in batch:
            target = record.refs.get(own.column)
            if target and target[1] in {r.slug for r in current}:
                waves.append(current)
                current = []
            current.append(record)
        waves.append(current)
    for wave in waves:
        for chunk in _chunks(wave, 2000):
            wanted: dict[str, set[str]] = defaultdict(set)
            for record in chunk:
                for ref_kind, slug in _references(record):
                    wanted[ref_kind].add(slug)
            for ref_kind, slugs in wanted.items():
                _resolve(conn, ids, ref_kind, slugs)
            _write_chunk(conn, kind, table, chunk, ids, counts)
            if progress is not None and kind == "event":
                progress(len(chunk))


def _columns(record: Parsed, ids: dict[str, dict[str, int]]) -> dict[str, Any]:
    values = dict(record.values)
    for column, (ref_kind, slug) in record.refs.items():
        values[column] = ids[ref_kind][slug]
    return values


def _write_chunk(
    conn: Connection,
    kind: str,
    table: Table,
    chunk: list[Parsed],
    ids: dict[str, dict[str, int]],
    counts: Counts,
) -> None:
    slugs = [r.slug for r in chunk]
    compare = sorted({c.name for c in table.c} - {"id", "created_at", "updated_at", "version"})
    existing = {row.slug: row._mapping for row in conn.execute(select(table).where(table.c.slug.in_(slugs)))}
    now = utcnow()
    new_rows: list[dict[str, Any]] = []
    changed: list[tuple[Parsed, dict[str, Any]]] = []
    for record in chunk:
        values = _columns(record, ids)
        old = existing.get(record.slug)
        if old is None:
            new_rows.append(values)
        else:
            ids[kind][record.slug] = old["id"]
            if any(_differs(old[c], values.get(c)) for c in compare if c in values):
                changed.append((record, values))
    if new_rows:
        for ident, row in zip(_new_ids(conn, table, len(new_rows)), new_rows, strict=True):
            row.update(id=ident, created_at=now, updated_at=now, version=1)
            ids[kind][row["slug"]] = row["id"]
        conn.execute(insert(table), new_rows)
        counts.inserted[kind] += len(new_rows)
    for _, values in changed:
        conn.execute(
            update(table)
            .where(table.c.slug == values["slug"])
            .values(**values, updated_at=now, version=table.c.version + 1)
        )
    children_changed = _write_children(conn, kind, chunk, ids, fresh={r["slug"] for r in new_rows})
    changed_slugs = {values["slug"] for _, values in changed}
    for slug in children_changed - changed_slugs:
        conn.execute(update(table).where(table.c.slug == slug).values(updated_at=now, version=table.c.version + 1))
    counts.updated[kind] += len(changed_slugs | children_changed)
    if counts.written is not None:
        counts.written += [("create", kind, row["id"], row["slug"]) for row in new_rows]
        counts.written += [("update", kind, ids[kind][slug], slug) for slug in sorted(changed_slugs | children_changed)]
    counts.unchanged[kind] += len(chunk) - len(new_rows) - len(changed_slugs | children_changed)


def _new_ids(conn: Connection, table: Table, count: int) -> list[int]:
    """Ids for new rows, taken up front so children can refer to them in the same batch.

    PostgreSQL hands them out from the table's sequence (safe beside concurrent writers). SQLite continues
    after the largest id: safe because Realign's SQLite writes hold the write lock from their first statement
    (``BEGIN IMMEDIATE``, see ``api.db``).
    """
    if conn.dialect.name == "postgresql":
        sequence = text(f"SELECT nextval(pg_get_serial_sequence('{table.name}', 'id')) FROM generate_series(1, :n)")
        return [row[0] for row in conn.execute(sequence, {"n": count})]
    start = (conn.execute(select(func.max(table.c.id))).scalar() or 0) + 1
    return list(range(start, start + count))


def _differs(old: Any, new: Any) -> bool:
    if isinstance(old, float) or isinstance(new, float):
        return old is None or new is None or abs(float(old) - float(new)) > 1e-9
    return old != new


def _children(kind: str, record: Parsed, ids: dict[str, dict[str, int]]) -> dict[str, list[tuple[Any, ...]]]:
    if kind == "source":
        return {}
    out: dict[str, list[tuple[Any, ...]]] = {
        "citations": [(ids["source"][s], p, i) for i, (s, p) in enumerate(record.citations)]
    }
    if kind == "event":
        out["participants"] = sorted(
            (ids["actor"][slug], role, i) for i, (role, slug) in enumerate(record.participants)
        )
    if BY_KEY[kind].tags is not None:
        out["tags"] = sorted((t,) for t in set(record.tags))
    if kind == "statement":
        out["about"] = sorted({(ids["actor"][s],) for s in record.about})
    return out


def _current_children(conn: Connection, kind: str, parent_ids: list[int]) -> dict[int, dict[str, list[tuple]]]:
    current: dict[int, dict[str, list[tuple]]] = defaultdict(lambda: defaultdict(list))
    fk = CITATION.c[_citation_column(kind)]
    rows = conn.execute(
        select(fk, CITATION.c.source_id, CITATION.c.passage, CITATION.c.position)
        .where(fk.in_(parent_ids))
        .order_by(fk, CITATION.c.position)
    )
    for parent, *rest in rows:
        current[parent]["citations"].append(tuple(rest))
    if kind == "event":
        rows = conn.execute(
            select(
                EVENT_PARTICIPANT.c.event_id,
                EVENT_PARTICIPANT.c.actor_id,
                EVENT_PARTICIPANT.c.role,
                EVENT_PARTICIPANT.c.position,
            ).where(EVENT_PARTICIPANT.c.event_id.in_(parent_ids))
        )
        for parent, *rest in rows:
            current[parent]["participants"].append(tuple(rest))
    tagged = BY_KEY[kind].tags
    if tagged is not None:
        tags, column = tagged.table, tagged.parent
        for parent, tag in conn.execute(select(tags.c[column], tags.c.tag).where(tags.c[column].in_(parent_ids))):
            current[parent]["tags"].append((tag,))
    if kind == "statement":
        about = STATEMENT_ABOUT
        about_rows = conn.execute(
            select(about.c.statement_id, about.c.actor_id).where(about.c.statement_id.in_(parent_ids))
        )
        for parent, actor in about_rows:
            current[parent]["about"].append((actor,))
    for entry in current.values():
        for name in ("participants", "tags", "about"):
            entry[name].sort()
    return current


def _write_children(
    conn: Connection, kind: str, chunk: list[Parsed], ids: dict[str, dict[str, int]], *, fresh: set[str]
) -> set[str]:
    """Replace child rows (participants, tags, about, citations) that differ; returns the changed slugs."""
    wanted = {r.slug: _children(kind, r, ids) for r in chunk}
    if kind == "source":
        return set()
    parent_ids = [ids[kind][r.slug] for r in chunk if r.slug not in fresh]
    current = _current_children(conn, kind, parent_ids) if parent_ids else {}
    changed: set[str] = set()
    replace: dict[str, list[int]] = defaultdict(list)
    rows: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for slug, children in wanted.items():
        parent = ids[kind][slug]
        for name, items in children.items():
            have = current.get(parent, {}).get(name, []) if slug not in fresh else []
            if list(have) == list(items):
                continue
            if slug not in fresh:
                changed.add(slug)
                replace[name].append(parent)
            rows[name].extend(_child_row(kind, name, parent, item) for item in items)
    targets = _child_tables(kind)
    for name, parents in replace.items():
        table, column = targets[name]
        for part in _chunks(parents):
            conn.execute(delete(table).where(table.c[column].in_(part)))
    for name, child_rows in rows.items():
        if child_rows:
            table, _ = targets[name]
            for part in _chunks(child_rows, 5000):
                conn.execute(insert(table), part)
    return changed


def _child_tables(kind: str) -> dict[str, tuple[Table, str]]:
    out = {
        "citations": (CITATION, _citation_column(kind)),
        "participants": (EVENT_PARTICIPANT, "event_id"),
        "about": (STATEMENT_ABOUT, "statement_id"),
    }
    tagged = BY_KEY[kind].tags
    if tagged is not None:
        out["tags"] = (tagged.table, tagged.parent)
    return out


def _citation_column(kind: str) -> str:
    column = BY_KEY[kind].citation_column
    assert column is not None, f"a {kind} cites no sources"
    return column


def _child_row(kind: str, name: str, parent: int, item: tuple[Any, ...]) -> dict[str, Any]:
    if name == "citations":
        now = utcnow()
        return {
            _citation_column(kind): parent,
            "source_id": item[0],
            "passage": item[1],
            "position": item[2],
            "created_at": now,
            "updated_at": now,
            "version": 1,
        }
    if name == "participants":
        return {"event_id": parent, "actor_id": item[0], "role": item[1], "position": item[2]}
    if name == "tags":
        tagged = BY_KEY[kind].tags
        assert tagged is not None, f"a {kind} has no tags"
        return {tagged.parent: parent, "tag": item[0]}
    return {"statement_id": parent, "actor_id": item[0]}
