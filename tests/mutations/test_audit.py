"""The audit trail: every write leaves one entry (who, what, before and after, when); failed writes leave none."""

from __future__ import annotations

import pytest

from tests.mutations.support import (
    ACTOR_CREATE,
    AUDIT_TRAIL,
    EVENT_CREATE,
    EVENT_DELETE,
    EVENT_UPDATE,
    SOURCE_CREATE,
    event_input,
    extensions,
    now,
    parse_time,
)

NODE = "query ($id: ID!) { node(id: $id) { __typename ... on Event { slug } } }"
TIMELINE = "timeline(first: 5) { totalCount nodes { __typename ... on Event { slug } ... on Statement { slug } } }"
TIMELINE_AND_TRAIL = f"query {{ {TIMELINE} auditTrail(first: 5) {{ totalCount nodes {{ action }} }} }}"


def trail(api, **filter_) -> dict:
    """The audit trail for a filter, read as an admin."""
    return api.ok(AUDIT_TRAIL, {"filter": filter_, "first": 100}, role="admin")["auditTrail"]


def test_create_update_delete_each_leave_an_entry(api):
    """Given an event created, updated and deleted, when its audit trail is read, then 3 entries: who, before, after."""
    start = now()
    created = api.written(EVENT_CREATE, {"input": event_input("audited-event", title="Old title")})["event"]
    api.written(EVENT_UPDATE, {"ref": {"slug": "audited-event"}, "version": 1, "input": {"title": "New title"}})
    api.written(EVENT_DELETE, {"ref": {"slug": "audited-event"}, "version": 2}, role="admin")

    entries = trail(api, record=created["id"])

    assert entries["totalCount"] == 3
    delete, update, create = entries["nodes"]
    assert [e["action"] for e in (delete, update, create)] == ["delete", "update", "create"]
    assert [e["madeBy"] for e in (delete, update, create)] == ["ada-admin", "eddie-editor", "eddie-editor"]
    for entry in entries["nodes"]:
        assert (entry["recordType"], entry["recordId"], entry["recordSlug"]) == (
            "Event",
            created["id"],
            "audited-event",
        )
        assert start <= parse_time(entry["at"]) <= now()
    assert create["before"] is None and create["after"]["title"] == "Old title"
    assert create["after"]["participants"] == {"initiator": ["israel"], "target": ["taiwan"]}
    assert update["before"]["title"] == "Old title" and update["after"]["title"] == "New title"
    assert {k: v for k, v in update["before"].items() if k != "title"} == {
        k: v for k, v in update["after"].items() if k != "title"
    }
    assert delete["before"]["title"] == "New title" and delete["after"] is None
    assert parse_time(create["at"]) <= parse_time(update["at"]) <= parse_time(delete["at"])


def test_audit_record_id_is_the_records_global_id(api):
    """Given an audited create, when its recordId is passed to node(id:), then that is the created event."""
    api.written(EVENT_CREATE, {"input": event_input("audited-event")})

    (entry,) = trail(api, recordType="Event")["nodes"]

    assert api.ok(NODE, {"id": entry["recordId"]}, role=None)["node"] == {
        "__typename": "Event",
        "slug": "audited-event",
    }


def test_filter_by_who_made_the_write(api):
    """Given writes by the editor and the admin, when filtered by madeBy, then each sees only its own writes."""
    api.written(SOURCE_CREATE, {"input": {"slug": "editor-source", "title": "By the editor"}})
    api.written(
        ACTOR_CREATE, {"input": {"slug": "admin-actor", "name": "By the admin", "kind": "PERSON"}}, role="admin"
    )
    api.written(EVENT_CREATE, {"input": event_input("editor-event")})

    by_editor = trail(api, madeBy="eddie-editor")
    by_admin = trail(api, madeBy="ada-admin")

    assert [(e["recordType"], e["recordSlug"]) for e in by_editor["nodes"]] == [
        ("Event", "editor-event"),
        ("Source", "editor-source"),
    ]
    assert [(e["recordType"], e["recordSlug"]) for e in by_admin["nodes"]] == [("Actor", "admin-actor")]
    assert trail(api, madeBy="nobody")["totalCount"] == 0


def test_filter_since_a_time(api):
    """Given a write, the clock, two writes, when filtered since the clock, then only the later two are listed."""
    api.written(EVENT_CREATE, {"input": event_input("early-event")})
    since = now()
    api.written(EVENT_CREATE, {"input": event_input("late-event")})
    api.written(EVENT_UPDATE, {"ref": {"slug": "early-event"}, "version": 1, "input": {"title": "Touched later"}})

    entries = trail(api, since=since.isoformat())

    assert [(e["action"], e["recordSlug"]) for e in entries["nodes"]] == [
        ("update", "early-event"),
        ("create", "late-event"),
    ]
    assert trail(api)["totalCount"] == 3
    assert [e["recordSlug"] for e in trail(api, until=since.isoformat())["nodes"]] == ["early-event"]


def test_filter_by_record_type(api):
    """Given a source, actor and event created, when filtered by recordType, then each type lists its own entry."""
    api.written(SOURCE_CREATE, {"input": {"slug": "some-source", "title": "S"}})
    api.written(ACTOR_CREATE, {"input": {"slug": "some-actor", "name": "A", "kind": "PERSON"}})
    api.written(EVENT_CREATE, {"input": event_input("some-event")})

    for record_type, slug in (("Source", "some-source"), ("Actor", "some-actor"), ("Event", "some-event")):
        assert [e["recordSlug"] for e in trail(api, recordType=record_type)["nodes"]] == [slug]
    api.fail(
        AUDIT_TRAIL,
        {"filter": {"recordType": "Nope"}},
        code="BAD_USER_INPUT",
        field="filter.recordType",
        role="admin",
        data={"auditTrail": None},
    )


def test_failed_writes_leave_no_entry(api):
    """Given failed writes (a malformed date, a slug taken, a missing title, stale, referenced, forbidden, anonymous),
    when the trail is read, then none is in it."""
    api.written(EVENT_CREATE, {"input": event_input("only-event")})

    api.fail(EVENT_CREATE, {"input": event_input("bad-date", date="whenever")}, code="BAD_USER_INPUT")
    api.refused(EVENT_CREATE, {"input": event_input("only-event")}, code="TAKEN")
    api.refused(EVENT_CREATE, {"input": event_input("no-title", title=None)}, code="INVALID")
    api.refused(EVENT_UPDATE, {"ref": {"slug": "only-event"}, "version": 7, "input": {"title": "x"}}, code="CONFLICT")
    api.refused(EVENT_DELETE, {"ref": {"slug": "gaza-war"}, "version": 1}, code="REFERENCED", role="admin")
    api.fail(
        EVENT_UPDATE,
        {"ref": {"slug": "only-event"}, "version": 1, "input": {"title": "x"}},
        code="FORBIDDEN",
        role="reader",
        data={"eventUpdate": None},
    )
    api.fail(
        EVENT_DELETE,
        {"ref": {"slug": "only-event"}, "version": 1},
        code="FORBIDDEN",
        role="editor",
        data={"eventDelete": None},
    )
    api.fail(
        EVENT_CREATE,
        {"input": event_input("anonymous-event")},
        code="UNAUTHENTICATED",
        role=None,
        data={"eventCreate": None},
    )

    entries = trail(api)
    assert entries["totalCount"] == 1
    assert [(e["action"], e["recordSlug"]) for e in entries["nodes"]] == [("create", "only-event")]


@pytest.mark.parametrize(
    ("role", "code"),
    [(None, "UNAUTHENTICATED"), ("reader", "FORBIDDEN"), ("editor", "FORBIDDEN")],
    ids=["anonymous", "reader", "editor"],
)
def test_non_admins_asking_for_the_trail_beside_the_timeline_still_get_the_timeline(api, role, code):
    """Given a non-admin, when it asks for timeline and auditTrail, then the timeline, auditTrail null, one error."""
    api.written(EVENT_CREATE, {"input": event_input("audited-event")})
    expected = api.ok(f"query {{ {TIMELINE} }}", role=None)["timeline"]

    body = api.send(TIMELINE_AND_TRAIL, role=role)

    assert body["data"] == {"timeline": expected, "auditTrail": None}
    assert expected["totalCount"] > 0
    (error,) = body["errors"]
    assert error["path"] == ["auditTrail"]
    assert extensions(error)["code"] == code


def test_admins_get_the_timeline_and_the_trail_together(api):
    """Given an admin, when it asks for timeline and auditTrail together, then both answer and no error."""
    api.written(EVENT_CREATE, {"input": event_input("audited-event")})

    data = api.ok(TIMELINE_AND_TRAIL, role="admin")

    assert data["timeline"]["totalCount"] > 0
    assert data["auditTrail"] == {"totalCount": 1, "nodes": [{"action": "create"}]}
