"""The README's "Write" walk-through as a user does it: `realign token create` in a terminal, the header pasted into
GraphiQL, one mutation adding an event with two participants and a reaction to it, then the timeline and the audit
trail. (tests/test_readme_write.py runs the README's text verbatim; this follows the same steps and checks what
each step leaves behind.)"""

from __future__ import annotations

import pytest

from api.db import make_engine
from tests.mutations.support import Client, fingerprint
from tests.support import run_realign

TOKEN_NAME = "my-desk"
ADD_EVENT_AND_REACTION = """
mutation {
  eventCreate(input: {
    slug: "saar-meets-lin-2025-09", title: "Sa'ar meets Taiwan's foreign minister", kind: CONSULT,
    date: "2025-09-10", place: {name: "Jerusalem", country: "ISR"}, tags: ["taiwan"],
    participants: [{actor: "gideon-saar", role: HOST}, {actor: "taiwan", role: PARTICIPANT}]
  }) { id slug version date { label } participants { role actor { name } } }
  reactionCreate(input: {
    slug: "prc-condemns-saar-meeting", reactor: "prc-embassy-tel-aviv", kind: CONDEMN,
    target: {event: "saar-meets-lin-2025-09"}, date: "2025-09-11"
  }) { id slug kind target { ... on Event { title } } }
}
"""
TIMELINE = """
{
  timeline(filter: {from: "2025-09", actors: ["taiwan"]}) {
    nodes { __typename ... on Event { slug title } ... on Reaction { slug kind reactor { name } } }
  }
}
"""
AUDIT = """
query ($who: String!) {
  auditTrail(filter: {madeBy: $who}, first: 5) {
    totalCount nodes { at madeBy action recordType recordId recordSlug before after }
  }
}
"""


@pytest.fixture
def desk(seeded_url):
    """The README's step 1: `realign token create --name my-desk --role admin`; a client that sends its token."""
    made = run_realign("token", "create", "--name", TOKEN_NAME, "--role", "admin", url=seeded_url)
    assert made.returncode == 0, made.stderr
    token = made.stdout.strip()
    assert token.startswith("rlg_") and "\n" not in token, made.stdout
    assert "Bearer" in made.stderr  # the hint on how to send it
    client = Client(seeded_url, {"admin": token})
    yield client
    client.close()


def test_readme_write_walkthrough(desk):
    """Given a CLI token, when the README's mutation runs (first without it), then timeline and audit show it."""
    engine = make_engine(desk.url)
    try:
        before = fingerprint(engine)
        anonymous = desk.send(ADD_EVENT_AND_REACTION, role=None)
        assert {e["extensions"]["code"] for e in anonymous["errors"]} == {"UNAUTHENTICATED"}
        assert fingerprint(engine) == before
    finally:
        engine.dispose()

    written = desk.ok(ADD_EVENT_AND_REACTION, headers={"Authorization": f"Bearer {desk.tokens['admin']}"})

    event, reaction = written["event"], written["reaction"]
    assert event["version"] == 1 and event["date"]["label"] == "10 September 2025"
    assert event["participants"] == [
        {"role": "HOST", "actor": {"name": "Gideon Sa'ar"}},
        {"role": "PARTICIPANT", "actor": {"name": "Taiwan"}},
    ]
    assert reaction["target"] == {"title": "Sa'ar meets Taiwan's foreign minister"}

    items = desk.ok(TIMELINE, role=None)["timeline"]["nodes"]
    assert [(i["__typename"], i["slug"]) for i in items] == [
        ("Event", "saar-meets-lin-2025-09"),
        ("Reaction", "prc-condemns-saar-meeting"),
    ]
    assert items[1]["reactor"] == {"name": "Embassy of the People's Republic of China in Israel"}

    audit = desk.ok(AUDIT, {"who": TOKEN_NAME}, role="admin")["auditTrail"]
    assert audit["totalCount"] == 2
    assert [(a["action"], a["recordType"], a["recordId"], a["madeBy"]) for a in audit["nodes"]] == [
        ("create", "Reaction", reaction["id"], TOKEN_NAME),
        ("create", "Event", event["id"], TOKEN_NAME),
    ]
    assert all(a["before"] is None for a in audit["nodes"])
    assert audit["nodes"][1]["after"]["participants"] == {"host": ["gideon-saar"], "participant": ["taiwan"]}
    assert audit["nodes"][0]["after"]["target"] == {"event": "saar-meets-lin-2025-09"}
