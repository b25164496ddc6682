"""Fuzzing the whole GraphQL schema with Schemathesis against `realign serve`, on SQLite and PostgreSQL.

Schemathesis reads the schema by introspection and generates queries and mutations for every root field, valid
and invalid ones, then follows links between operations (stateful phase). The checks (see
``schemathesis_hooks.py``): no HTTP 5xx, no traceback, JSON bodies, every error coded as a refusal of the
client's input (BAD_USER_INPUT, NOT_FOUND, UNAUTHENTICATED, ...) — never INTERNAL — and responses that keep
the schema's non-null promises. Requests carry an admin token, so mutations run for real on the test's own
copy of the story. Needs ``schemathesis`` (a dev dependency).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.server import running
from tests.support import BIN, run_realign, story_lines

HOOKS = Path(__file__).resolve().parent / "schemathesis_hooks.py"
MAX_EXAMPLES = 30  # per operation and phase: about 1,200 requests in all
SEED = 20250805  # fixed, so a failure reproduces; REALIGN_FUZZ_SEED overrides it
CHECKS = "realign_no_server_error,response_schema_conformance,negative_data_rejection"


def toml_list(values: list[str] | list[int]) -> str:
    """A TOML array of strings (given with their TOML escapes) or integers."""
    return "[" + ", ".join(f'"{v}"' if isinstance(v, str) else str(v) for v in values) + "]"


def fuzz_config() -> str:
    """A schemathesis.toml whose dictionaries feed the story's own slugs, dates and page sizes to the arguments
    that take them, so that many queries reach the data instead of stopping at NOT_FOUND."""
    actors = sorted(line["slug"] for line in story_lines("actor"))
    slugs = actors + sorted(
        line["slug"] for kind in ("event", "statement", "reaction", "relationship_change") for line in story_lines(kind)
    )
    dictionaries = {
        "actors": actors,
        "slugs": slugs,
        "dates": ["2025", "2025-07", "2025-08-05", "late 2025-07", "circa 2024", "2020s", "2022-02-24/.."],
        "pages": [1, 2, 5, 20, 100, 0, 101, -1],
        "versions": [1, 2],
        # Text that databases and drivers treat specially: NUL (PostgreSQL refuses it), LIKE wildcards, quotes.
        "nasty": ["a\\u0000b", "%", "_", "\\\\", "'; --", "\\u202e", "Beijing"],
    }
    bindings = {
        "*.*.slug": ("slugs", 0.7),
        "Query.relationship.from.slug": ("actors", 0.8),
        "Query.relationship.to.slug": ("actors", 0.8),
        "Query.relationships.actor.slug": ("actors", 0.8),
        "Query.relationships.counterpart.slug": ("actors", 0.8),
        "*.*.ref.slug": ("slugs", 0.7),  # a RecordRef: the record an update or delete names
        "*.*.filter.actors[*]": ("actors", 0.7),
        "*.*.filter.from": ("dates", 0.7),
        "*.*.filter.to": ("dates", 0.7),
        "*.*.first": ("pages", 0.7),
        "*.*.last": ("pages", 0.5),
        "Mutation.*.version": ("versions", 0.8),
    }
    lines = ["[generation.dictionaries.string]", 'dictionary = "nasty"', "probability = 0.1", ""]
    for name, values in dictionaries.items():
        lines += [f"[dictionaries.{name}]", f"values = {toml_list(values)}", ""]
    for key, (name, probability) in bindings.items():
        lines += [f'[parameters."{key}"]', f'dictionary = "{name}"', f"probability = {probability}", ""]
    return "\n".join(lines)


def schemathesis() -> str:
    """The schemathesis command of this environment; the test fails (never skips) without it."""
    found = BIN / "schemathesis"
    if found.exists():
        return str(found)
    on_path = shutil.which("schemathesis")
    if on_path is None:
        pytest.fail("schemathesis is not installed: it is a dev dependency (pip install -e '.[dev]')")
    return on_path


def test_schemathesis_finds_no_server_error(seeded_url: str, tmp_path: Path):
    """Given a server on a story copy and an admin token, when Schemathesis fuzzes it all, then no check fails."""
    command = schemathesis()
    made = run_realign("token", "create", "--name", "fuzz", "--role", "admin", url=seeded_url)
    assert made.returncode == 0, made.stderr
    token = made.stdout.strip()
    config = tmp_path / "schemathesis.toml"
    config.write_text(fuzz_config(), encoding="utf-8")
    seed = os.environ.get("REALIGN_FUZZ_SEED", str(SEED))
    env = {**os.environ, "SCHEMATHESIS_HOOKS": str(HOOKS)}
    with running(seeded_url, tmp_path / "serve.log") as server:
        done = subprocess.run(
            [
                command,
                "--no-color",
                "--config-file",
                str(config),
                "run",
                f"{server.base}/graphql",
                "--header",
                f"Authorization: Bearer {token}",
                "--checks",
                CHECKS,
                "--max-examples",
                str(MAX_EXAMPLES),
                "--seed",
                seed,
                "--request-timeout",
                "30",
                "--no-shrink",
            ],
            cwd=tmp_path,  # its report folder and Hypothesis database stay out of the work tree
            env=env,
            capture_output=True,
            text=True,
            timeout=600,
        )
    output = done.stdout + done.stderr
    summary = output[output.rfind("SUMMARY") - 40 :] if "SUMMARY" in output else output[-6000:]
    log = (tmp_path / "serve.log").read_text(encoding="utf-8", errors="replace")[-6000:]
    assert done.returncode == 0, f"schemathesis failed (seed {seed}):\n{output[-12000:]}\nserver log:\n{log}"
    generated = re.search(r"(\d+) generated", output)
    assert generated and int(generated[1]) >= 300, summary
    print(summary)  # shown with -s: how many requests ran
