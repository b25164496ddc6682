"""Loading seed files into the database: validate everything first, then write it all in one transaction."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import Engine

from api.services import records as record_service
from seeds.format import Parsed, read_dir

STORY = Path(__file__).resolve().parent / "story"


@dataclass
class LoadResult:
    """What a load did, or the errors that stopped it (then nothing was written)."""

    errors: list[str] = field(default_factory=list)
    counts: record_service.Counts | None = None


def validate(engine: Engine, records: list[Parsed], errors: list[str]) -> list[str]:
    """All problems with a set of records: read errors, duplicate slugs and unknown references."""
    problems = list(errors) + record_service.duplicate_slugs(records)
    with engine.connect() as conn:
        problems += record_service.missing_references(conn, records)
    return problems


def load_records(
    engine: Engine,
    records: list[Parsed],
    errors: list[str] | None = None,
    *,
    progress: Callable[[int], None] | None = None,
) -> LoadResult:
    """Validate, then upsert every record by slug in one transaction; nothing is written on any error."""
    problems = validate(engine, records, errors or [])
    if problems:
        return LoadResult(errors=problems)
    with engine.begin() as conn:
        counts = record_service.write(conn, records, progress=progress)
    return LoadResult(counts=counts)


def load_dir(engine: Engine, path: Path = STORY) -> LoadResult:
    """Load a folder of seed files (the story by default)."""
    records, errors = read_dir(path)
    return load_records(engine, records, errors)
