"""Bulk export and import (api/services/export.py, seeds/loader.py, `realign export` / `realign import`).

The round trips run the installed `realign` command as a user types it, with REALIGN_DATABASE_URL set.
"""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, event, text

from api.db import make_engine
from api.services import export
from seeds import format as seed_format
from seeds import synthetic
from seeds.loader import STORY, load_records
from tests.seeds.test_loader import CHILD_TABLES, crowded_records, snapshot
from tests.support import count, run_realign, story_lines

KINDS = [kind for _, kind in seed_format.FILES]
ERROR_LINE = re.compile(r"^(?P<where>.+:\d+): (?P<field>[\w.]+): (?P<message>.+)$")


@pytest.fixture
def second_url(databases, backend: str, tmp_path: Path) -> Iterator[str]:
    """Another new, migrated, empty database of the test's backend (an import target)."""
    folder = tmp_path / "second"
    folder.mkdir()
    url, name = databases.copy(backend, "migrated", folder)
    yield url
    databases.drop(backend, name)


def engine_of(url: str) -> Engine:
    """A short-lived engine (callers dispose of it)."""
    return make_engine(url)


def realign(*args: str, url: str) -> str:
    """Run `realign ARGS...`, assert it succeeded without a traceback, and return its standard output."""
    result = run_realign(*args, url=url, timeout=120)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr, result.stderr
    return result.stdout


def files_of(folder: Path) -> dict[str, bytes]:
    """Every file of a folder, by name, as bytes."""
    return {path.name: path.read_bytes() for path in sorted(folder.iterdir())}


def lines_of(folder: Path, kind: str) -> list[dict[str, Any]]:
    """The decoded records of one record type in a folder."""
    return story_lines(kind, folder)


def all_slugs(engine: Engine) -> dict[str, set[str]]:
    """Every record's slug, per record type."""
    with engine.connect() as conn:
        return {kind: set(conn.execute(text(f"SELECT slug FROM {kind}")).scalars()) for kind in KINDS}


def row_counts(engine: Engine) -> dict[str, int]:
    """Rows in every record, child and audit table."""
    return {table: count(engine, table) for table in [*KINDS, *CHILD_TABLES, "audit_entry"]}


def audit_rows(engine: Engine) -> list[Any]:
    """The audit trail, oldest first."""
    with engine.connect() as conn:
        return list(conn.execute(text("SELECT * FROM audit_entry ORDER BY id")).mappings())


def as_json(value: Any) -> Any:
    """A JSON column's value (PostgreSQL's driver decodes it; SQLite's raw text may still be a string)."""
    return json.loads(value) if isinstance(value, str) else value


def round_trip(source_url: str, target_url: str, tmp_path: Path) -> tuple[Path, Path]:
    """Export the source database, import that into the target, export the target; returns both folders."""
    first, second = tmp_path / "first", tmp_path / "second-export"
    realign("export", str(first), url=source_url)
    realign("import", str(first), url=target_url)
    realign("export", str(second), url=target_url)
    return first, second


def test_story_round_trip_is_byte_identical(seeded_url, database_url, tmp_path):
    """Given the story, when exported, imported into an empty database and exported again, then the bytes match."""
    first, second = round_trip(seeded_url, database_url, tmp_path)

    assert sorted(files_of(first)) == sorted(name for name, _ in seed_format.FILES)
    assert files_of(second) == files_of(first)
    source, target = engine_of(seeded_url), engine_of(database_url)
    try:
        assert all_slugs(target) == all_slugs(source)
        assert {t: count(target, t) for t in CHILD_TABLES} == {t: count(source, t) for t in CHILD_TABLES}
    finally:
        source.dispose()
        target.dispose()


def test_synthetic_round_trip_is_byte_identical(database_url, second_url, tmp_path):
    """Given 300 synthetic events loaded, when exported, imported elsewhere and exported again, then the files match."""
    engine = engine_of(database_url)
    try:
        loaded = load_records(engine, synthetic.parsed(300))
        assert loaded.errors == []
    finally:
        engine.dispose()

    first, second = round_trip(database_url, second_url, tmp_path)

    assert files_of(second) == files_of(first)
    assert len(lines_of(first, "event")) == 300
    assert len(lines_of(first, "reaction")) == 150
    answered = [r for r in lines_of(first, "reaction") if "reaction" in r["target"]]
    assert answered, "the synthetic data should hold reactions answering reactions"


def normalised(kind: str, record: dict[str, Any]) -> dict[str, Any]:
    """A story line as the export writes it: nulls and empties left out, tags lowercased and sorted, about sorted."""

    def strip(value: Any) -> Any:
        if isinstance(value, dict):
            return {k: strip(v) for k, v in value.items() if v is not None and v != [] and v != {} and v != ""}
        return value

    out = strip(record)
    if "tags" in out:
        out["tags"] = sorted({tag.strip().lower() for tag in out["tags"]})
    if "about" in out:
        out["about"] = sorted(out["about"])
    return out


def test_story_export_equals_the_story_files(seeded_url, tmp_path):
    """Given the story, when exported, then each line equals the story's (nulls dropped, lists sorted), keys ordered."""
    folder = tmp_path / "export"
    realign("export", str(folder), url=seeded_url)

    for _, kind in seed_format.FILES:
        story = {r["slug"]: normalised(kind, r) for r in story_lines(kind)}
        exported = {r["slug"]: r for r in lines_of(folder, kind)}
        assert exported == story, kind
        for slug, record in exported.items():
            assert list(record) == list(story[slug]), (kind, slug)
        assert [r["slug"] for r in lines_of(folder, kind)] == [r["slug"] for r in story_lines(kind)], kind
    raw = (folder / "actors.jsonl").read_bytes()
    assert raw.endswith(b"\n") and b"\r" not in raw and "’".encode() in raw  # UTF-8, not \u escapes


def test_record_dicts_for_a_few_ids_takes_a_few_queries(seeded_url):
    """Given the story, when record_dicts gets some event ids, then it returns those in id order in ≤ 5 queries."""
    engine = engine_of(seeded_url)
    statements: list[str] = []
    event.listen(engine, "before_cursor_execute", lambda *args: statements.append(args[2]))
    try:
        with engine.connect() as conn:
            everything = export.record_dicts(conn, "event")
            ids = list(conn.execute(text("SELECT id FROM event ORDER BY id")).scalars())
            start = len(statements)
            few = export.record_dicts(conn, "event", [ids[7], ids[2], ids[7], 999_999])
            some = len(statements) - start
            many = export.record_dicts(conn, "event", ids[::2])
            more = len(statements) - start - some
    finally:
        engine.dispose()

    assert few == [everything[2], everything[7]]
    assert many == everything[::2]
    assert 0 < some <= 5
    assert more == some  # the same number of queries for more ids


def test_reaction_answering_a_later_reaction_is_exported_after_it(seeded_url, database_url, tmp_path):
    """Given a reaction answering a later-id reaction, when exported, then it comes after it; the round trip holds."""
    engine = engine_of(seeded_url)
    try:
        with engine.begin() as conn:
            first_id, last_id = conn.execute(text("SELECT min(id), max(id) FROM reaction")).one()
            conn.execute(
                text(
                    "UPDATE reaction SET target_event_id = NULL, target_statement_id = NULL, "
                    "target_reaction_id = :last WHERE id = :first"
                ),
                {"first": first_id, "last": last_id},
            )
            slugs = {ident: slug for ident, slug in conn.execute(text("SELECT id, slug FROM reaction"))}
        with engine.connect() as conn:
            order = [r["slug"] for r in export.record_dicts(conn, "reaction")]
    finally:
        engine.dispose()
    assert order.index(slugs[last_id]) < order.index(slugs[first_id])

    first, second = round_trip(seeded_url, database_url, tmp_path)

    assert files_of(second) == files_of(first)
    exported = {r["slug"]: r for r in lines_of(first, "reaction")}
    assert exported[slugs[first_id]]["target"] == {"reaction": slugs[last_id]}


def test_date_label_and_day_order_only_when_they_say_something(seeded_url):
    """Given an event with its own date label, when exported, then only it has date_label; day_order only if ≠ 0."""
    engine = engine_of(seeded_url)
    try:
        with engine.begin() as conn:
            conn.execute(
                text("UPDATE event SET date_label = 'Summer 2025' WHERE slug = 'knesset-taiwan-petition-2025-07'")
            )
        with engine.connect() as conn:
            events = {r["slug"]: r for r in export.record_dicts(conn, "event")}
            orders = {slug: order for slug, order in conn.execute(text("SELECT slug, day_order FROM event"))}
    finally:
        engine.dispose()

    petition = events.pop("knesset-taiwan-petition-2025-07")
    assert petition["date_label"] == "Summer 2025"
    assert list(petition).index("date_label") == list(petition).index("date") + 1
    assert all("date_label" not in e for e in events.values())
    assert all(("day_order" in e) == bool(orders[slug]) for slug, e in events.items())


def test_export_refuses_to_overwrite_without_force(seeded_url, tmp_path):
    """Given a folder already holding an export, when `realign export` runs again, then it refuses unless --force."""
    folder = tmp_path / "export"
    realign("export", str(folder), url=seeded_url)
    (folder / "events.jsonl").write_text("stale\n", encoding="utf-8")

    refused = run_realign("export", str(folder), url=seeded_url)

    assert refused.returncode != 0
    assert "--force" in refused.stderr and "Traceback" not in refused.stderr
    assert (folder / "events.jsonl").read_text(encoding="utf-8") == "stale\n"
    realign("export", "--force", str(folder), url=seeded_url)
    assert len(lines_of(folder, "event")) == len(story_lines("event"))
    assert not [p for p in folder.iterdir() if p.name.startswith(".")]


# A copy of the story with bad lines in five files: (file, line, field) of each, and how to break it.
BROKEN_EVENT = "knesset-taiwan-petition-2025-07"
BROKEN_REACTION_LINE = 4


def _rewrite(folder: Path, name: str, change) -> None:  # type: ignore[no-untyped-def]
    path = folder / name
    lines = path.read_text(encoding="utf-8").splitlines()
    change(lines)
    path.write_text("".join(line + "\n" for line in lines), encoding="utf-8")


def _edit(lines: list[str], index: int, **changes: Any) -> None:
    record = json.loads(lines[index])
    record.update(changes)
    lines[index] = json.dumps(record, ensure_ascii=False)


@pytest.fixture
def broken_story(tmp_path: Path) -> tuple[Path, list[tuple[str, int, str]], set[tuple[str, str]]]:
    """The story with six bad lines in five files; returns the folder, each bad (file, line, field), and the
    (kind, slug) of every record the bad lines stand for."""
    folder = tmp_path / "broken"
    shutil.copytree(STORY, folder)
    bad: list[tuple[str, int, str]] = []
    lost: set[tuple[str, str]] = set()
    events = story_lines("event")
    index = next(i for i, e in enumerate(events) if e["slug"] == BROKEN_EVENT)
    _rewrite(folder, "events.jsonl", lambda lines: _edit(lines, index, date="2025-02-30"))
    bad.append(("events.jsonl", index + 1, "date"))
    lost.add(("event", BROKEN_EVENT))

    statement = story_lines("statement")[1]
    _rewrite(folder, "statements.jsonl", lambda lines: _edit(lines, 1, speaker="nobody-at-all"))
    bad.append(("statements.jsonl", 2, "speaker"))
    lost.add(("statement", statement["slug"]))

    reaction = story_lines("reaction")[BROKEN_REACTION_LINE - 1]

    def garble(lines: list[str]) -> None:
        lines[BROKEN_REACTION_LINE - 1] = '{"slug": "half-a-line", "reactor": '

    _rewrite(folder, "reactions.jsonl", garble)
    bad.append(("reactions.jsonl", BROKEN_REACTION_LINE, "json"))
    lost.add(("reaction", reaction["slug"]))

    change = story_lines("relationship_change")[2]
    _rewrite(folder, "relationship_changes.jsonl", lambda lines: _edit(lines, 2, delta=11))
    bad.append(("relationship_changes.jsonl", 3, "delta"))
    lost.add(("relationship_change", change["slug"]))

    affiliation = story_lines("affiliation")[0]
    _rewrite(folder, "affiliations.jsonl", lambda lines: _edit(lines, 0, colour="blue"))
    bad.append(("affiliations.jsonl", 1, "colour"))
    lost.add(("affiliation", affiliation["slug"]))

    actors = story_lines("actor")
    _rewrite(folder, "actors.jsonl", lambda lines: lines.append(json.dumps({**actors[0], "name": "Twice"})))
    bad.append(("actors.jsonl", len(actors) + 1, "slug"))
    return folder, bad, lost


def references(kind: str, d: dict[str, Any]) -> list[tuple[str, str]]:
    """The (kind, slug) of every record a seed line refers to (worked out here independently of the loader)."""
    out = [("source", c["source"] if isinstance(c, dict) else c) for c in d.get("sources") or []]
    if kind == "affiliation":
        out += [("actor", d["member"]), ("actor", d["organisation"])]
    if kind == "event":
        out += [("actor", s) for slugs in (d.get("participants") or {}).values() for s in slugs]
    if kind == "statement":
        out += [("actor", d["speaker"]), *(("actor", s) for s in d.get("about") or [])]
        out += [("event", d["venue"])] if d.get("venue") else []
    if kind == "reaction":
        out += [("actor", d["reactor"]), *d["target"].items()]
        out += [("statement", d["statement"])] if d.get("statement") else []
    if kind == "relationship_change":
        out += [("actor", d["from"]), ("actor", d["to"]), *d["cause"].items()]
    return out


def expected_survivors(lost: set[tuple[str, str]]) -> tuple[dict[str, set[str]], set[tuple[str, str]]]:
    """The story's slugs left once the lost records and, until stable, every record referring to one are gone;
    and the (kind, slug) of the dependants that go with them."""
    records = {(kind, r["slug"]): r for kind in KINDS for r in story_lines(kind)}
    alive = set(records) - lost
    dependants: set[tuple[str, str]] = set()
    changed = True
    while changed:
        changed = False
        for key in sorted(alive):
            if any(ref not in alive for ref in references(key[0], records[key])):
                alive.discard(key)
                dependants.add(key)
                changed = True
    survivors = {kind: {slug for k, slug in alive if k == kind} for kind in KINDS}
    return survivors, dependants


def where_of(folder: Path, kind: str, slug: str) -> str:
    """``path:line`` of a record in the story copy."""
    name = next(n for n, k in seed_format.FILES if k == kind)
    line = next(i for i, r in enumerate(story_lines(kind), start=1) if r["slug"] == slug)
    return f"{folder / name}:{line}"


def test_bad_lines_are_all_reported_and_nothing_is_written(database_url, broken_story):
    """Given six bad lines in five files, when imported, then each shows as file:line: field: msg; exit 1; no rows."""
    folder, bad, _ = broken_story

    result = run_realign("import", str(folder), url=database_url)

    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    problems = [line for line in result.stderr.splitlines() if not line.startswith("Error:")]
    for line in problems:
        assert ERROR_LINE.match(line), line
    for name, number, field in bad:
        prefix = f"{folder / name}:{number}: {field}: "
        assert any(p.startswith(prefix) for p in problems), f"{prefix!r} missing from:\n{result.stderr}"
    assert "nothing was written" in result.stderr
    engine = engine_of(database_url)
    try:
        assert set(row_counts(engine).values()) == {0}
    finally:
        engine.dispose()


def test_skip_invalid_imports_the_rest_and_lists_what_it_skipped(database_url, broken_story):
    """Given six bad lines, when imported --skip-invalid, then the rest lands, bad ones + dependants listed, exit 0."""
    folder, bad, lost = broken_story
    survivors, dependants = expected_survivors(lost)
    assert dependants, "the broken event should take records that refer to it along"

    result = run_realign("import", "--skip-invalid", str(folder), url=database_url)

    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    reasons = [line for line in result.stderr.splitlines() if ERROR_LINE.match(line)]
    located = {ERROR_LINE.match(line)["where"] for line in reasons}  # type: ignore[index]
    for name, number, field in bad:
        prefix = f"{folder / name}:{number}: {field}: "
        assert any(r.startswith(prefix) for r in reasons), f"{prefix!r} missing from:\n{result.stderr}"
    expected = {f"{folder / name}:{number}" for name, number, _ in bad}
    expected |= {where_of(folder, kind, slug) for kind, slug in dependants}
    assert located == expected
    for kind, slug in dependants:
        where = where_of(folder, kind, slug)
        assert any(r.startswith(where + ": ") and ("skipped" in r or "unknown" in r) for r in reasons), where
    assert f"skipped {len(expected)} record(s)" in result.stderr
    engine = engine_of(database_url)
    try:
        assert all_slugs(engine) == survivors
        entries = audit_rows(engine)
    finally:
        engine.dispose()
    assert len(entries) == 1
    after = as_json(entries[0]["after"])
    assert after["counts"]["event"]["new"] == len(survivors["event"])


def test_importing_the_same_folder_twice_changes_nothing(database_url, tmp_path):
    """Given an imported folder, when imported again, then no version or timestamp changes; all unchanged."""
    first = realign("import", str(STORY), url=database_url)
    assert f"new {len(story_lines('event'))}," in first
    engine = engine_of(database_url)
    try:
        before = snapshot(engine)
        children = {t: count(engine, t) for t in CHILD_TABLES}

        again = realign("import", str(STORY), url=database_url)

        assert snapshot(engine) == before
        assert {t: count(engine, t) for t in CHILD_TABLES} == children
        assert len(audit_rows(engine)) == 2
    finally:
        engine.dispose()
    for kind in KINDS:
        total = len(story_lines(kind))
        assert re.search(rf"^{kind}s\s+{total}\s+\(new 0, updated 0, unchanged {total}\)$", again, re.M), again


def test_import_records_one_audit_entry(database_url):
    """Given an empty database, when the story is imported, then one "cli" import audit entry holds paths, counts."""
    realign("import", str(STORY), url=database_url)

    engine = engine_of(database_url)
    try:
        (entry,) = audit_rows(engine)
    finally:
        engine.dispose()
    assert (entry["token_name"], entry["action"], entry["record_type"]) == ("cli", "import", "import")
    assert entry["token_id"] is None and entry["record_id"] is None and entry["record_slug"] is None
    assert entry["before"] is None and entry["at"] is not None
    after = as_json(entry["after"])
    assert after["paths"] == [str(STORY.resolve())]
    for kind in KINDS:
        lines = len(story_lines(kind))
        assert after["counts"][kind] == {"new": lines, "updated": 0, "unchanged": 0}, kind


def test_single_files_import_on_top_of_the_database(seeded_url, tmp_path):
    """Given the story and a lone reactions.jsonl referring to it, when imported, then its reaction is added."""
    path = tmp_path / "reactions.jsonl"
    reaction = {
        "slug": "taiwan-thanks-saar",
        "reactor": "taiwan",
        "kind": "thanks",
        "target": {"statement": "saar-unsc-on-russian-representative"},
        "date": "2025-08-07",
    }
    path.write_text(json.dumps(reaction) + "\n", encoding="utf-8")

    out = realign("import", str(path), url=seeded_url)

    assert re.search(r"^reactions\s+1\s+\(new 1, updated 0, unchanged 0\)$", out, re.M), out
    engine = engine_of(seeded_url)
    try:
        assert count(engine, "reaction") == len(story_lines("reaction")) + 1
    finally:
        engine.dispose()
    misnamed = tmp_path / "stuff.jsonl"
    shutil.copy(path, misnamed)
    refused = run_realign("import", str(misnamed), url=seeded_url)
    assert refused.returncode != 0 and "reactions.jsonl" in refused.stderr and "Traceback" not in refused.stderr


def test_reactions_answering_each_other_in_a_circle_are_refused(database_url, tmp_path):
    """Given two new reactions answering each other, when imported, then both are reported on target; no writes."""
    folder = tmp_path / "circle"
    shutil.copytree(STORY, folder)
    loop = [
        {"slug": "ping", "reactor": "israel", "kind": "deny", "target": {"reaction": "pong"}, "date": "2025-08-08"},
        {"slug": "pong", "reactor": "prc", "kind": "deny", "target": {"reaction": "ping"}, "date": "2025-08-08"},
    ]
    with (folder / "reactions.jsonl").open("a", encoding="utf-8") as handle:
        handle.writelines(json.dumps(r) + "\n" for r in loop)
    first = len(story_lines("reaction")) + 1

    result = run_realign("import", str(folder), url=database_url)

    assert result.returncode != 0 and "Traceback" not in result.stderr
    for number in (first, first + 1):
        assert f"{folder / 'reactions.jsonl'}:{number}: target: reactions answer each other" in result.stderr
    skipped = run_realign("import", "--skip-invalid", str(folder), url=database_url)
    assert skipped.returncode == 0, skipped.stderr
    engine = engine_of(database_url)
    try:
        assert count(engine, "reaction") == len(story_lines("reaction"))
    finally:
        engine.dispose()


def test_export_module_files_match_the_seed_format():
    """Given the export service, when its file list is compared with the seed format's, then they are the same."""
    assert export.FILES == seed_format.FILES


def test_every_problem_of_each_line_is_listed_together(database_url, tmp_path):
    """Given two reaction lines with several problems each (unknown references among them), when imported, then
    stderr lists each as file:line: field: message, a line's problems together; exit 1; nothing is written. With
    --skip-invalid both lines are skipped with every reason."""
    folder = tmp_path / "several"
    shutil.copytree(STORY, folder)
    bad = [
        {"slug": "r1", "reactor": "nobody", "kind": "cheer", "target": {"event": "atlantis"}, "date": "2025-13"},
        {
            "slug": "r2",
            "reactor": "israel",
            "kind": "thanks",
            "target": {"event": "gaza-war"},
            "date": "2025-08-06",
            "statement": "no-such-statement",
            "score": 12,
            "sources": ["nope"],
        },
    ]
    with (folder / "reactions.jsonl").open("a", encoding="utf-8") as handle:
        handle.writelines(json.dumps(r) + "\n" for r in bad)
    first = len(story_lines("reaction")) + 1
    path = folder / "reactions.jsonl"
    expected = [
        (f"{path}:{first}", "kind"),
        (f"{path}:{first}", "date"),
        (f"{path}:{first}", "target"),
        (f"{path}:{first}", "reactor"),
        (f"{path}:{first + 1}", "score"),
        (f"{path}:{first + 1}", "statement"),
        (f"{path}:{first + 1}", "sources"),
    ]

    result = run_realign("import", str(folder), url=database_url)

    assert result.returncode != 0 and "Traceback" not in result.stderr
    listed = [m for line in result.stderr.splitlines() if (m := ERROR_LINE.match(line))]
    assert [(m["where"], m["field"]) for m in listed] == expected, result.stderr
    assert "unknown event 'atlantis'" in listed[2]["message"] and "unknown actor 'nobody'" in listed[3]["message"]
    assert "7 problem(s); nothing was written" in result.stderr
    engine = engine_of(database_url)
    try:
        assert set(row_counts(engine).values()) == {0}
    finally:
        engine.dispose()

    skipped = run_realign("import", "--skip-invalid", str(folder), url=database_url)

    assert skipped.returncode == 0, skipped.stderr
    reasons = [m for line in skipped.stderr.splitlines() if (m := ERROR_LINE.match(line))]
    assert [(m["where"], m["field"]) for m in reasons] == expected, skipped.stderr
    assert "skipped 2 record(s)" in skipped.stderr


def test_import_refuses_a_list_past_its_bound(database_url, tmp_path):
    """Given a story copy with one event of 51 participants, when imported, then the import fails naming the line,
    the field and the bound (50), and writes nothing."""
    folder = tmp_path / "crowded"
    shutil.copytree(STORY, folder)
    record = crowded_records()["events.jsonl"]
    events = folder / "events.jsonl"
    with events.open("a", encoding="utf-8") as handle:
        handle.write(json.dumps(record) + "\n")
    line = len(events.read_text(encoding="utf-8").splitlines())

    result = run_realign("import", str(folder), url=database_url)

    assert result.returncode != 0 and "Traceback" not in result.stderr
    assert f"{events}:{line}: participants: names 51 actors, more than the 50 an event may have" in result.stderr
    engine = engine_of(database_url)
    try:
        assert set(row_counts(engine).values()) == {0}
    finally:
        engine.dispose()
