"""Real GraphQL client tooling from npm — relay-compiler and graphql-codegen — run against the committed schema.

Their npm packages come from the committed lock file in tests/clients/ (`npm ci`, run here only when the lock file's
hash differs from the one recorded at the last install, so the install is paid once). Missing Node or npm fails the
tests with what to install — they never skip. Nothing here downloads a browser or reaches past the npm registry.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest
from graphql import OperationDefinitionNode, parse

ROOT = Path(__file__).resolve().parents[1]
CLIENTS = ROOT / "tests" / "clients"
SCHEMA = ROOT / "schema.graphql"
RELAY_SOURCES = CLIENTS / "relay" / "src"


def client_tools() -> Path:
    """tests/clients/ with its npm packages installed from the lock file; fails (never skips) naming what is missing."""
    return npm_installed(CLIENTS)


def npm_installed(folder: Path) -> Path:
    """``folder`` with its npm packages installed from its lock file (`npm ci`, only when the lock file changed
    since the last install there); fails (never skips) naming what is missing."""
    missing = [tool for tool in ("node", "npm") if shutil.which(tool) is None]
    if missing:
        pytest.fail(f"{' and '.join(missing)} not found: install Node.js 20+ with npm (apt-get install nodejs npm)")
    lock = folder / "package-lock.json"
    stamp = folder / "node_modules" / ".realign-lock-sha256"
    # One install at a time: two test processes must not both run `npm ci` into the same node_modules.
    with lock.open("rb") as held:
        fcntl.flock(held, fcntl.LOCK_EX)
        digest = hashlib.sha256(lock.read_bytes()).hexdigest()
        if not stamp.exists() or stamp.read_text() != digest:
            done = subprocess.run(
                ["npm", "ci", "--no-audit", "--no-fund", "--prefer-offline"],
                cwd=folder,
                capture_output=True,
                text=True,
                timeout=600,
            )
            assert done.returncode == 0, f"npm ci in {folder} failed:\n{done.stderr}"
            stamp.write_text(digest)
    return folder


def _bin(name: str) -> str:
    return str(client_tools() / "node_modules" / ".bin" / name)


@dataclass
class Run:
    """One run of a client tool: its exit code and what it printed."""

    returncode: int
    output: str


def _run(argv: list[str], cwd: Path) -> Run:
    done = subprocess.run(argv, cwd=cwd, capture_output=True, text=True, timeout=300)
    # The tools colour their logs; the escapes only get in the way of reading a failure.
    output = re.sub(r"\x1b\[[0-9;]*m", "", done.stdout + done.stderr)
    return Run(done.returncode, output)


# --- Relay ---------------------------------------------------------------------------------------------------------

TEMPLATE = re.compile(r"graphql`(.*?)`", re.S)
DEFINITION = re.compile(r"\b(fragment|query|mutation|subscription)\s+(\w+)")
# Between a fragment's type and its selection set only directives come, whose arguments may hold `{...}` objects.
REFETCHABLE = re.compile(
    r"fragment\s+(\w+)\s+on\s+(\w+)(?:[^{}]|\{[^{}]*\})*?@refetchable\(\s*queryName:\s*\"(\w+)\"", re.S
)
CONNECTION = re.compile(r"@connection\(\s*key:\s*\"(\w+)\"")


def relay_documents() -> str:
    """Every graphql`...` template of the Relay fixture app, joined."""
    return "\n".join(
        "\n".join(TEMPLATE.findall(path.read_text(encoding="utf-8"))) for path in sorted(RELAY_SOURCES.glob("*.ts"))
    )


def relay_definitions() -> set[str]:
    """The names every artifact should have: each fragment and operation, and each generated refetch query."""
    text = relay_documents()
    return {name for _, name in DEFINITION.findall(text)} | {query for _, _, query in REFETCHABLE.findall(text)}


def relay_refetchables() -> list[tuple[str, str, str]]:
    """(fragment, type, refetch query) for each @refetchable fragment of the fixture app."""
    return REFETCHABLE.findall(relay_documents())


def relay_connections() -> list[str]:
    """The key of each @connection in the fixture app."""
    return CONNECTION.findall(relay_documents())


def relay_compile(work: Path) -> tuple[Run, Path]:
    """Copy the fixture app to ``work`` and run relay-compiler on it against schema.graphql; the artifacts' folder."""
    shutil.copytree(RELAY_SOURCES, work / "src")
    config = {"src": "./src", "schema": str(SCHEMA), "language": "typescript"}
    (work / "relay.config.json").write_text(json.dumps(config))
    return _run([_bin("relay-compiler")], work), work / "src" / "__generated__"


def artifact_text(artifact: str) -> str:
    """The operation text a Relay artifact sends to the server (its ``params.text``)."""
    found = re.search(r'"text": ("(?:[^"\\]|\\.)*")', artifact)
    assert found, "artifact has no operation text"
    return str(json.loads(found.group(1)))


# --- graphql-codegen -----------------------------------------------------------------------------------------------


def named(documents: list[str], prefix: str) -> tuple[list[str], list[str]]:
    """The documents with each anonymous operation named ``<prefix><n>`` (codegen types each operation by its name,
    and several anonymous ones cannot be validated together), and the type name codegen gives each operation."""
    out, types = [], []
    for number, text in enumerate(documents, 1):
        operations = [d for d in parse(text).definitions if isinstance(d, OperationDefinitionNode)]
        names = [
            op.name.value if op.name else f"{prefix}{number}" + (f"_{index}" if len(operations) > 1 else "")
            for index, op in enumerate(operations, 1)
        ]
        types += [name + op.operation.value.capitalize() for name, op in zip(names, operations, strict=True)]
        # Named in the text itself (the parsed nodes are frozen), from the last operation back so offsets hold.
        for name, op in reversed(list(zip(names, operations, strict=True))):
            if op.name is None:
                assert op.loc is not None
                kind, start = op.operation.value, op.loc.start
                if text.startswith(kind, start):
                    text = f"{text[: start + len(kind)]} {name}{text[start + len(kind) :]}"
                else:  # the `{ ... }` shorthand of a query
                    text = f"{text[:start]}query {name} {text[start:]}"
        parse(text)  # still one valid document
        out.append(text)
    return out, types


# What a TypeScript client holds for each custom scalar (codegen types an unmapped one `unknown`): dates and times
# travel as their text.
SCALARS = {"Date": "string", "DateTime": "string", "FuzzyDate": "string", "JSON": "unknown"}


def codegen(documents: list[str], work: Path) -> tuple[Run, str]:
    """Run graphql-codegen (typescript + typescript-operations) on ``documents`` against schema.graphql."""
    folder = work / "documents"
    folder.mkdir()
    for number, text in enumerate(documents, 1):
        (folder / f"document-{number:02d}.graphql").write_text(text)
    target = work / "operations.ts"
    config = {
        "schema": str(SCHEMA),
        "documents": str(folder / "*.graphql"),
        "generates": {
            str(target): {"plugins": ["typescript", "typescript-operations"], "config": {"scalars": SCALARS}}
        },
    }
    (work / "codegen.json").write_text(json.dumps(config))
    # From tests/clients/, so codegen resolves its plugins from the installed packages.
    run = _run([_bin("graphql-codegen"), "--config", str(work / "codegen.json")], client_tools())
    return run, target.read_text() if target.exists() else ""
