"""The seed loader (seeds/loader.py, seeds/format.py, api/services/records.py): all or nothing, idempotent."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, text

from api.db import make_engine
from seeds.format import FILES
from seeds.loader import STORY, load_dir
from tests.support import count, story_lines

KINDS = [kind for _, kind in FILES]
RECORD_TABLES = KINDS  # each record type has a table of the same name
CHILD_TABLES = ["citation", "event_participant", "event_tag", "statement_about", "statement_tag", "reaction_tag"]
ERROR_LINE = re.compile(r"^(?P<where>.+:\d+): (?P<field>[\w.]+): (?P<message>.+)$")


def snapshot(engine: Engine) -> dict[str, dict[str, tuple[Any, ...]]]:
    """Every record's id, version and updated_at by slug, per record table."""
    out: dict[str, dict[str, tuple[Any, ...]]] = {}
    with engine.connect() as conn:
        for table in RECORD_TABLES:
            rows = conn.execute(text(f"SELECT slug, id, version, updated_at FROM {table}"))
            out[table] = {slug: (ident, version, updated) for slug, ident, version, updated in rows}
        rows = conn.execute(text("SELECT id, version, updated_at FROM citation"))
        out["citation"] = {str(ident): (ident, version, updated) for ident, version, updated in rows}
    return out


def story_copy(tmp_path: Path) -> Path:
    """A writable copy of the story folder."""
    folder = tmp_path / "story"
    shutil.copytree(STORY, folder)
    return folder


def write_jsonl(folder: Path, name: str, lines: list[Any]) -> Path:
    """Write seed lines (dicts are dumped as JSON, strings written as they are)."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(
        "".join((line if isinstance(line, str) else json.dumps(line)) + "\n" for line in lines),
        encoding="utf-8",
    )
    return path


def test_story_loads_every_record(database_url):
    """Given an empty database, when the story is loaded, then every line of every file is inserted."""
    engine = make_engine(database_url)
    try:
        result = load_dir(engine)
        assert result.errors == []
        assert result.counts is not None
        for kind in KINDS:
            expected = len(story_lines(kind))
            assert expected > 0
            assert result.counts.inserted[kind] == expected, kind
            assert result.counts.updated[kind] == 0 and result.counts.unchanged[kind] == 0
            assert count(engine, kind) == expected, kind
    finally:
        engine.dispose()


def test_second_load_changes_nothing(seeded_engine):
    """Given a seeded database, when the story is loaded again, then no version or updated_at changes."""
    before = snapshot(seeded_engine)
    children = {table: count(seeded_engine, table) for table in CHILD_TABLES}
    result = load_dir(seeded_engine)
    assert result.errors == []
    assert result.counts is not None
    for kind in KINDS:
        assert result.counts.unchanged[kind] == result.counts.total(kind) == len(story_lines(kind)), kind
        assert result.counts.inserted[kind] == 0 and result.counts.updated[kind] == 0, kind
    assert snapshot(seeded_engine) == before
    assert {table: count(seeded_engine, table) for table in CHILD_TABLES} == children


def test_editing_one_summary_updates_only_that_record(seeded_engine, tmp_path):
    """Given one event's summary edited, when reloaded, then only that event changes and its version bumps."""
    folder = story_copy(tmp_path)
    events = story_lines("event", folder)
    target = next(e for e in events if e["slug"] == "knesset-taiwan-petition-2025-07")
    target["summary"] = target["summary"] + " (Edited.)"
    write_jsonl(folder, "events.jsonl", events)
    before = snapshot(seeded_engine)

    result = load_dir(seeded_engine, folder)

    assert result.errors == []
    assert result.counts is not None
    assert result.counts.updated["event"] == 1
    assert sum(result.counts.updated[k] for k in KINDS) == 1
    assert sum(result.counts.inserted[k] for k in KINDS) == 0
    after = snapshot(seeded_engine)
    old_id, old_version, old_updated = before["event"][target["slug"]]
    new_id, new_version, new_updated = after["event"][target["slug"]]
    assert (new_id, new_version) == (old_id, old_version + 1)
    assert new_updated > old_updated
    after["event"].pop(target["slug"])
    before["event"].pop(target["slug"])
    assert after == before
    with seeded_engine.connect() as conn:
        summary = conn.execute(
            text("SELECT summary FROM event WHERE slug = :slug"), {"slug": target["slug"]}
        ).scalar_one()
    assert summary.endswith("(Edited.)")


def test_changing_a_child_list_updates_the_parent(seeded_engine, tmp_path):
    """Given a story copy with one event's tags changed, when reloaded, then that event is updated with its new tags."""
    folder = story_copy(tmp_path)
    events = story_lines("event", folder)
    target = next(e for e in events if e["slug"] == "gaza-war")
    target["tags"] = [*target["tags"], "ceasefire-talks"]
    write_jsonl(folder, "events.jsonl", events)
    before = snapshot(seeded_engine)

    result = load_dir(seeded_engine, folder)

    assert result.counts is not None and result.counts.updated["event"] == 1
    assert snapshot(seeded_engine)["event"]["gaza-war"][1] == before["event"]["gaza-war"][1] + 1
    with seeded_engine.connect() as conn:
        tags = set(
            conn.execute(
                text("SELECT tag FROM event_tag JOIN event ON event.id = event_id WHERE slug = 'gaza-war'")
            ).scalars()
        )
    assert tags == {t.lower() for t in target["tags"]}


def test_references_may_point_at_records_already_in_the_database(seeded_engine, tmp_path):
    """Given a folder whose only reaction refers to story records by slug, when loaded, then it is inserted."""
    folder = tmp_path / "more"
    reaction = {
        "slug": "taiwan-thanks-saar",
        "reactor": "taiwan",
        "kind": "thanks",
        "target": {"statement": "saar-unsc-on-russian-representative"},
        "date": "2025-08-07",
        "sources": [{"source": "ny-sun-coalition-of-the-beleaguered"}],
    }
    write_jsonl(folder, "reactions.jsonl", [reaction])

    result = load_dir(seeded_engine, folder)

    assert result.errors == []
    assert result.counts is not None and result.counts.inserted["reaction"] == 1
    assert count(seeded_engine, "reaction") == len(story_lines("reaction")) + 1


def _base_records(folder: Path) -> None:
    write_jsonl(folder, "sources.jsonl", [{"slug": "report", "title": "A report"}])


BAD_ACTORS = [
    {"slug": "israel", "name": "Israel", "kind": "state", "country": "ISR"},
    {"slug": "taiwan", "name": "Taiwan", "kind": "state", "country": "TWN"},
    '{"slug": "broken", "name": ',
    {"slug": "painted", "name": "Painted", "kind": "state", "colour": "blue"},
    {"slug": "empire", "name": "Empire", "kind": "empire"},
    {"slug": "israel", "name": "Israel again", "kind": "state"},
]
BAD_EVENTS = [
    {"slug": "meeting", "kind": "CONSULT", "date": "2025-08-01", "title": "A meeting"},
    {"slug": "no-such-day", "kind": "AGREE", "date": "2025-02-30", "title": "An accord"},
]
BAD_STATEMENTS = [
    {"slug": "ghost-speech", "speaker": "nobody-at-all", "date": "2025-08-05", "channel": "speech", "quote": "Boo."},
]
BAD_REACTIONS = [
    {
        "slug": "two-targets",
        "reactor": "israel",
        "kind": "thanks",
        "date": "2025-08-06",
        "target": {"event": "meeting", "statement": "ghost-speech"},
    },
]
BAD_CHANGES = [
    {
        "slug": "too-warm",
        "from": "israel",
        "to": "taiwan",
        "date": "2025-08-06",
        "delta": 11,
        "cause": {"event": "meeting"},
        "explanation": "Too much.",
    },
]
# file, line, field of every bad record in the folder above
EXPECTED_BAD = [
    ("actors.jsonl", 3, "json"),
    ("actors.jsonl", 4, "colour"),
    ("actors.jsonl", 5, "kind"),
    ("actors.jsonl", 6, "slug"),
    ("events.jsonl", 2, "date"),
    ("statements.jsonl", 1, "speaker"),
    ("reactions.jsonl", 1, "target"),
    ("relationship_changes.jsonl", 1, "delta"),
]


@pytest.fixture
def bad_folder(tmp_path: Path) -> Path:
    """A seed folder with bad lines in several files (and good lines around them)."""
    folder = tmp_path / "bad"
    _base_records(folder)
    write_jsonl(folder, "actors.jsonl", BAD_ACTORS)
    write_jsonl(folder, "events.jsonl", BAD_EVENTS)
    write_jsonl(folder, "statements.jsonl", BAD_STATEMENTS)
    write_jsonl(folder, "reactions.jsonl", BAD_REACTIONS)
    write_jsonl(folder, "relationship_changes.jsonl", BAD_CHANGES)
    return folder


def test_bad_folder_reports_every_bad_record(engine, bad_folder):
    """Given eight bad records in five files, when loaded, then each has a `path:line: field: message` error."""
    result = load_dir(engine, bad_folder)

    assert result.counts is None
    for error in result.errors:
        assert ERROR_LINE.match(error), error
    for name, line, field in EXPECTED_BAD:
        prefix = f"{bad_folder / name}:{line}: {field}: "
        assert any(e.startswith(prefix) for e in result.errors), f"no error {prefix!r} in:\n" + "\n".join(result.errors)
    located = {ERROR_LINE.match(e)["where"] for e in result.errors}  # type: ignore[index]
    assert located == {f"{bad_folder / name}:{line}" for name, line, _ in EXPECTED_BAD}


@pytest.mark.parametrize(
    ("field", "fragment"),
    [("kind", "'empire' is not one of"), ("date", "not a real date"), ("delta", "outside -10")],
)
def test_bad_folder_messages_say_what_is_wrong(engine, bad_folder, field, fragment):
    """Given the bad folder, when loaded, then each message explains the problem in words."""
    result = load_dir(engine, bad_folder)
    messages = [m["message"] for e in result.errors if (m := ERROR_LINE.match(e)) and m["field"] == field]
    assert any(fragment in message for message in messages), result.errors


def test_bad_folder_writes_nothing(engine, bad_folder):
    """Given a folder with good and bad records, when loaded into an empty database, then no table gets a row."""
    result = load_dir(engine, bad_folder)
    assert result.errors
    for table in [*RECORD_TABLES, *CHILD_TABLES]:
        assert count(engine, table) == 0, table


def test_bad_records_leave_a_seeded_database_untouched(seeded_engine, tmp_path):
    """Given the story with one edit and one bad line, when loaded, then nothing at all is written."""
    folder = story_copy(tmp_path)
    events = story_lines("event", folder)
    events[0]["summary"] = "Changed."
    events.append({"slug": "bad-kind", "kind": "PARTY", "date": "2025", "title": "Bad"})
    write_jsonl(folder, "events.jsonl", events)
    before = snapshot(seeded_engine)

    result = load_dir(seeded_engine, folder)

    assert [e for e in result.errors if e.startswith(f"{folder / 'events.jsonl'}:{len(events)}: kind: ")]
    assert snapshot(seeded_engine) == before


def test_duplicate_slug_names_its_first_use(engine, tmp_path):
    """Given a slug used twice in one file, when loaded, then the second use names the first."""
    folder = tmp_path / "dup"
    path = write_jsonl(
        folder,
        "actors.jsonl",
        [{"slug": "same", "name": "One", "kind": "state"}, {"slug": "same", "name": "Two", "kind": "state"}],
    )
    result = load_dir(engine, folder)
    assert result.errors == [f"{path}:2: slug: 'same' is already used at {path}:1"]


def test_folder_without_seed_files_is_an_error(engine, tmp_path):
    """Given a folder with no seed files, when loaded, then the error says which files were expected."""
    result = load_dir(engine, tmp_path)
    assert len(result.errors) == 1 and "no seed files" in result.errors[0]
    assert "actors.jsonl" in result.errors[0]


def test_errors_name_only_fields_that_are_wrong(engine, tmp_path):
    """Given a full event whose date alone is bad, when loaded, then the only error is about the date."""
    folder = tmp_path / "one-bad"
    _base_records(folder)
    write_jsonl(folder, "actors.jsonl", BAD_ACTORS[:2])
    event = {
        "slug": "no-such-day",
        "title": "An accord",
        "summary": "Two states agree.",
        "kind": "AGREE",
        "date": "2025-02-30",
        "place": {"name": "Jerusalem", "country": "ISR"},
        "participants": {"initiator": ["israel"], "target": ["taiwan"]},
        "tags": ["accord"],
        "sources": [{"source": "report"}],
    }
    path = write_jsonl(folder, "events.jsonl", [event])
    result = load_dir(engine, folder)
    assert [ERROR_LINE.match(e)["field"] for e in result.errors] == ["date"], result.errors  # type: ignore[index]
    assert result.errors[0].startswith(f"{path}:1: date: ")


# Values the database cannot hold must be caught while validating, like every other problem, so that the
# load reports `path:line: field: message` on both backends instead of an exception from the database
# (PostgreSQL) or a silent acceptance (SQLite, which does not enforce VARCHAR lengths).
OUT_OF_BOUNDS = {
    "tag-longer-than-60": ("tags", {"tags": ["x" * 61]}),
    "place-name-longer-than-200": ("place.name", {"place": {"name": "x" * 201}}),
    "slug-longer-than-120": ("slug", {"slug": "e" * 121}),
    "same-actor-twice-in-a-role": ("participants.initiator", {"participants": {"initiator": ["israel", "israel"]}}),
    "day-order-beyond-int32": ("day_order", {"day_order": 2**40}),
    "latitude-true": ("place.lat", {"place": {"lat": True}}),
}


@pytest.mark.parametrize("case", list(OUT_OF_BOUNDS))
def test_values_the_database_cannot_hold_are_validation_errors(engine, tmp_path, case):
    """Given an event with a value too big for its column, when loaded, then it is a `path:line: field:` error."""
    field, override = OUT_OF_BOUNDS[case]
    folder = tmp_path / case
    write_jsonl(folder, "actors.jsonl", BAD_ACTORS[:2])
    path = write_jsonl(folder, "events.jsonl", [{**BAD_EVENTS[0], **override}])
    result = load_dir(engine, folder)
    assert [e for e in result.errors if e.startswith(f"{path}:1: {field}: ")], result.errors
    assert count(engine, "event") == 0


def test_a_line_with_several_problems_lists_every_one(engine, tmp_path):
    """Given one event line with five problems (two of them unknown references), when loaded, then each is a
    `path:line: field: message` error on that line, together, and nothing is written."""
    folder = tmp_path / "many"
    _base_records(folder)
    write_jsonl(folder, "actors.jsonl", BAD_ACTORS[:2])
    event = {
        "slug": "muddle",
        "title": "A muddle",
        "kind": "PARTY",
        "date": "2025-02-30",
        "place": {"lat": 91},
        "participants": {"initiator": ["israel", "atlantis"]},
        "sources": [{"source": "report"}, {"source": "no-such-report"}],
        "colour": "blue",
    }
    path = write_jsonl(folder, "events.jsonl", [BAD_EVENTS[0], event])

    result = load_dir(engine, folder)

    where = f"{path}:2"
    mine = [ERROR_LINE.match(e) for e in result.errors]
    assert all(m and m["where"] == where for m in mine), result.errors
    assert [m["field"] for m in mine] == [  # type: ignore[index]
        "kind",
        "date",
        "place.lat",
        "colour",
        "participants.initiator",
        "sources",
    ]
    assert "'atlantis'" in result.errors[4] and "'no-such-report'" in result.errors[5]
    assert count(engine, "event") == 0 and count(engine, "actor") == 0


def test_an_invalid_line_still_has_its_references_checked(engine, tmp_path):
    """Given a statement with a bad channel and an unknown speaker, when loaded, then both are reported; a reaction
    answering it is not told the statement is unknown (its line's own errors say what is wrong)."""
    folder = tmp_path / "partial"
    write_jsonl(folder, "actors.jsonl", BAD_ACTORS[:2])
    statements = write_jsonl(
        folder,
        "statements.jsonl",
        [{"slug": "s", "speaker": "nobody", "channel": "shout", "quote": "Hi.", "date": "2025-08-06"}],
    )
    write_jsonl(
        folder,
        "reactions.jsonl",
        [{"slug": "r", "reactor": "israel", "kind": "thanks", "target": {"statement": "s"}, "date": "2025-08-06"}],
    )

    result = load_dir(engine, folder)

    assert result.errors == [
        f"{statements}:1: channel: 'shout' is not one of: " + result.errors[0].split("is not one of: ", 1)[1],
        f"{statements}:1: speaker: unknown actor 'nobody'",
    ]


def test_a_line_without_a_slug_is_refused(engine, tmp_path):
    """Given an actor line without a slug, when loaded, then `slug` is an error: seed files upsert by slug, so it
    is never made up here (only GraphQL creates make one up)."""
    folder = tmp_path / "no-slug"
    path = write_jsonl(folder, "actors.jsonl", [{"name": "Israel", "kind": "state", "country": "isr"}])

    result = load_dir(engine, folder)

    assert [e.split(": ", 2)[1] for e in result.errors] == ["slug", "country"]
    assert result.errors[0].startswith(f"{path}:1: slug: None is not a slug")
    assert count(engine, "actor") == 0


def crowded_records() -> dict[str, dict[str, Any]]:
    """Story-like lines one past each bound on a plain list: an event of 51 participants (the story's actors, each
    at most once per role), a statement about 21 actors, an actor citing 21 passages."""
    slugs = [a["slug"] for a in story_lines("actor")]
    roles = ["participant", "subject", "host"]
    participants: dict[str, list[str]] = {}
    for n in range(51):
        participants.setdefault(roles[n // len(slugs)], []).append(slugs[n % len(slugs)])
    source = story_lines("source")[0]["slug"]
    return {
        "events.jsonl": {
            "slug": "crowded-summit",
            "kind": "CONSULT",
            "date": "2025-08-01",
            "title": "A crowded summit",
            "participants": participants,
        },
        "statements.jsonl": {
            "slug": "about-everyone",
            "speaker": slugs[0],
            "date": "2025-08-05",
            "channel": "speech",
            "quote": "Everyone.",
            "about": slugs[:21],
        },
        "actors.jsonl": {
            "slug": "well-cited",
            "name": "Well cited",
            "kind": "state",
            "sources": [{"source": source, "passage": str(n)} for n in range(21)],
        },
    }


def test_lists_past_their_bounds_are_refused_by_the_loader(seeded_engine, tmp_path):
    """Given a story copy with an event of 51 participants, a statement about 21 actors and an actor of 21
    citations, when loaded, then each line gets one `path:line: field: message` naming its bound, and the
    seeded database is left untouched."""
    folder = story_copy(tmp_path)
    where = {}
    for name, record in crowded_records().items():
        with (folder / name).open("a", encoding="utf-8") as handle:
            handle.write(json.dumps(record) + "\n")
        where[name] = f"{folder / name}:{sum(1 for _ in (folder / name).open(encoding='utf-8'))}"
    before = snapshot(seeded_engine)

    result = load_dir(seeded_engine, folder)

    assert result.counts is None
    assert sorted(result.errors) == sorted(
        [
            f"{where['events.jsonl']}: participants: names 51 actors, more than the 50 an event may have: name the "
            "body they acted in (e.g. the UN General Assembly) rather than each of its members",
            f"{where['statements.jsonl']}: about: names 21 actors, more than the 20 a statement may be about",
            f"{where['actors.jsonl']}: sources: lists 21 citations, more than the 20 a record may have",
        ]
    )
    assert snapshot(seeded_engine) == before
