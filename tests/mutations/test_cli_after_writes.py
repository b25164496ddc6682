"""What the API writes, the operator's tools can still read: `realign export` after writes through GraphQL."""

from __future__ import annotations

import json

from tests.mutations.support import EVENT_CREATE, EVENT_UPDATE, event_input
from tests.support import run_realign


def exported_events(folder) -> dict[str, dict]:
    """The events of an export folder, by slug."""
    lines = (folder / "events.jsonl").read_text(encoding="utf-8").splitlines()
    return {record["slug"]: record for record in map(json.loads, lines) if record}


# PostgreSQL: api.dates.ONGOING_END is 9999-12-30, not datetime.date.max, which asyncpg (the API's driver) would store
# as the date `infinity` and psycopg (the CLI's driver) cannot read back (`realign export`, `seed` and `import` once
# died on it with a traceback). Rows the API writes must stay readable by the CLI.
def test_export_after_writing_ongoing_events(api, tmp_path):
    """Given ongoing events written via the API, when `realign export` runs, then it exports them, no traceback."""
    api.written(
        EVENT_UPDATE,
        {"ref": {"slug": "russia-invades-ukraine-2022"}, "version": 1, "input": {"title": "The war goes on"}},
    )
    api.written(EVENT_CREATE, {"input": event_input("open-ended-talks", date="2025-08-01/..")})
    folder = tmp_path / "export"

    result = run_realign("export", str(folder), url=api.url)

    assert result.returncode == 0, result.stderr[-2000:]
    assert "Traceback" not in result.stderr
    events = exported_events(folder)
    assert events["russia-invades-ukraine-2022"]["title"] == "The war goes on"
    assert events["russia-invades-ukraine-2022"]["date"] == "2022/.."
    assert events["open-ended-talks"]["date"] == "2025-08-01/.."
