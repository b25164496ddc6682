"""Loading seed files into the database: validate everything first, then write it all in one transaction."""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import Connection, Engine

from api import spans
from api.kinds import BY_FILE, FILES
from api.services import records as record_service
from seeds.format import Parsed, read_dir_all, read_record

STORY = Path(__file__).resolve().parent / "story"


@dataclass
class LoadResult:
    """What a load did, or the errors that stopped it (then nothing was written).

    With ``skip_invalid`` the errors are empty and ``skipped`` lists, as ``where: field: message``, every
    problem that kept a record out: its own, or a reference to a record that was skipped or is missing.
    """

    errors: list[str] = field(default_factory=list)
    counts: record_service.Counts | None = None
    skipped: list[str] = field(default_factory=list)
    skipped_records: int = 0


@dataclass
class ReadResult:
    """Records read from seed files, every problem found, and the slugs of lines that could not be read."""

    records: list[Parsed] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    # the lines with problems, read as far as they go: their references are checked too
    partial: list[Parsed] = field(default_factory=list)
    # (kind, slug) -> where, for records whose line had a slug but failed to validate
    rejected: dict[tuple[str, str], str] = field(default_factory=dict)
    files: list[Path] = field(default_factory=list)


def seed_files(path: Path) -> list[tuple[Path, str]]:
    """The seed files of a path: a folder's files in load order, or one file whose name gives its kind."""
    if path.is_dir():
        found = [(path / name, kind) for name, kind in FILES if (path / name).is_file()]
        if not found:
            raise ValueError(f"{path}: no seed files (expected {', '.join(n for n, _ in FILES)})")
        return found
    kind = BY_FILE.get(path.name)
    if kind is None:
        raise ValueError(f"{path}: the file name must say its record type: one of {', '.join(n for n, _ in FILES)}")
    if not path.is_file():
        raise ValueError(f"{path}: no such file")
    return [(path, kind.key)]


def read_paths(paths: Sequence[Path], *, progress: Callable[[int], None] | None = None) -> ReadResult:
    """Read every seed file of the given folders and single files (in load order by record type).

    ``progress`` is called with the number of bytes read as reading goes. Raises ``ValueError`` for a path
    that is neither a folder of seed files nor a seed file.
    """
    files: list[tuple[Path, str]] = []
    for path in paths:
        files += seed_files(path)
    order = {kind: i for i, (_, kind) in enumerate(FILES)}
    files.sort(key=lambda item: order[item[1]])  # stable: the paths' order within a record type
    result = ReadResult(files=[file for file, _ in files])
    for file, kind in files:
        _read_file(file, kind, result, progress)
    return result


def total_bytes(paths: Sequence[Path]) -> int:
    """The size of every seed file the paths name (for a progress bar)."""
    return sum(file.stat().st_size for path in paths for file, _ in seed_files(path))


def _read_file(file: Path, kind: str, result: ReadResult, progress: Callable[[int], None] | None) -> None:
    records, errors, rejected = result.records, result.errors, result.rejected
    pending = 0
    with file.open("rb") as handle:
        for number, raw in enumerate(handle, start=1):
            pending += len(raw)
            if progress is not None and pending >= 1 << 20:
                progress(pending)
                pending = 0
            where = f"{file}:{number}"
            try:
                line = raw.decode("utf-8")
            except UnicodeDecodeError as exc:
                errors.append(f"{where}: json: not UTF-8 text (byte {exc.start + 1})")
                continue
            if number == 1:
                line = line.removeprefix("\ufeff")
            if not line.strip():
                continue
            try:
                data = json.loads(line)
            except json.JSONDecodeError as exc:
                errors.append(f"{where}: json: {exc.msg} at column {exc.colno}")
                continue
            if not isinstance(data, dict):
                errors.append(f"{where}: json: each line must be one JSON object")
                continue
            parsed, problems = read_record(kind, data, where)
            if not problems:
                records.append(parsed)
                continue
            result.partial.append(parsed)
            errors.extend(problem.line(where) for problem in problems)
            slug = data.get("slug")
            if isinstance(slug, str):
                rejected.setdefault((kind, slug), where)
    if progress is not None and pending:
        progress(pending)


def validate(engine: Engine, records: list[Parsed], errors: list[str], partial: Iterable[Parsed] = ()) -> list[str]:
    """All problems with a set of records: read errors, duplicate slugs and unknown references (those of the
    ``partial`` records of lines with problems too), each line's together."""
    problems = list(errors) + record_service.duplicate_slugs(records)
    with engine.connect() as conn:
        found = record_service.reference_problems(conn, records, partial)
    problems += [problem.line(record.where) for record, problem in found]
    problems += [f"{r.where}: target: {message}" for r, message in reaction_cycles(records)]
    return _by_line(problems)


def _by_line(problems: list[str]) -> list[str]:
    """Problems grouped by the line they are on (in the order lines first appear), so that a line's problems
    read together however many checks found them."""
    order: dict[str, int] = {}
    for problem in problems:
        order.setdefault(problem.split(": ", 1)[0], len(order))
    return sorted(problems, key=lambda problem: order[problem.split(": ", 1)[0]])


def reaction_cycles(records: Iterable[Parsed]) -> list[tuple[Parsed, str]]:
    """Reactions that answer each other in a circle (none of them could be written first), with a message."""
    target: dict[str, Parsed] = {}
    answers: dict[str, str] = {}
    for record in records:
        if record.kind == "reaction" and record.slug not in target:
            target[record.slug] = record
            ref = record.refs.get("target_reaction_id")
            if ref:
                answers[record.slug] = ref[1]
    state: dict[str, int] = {}  # 1 on the current path, 2 finished
    found: list[tuple[Parsed, str]] = []
    for start in answers:
        path: list[str] = []
        current: str | None = start
        while current is not None and current in target and current not in state:
            state[current] = 1
            path.append(current)
            current = answers.get(current)
        if current is not None and state.get(current) == 1:
            circle = path[path.index(current) :]
            chain = " → ".join([*circle, circle[0]])
            found.extend((target[slug], f"reactions answer each other in a circle ({chain})") for slug in circle)
        for slug in path:
            state[slug] = 2
    return found


def prune(
    engine: Engine,
    records: list[Parsed],
    errors: list[str],
    rejected: dict[tuple[str, str], str] | None = None,
    partial: Iterable[Parsed] = (),
) -> tuple[list[Parsed], list[str], int]:
    """Drop every invalid record and, repeatedly until stable, every record referring to a dropped or
    missing one. Returns the records to write, the reasons (``where: field: message``; every one of a record,
    the unknown references of the ``partial`` records of invalid lines included) and how many records were
    dropped (lines that could not be read included)."""
    partial = list(partial)
    reasons = list(errors)
    if partial:
        with engine.connect() as conn:
            found = record_service.reference_problems(conn, records, partial)
        invalid = {id(record) for record in partial}
        reasons = _by_line(reasons + [p.line(r.where) for r, p in found if id(r) in invalid])
    dropped_where: set[str] = {line.split(": ", 1)[0] for line in errors}
    dropped: dict[tuple[str, str], str] = dict(rejected or {})
    kept: dict[tuple[str, str], Parsed] = {}
    for record in records:
        key = (record.kind, record.slug)
        if key in kept:
            reasons.append(f"{record.where}: slug: {record.slug!r} is already used at {kept[key].where}")
            dropped_where.add(record.where)
        else:
            kept[key] = record
    with engine.connect() as conn:
        in_database = _in_database(conn, kept)
        cyclic = {id(record): message for record, message in reaction_cycles(kept.values())}
        wave: list[tuple[Parsed, list[str]]] = []
        for record in kept.values():
            problems = _bad_references(record, kept, in_database, dropped)
            if id(record) in cyclic:
                problems.append(f"target: {cyclic[id(record)]}")
            if problems:
                wave.append((record, problems))
        dependants: dict[tuple[str, str], list[Parsed]] | None = None
        while wave:
            for record, problems in wave:
                reasons += [f"{record.where}: {problem}" for problem in problems]
                dropped_where.add(record.where)
                del kept[(record.kind, record.slug)]
                dropped[(record.kind, record.slug)] = record.where
            gone = [(r.kind, r.slug) for r, _ in wave]
            # A dropped record that also exists in the database still satisfies references to it.
            still = _existing(conn, gone)
            if dependants is None:
                dependants = defaultdict(list)
                for record in kept.values():
                    for ref in record_service._references(record):
                        dependants[ref].append(record)
            wave = []
            seen: set[tuple[str, str]] = set()
            for key in gone:
                if key in still:
                    in_database[key[0]].add(key[1])
                    continue
                for record in dependants.get(key, []):
                    own = (record.kind, record.slug)
                    if own in kept and own not in seen and kept[own] is record:
                        problems = _bad_references(record, kept, in_database, dropped)
                        if problems:
                            seen.add(own)
                            wave.append((record, problems))
    return list(kept.values()), reasons, len(dropped_where)


def _in_database(conn: Connection, kept: dict[tuple[str, str], Parsed]) -> dict[str, set[str]]:
    wanted: dict[str, set[str]] = defaultdict(set)
    for record in kept.values():
        for key in record_service._references(record):
            if key not in kept:
                wanted[key[0]].add(key[1])
    found: dict[str, set[str]] = defaultdict(set)
    for kind, slugs in wanted.items():
        found[kind].update(record_service.existing_ids(conn, kind, slugs))
    return found


def _existing(conn: Connection, keys: Iterable[tuple[str, str]]) -> set[tuple[str, str]]:
    by_kind: dict[str, set[str]] = defaultdict(set)
    for kind, slug in keys:
        by_kind[kind].add(slug)
    return {(kind, slug) for kind, slugs in by_kind.items() for slug in record_service.existing_ids(conn, kind, slugs)}


def _bad_references(
    record: Parsed,
    kept: dict[tuple[str, str], Parsed],
    in_database: dict[str, set[str]],
    dropped: dict[tuple[str, str], str],
) -> list[str]:
    """``field: message`` for every reference of a record that neither the load nor the database holds."""
    found = []
    for kind, slug, name, _ in record_service.reference_items(record):
        if (kind, slug) in kept or slug in in_database[kind]:
            continue
        label = kind.replace("_", " ")
        if (kind, slug) in dropped:
            found.append(f"{name}: refers to {label} {slug!r}, skipped ({dropped[(kind, slug)]})")
        else:
            found.append(f"{name}: unknown {label} {slug!r}")
    return found


def load_records(
    engine: Engine,
    records: list[Parsed],
    errors: list[str] | None = None,
    *,
    progress: Callable[[int], None] | None = None,
    skip_invalid: bool = False,
    rejected: dict[tuple[str, str], str] | None = None,
    partial: Iterable[Parsed] = (),
    before_commit: Callable[[Connection, record_service.Counts], None] | None = None,
    track: bool = False,
) -> LoadResult:
    """Validate, then upsert every record by slug in one transaction; nothing is written on any error.

    With ``skip_invalid`` the invalid records, and those referring to them, are left out (see ``prune``)
    and the rest is written; ``rejected`` names the slugs of unreadable lines so that records referring to
    them are reported as such, and ``partial`` holds those lines read as far as they go, so that their
    references are checked too. ``before_commit`` runs inside the transaction after the records are written
    (for an audit entry); with ``track`` its counts list each record written (``Counts.written``).
    """
    skipped: list[str] = []
    dropped = 0
    if skip_invalid:
        records, skipped, dropped = prune(engine, records, errors or [], rejected, partial)
    else:
        problems = validate(engine, records, errors or [], partial)
        if problems:
            return LoadResult(errors=problems)
    with engine.begin() as conn:
        counts = record_service.write(conn, records, progress=progress, track=track)
        # A bulk write leaves delta rows per statement and span (PostgreSQL): merged in the same transaction, so
        # an overview never reads a thousand rows where one will do (``api.spans``).
        spans.compact(conn)
        if before_commit is not None:
            before_commit(conn, counts)
    if len(records) >= ANALYZE_AFTER:
        analyze(engine)
    return LoadResult(counts=counts, skipped=skipped, skipped_records=dropped)


# A load this big changes the tables' statistics enough that the planner's picture of them must be redone.
ANALYZE_AFTER = 1000


def analyze(engine: Engine) -> None:
    """Refresh the query planner's statistics (``ANALYZE``): without them SQLite guesses how selective each filter
    is, and a freshly loaded PostgreSQL table waits for autovacuum, so filters may walk the wrong index."""
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.exec_driver_sql("ANALYZE")


def load_dir(engine: Engine, path: Path = STORY) -> LoadResult:
    """Load a folder of seed files (the story by default)."""
    records, errors, partial = read_dir_all(path)
    return load_records(engine, records, errors, partial=partial)
