"""The `realign` command (api/cli.py), run as a user types it: the installed executable, REALIGN_DATABASE_URL set."""

from __future__ import annotations

import re
import socket
import time

import pytest
from alembic.script import ScriptDirectory
from click.testing import CliRunner, Result
from sqlalchemy import inspect, text

from api.cli import main
from api.db import make_engine
from seeds.format import FILES, parse_data
from seeds.loader import load_records
from tests.api.conftest import Api, readme_queries
from tests.mutations.support import fingerprint
from tests.seeds.test_loader import BAD_ACTORS, BAD_CHANGES, BAD_EVENTS, BAD_REACTIONS, BAD_STATEMENTS, EXPECTED_BAD
from tests.seeds.test_loader import write_jsonl as write_seed_file
from tests.support import alembic_config, count, run_realign, story_lines

KINDS = [kind for _, kind in FILES]
COUNT_LINE = re.compile(
    r"^(?P<kind>[a-z_]+)s\s+(?P<total>\d+)\s+\(new (?P<new>\d+), updated (?P<updated>\d+), "
    r"unchanged (?P<unchanged>\d+)\)$"
)


def counts(stdout: str) -> dict[str, dict[str, int]]:
    """The per-type counts `realign seed` printed, by record type."""
    out = {}
    for line in stdout.splitlines():
        if m := COUNT_LINE.match(line.strip()):
            out[m["kind"]] = {k: int(m[k]) for k in ("total", "new", "updated", "unchanged")}
    return out


def no_traceback(result) -> None:
    """Assert a command's output shows no Python traceback."""
    assert "Traceback" not in result.stdout + result.stderr, result.stderr


def test_upgrade_then_seed_prints_counts(blank_url):
    """Given an empty database, when `db upgrade`, `db current`, `seed` run, then it is at head, all new."""
    upgraded = run_realign("db", "upgrade", url=blank_url)
    assert upgraded.returncode == 0, upgraded.stderr
    assert "database at head" in upgraded.stdout
    current = run_realign("db", "current", url=blank_url)
    head = ScriptDirectory.from_config(alembic_config(blank_url)).get_current_head()
    assert current.returncode == 0 and f"{head} (head)" in current.stdout, current.stderr

    seeded = run_realign("seed", url=blank_url)

    assert seeded.returncode == 0, seeded.stderr
    no_traceback(seeded)
    printed = counts(seeded.stdout)
    assert set(printed) == set(KINDS), seeded.stdout
    for kind in KINDS:
        lines = len(story_lines(kind))
        assert printed[kind] == {"total": lines, "new": lines, "updated": 0, "unchanged": 0}, kind
    assert re.search(r"^loaded in \d+\.\ds$", seeded.stdout, re.M)


def test_second_seed_prints_new_0(seeded_url):
    """Given a seeded database, when `realign seed` runs again, then every type shows new 0 and nothing changes."""
    result = run_realign("seed", url=seeded_url)

    assert result.returncode == 0, result.stderr
    printed = counts(result.stdout)
    assert set(printed) == set(KINDS)
    for kind in KINDS:
        assert "new 0" in next(line for line in result.stdout.splitlines() if line.startswith(f"{kind}s "))
        assert printed[kind]["updated"] == 0
        assert printed[kind]["unchanged"] == printed[kind]["total"] == len(story_lines(kind))


def test_seed_bad_folder_reports_every_problem_on_stderr(database_url, tmp_path):
    """Given bad seed lines, when `realign seed --path` runs, then it fails listing each `file:line: field: msg`."""
    folder = tmp_path / "bad"
    write_seed_file(folder, "sources.jsonl", [{"slug": "report", "title": "A report"}])
    write_seed_file(folder, "actors.jsonl", BAD_ACTORS)
    write_seed_file(folder, "events.jsonl", BAD_EVENTS)
    write_seed_file(folder, "statements.jsonl", BAD_STATEMENTS)
    write_seed_file(folder, "reactions.jsonl", BAD_REACTIONS)
    write_seed_file(folder, "relationship_changes.jsonl", BAD_CHANGES)

    result = run_realign("seed", "--path", str(folder), url=database_url)

    assert result.returncode != 0
    no_traceback(result)
    errors = result.stderr.splitlines()
    for name, line, field in EXPECTED_BAD:
        prefix = f"{folder / name}:{line}: {field}: "
        assert any(e.startswith(prefix) for e in errors), f"{prefix!r} missing from stderr:\n{result.stderr}"
    assert "nothing was written" in result.stderr
    engine = make_engine(database_url)
    try:
        assert all(count(engine, kind) == 0 for kind in KINDS)
    finally:
        engine.dispose()


def test_synthetic_loads_and_reloads_unchanged(database_url):
    """Given an empty database, when `realign seed --synthetic 200` runs twice, then the second run changes nothing."""
    first = run_realign("seed", "--synthetic", "200", url=database_url)
    assert first.returncode == 0, first.stderr
    loaded = counts(first.stdout)
    assert loaded["event"] == {"total": 200, "new": 200, "updated": 0, "unchanged": 0}
    assert all(c["new"] == c["total"] > 0 for c in loaded.values())

    second = run_realign("seed", "--synthetic", "200", url=database_url)

    assert second.returncode == 0, second.stderr
    again = counts(second.stdout)
    assert set(again) == set(loaded)
    for kind, numbers in again.items():
        assert numbers == {"total": loaded[kind]["total"], "new": 0, "updated": 0, "unchanged": numbers["total"]}
    engine = make_engine(database_url)
    try:
        for kind, numbers in loaded.items():
            assert count(engine, kind) == numbers["total"], kind
    finally:
        engine.dispose()


# --- synthetic data beside the curated story ----------------------------------------------------------------

SYNTHETIC_KINDS = {"source", "actor", "event", "statement", "reaction", "relationship_change"}
SYNC_TABLES = {"tombstone", "audit_entry"}  # the removal writes these on purpose


def story_records() -> int:
    """How many records the seed story holds."""
    return sum(len(story_lines(kind)) for kind in KINDS)


def synthetic_rows(engine) -> dict[str, int]:
    """Synthetic records in the database, by type."""
    with engine.connect() as conn:
        return {
            kind: conn.execute(text(f"SELECT count(*) FROM {kind} WHERE slug LIKE 'syn-%'")).scalar_one()
            for kind in KINDS
        }


def story_state(url: str) -> tuple[dict, list]:
    """Every table but the sync ones (rows, versions, latest update) and the answers to the README's queries."""
    engine = make_engine(url)
    try:
        tables = {name: value for name, value in fingerprint(engine).items() if name not in SYNC_TABLES}
    finally:
        engine.dispose()
    client = Api(url)
    try:
        answers = [client.gql(query) for query in readme_queries()]
    finally:
        client.close()
    return tables, answers


def test_synthetic_into_curated_database_is_refused(seeded_url):
    """Given the story, when `realign seed --synthetic 50` runs, then it refuses on stderr, exit 1, writes nothing."""
    result = run_realign("seed", "--synthetic", "50", url=seeded_url)

    assert result.returncode == 1, result.stdout
    no_traceback(result)
    assert result.stdout == ""
    assert f"holds {story_records()} curated record(s)" in result.stderr
    assert "--mix-with-curated" in result.stderr
    engine = make_engine(seeded_url)
    try:
        assert sum(synthetic_rows(engine).values()) == 0
    finally:
        engine.dispose()


def test_mixed_then_removed_leaves_exactly_the_story(seeded_url):
    """Given the story plus 200 synthetic events (--mix-with-curated), when `seed --remove-synthetic` runs,
    then every synthetic record is gone, counted by type, with tombstones, and the story is as it was."""
    before, answers = story_state(seeded_url)
    mixed = run_realign("seed", "--synthetic", "200", "--mix-with-curated", url=seeded_url)
    assert mixed.returncode == 0, mixed.stderr
    loaded = {kind: numbers["total"] for kind, numbers in counts(mixed.stdout).items()}
    assert set(loaded) == SYNTHETIC_KINDS and loaded["event"] == 200
    engine = make_engine(seeded_url)
    try:
        assert synthetic_rows(engine) == {kind: loaded.get(kind, 0) for kind in KINDS}
        tombstones = count(engine, "tombstone")

        removed = run_realign("seed", "--remove-synthetic", url=seeded_url)

        assert removed.returncode == 0, removed.stderr
        no_traceback(removed)
        lines = removed.stdout.splitlines()
        assert {line.split()[0]: int(line.split()[1]) for line in lines[:-1]} == {k + "s": n for k, n in loaded.items()}
        assert all(line.endswith("removed") for line in lines[:-1])
        assert re.fullmatch(
            rf"removed {sum(loaded.values())} synthetic record\(s\) in \d+\.\ds; "
            rf"{story_records()} curated record\(s\) left untouched",
            lines[-1],
        )
        assert sum(synthetic_rows(engine).values()) == 0
        assert count(engine, "tombstone") == tombstones + sum(loaded.values())
        with engine.connect() as conn:
            entry = conn.execute(text("SELECT action, record_type, token_name FROM audit_entry")).all()
        assert [tuple(row) for row in entry] == [("delete", "synthetic", "cli")]
    finally:
        engine.dispose()
    assert story_state(seeded_url) == (before, answers)

    again = run_realign("seed", "--remove-synthetic", url=seeded_url)
    assert again.returncode == 0, again.stderr
    assert again.stdout.startswith("no synthetic records to remove")


def test_removal_refuses_while_a_curated_record_refers_to_synthetic_data(seeded_url):
    """Given a curated reaction to a synthetic event, when `seed --remove-synthetic` runs, then it names it, exit 1,
    and removes nothing."""
    assert run_realign("seed", "--synthetic", "50", "--mix-with-curated", url=seeded_url).returncode == 0
    engine = make_engine(seeded_url)
    try:
        reply, problems = parse_data(
            "reaction",
            {
                "slug": "taiwan-answers-a-made-up-event",
                "reactor": "taiwan",
                "kind": "thanks",
                "target": {"event": "syn-event-7"},
                "date": "2025-08-06",
            },
            "test",
        )
        assert not problems and not load_records(engine, [reply]).errors
        held = synthetic_rows(engine)

        result = run_realign("seed", "--remove-synthetic", url=seeded_url)

        assert result.returncode == 1
        no_traceback(result)
        assert "reaction 'taiwan-answers-a-made-up-event' (target_event) → event 'syn-event-7'" in result.stderr
        assert "nothing was removed" in result.stderr
        assert synthetic_rows(engine) == held
    finally:
        engine.dispose()


def test_story_loads_into_a_synthetic_database_with_a_note(database_url):
    """Given only synthetic data, when `realign seed` loads the story, then it is all new and stderr notes the rest."""
    assert run_realign("seed", "--synthetic", "50", url=database_url).returncode == 0

    result = run_realign("seed", url=database_url)

    assert result.returncode == 0, result.stderr
    assert all(numbers["new"] == numbers["total"] for numbers in counts(result.stdout).values())
    assert "synthetic record(s); `realign seed --remove-synthetic` removes them" in result.stderr


def test_curated_seed_files_may_not_take_synthetic_slugs(database_url, tmp_path):
    """Given a seed file with a `syn-` slug, when `realign seed --path` runs, then it names the line, writes nothing."""
    write_seed_file(tmp_path, "sources.jsonl", [{"slug": "syn-looks-made-up", "title": "A report"}])

    result = run_realign("seed", "--path", str(tmp_path), url=database_url)

    assert result.returncode == 1
    assert f"{tmp_path / 'sources.jsonl'}:1: slug: 'syn-' starts the slugs of synthetic data only" in result.stderr


def test_progress_stays_off_stdout_and_quiet_off_a_terminal(database_url):
    """Given stdout and stderr that are pipes, when a load big enough for a progress bar runs, then stdout holds
    only the counts and stderr only the one line saying what is generated: no bar, no stray label."""
    result = run_realign("seed", "--synthetic", "10000", url=database_url, timeout=180)

    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert all(COUNT_LINE.match(line) for line in lines[:-1]) and lines[-1].startswith("loaded in "), result.stdout
    assert result.stderr == "generating 10000 synthetic events…\n"


# The commands below are run in-process (click's runner): the same code path, without a process start-up.


def invoke(*args: str) -> Result:
    """Run a `realign` command in-process."""
    return CliRunner().invoke(main, list(args))


def test_db_downgrade_to_base(database_url):
    """Given a database at head, when `realign db downgrade base` runs, then only alembic_version is left."""
    down = invoke("--database-url", database_url, "db", "downgrade", "base")
    assert down.exit_code == 0, down.output
    assert "database at base" in down.stdout
    engine = make_engine(database_url)
    try:
        with engine.connect() as conn:
            assert inspect(conn).get_table_names() == ["alembic_version"]
    finally:
        engine.dispose()


def test_db_upgrade_works_from_any_folder(blank_url, tmp_path, monkeypatch):
    """Given a folder without alembic.ini, when `realign db upgrade` runs there, then the migrations apply."""
    monkeypatch.chdir(tmp_path)
    result = invoke("--database-url", blank_url, "db", "upgrade")
    assert result.exit_code == 0, result.output
    assert "database at head" in result.stdout


@pytest.mark.parametrize("case", ["unsupported-url", "unreachable-server", "not-migrated"])
def test_operator_mistakes_end_in_a_clear_error(case, tmp_path):
    """Given a bad database setting, when `realign seed` runs, then it fails with a one-line error."""
    url = {
        "unsupported-url": "mysql://user@localhost/realign",
        "unreachable-server": "postgresql://postgres@127.0.0.1:1/realign",
        "not-migrated": f"sqlite:///{tmp_path / 'empty.db'}",
    }[case]
    result = invoke("--database-url", url, "seed")
    assert result.exit_code != 0
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert "Error:" in result.stderr


def test_commands_wait_for_the_database_as_long_as_the_setting_says(tmp_path):
    """Given a database address that accepts connections and never answers, when `realign export` runs with
    REALIGN_DB_CONNECT_TIMEOUT=6, then it gives up after about six seconds (not its default three) with a one-line
    error and no traceback."""
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(8)
        url = f"postgresql://postgres@127.0.0.1:{silent.getsockname()[1]}/realign"
        started = time.monotonic()
        result = run_realign("export", str(tmp_path / "out"), url=url, settings={"REALIGN_DB_CONNECT_TIMEOUT": "6"})
        took = time.monotonic() - started
    assert result.returncode != 0 and "timeout" in result.stderr, result.stderr
    no_traceback(result)
    assert 5.5 <= took < 30, took
