"""GraphQL over HTTP: the server audits that the npm package graphql-http ships, against `realign serve`."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.server import serve

AUDIT = Path(__file__).resolve().parent / "http_audit"


@pytest.fixture(scope="session")
def audit_tool() -> Path:
    """The audit script with its npm packages installed from the committed lock file."""
    if shutil.which("node") is None or shutil.which("npm") is None:
        pytest.fail("Node.js and npm are needed for the GraphQL-over-HTTP audit")
    if not (AUDIT / "node_modules" / "graphql-http").exists():
        subprocess.run(["npm", "ci", "--no-audit", "--no-fund"], cwd=AUDIT, check=True, capture_output=True)
    return AUDIT / "audit.mjs"


def test_every_graphql_over_http_audit_passes(audit_tool: Path, story_url: str):
    """Given a started server, when graphql-http audits it, then every MUST, SHOULD and MAY audit is ok."""
    with serve(story_url) as base:
        done = subprocess.run(["node", str(audit_tool), f"{base}/graphql"], capture_output=True, text=True, timeout=120)
    lines = [json.loads(line) for line in done.stdout.splitlines() if line.startswith("{")]
    summary = lines[-1]
    failures = [line for line in lines[:-1] if line["status"] != "ok"]
    assert failures == [], failures
    assert summary["total"] == summary["ok"] and summary["total"] >= 40, summary
    assert done.returncode == 0, done.stderr
