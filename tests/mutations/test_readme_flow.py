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
EVENT = """
  eventCreate(input: {
    slug: "saar-meets-lin-2025-09", title: "Sa'ar meets Taiwan's foreign minister", eventKind: CONSULT,
    date: "2025-09-10", place: {name: "Jerusalem", country: "ISR"}, tags: ["taiwan"],
    participants: [{actor: {slug: "gideon-saar"}, role: HOST}, {actor: {slug: "taiwan"}, role: PARTICIPANT}]
  }) {
    event { id slug version date { label } participants { role actor { name } } }
    userErrors { field message code }
  }
"""
REACTION = """
  reactionCreate(input: {
    slug: "prc-condemns-saar-meeting", reactor: {slug: "%s"}, reactionKind: CONDEMN,
    target: {event: "saar-meets-lin-2025-09"}, date: "2025-09-11"
  }) {
    reaction { id slug reactionKind target { slug ... on Event { title } } }
    userErrors { field message code }
  }
"""
ADD_EVENT_AND_REACTION = "mutation {" + EVENT + REACTION % "prc-embassy-tel-aviv" + "}"
# The case: the reactor misspelt. The event is still saved, and the client learns its id and version.
ADD_EVENT_AND_BAD_REACTION = "mutation {" + EVENT + REACTION % "prc-embasy-tel-aviv" + "}"
TIMELINE = """
{
  timeline(filter: {from: "2025-09", actors: [{slug: "taiwan"}]}) {
    nodes { __typename ... on Event { slug title } ... on Reaction { slug reactionKind reactor { name } } }
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
        assert anonymous["data"] == {"eventCreate": None, "reactionCreate": None}, anonymous
        assert {e["extensions"]["code"] for e in anonymous["errors"]} == {"UNAUTHENTICATED"}
        assert fingerprint(engine) == before
    finally:
        engine.dispose()

    written = desk.ok(ADD_EVENT_AND_REACTION, headers={"Authorization": f"Bearer {desk.tokens['admin']}"})

    assert written["eventCreate"]["userErrors"] == written["reactionCreate"]["userErrors"] == []
    event, reaction = written["eventCreate"]["event"], written["reactionCreate"]["reaction"]
    assert event["version"] == 1 and event["date"]["label"] == "10 September 2025"
    assert event["participants"] == [
        {"role": "HOST", "actor": {"name": "Gideon Sa'ar"}},
        {"role": "PARTICIPANT", "actor": {"name": "Taiwan"}},
    ]
    assert reaction["target"] == {"slug": "saar-meets-lin-2025-09", "title": "Sa'ar meets Taiwan's foreign minister"}

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


def test_a_bad_reaction_beside_a_good_event_costs_only_itself(desk):
    """Given the README's mutation with the reactor misspelt, when it runs, then HTTP 200 and no GraphQL error: the
    event is created and its payload gives its id and version, the reaction's payload is null with one NOT_FOUND user
    error at `input.reactor`, and only the event is written."""
    response = desk.request(
        "POST",
        "/graphql",
        json={"query": ADD_EVENT_AND_BAD_REACTION},
        headers={"Authorization": f"Bearer {desk.tokens['admin']}"},
    )

    assert response.status_code == 200
    answer = response.json()
    assert "errors" not in answer, answer["errors"]
    made = answer["data"]["eventCreate"]
    assert made["userErrors"] == []
    assert made["event"]["slug"] == "saar-meets-lin-2025-09" and made["event"]["version"] == 1
    assert answer["data"]["reactionCreate"] == {
        "reaction": None,
        "userErrors": [
            {
                "field": ["input", "reactor"],
                "message": "input.reactor: unknown actor 'prc-embasy-tel-aviv'",
                "code": "NOT_FOUND",
            }
        ],
    }
    read = "query ($id: ID!) { node(id: $id) { ... on Event { slug version } } }"
    node = desk.ok(read, {"id": made["event"]["id"]}, role=None)
    assert node["node"] == {"slug": "saar-meets-lin-2025-09", "version": 1}
    audit = desk.ok(AUDIT, {"who": TOKEN_NAME}, role="admin")["auditTrail"]
    assert [(a["action"], a["recordSlug"]) for a in audit["nodes"]] == [("create", "saar-meets-lin-2025-09")]
