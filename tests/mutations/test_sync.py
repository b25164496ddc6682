"""Syncing a copy: `updatedSince` on the lists returns what changed at or after a time, `deletedSince` what was
deleted — nothing older, and nothing that changed may be missing."""

from __future__ import annotations

import datetime as dt

from tests.mutations.support import (
    DELETED_SINCE,
    EVENT_CREATE,
    EVENT_DELETE,
    EVENT_UPDATE,
    REACTION_CREATE,
    event_input,
    now,
    parse_time,
    reaction_input,
)

CHANGED = """
query ($since: DateTime!) {
  events(filter: {updatedSince: $since}, first: 100) { totalCount nodes { slug updatedAt } }
  statements(filter: {updatedSince: $since}, first: 100) { nodes { slug } }
  reactions(filter: {updatedSince: $since}, first: 100) { nodes { slug } }
  actors(filter: {updatedSince: $since}, first: 100) { nodes { slug } }
  timeline(filter: {updatedSince: $since}, first: 100) {
    nodes { __typename ... on Event { slug } ... on Statement { slug } ... on Reaction { slug } }
  }
}
"""
STATEMENT_UPDATE = """
mutation ($ref: RecordRef!, $version: Int!, $input: StatementUpdateInput!) {
  statementUpdate(ref: $ref, version: $version, input: $input) { statement { slug } userErrors { code } }
}
"""
ACTOR_UPDATE = """
mutation ($ref: RecordRef!, $version: Int!, $input: ActorUpdateInput!) {
  actorUpdate(ref: $ref, version: $version, input: $input) { actor { slug } userErrors { code } }
}
"""
ACTOR_DELETE = """
mutation ($ref: RecordRef!, $version: Int!, $cascade: Boolean!) {
  actorDelete(ref: $ref, version: $version, cascade: $cascade) { deleted { type slug } userErrors { code } }
}
"""
STATEMENT_READ = "query ($slug: String!) { statement(ref: {slug: $slug}) { version updatedAt venue { slug } } }"
PARTICIPANTS = "query ($slug: String!) { event(ref: {slug: $slug}) { version participants { actor { slug } } } }"


def changed(api, since: dt.datetime | str) -> dict:
    """What the lists report as changed since a time (anonymously, as a syncing client would ask)."""
    value = since if isinstance(since, str) else since.isoformat()
    return api.ok(CHANGED, {"since": value}, role=None)


def slugs(connection: dict) -> set[str]:
    """The slugs of a connection's nodes."""
    return {node["slug"] for node in connection["nodes"]}


def test_updated_since_lists_only_what_changed_after_the_time(api):
    """Given the clock, an update and a create, when events(updatedSince) is read, then exactly those two."""
    since = now()
    api.written(
        EVENT_UPDATE, {"ref": {"slug": "gaza-war"}, "version": 1, "input": {"summary": "Updated for the sync test."}}
    )
    api.written(EVENT_CREATE, {"input": event_input("new-event")})

    events = changed(api, since)["events"]

    assert slugs(events) == {"gaza-war", "new-event"} and events["totalCount"] == 2
    assert all(parse_time(node["updatedAt"]) >= since for node in events["nodes"])


def test_updated_since_a_records_own_update_time(api):
    """Given a record's updatedAt (any zone), when used as updatedSince, then only that record comes back."""
    api.written(EVENT_UPDATE, {"ref": {"slug": "gaza-war"}, "version": 1, "input": {"title": "Earlier change"}})
    created = api.written(EVENT_CREATE, {"input": event_input("new-event")})["event"]
    stamp = parse_time(created["updatedAt"])

    assert slugs(changed(api, created["updatedAt"])["events"]) == {"new-event"}
    elsewhere = stamp.astimezone(dt.timezone(dt.timedelta(hours=2))).isoformat()
    assert slugs(changed(api, elsewhere)["events"]) == {"new-event"}
    later = (stamp + dt.timedelta(microseconds=1)).isoformat()
    assert changed(api, later)["events"]["nodes"] == []


def test_updated_since_covers_every_list(api):
    """Given a statement, actor updated and a reaction created, when every list is asked, then each has its own."""
    since = now()
    api.written(
        STATEMENT_UPDATE, {"ref": {"slug": "saar-unsc-upside-down"}, "version": 1, "input": {"summary": "New summary"}}
    )
    api.written(
        ACTOR_UPDATE, {"ref": {"slug": "taiwan"}, "version": 1, "input": {"description": "An island democracy."}}
    )
    api.written(REACTION_CREATE, {"input": reaction_input("sync-reaction", {"event": "gaza-war"})})

    data = changed(api, since)

    assert slugs(data["events"]) == set()
    assert slugs(data["statements"]) == {"saar-unsc-upside-down"}
    assert slugs(data["reactions"]) == {"sync-reaction"}
    assert slugs(data["actors"]) == {"taiwan"}
    assert {(n["__typename"], n["slug"]) for n in data["timeline"]["nodes"]} == {
        ("Statement", "saar-unsc-upside-down"),
        ("Reaction", "sync-reaction"),
    }


def test_deleted_since_lists_only_later_deletions(api):
    """Given a deletion, the clock, a deletion, when deletedSince(clock) is read, then only the second is listed."""
    first = now()
    api.written(EVENT_CREATE, {"input": event_input("gone-first")})
    api.written(EVENT_CREATE, {"input": event_input("gone-second")})
    api.written(EVENT_DELETE, {"ref": {"slug": "gone-first"}, "version": 1}, role="admin")
    between = now()
    api.written(EVENT_DELETE, {"ref": {"slug": "gone-second"}, "version": 1}, role="admin")

    later = api.ok(DELETED_SINCE, {"since": between.isoformat()}, role=None)["deletedSince"]
    both = api.ok(DELETED_SINCE, {"since": first.isoformat()}, role=None)["deletedSince"]

    assert [(n["type"], n["slug"]) for n in later["nodes"]] == [("Event", "gone-second")]
    assert later["totalCount"] == 1
    assert [n["slug"] for n in both["nodes"]] == ["gone-first", "gone-second"]
    assert all(parse_time(n["deletedAt"]) >= first for n in both["nodes"])
    assert api.ok(DELETED_SINCE, {"since": now().isoformat()}, role=None)["deletedSince"]["totalCount"] == 0


# A record that survives a cascade but loses a soft reference (statement.venue, reaction.statement) is updated like any
# other: version and updated_at move and the audit trail shows it (`delete_record`), so a syncing client learns of it.
def test_statement_whose_venue_a_cascade_removed_is_reported_as_changed(api):
    """Given a statement at an event, when the event is cascade-deleted, then the statement is in updatedSince."""
    statement = api.ok(STATEMENT_READ, {"slug": "saar-kyiv-remarks-2025-07"}, role=None)["statement"]
    assert statement["venue"] == {"slug": "saar-visits-kyiv-2025-07"}
    since = now()

    api.written(
        EVENT_DELETE, {"ref": {"slug": "saar-visits-kyiv-2025-07"}, "version": 1, "cascade": True}, role="admin"
    )

    after = api.ok(STATEMENT_READ, {"slug": "saar-kyiv-remarks-2025-07"}, role=None)["statement"]
    assert after["venue"] is None
    assert slugs(changed(api, since)["statements"]) == {"saar-kyiv-remarks-2025-07"}
    assert after["version"] == statement["version"] + 1


# A record whose links a cascade removes (participations, `about`, citations) is updated too: version and updated_at
# move and the audit trail shows it (`delete_record`), so a syncing client stops showing the deleted actor.
def test_event_that_lost_a_participant_to_a_cascade_is_reported_as_changed(api):
    """Given an actor in one event, when the actor is cascade-deleted, then the event is in updatedSince."""
    event = "us-treasury-sanctions-dark-fleet-2025"
    before = api.ok(PARTICIPANTS, {"slug": event}, role=None)["event"]
    assert {"actor": {"slug": "prc-dark-fleet"}} in before["participants"]
    since = now()

    api.written(ACTOR_DELETE, {"ref": {"slug": "prc-dark-fleet"}, "version": 1, "cascade": True}, role="admin")

    after = api.ok(PARTICIPANTS, {"slug": event}, role=None)["event"]
    assert {"actor": {"slug": "prc-dark-fleet"}} not in after["participants"]
    assert slugs(changed(api, since)["events"]) == {event}
