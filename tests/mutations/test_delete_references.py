"""Deleting what others refer to: refused with a REFERENCED user error listing the referring records as nodes, unless
`cascade: true` deletes the referring records too — each with its own tombstone and audit entry."""

from __future__ import annotations

from tests.mutations.support import (
    ARTICLE,
    AUDIT_TRAIL,
    DELETED_SINCE,
    EVENT_CREATE,
    EVENT_DELETE,
    REACTION_CREATE,
    USER_ERRORS,
    event_input,
    now,
    reaction_input,
)

CHANGE_CREATE = f"""
mutation ($input: RelationshipChangeCreateInput!) {{
  relationshipChangeCreate(input: $input) {{ relationshipChange {{ id }} {USER_ERRORS} }}
}}
"""
# The records a refused delete lists, read as nodes: their type, slug and what they are about.
REFERENCES = """
references {
  __typename id
  ... on Reaction { slug reactor { slug } }
  ... on RelationshipChange { slug from { slug } }
  ... on Event { slug title }
  ... on Statement { slug }
  ... on Actor { slug }
  ... on Affiliation { slug }
}
"""
REFUSAL = f"userErrors {{ field message code currentVersion {REFERENCES} }}"
EVENT_DELETE_LISTING = f"""
mutation ($ref: RecordRef!, $version: Int!, $cascade: Boolean! = false) {{
  eventDelete(ref: $ref, version: $version, cascade: $cascade) {{ deleted {{ type id slug }} {REFUSAL} }}
}}
"""
SOURCE_DELETE = f"""
mutation ($ref: RecordRef!, $version: Int!, $cascade: Boolean! = false) {{
  sourceDelete(ref: $ref, version: $version, cascade: $cascade) {{ deleted {{ type slug }} {REFUSAL} }}
}}
"""
READ_THREAD = """
query ($ids: [ID!]!) {
  nodes(ids: $ids) { id }
  relationship(from: {slug: "prc"}, to: {slug: "taiwan"}) { changes(first: 100) { nodes { slug } } }
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
    api.written(EVENT_CREATE, {"input": event_input("doomed-event")})
    api.written(REACTION_CREATE, {"input": reaction_input("first-reaction", {"event": "doomed-event"})})
    api.written(
        REACTION_CREATE, {"input": reaction_input("third-reaction", {"event": "doomed-event"}, reactionKind="PRAISE")}
    )
    second = reaction_input(
        "second-reaction", {"reaction": "first-reaction"}, reactor={"slug": "prc"}, reactionKind="CONDEMN"
    )
    api.written(REACTION_CREATE, {"input": second})
    change = {
        "slug": "prc-taiwan-over-thanks",
        "from": {"slug": "prc"},
        "to": {"slug": "taiwan"},
        "delta": -2,
        "cause": {"reaction": "second-reaction"},
        "date": "2025-08-07",
        "explanation": "Beijing is displeased.",
    }
    api.written(CHANGE_CREATE, {"input": change})


def test_deleting_a_referenced_event_is_refused_and_lists_the_references_as_nodes(api):
    """Given an event two reactions target, when deleted without cascade, then one REFERENCED user error lists them
    as nodes a client can read (their reactor here), with HTTP 200 and no GraphQL error, and nothing is deleted."""
    build_thread(api)
    before = api.fingerprint()

    (error,) = api.refused(
        EVENT_DELETE_LISTING, {"ref": {"slug": "doomed-event"}, "version": 1}, code="REFERENCED", role="admin"
    )

    assert error["field"] == ["cascade"]
    assert sorted((r["__typename"], r["slug"], r["reactor"]["slug"]) for r in error["references"]) == [
        ("Reaction", "first-reaction", "taiwan"),
        ("Reaction", "third-reaction", "taiwan"),
    ]
    read = api.ok("query ($ids: [ID!]!) { nodes(ids: $ids) { id } }", {"ids": [r["id"] for r in error["references"]]})
    assert [n["id"] for n in read["nodes"]] == [r["id"] for r in error["references"]]
    assert "'first-reaction' (target)" in error["message"] and "cascade" in error["message"]
    assert api.fingerprint() == before


def test_cascade_deletes_the_event_its_reactions_and_theirs(api):
    """Given an event's reaction thread, when deleted with cascade, then all go, each with tombstone and audit."""
    build_thread(api)
    since = now()

    payload = api.written(EVENT_DELETE, {"ref": {"slug": "doomed-event"}, "version": 1, "cascade": True}, role="admin")
    deleted = payload["deleted"]

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
    assert {"slug": "prc-taiwan-over-thanks"} not in read["relationship"]["changes"]["nodes"]
    tombstones = api.ok(DELETED_SINCE, {"since": since.isoformat()}, role=None)["deletedSince"]["nodes"]
    key = lambda item: (item["type"], item["id"])  # noqa: E731
    assert sorted(tombstones, key=key) == sorted(deleted, key=key)  # the same DeletedItem, deletedAt included
    audit = api.ok(AUDIT_TRAIL, {"filter": {"since": since.isoformat()}, "first": 50}, role="admin")["auditTrail"]
    assert sorted((a["action"], a["recordType"], a["recordId"], a["madeBy"]) for a in audit["nodes"]) == sorted(
        ("delete", d["type"], d["id"], "ada-admin") for d in deleted
    )
    assert all(a["before"] is not None and a["after"] is None for a in audit["nodes"])


def test_story_event_with_threads_is_refused_then_cascades(api):
    """Given the Gaza war, when deleted, then REFERENCED lists its references; with cascade its 10 records go."""
    before = api.fingerprint()

    (error,) = api.refused(
        EVENT_DELETE_LISTING, {"ref": {"slug": "gaza-war"}, "version": 1}, code="REFERENCED", role="admin"
    )

    assert {(r["__typename"], r["slug"]) for r in error["references"]} == {
        *(("Reaction", slug) for slug in GAZA_REACTIONS),
        ("RelationshipChange", "european-allies-israel-over-gaza"),
    }
    assert api.fingerprint() == before
    since = now()

    deleted = api.written(EVENT_DELETE, {"ref": {"slug": "gaza-war"}, "version": 1, "cascade": True}, role="admin")

    assert {(d["type"], d["slug"]) for d in deleted["deleted"]} == GAZA_CASCADE
    tombstones = api.ok(DELETED_SINCE, {"since": since.isoformat()}, role=None)["deletedSince"]
    assert {(t["type"], t["slug"]) for t in tombstones["nodes"]} == GAZA_CASCADE
    assert tombstones["totalCount"] == len(GAZA_CASCADE)


def test_deleting_a_cited_source_is_refused_unless_cascade(api):
    """Given the cited article, when deleted, then REFERENCED lists citers; with cascade only the source goes."""
    before = api.fingerprint()

    (error,) = api.refused(SOURCE_DELETE, {"ref": {"slug": ARTICLE}, "version": 1}, code="REFERENCED", role="admin")

    references = error["references"]
    assert references and "(cites)" in error["message"]
    assert {"__typename": "Event", "slug": "gaza-war", "title": "War in Gaza"} in [
        {k: r.get(k) for k in ("__typename", "slug", "title")} for r in references
    ]
    assert api.fingerprint() == before

    deleted = api.written(SOURCE_DELETE, {"ref": {"slug": ARTICLE}, "version": 1, "cascade": True}, role="admin")

    assert deleted["deleted"] == [{"type": "Source", "slug": ARTICLE}]
    assert api.row("event", "gaza-war") is not None


REACTION_UPDATE = """
mutation ($ref: RecordRef!, $version: Int!, $input: ReactionUpdateInput!) {
  reactionUpdate(ref: $ref, version: $version, input: $input) { reaction { id } userErrors { code } }
}
"""
REACTION_DELETE = """
mutation ($ref: RecordRef!, $version: Int!) {
  reactionDelete(ref: $ref, version: $version, cascade: true) { deleted { type slug } userErrors { code } }
}
"""


# A thread of reactions cannot loop (writes refuse it: see test_validation), and `delete_record` skips records already
# being deleted, so a cascade through a thread visits each record once (it once recursed until RecursionError).
def test_cascade_through_a_thread_always_finishes(api):
    """Given reactions A ← B and an attempt at A → B, when A is cascade-deleted, then both go, each once."""
    api.written(REACTION_CREATE, {"input": reaction_input("reaction-a", {"event": "gaza-war"})})
    b = reaction_input("reaction-b", {"reaction": "reaction-a"}, reactor={"slug": "prc"})
    api.written(REACTION_CREATE, {"input": b})
    loop = {"target": {"reaction": "reaction-b"}}
    api.send(REACTION_UPDATE, {"ref": {"slug": "reaction-a"}, "version": 1, "input": loop})
    version = api.row("reaction", "reaction-a").version

    deleted = api.written(REACTION_DELETE, {"ref": {"slug": "reaction-a"}, "version": version}, role="admin")

    assert sorted(d["slug"] for d in deleted["deleted"]) == ["reaction-a", "reaction-b"]
    assert api.row("reaction", "reaction-a") is None and api.row("reaction", "reaction-b") is None
