"""The README's "Write" walk-through, verbatim: a token from the CLI, a mutation and the reads that show it, and
its example of a refused input with the payload it answers."""

from __future__ import annotations

import asyncio
import json
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
    """The token command and the GraphQL documents of the README's "Write" section (the walk-through's mutation and
    check, then the refused input's)."""
    section = (ROOT / "README.md").read_text().split("## Write", 1)[1].split("\n## ", 1)[0]
    command = re.findall(r"```sh\n(.*?)\n```", section, re.S)[0]
    return command, re.findall(r"```graphql\n(.*?)```", section, re.S)


def test_readme_write_walkthrough(seeded_url):
    """Given the README's steps, when followed, then the event and reaction appear in timeline and audit trail."""
    command, (mutation, check, _) = write_section()
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
    # Without a token each mutation is null with its own error; the response itself is not wiped.
    assert anonymous["data"] == {"eventCreate": None, "reactionCreate": None}, anonymous
    assert [(e["path"], e["extensions"]["code"]) for e in anonymous["errors"]] == [
        (["eventCreate"], "UNAUTHENTICATED"),
        (["reactionCreate"], "UNAUTHENTICATED"),
    ]
    assert "errors" not in written, written["errors"]
    assert written["data"]["eventCreate"]["userErrors"] == written["data"]["reactionCreate"]["userErrors"] == []
    event = written["data"]["eventCreate"]["event"]
    assert event["version"] == 1 and event["date"]["label"] == "10 September 2025"
    assert [p["actor"]["name"] for p in event["participants"]] == ["Gideon Sa'ar", "Taiwan"]
    assert written["data"]["reactionCreate"]["reaction"]["target"]["title"].startswith("Sa'ar meets")
    assert "errors" not in seen, seen["errors"]
    titles = [n.get("title") or n.get("reactionKind") for n in seen["data"]["timeline"]["nodes"]]
    assert titles == ["Sa'ar meets Taiwan's foreign minister", "CONDEMN"]
    audit = seen["data"]["auditTrail"]["nodes"]
    assert [(a["action"], a["recordSlug"], a["madeBy"]) for a in audit[:2]] == [
        ("create", "prc-condemns-saar-meeting", "my-desk"),
        ("create", "saar-meets-lin-2025-09", "my-desk"),
    ]
    assert audit[1]["after"]["participants"] == {"host": ["gideon-saar"], "participant": ["taiwan"]}


def test_readme_refused_input_answers_what_the_readme_shows(seeded_url):
    """Given the README's refused relationship change, when sent by an editor, then the answer is the README's JSON
    (HTTP 200, no GraphQL errors) and nothing is written."""
    from api.db import make_engine
    from api.services import tokens
    from tests.mutations.support import fingerprint

    _, (_, _, refused) = write_section()
    section = (ROOT / "README.md").read_text().split("## Write", 1)[1].split("\n## ", 1)[0]
    shown = json.loads(re.findall(r"```json\n(.*?)```", section, re.S)[0])
    engine = make_engine(seeded_url)
    with engine.begin() as conn:
        token = tokens.create(conn, name="readme-editor", role="editor")
    before = fingerprint(engine)

    async def go() -> httpx.Response:
        app = create_app(Settings(database_url=seeded_url))
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as client:
            response = await client.post(
                "/graphql", json={"query": refused}, headers={"Authorization": f"Bearer {token}"}
            )
        await app.state.engine.dispose()
        return response

    response = asyncio.run(go())
    assert response.status_code == 200
    assert response.json() == {"data": shown}
    assert fingerprint(engine) == before
    engine.dispose()
