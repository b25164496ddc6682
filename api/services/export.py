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

from sqlalchemy import ColumnElement, Connection, Engine, Table, func, insert, null, select

from api.dates import DateError, parse_when
from api.models import AuditEntry, utcnow
from api.services.records import ABOUT, CITATIONS, PARTICIPANTS, TABLES, TAG_TABLES, Counts
from api.vocabulary import EVENT_KINDS, REACTION_KINDS
from seeds.format import FILES  # seed files in load order

KINDS = tuple(kind for _, kind in FILES)
CHUNK = 5000
TARGETS = ("event", "statement", "reaction")
AUDIT: Table = AuditEntry.__table__  # type: ignore[assignment]

Row = Any  # a SQLAlchemy Row with attribute access


# --- reading ----------------------------------------------------------------------------------------------


def record_dicts(conn: Connection, kind: str, ids: list[int] | None = None) -> list[dict[str, Any]]:
    """The records of one type (all, or those with these ids) as seed-format dicts, ordered by id.

    A reaction answering another reaction comes after it. Ids that do not exist are left out.
    """
    if kind not in TABLES:
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
    table = TABLES[kind]
    wanted = None if ids is None else sorted({int(i) for i in ids})
    columns = [table.c.id] + ([table.c.target_reaction_id] if kind == "reaction" else [])
    rows: list[Row] = []
    if wanted is None:
        rows = list(conn.execute(select(*columns).order_by(table.c.id)))
    else:
        for part in _chunks(wanted):
            rows.extend(conn.execute(select(*columns).where(table.c.id.in_(part)).order_by(table.c.id)))
    if kind != "reaction":
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
    table = TABLES[kind]
    query, _ = _main_query(kind)
    rows = {row.id: row for row in conn.execute(query.where(_id_filter(table.c.id, chunk)))}
    children = _children(conn, kind, chunk)
    build = BUILDERS[kind]
    return [build(rows[i], children.get(i, {})) for i in chunk if i in rows]


@cache
def _main_query(kind: str) -> tuple[Any, tuple[str, ...]]:
    """The SELECT of a record type's columns with the slugs of the records it refers to joined in."""
    table = TABLES[kind]
    refs = REFERENCES.get(kind, {})
    columns: list[Any] = [c for c in table.c if c.name not in ("created_at", "updated_at", "version", "search_text")]
    joined = table
    for column, (ref_kind, label) in refs.items():
        other = TABLES[ref_kind].alias(f"ref_{label}")
        joined = joined.outerjoin(other, other.c.id == table.c[column])
        columns.append(other.c.slug.label(f"ref_{label}"))
    return select(*columns).select_from(joined), tuple(refs)


# column -> (referenced record type, label of the joined slug)
REFERENCES: dict[str, dict[str, tuple[str, str]]] = {
    "affiliation": {"member_id": ("actor", "member"), "organisation_id": ("actor", "organisation")},
    "statement": {"speaker_id": ("actor", "speaker"), "venue_event_id": ("event", "venue")},
    "reaction": {
        "reactor_id": ("actor", "reactor"),
        "target_event_id": ("event", "target_event"),
        "target_statement_id": ("statement", "target_statement"),
        "target_reaction_id": ("reaction", "target_reaction"),
        "statement_id": ("statement", "statement"),
    },
    "relationship_change": {
        "from_actor_id": ("actor", "from"),
        "to_actor_id": ("actor", "to"),
        "cause_event_id": ("event", "cause_event"),
        "cause_statement_id": ("statement", "cause_statement"),
        "cause_reaction_id": ("reaction", "cause_reaction"),
    },
}


def _children(conn: Connection, kind: str, chunk: list[int]) -> dict[int, dict[str, list[Any]]]:
    """Citations, participants, tags and about of a chunk's records, by record id, each list in file order."""
    out: dict[int, dict[str, list[Any]]] = defaultdict(lambda: defaultdict(list))
    if kind == "source":
        return out
    sources = TABLES["source"]
    actors = TABLES["actor"]
    fk = CITATIONS.c[f"{kind}_id"]
    rows = conn.execute(
        select(fk, sources.c.slug, CITATIONS.c.passage)
        .join(sources, sources.c.id == CITATIONS.c.source_id)
        .where(_id_filter(fk, chunk))
        .order_by(fk, CITATIONS.c.position, CITATIONS.c.id)
    )
    for parent, slug, passage in rows:
        citation = {"source": slug}
        if passage is not None:
            citation["passage"] = passage
        out[parent]["sources"].append(citation)
    if kind == "event":
        rows = conn.execute(
            select(PARTICIPANTS.c.event_id, PARTICIPANTS.c.role, actors.c.slug)
            .join(actors, actors.c.id == PARTICIPANTS.c.actor_id)
            .where(_id_filter(PARTICIPANTS.c.event_id, chunk))
            .order_by(PARTICIPANTS.c.event_id, PARTICIPANTS.c.position, PARTICIPANTS.c.id)
        )
        for parent, role, slug in rows:
            out[parent]["participants"].append((role, slug))
    if kind in TAG_TABLES:
        tags, column = TAG_TABLES[kind]
        for parent, tag in conn.execute(select(tags.c[column], tags.c.tag).where(_id_filter(tags.c[column], chunk))):
            out[parent]["tags"].append(tag)
    if kind == "statement":
        rows = conn.execute(
            select(ABOUT.c.statement_id, actors.c.slug)
            .join(actors, actors.c.id == ABOUT.c.actor_id)
            .where(_id_filter(ABOUT.c.statement_id, chunk))
        )
        for parent, slug in rows:
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
    for kind in TARGETS:
        slug = getattr(row, f"ref_{prefix}_{kind}")
        if slug is not None:
            return {kind: slug}
    return {}


def _citations(d: dict[str, Any], children: dict[str, list[Any]]) -> None:
    _put(d, "sources", list(children.get("sources", [])))


def _source(row: Row, children: dict[str, list[Any]]) -> dict[str, Any]:
    d: dict[str, Any] = {"slug": row.slug, "title": row.title}
    _put(d, "publisher", row.publisher)
    _put(d, "author", row.author)
    _put(d, "url", row.url)
    d["language"] = row.language
    _put(d, "published", row.published_text)
    return d


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


def _affiliation(row: Row, children: dict[str, list[Any]]) -> dict[str, Any]:
    d: dict[str, Any] = {"slug": row.slug, "member": row.ref_member, "organisation": row.ref_organisation}
    d["kind"] = row.kind
    _put(d, "role", row.role)
    _put(d, "start", row.start_text)
    _put(d, "end", row.end_text)
    _citations(d, children)
    return d


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


def _relationship_change(row: Row, children: dict[str, list[Any]]) -> dict[str, Any]:
    d: dict[str, Any] = {"slug": row.slug, "from": row.ref_from, "to": row.ref_to}
    _dated(d, row)
    d["delta"] = row.delta
    d["cause"] = _target(row, "cause")
    d["explanation"] = row.explanation
    _citations(d, children)
    return d


BUILDERS: dict[str, Callable[[Row, dict[str, list[Any]]], dict[str, Any]]] = {
    "source": _source,
    "actor": _actor,
    "affiliation": _affiliation,
    "event": _event,
    "statement": _statement,
    "reaction": _reaction,
    "relationship_change": _relationship_change,
}


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
    return {kind: conn.execute(select(func.count()).select_from(TABLES[kind])).scalar_one() for kind in KINDS}


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
        for kind in KINDS
    }


def record_import(conn: Connection, paths: Iterable[str], counts: Counts, *, token_name: str = "cli") -> None:
    """Write the audit entry of one import (inside the import's transaction)."""
    conn.execute(
        insert(AUDIT).values(
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
