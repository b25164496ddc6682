"""Bulk export: records as dicts in exactly the seed file format, and a whole database as a folder of seed files.

``record_dicts`` turns stored records of one type back into the dicts a seed file holds (references by slug,
dates as their canonical text, optional keys left out when empty), so ``realign export`` followed by
``realign import`` reproduces the database, and exporting again gives byte-identical files. Mutations use it
to capture a record's current state. Every record type is read in a handful of bulk queries per chunk of
ids (the rows with their references' slugs joined in, then each child table), never one query per record.
"""

from __future__ import annotations

import json
import os
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

from sqlalchemy import ColumnElement, Connection, Engine, FromClause, func, insert, null, select

from api import kinds
from api.dates import DateError, parse_when
from api.kinds import BY_KEY, FILES, KEYS, TIMELINE, PerKind, Reference
from api.models import utcnow
from api.services import changes
from api.services.records import Counts
from api.tables import ACTOR, AUDIT_ENTRY, CITATION, EVENT_PARTICIPANT, SOURCE, STATEMENT_ABOUT
from api.vocabulary import EVENT_KINDS, REACTION_KINDS

CHUNK = 5000

Row = Any  # a SQLAlchemy Row with attribute access


# --- reading ----------------------------------------------------------------------------------------------


def record_dicts(conn: Connection, kind: str, ids: list[int] | None = None) -> list[dict[str, Any]]:
    """The records of one type (all, or those with these ids) as seed-format dicts, ordered by id.

    A reaction answering another reaction comes after it. Ids that do not exist are left out.
    """
    if kind not in BY_KEY:
        raise ValueError(f"unknown record type {kind!r}")
    out: list[dict[str, Any]] = []
    for chunk in _chunks(_ordered_ids(conn, kind, ids)):
        out.extend(_dicts(conn, kind, chunk))
    return out


def _chunks(items: list[int], size: int = CHUNK) -> Iterator[list[int]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _ordered_ids(conn: Connection, kind: str, ids: list[int] | None) -> list[int]:
    """The ids to export in output order: by id, answered reactions before the reactions answering them."""
    table = BY_KEY[kind].table
    own = BY_KEY[kind].self_reference
    wanted = None if ids is None else sorted({int(i) for i in ids})
    columns = [table.c.id] + ([table.c[own.column]] if own is not None else [])
    rows: list[Row] = []
    if wanted is None:
        rows = list(conn.execute(select(*columns).order_by(table.c.id)))
    else:
        for part in _chunks(wanted):
            rows.extend(conn.execute(select(*columns).where(table.c.id.in_(part)).order_by(table.c.id)))
    if own is None:
        return [row[0] for row in rows]
    return _answered_first([(row[0], row[1]) for row in rows])


def _answered_first(pairs: list[tuple[int, int | None]]) -> list[int]:
    """Ids in id order, except that each one's target (when among them) is moved before it; cycles are cut."""
    target = dict(pairs)
    done: set[int] = set()
    order: list[int] = []
    for ident, _ in pairs:
        trail: list[int] = []
        current: int | None = ident
        while current is not None and current in target and current not in done and current not in trail:
            trail.append(current)
            current = target[current]
        for item in reversed(trail):
            done.add(item)
            order.append(item)
    return order


def _id_filter(column: ColumnElement[Any], chunk: list[int]) -> ColumnElement[bool]:
    """``column`` within the chunk: a range when the ids are (nearly) contiguous, else a list."""
    low, high = min(chunk), max(chunk)
    if high - low + 1 <= 2 * len(chunk):
        return column.between(low, high)
    return column.in_(chunk)


def _dicts(conn: Connection, kind: str, chunk: list[int]) -> list[dict[str, Any]]:
    """Seed dicts for one chunk of ids, in the chunk's order."""
    table = BY_KEY[kind].table
    query, _ = _main_query(kind)
    rows = {row.id: row for row in conn.execute(query.where(_id_filter(table.c.id, chunk)))}
    children = _children(conn, kind, chunk)
    build = WRITERS[kind]
    return [build(rows[i], children.get(i, {})) for i in chunk if i in rows]


@cache
def _main_query(kind: str) -> tuple[Any, tuple[str, ...]]:
    """The SELECT of a record type's columns with the slugs of the records it refers to joined in."""
    table = BY_KEY[kind].table
    refs = BY_KEY[kind].references
    columns: list[Any] = [c for c in table.c if c.name not in ("created_at", "updated_at", "version", "search_text")]
    joined: FromClause = table
    for ref in refs:
        other = BY_KEY[ref.target].table.alias(f"ref_{_label(ref)}")
        joined = joined.outerjoin(other, other.c.id == table.c[ref.column])
        columns.append(other.c.slug.label(f"ref_{_label(ref)}"))
    return select(*columns).select_from(joined), tuple(ref.column for ref in refs)


def _label(ref: Reference) -> str:
    """The name of a referred record's slug in the row (``ref_<label>``): its field, and for a target or cause the
    kind as well (``target_event``)."""
    return f"{ref.field}_{ref.target}" if ref.one_of else ref.field


def _children(conn: Connection, kind: str, chunk: list[int]) -> dict[int, dict[str, list[Any]]]:
    """Citations, participants, tags and about of a chunk's records, by record id, each list in file order."""
    out: dict[int, dict[str, list[Any]]] = defaultdict(lambda: defaultdict(list))
    citation_column = BY_KEY[kind].citation_column
    if citation_column is None:  # a source: no citations, nor any other child rows
        return out
    fk = CITATION.c[citation_column]
    rows = conn.execute(
        select(fk, SOURCE.c.slug, CITATION.c.passage)
        .join(SOURCE, SOURCE.c.id == CITATION.c.source_id)
        .where(_id_filter(fk, chunk))
        .order_by(fk, CITATION.c.position, CITATION.c.id)
    )
    for parent, slug, passage in rows:
        citation = {"source": slug}
        if passage is not None:
            citation["passage"] = passage
        out[parent]["sources"].append(citation)
    if kind == "event":
        participants = EVENT_PARTICIPANT
        rows = conn.execute(
            select(participants.c.event_id, participants.c.role, ACTOR.c.slug)
            .join(ACTOR, ACTOR.c.id == participants.c.actor_id)
            .where(_id_filter(participants.c.event_id, chunk))
            .order_by(participants.c.event_id, participants.c.position, participants.c.id)
        )
        for parent, role, slug in rows:
            out[parent]["participants"].append((role, slug))
    tagged = BY_KEY[kind].tags
    if tagged is not None:
        tags, column = tagged.table, tagged.parent
        for parent, tag in conn.execute(select(tags.c[column], tags.c.tag).where(_id_filter(tags.c[column], chunk))):
            out[parent]["tags"].append(tag)
    if kind == "statement":
        about = STATEMENT_ABOUT
        about_rows = conn.execute(
            select(about.c.statement_id, ACTOR.c.slug)
            .join(ACTOR, ACTOR.c.id == about.c.actor_id)
            .where(_id_filter(about.c.statement_id, chunk))
        )
        for parent, slug in about_rows:
            out[parent]["about"].append(slug)
    # Tags and about have no stored order: sorted in Python, so every backend and collation gives the same bytes.
    for entry in out.values():
        for name in ("tags", "about"):
            if name in entry:
                entry[name].sort()
    return out


# --- building the dicts -----------------------------------------------------------------------------------


def _put(d: dict[str, Any], key: str, value: Any) -> None:
    """Set an optional key unless the value is null or empty (the seed format reads those as "not given")."""
    if value is None or value == [] or value == {}:
        return
    if isinstance(value, str) and not value.strip():
        return
    d[key] = value


def _number(value: float) -> int | float:
    """A stored number as the file writes it: whole numbers without a decimal point."""
    return int(value) if float(value).is_integer() else value


@lru_cache(maxsize=65536)
def _label_of(text: str) -> str | None:
    try:
        return parse_when(text).label
    except DateError:
        return None


def _dated(d: dict[str, Any], row: Row) -> None:
    d["date"] = row.when_text
    if row.date_label != _label_of(row.when_text):
        d["date_label"] = row.date_label
    if row.day_order:
        d["day_order"] = row.day_order


def _target(row: Row, prefix: str) -> dict[str, str]:
    for kind in TIMELINE:
        slug = getattr(row, f"ref_{prefix}_{kind}")
        if slug is not None:
            return {kind: slug}
    return {}


def _citations(d: dict[str, Any], children: dict[str, list[Any]]) -> None:
    _put(d, "sources", list(children.get("sources", [])))


# The writer of each record kind: a row (with its references' slugs) and its child rows to a seed-file dict.
WRITERS: PerKind[Callable[[Row, dict[str, list[Any]]], dict[str, Any]]] = PerKind()


@WRITERS.of(kinds.SOURCE)
def _source(row: Row, children: dict[str, list[Any]]) -> dict[str, Any]:
    d: dict[str, Any] = {"slug": row.slug, "title": row.title}
    _put(d, "publisher", row.publisher)
    _put(d, "author", row.author)
    _put(d, "url", row.url)
    d["language"] = row.language
    _put(d, "published", row.published_text)
    return d


@WRITERS.of(kinds.ACTOR)
def _actor(row: Row, children: dict[str, list[Any]]) -> dict[str, Any]:
    d: dict[str, Any] = {"slug": row.slug, "name": row.name, "kind": row.kind}
    _put(d, "country", row.country)
    _put(d, "sectors", row.sectors)
    _put(d, "aliases", row.aliases)
    _put(d, "wikidata", row.wikidata)
    _put(d, "external_ids", row.external_ids)
    _put(d, "description", row.description)
    _citations(d, children)
    return d


@WRITERS.of(kinds.AFFILIATION)
def _affiliation(row: Row, children: dict[str, list[Any]]) -> dict[str, Any]:
    d: dict[str, Any] = {"slug": row.slug, "member": row.ref_member, "organisation": row.ref_organisation}
    d["kind"] = row.kind
    _put(d, "role", row.role)
    _put(d, "start", row.start_text)
    _put(d, "end", row.end_text)
    _citations(d, children)
    return d


@WRITERS.of(kinds.EVENT)
def _event(row: Row, children: dict[str, list[Any]]) -> dict[str, Any]:
    d: dict[str, Any] = {"slug": row.slug, "title": row.title}
    _put(d, "summary", row.summary)
    d["kind"] = row.kind
    _put(d, "mode", row.mode)
    _put(d, "contexts", row.contexts)
    default = EVENT_KINDS[row.kind][1] if row.kind in EVENT_KINDS else None
    if row.score != default:
        d["score"] = _number(row.score)
    d["modality"] = row.modality
    _put(d, "cameo", row.cameo)
    _dated(d, row)
    place: dict[str, Any] = {}
    _put(place, "name", row.place_name)
    _put(place, "country", row.place_country)
    _put(place, "lat", row.place_lat)
    _put(place, "lon", row.place_lon)
    _put(d, "place", place)
    participants: dict[str, list[str]] = {}
    for role, slug in children.get("participants", []):
        participants.setdefault(role, []).append(slug)
    _put(d, "participants", participants)
    _put(d, "tags", list(children.get("tags", [])))
    _citations(d, children)
    return d


@WRITERS.of(kinds.STATEMENT)
def _statement(row: Row, children: dict[str, list[Any]]) -> dict[str, Any]:
    d: dict[str, Any] = {"slug": row.slug, "speaker": row.ref_speaker}
    _dated(d, row)
    d["channel"] = row.channel
    _put(d, "venue", row.ref_venue)
    d["quote"] = row.quote
    d["language"] = row.language
    _put(d, "translation", row.translation)
    _put(d, "about", list(children.get("about", [])))
    _put(d, "stance", row.stance)
    _put(d, "summary", row.summary)
    _put(d, "tags", list(children.get("tags", [])))
    _citations(d, children)
    return d


@WRITERS.of(kinds.REACTION)
def _reaction(row: Row, children: dict[str, list[Any]]) -> dict[str, Any]:
    d: dict[str, Any] = {"slug": row.slug, "reactor": row.ref_reactor, "kind": row.kind}
    d["target"] = _target(row, "target")
    _put(d, "statement", row.ref_statement)
    _dated(d, row)
    default = REACTION_KINDS[row.kind][1] if row.kind in REACTION_KINDS else None
    if row.score != default:
        d["score"] = _number(row.score)
    _put(d, "summary", row.summary)
    _put(d, "tags", list(children.get("tags", [])))
    _citations(d, children)
    return d


@WRITERS.of(kinds.RELATIONSHIP_CHANGE)
def _relationship_change(row: Row, children: dict[str, list[Any]]) -> dict[str, Any]:
    d: dict[str, Any] = {"slug": row.slug, "from": row.ref_from, "to": row.ref_to}
    _dated(d, row)
    d["delta"] = row.delta
    d["cause"] = _target(row, "cause")
    d["explanation"] = row.explanation
    _citations(d, children)
    return d


# --- whole database ---------------------------------------------------------------------------------------


@contextmanager
def snapshot(engine: Engine) -> Iterator[Connection]:
    """A connection whose reads all see one consistent state of the database (for a whole export)."""
    with engine.connect() as conn:
        if conn.dialect.name == "postgresql":
            conn = conn.execution_options(isolation_level="REPEATABLE READ")
            conn.execute(select(1))
        else:
            # A (deferred) transaction, begun by the first read, pins the WAL snapshot (see api.db).
            conn = conn.execution_options(sqlite_immediate=False)
            conn.execute(select(1))
        try:
            yield conn
        finally:
            conn.rollback()


def totals(conn: Connection) -> dict[str, int]:
    """How many records of each type the database holds."""
    return {kind: conn.execute(select(func.count()).select_from(BY_KEY[kind].table)).scalar_one() for kind in KEYS}


def export_dir(conn: Connection, folder: Path, progress: Callable[[int], None] | None = None) -> dict[str, int]:
    """Write every record type to its seed file in ``folder`` (created if need be); returns the counts.

    Each file is written to a temporary name and renamed into place once all seven are complete, so a
    failed export leaves any earlier files as they were.
    """
    folder.mkdir(parents=True, exist_ok=True)
    counts: dict[str, int] = {}
    written: list[tuple[Path, Path]] = []
    try:
        for name, kind in FILES:
            target = folder / name
            temporary = folder / f".{name}.partial"
            written.append((temporary, target))
            counts[kind] = 0
            with temporary.open("w", encoding="utf-8", newline="\n") as handle:
                for chunk in _chunks(_ordered_ids(conn, kind, None)):
                    lines = [json.dumps(d, ensure_ascii=False) + "\n" for d in _dicts(conn, kind, chunk)]
                    handle.writelines(lines)
                    counts[kind] += len(lines)
                    if progress is not None:
                        progress(len(lines))
        for temporary, target in written:
            os.replace(temporary, target)
    finally:
        for temporary, _ in written:
            temporary.unlink(missing_ok=True)
    return counts


# --- import bookkeeping -----------------------------------------------------------------------------------


def count_summary(counts: Counts) -> dict[str, dict[str, int]]:
    """Per record type, how many records an import inserted, updated and left unchanged."""
    return {
        kind: {"new": counts.inserted[kind], "updated": counts.updated[kind], "unchanged": counts.unchanged[kind]}
        for kind in KEYS
    }


def record_import(conn: Connection, paths: Iterable[str], counts: Counts, *, token_name: str = "cli") -> None:
    """Write the audit entry of one import, and the change log of what it wrote (inside the import's transaction):
    live subscriptions hear of imported records as of any other write."""
    conn.execute(
        insert(AUDIT_ENTRY).values(
            at=utcnow(),
            token_id=None,
            token_name=token_name,
            action="import",
            record_type="import",
            record_id=None,
            record_slug=None,
            before=null(),
            after={"paths": list(paths), "counts": count_summary(counts)},
        )
    )
    changes.record_written(conn, counts.written or [])
