"""Deleting what others refer to: refused with CONFLICT listing the references, unless `cascade: true` deletes the
referring records too — each with its own tombstone and audit entry."""

from __future__ import annotations

from tests.mutations.support import (
    ARTICLE,
    AUDIT_TRAIL,
    DELETED_SINCE,
    EVENT_CREATE,
    EVENT_DELETE,
    REACTION_CREATE,
    event_input,
    extensions,
    now,
    reaction_input,
)

CHANGE_CREATE = "mutation ($input: RelationshipChangeInput!) { relationshipChangeCreate(input: $input) { id } }"
SOURCE_DELETE = """
mutation ($slug: String!, $version: Int!, $cascade: Boolean! = false) {
  sourceDelete(slug: $slug, version: $version, cascade: $cascade) { deleted { type slug } }
}
"""
READ_THREAD = """
query ($ids: [ID!]!) {
  nodes(ids: $ids) { id }
  relationship(from: "prc", to: "taiwan") { changes { slug } }
}
"""
GAZA_REACTIONS = {
    "unsc-diplomats-condemn-israel-gaza-policies",
    "russia-envoy-condemns-israel-at-unsc",
    "palestinian-representative-criticises-israel-at-unsc",
}
GAZA_CASCADE = {
    ("Event", "gaza-war"),
    *(("Reaction", slug) for slug in GAZA_REACTIONS),
    ("Reaction", "saar-criticises-upside-down-approach"),
    ("Reaction", "saar-ridicules-russia-envoy"),
    ("Reaction", "saar-accuses-palestinian-representative-of-propaganda"),
    ("RelationshipChange", "european-allies-israel-over-gaza"),
    ("RelationshipChange", "russia-israel-envoy-condemnation"),
    ("RelationshipChange", "israel-russia-saar-ridicule"),
}


def build_thread(api) -> None:
    """A new event, two reactions to it, a reaction to the first reaction, and a change caused by that one."""
    api.ok(EVENT_CREATE, {"input": event_input("doomed-event")})
    api.ok(REACTION_CREATE, {"input": reaction_input("first-reaction", {"event": "doomed-event"})})
    api.ok(REACTION_CREATE, {"input": reaction_input("third-reaction", {"event": "doomed-event"}, kind="PRAISE")})
    api.ok(
        REACTION_CREATE,
        {"input": reaction_input("second-reaction", {"reaction": "first-reaction"}, reactor={"slug": "prc"}, kind="CONDEMN")},
    )
    change = {
        "slug": "prc-taiwan-over-thanks",
        "from": {"slug": "prc"},
        "to": {"slug": "taiwan"},
        "delta": -2,
        "cause": {"reaction": "second-reaction"},
        "date": "2025-08-07",
        "explanation": "Beijing is displeased.",
    }
    api.ok(CHANGE_CREATE, {"input": change})


def test_deleting_a_referenced_event_conflicts_and_lists_the_references(api):
    """Given an event two reactions target, when deleted without cascade, then CONFLICT lists them, no delete."""
    build_thread(api)
    before = api.fingerprint()

    error = api.fail(EVENT_DELETE, {"slug": "doomed-event", "version": 1}, code="CONFLICT", role="admin")

    references = extensions(error)["references"]
    assert sorted((r["type"], r["slug"], r["as"]) for r in references) == [
        ("reaction", "first-reaction", "target"),
        ("reaction", "third-reaction", "target"),
    ]
    assert "first-reaction" in error["message"] and "cascade" in error["message"]
    assert api.fingerprint() == before


def test_cascade_deletes_the_event_its_reactions_and_theirs(api):
    """Given an event's reaction thread, when deleted with cascade, then all go, each with tombstone and audit."""
    build_thread(api)
    since = now()

    deleted = api.ok(EVENT_DELETE, {"slug": "doomed-event", "version": 1, "cascade": True}, role="admin")
    deleted = deleted["eventDelete"]["deleted"]

    expected = {
        ("Event", "doomed-event"),
        ("Reaction", "first-reaction"),
        ("Reaction", "second-reaction"),
        ("Reaction", "third-reaction"),
        ("RelationshipChange", "prc-taiwan-over-thanks"),
    }
    assert {(d["type"], d["slug"]) for d in deleted} == expected and len(deleted) == 5
    assert (deleted[-1]["type"], deleted[-1]["slug"]) == ("Event", "doomed-event")
    order = [d["slug"] for d in deleted]
    assert order.index("prc-taiwan-over-thanks") < order.index("second-reaction") < order.index("first-reaction")
    read = api.ok(READ_THREAD, {"ids": [d["id"] for d in deleted]}, role=None)
    assert read["nodes"] == [None] * 5
    assert {"slug": "prc-taiwan-over-thanks"} not in read["relationship"]["changes"]
    tombstones = api.ok(DELETED_SINCE, {"since": since.isoformat()}, role=None)["deletedSince"]["nodes"]
    assert sorted((t["type"], t["id"], t["slug"]) for t in tombstones) == sorted(
        (d["type"], d["id"], d["slug"]) for d in deleted
    )
    audit = api.ok(AUDIT_TRAIL, {"filter": {"since": since.isoformat()}, "first": 50}, role="admin")["auditTrail"]
    assert sorted((a["action"], a["recordType"], a["recordId"], a["madeBy"]) for a in audit["nodes"]) == sorted(
        ("delete", d["type"], d["id"], "ada-admin") for d in deleted
    )
    assert all(a["before"] is not None and a["after"] is None for a in audit["nodes"])


def test_story_event_with_threads_conflicts_then_cascades(api):
    """Given the Gaza war, when deleted, then CONFLICT lists its references; with cascade its 10 records go."""
    before = api.fingerprint()

    error = api.fail(EVENT_DELETE, {"slug": "gaza-war", "version": 1}, code="CONFLICT", role="admin")

    assert {(r["type"], r["slug"], r["as"]) for r in extensions(error)["references"]} == {
        *(("reaction", slug, "target") for slug in GAZA_REACTIONS),
        ("relationship_change", "european-allies-israel-over-gaza", "cause"),
    }
    assert api.fingerprint() == before
    since = now()

    deleted = api.ok(EVENT_DELETE, {"slug": "gaza-war", "version": 1, "cascade": True}, role="admin")

    assert {(d["type"], d["slug"]) for d in deleted["eventDelete"]["deleted"]} == GAZA_CASCADE
    tombstones = api.ok(DELETED_SINCE, {"since": since.isoformat()}, role=None)["deletedSince"]
    assert {(t["type"], t["slug"]) for t in tombstones["nodes"]} == GAZA_CASCADE
    assert tombstones["totalCount"] == len(GAZA_CASCADE)


def test_deleting_a_cited_source_conflicts_unless_cascade(api):
    """Given the cited article, when deleted, then CONFLICT lists citers; with cascade only the source goes."""
    before = api.fingerprint()

    error = api.fail(SOURCE_DELETE, {"slug": ARTICLE, "version": 1}, code="CONFLICT", role="admin")

    references = extensions(error)["references"]
    assert references and all(r["as"] == "cites" for r in references)
    assert ("event", "gaza-war") in {(r["type"], r["slug"]) for r in references}
    assert api.fingerprint() == before

    deleted = api.ok(SOURCE_DELETE, {"slug": ARTICLE, "version": 1, "cascade": True}, role="admin")

    assert deleted["sourceDelete"]["deleted"] == [{"type": "Source", "slug": ARTICLE}]
    assert api.row("event", "gaza-war") is not None


REACTION_UPDATE = """
mutation ($slug: String!, $version: Int!, $input: ReactionInput!) {
  reactionUpdate(slug: $slug, version: $version, input: $input) { id }
}
"""
REACTION_DELETE = """
mutation ($slug: String!, $version: Int!) {
  reactionDelete(slug: $slug, version: $version, cascade: true) { deleted { type slug } }
}
"""


# A thread of reactions cannot loop (writes refuse it: see test_validation), and `delete_record` skips records already
# being deleted, so a cascade through a thread visits each record once (it once recursed until RecursionError).
def test_cascade_through_a_thread_always_finishes(api):
    """Given reactions A ← B and an attempt at A → B, when A is cascade-deleted, then both go, each once."""
    api.ok(REACTION_CREATE, {"input": reaction_input("reaction-a", {"event": "gaza-war"})})
    api.ok(REACTION_CREATE, {"input": reaction_input("reaction-b", {"reaction": "reaction-a"}, reactor={"slug": "prc"})})
    api.send(REACTION_UPDATE, {"slug": "reaction-a", "version": 1, "input": {"target": {"reaction": "reaction-b"}}})
    version = api.row("reaction", "reaction-a").version

    deleted = api.ok(REACTION_DELETE, {"slug": "reaction-a", "version": version}, role="admin")

    assert sorted(d["slug"] for d in deleted["reactionDelete"]["deleted"]) == ["reaction-a", "reaction-b"]
    assert api.row("reaction", "reaction-a") is None and api.row("reaction", "reaction-b") is None
