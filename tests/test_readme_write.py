"""The README's "Write" walk-through, verbatim: a token from the CLI, a mutation and the reads that show it."""

from __future__ import annotations

import asyncio
import os
import re
import subprocess
import sys
from pathlib import Path

import httpx

from api.app import create_app
from api.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
REALIGN = Path(sys.executable).parent / "realign"


def write_section() -> tuple[str, list[str]]:
    """The token command and the GraphQL documents of the README's "Write" section."""
    section = (ROOT / "README.md").read_text().split("## Write", 1)[1].split("\n## ", 1)[0]
    command = re.findall(r"```sh\n(.*?)\n```", section, re.S)[0]
    return command, re.findall(r"```graphql\n(.*?)```", section, re.S)


def test_readme_write_walkthrough(seeded_url):
    """Given the README's steps, when followed, then the event and reaction appear in timeline and audit trail."""
    command, (mutation, check) = write_section()
    argv = command.split()
    assert argv[0] == ".venv/bin/realign"
    made = subprocess.run(
        [str(REALIGN), *argv[1:]],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "REALIGN_DATABASE_URL": seeded_url},
    )
    token = made.stdout.strip()
    assert token.startswith("rlg_")

    async def go() -> tuple[dict, dict, dict]:
        app = create_app(Settings(database_url=seeded_url))
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as client:
            anonymous = (await client.post("/graphql", json={"query": mutation})).json()
            headers = {"Authorization": f"Bearer {token}"}
            written = (await client.post("/graphql", json={"query": mutation}, headers=headers)).json()
            seen = (await client.post("/graphql", json={"query": check}, headers=headers)).json()
        await app.state.engine.dispose()
        return anonymous, written, seen

    anonymous, written, seen = asyncio.run(go())
    assert {e["extensions"]["code"] for e in anonymous["errors"]} == {"UNAUTHENTICATED"}
    assert "errors" not in written, written["errors"]
    event = written["data"]["eventCreate"]
    assert event["version"] == 1 and event["date"]["label"] == "10 September 2025"
    assert [p["actor"]["name"] for p in event["participants"]] == ["Gideon Sa'ar", "Taiwan"]
    assert written["data"]["reactionCreate"]["target"]["title"].startswith("Sa'ar meets")
    assert "errors" not in seen, seen["errors"]
    titles = [n.get("title") or n.get("kind") for n in seen["data"]["timeline"]["nodes"]]
    assert titles == ["Sa'ar meets Taiwan's foreign minister", "CONDEMN"]
    audit = seen["data"]["auditTrail"]["nodes"]
    assert [(a["action"], a["recordSlug"], a["madeBy"]) for a in audit[:2]] == [
        ("create", "prc-condemns-saar-meeting", "my-desk"),
        ("create", "saar-meets-lin-2025-09", "my-desk"),
    ]
    assert audit[1]["after"]["participants"] == {"host": ["gideon-saar"], "participant": ["taiwan"]}
