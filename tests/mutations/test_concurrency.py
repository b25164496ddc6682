"""Optimistic concurrency: a write names the version it read; a stale version is a CONFLICT user error (with the
record's `currentVersion`) that writes nothing.

The parallel update tests run on PostgreSQL only (fixture ``pg_api``): there, concurrent transactions really
overlap and the compare-and-set on ``version`` is what keeps updates from being lost. SQLite serialises writers
by design, so the same race there would prove nothing.
"""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

from tests.mutations.support import (
    AUDIT_TRAIL,
    EVENT_CREATE,
    EVENT_DELETE,
    EVENT_READ,
    EVENT_UPDATE,
    USER_ERRORS,
    Client,
    event_input,
)

WRITERS = 8
EVENT = "gaza-war"
EVENT_ID = "query ($slug: String!) { event(ref: {slug: $slug}) { id version title tags updatedAt } }"
CHANGE_UPDATE = f"""
mutation ($ref: RecordRef!, $version: Int!, $input: RelationshipChangeUpdateInput!) {{
  relationshipChangeUpdate(ref: $ref, version: $version, input: $input) {{
    relationshipChange {{ version delta }} {USER_ERRORS}
  }}
}}
"""
CHANGE_DELETE = f"""
mutation ($ref: RecordRef!, $version: Int!) {{
  relationshipChangeDelete(ref: $ref, version: $version) {{ deleted {{ slug }} {USER_ERRORS} }}
}}
"""
REF = {"slug": EVENT}


def outcome(body: dict) -> str:
    """What one write came to: ``ok``, or the code of its first user error (it must have no GraphQL error)."""
    assert not body.get("errors"), body
    (payload,) = body["data"].values()
    return payload["userErrors"][0]["code"] if payload["userErrors"] else "ok"


def audit_of(api, slug: str) -> list[dict]:
    """The audit entries of one event (newest first), read as an admin."""
    ident = api.ok(EVENT_ID, {"slug": slug}, role=None)["event"]["id"]
    return api.ok(AUDIT_TRAIL, {"filter": {"record": ident}, "first": 100}, role="admin")["auditTrail"]["nodes"]


@pytest.mark.parametrize("stale", [1, 3], ids=["behind", "ahead"])
def test_update_naming_a_wrong_version_conflicts_and_writes_nothing(api, stale):
    """Given an event at version 2, when an update names 1 or 3, then CONFLICT (currentVersion 2), no write."""
    api.written(EVENT_UPDATE, {"ref": REF, "version": 1, "input": {"title": "First"}})
    before = api.fingerprint()

    (error,) = api.refused(
        EVENT_UPDATE, {"ref": REF, "version": stale, "input": {"title": "Second"}}, code="CONFLICT", field=["version"]
    )

    assert error["currentVersion"] == 2
    assert api.fingerprint() == before
    assert api.ok(EVENT_READ, {"slug": EVENT}, role=None)["event"]["title"] == "First"


def test_delete_naming_a_stale_version_conflicts_and_deletes_nothing(api):
    """Given a change at version 2, when deleted at version 1, then CONFLICT (currentVersion 2); at 2 it goes."""
    slug = "israel-taiwan-knesset-petition"
    api.written(CHANGE_UPDATE, {"ref": {"slug": slug}, "version": 1, "input": {"delta": 3}})
    before = api.fingerprint()

    (error,) = api.refused(
        CHANGE_DELETE, {"ref": {"slug": slug}, "version": 1}, code="CONFLICT", field=["version"], role="admin"
    )

    assert error["currentVersion"] == 2
    assert api.fingerprint() == before
    api.written(CHANGE_DELETE, {"ref": {"slug": slug}, "version": 2}, role="admin")
    assert api.row("relationship_change", slug) is None


def test_second_of_two_sequential_updates_from_the_same_read_conflicts(api):
    """Given two clients that read version 1, when both update in turn, then the second gets CONFLICT."""
    version = api.ok(EVENT_ID, {"slug": EVENT}, role=None)["event"]["version"]

    api.written(EVENT_UPDATE, {"ref": REF, "version": version, "input": {"title": "Alice's title"}})
    (error,) = api.refused(
        EVENT_UPDATE, {"ref": REF, "version": version, "input": {"title": "Bob's title"}}, code="CONFLICT"
    )

    assert error["currentVersion"] == version + 1
    assert api.ok(EVENT_ID, {"slug": EVENT}, role=None)["event"]["title"] == "Alice's title"


def test_parallel_writers_with_the_same_version_only_one_wins(pg_api):
    """Given 8 writers at version 1 (PostgreSQL), when they update at once, then 1 wins, 7 CONFLICT, winner kept."""
    start = pg_api.ok(EVENT_ID, {"slug": EVENT}, role=None)["event"]
    titles = [f"Title by writer {n}" for n in range(WRITERS)]

    bodies = pg_api.gather(
        *(
            pg_api.asend(EVENT_UPDATE, {"ref": REF, "version": start["version"], "input": {"title": title}})
            for title in titles
        )
    )

    winners = [n for n, body in enumerate(bodies) if outcome(body) == "ok"]
    assert len(winners) == 1, bodies
    for n, body in enumerate(bodies):
        if n in winners:
            continue
        (error,) = body["data"]["eventUpdate"]["userErrors"]
        assert error["code"] == "CONFLICT", error
        assert error["currentVersion"] == start["version"] + 1, error
    (winner,) = winners
    assert bodies[winner]["data"]["eventUpdate"]["event"]["title"] == titles[winner]
    final = pg_api.ok(EVENT_ID, {"slug": EVENT}, role=None)["event"]
    assert (final["title"], final["version"]) == (titles[winner], start["version"] + 1)
    updates = [e for e in audit_of(pg_api, EVENT) if e["action"] == "update"]
    assert len(updates) == 1 and updates[0]["after"]["title"] == titles[winner]


def test_read_modify_write_with_retries_loses_no_update(pg_api):
    """Given 8 threads each adding a tag, retrying on CONFLICT (PostgreSQL), when run at once, then all 8 stay."""
    start = pg_api.ok(EVENT_READ, {"slug": EVENT}, role=None)["event"]
    barrier = threading.Barrier(WRITERS)

    def writer(n: int) -> int:
        client = Client(pg_api.url, pg_api.tokens)
        conflicts = 0
        try:
            barrier.wait(timeout=30)
            for _ in range(10 * WRITERS):
                event = client.ok(EVENT_READ, {"slug": EVENT}, role=None)["event"]
                tags = [*event["tags"], f"writer-{n}"]
                body = client.send(EVENT_UPDATE, {"ref": REF, "version": event["version"], "input": {"tags": tags}})
                if outcome(body) == "ok":
                    return conflicts
                assert [e["code"] for e in body["data"]["eventUpdate"]["userErrors"]] == ["CONFLICT"], body
                conflicts += 1
            raise AssertionError(f"writer {n} never got its write in")
        finally:
            client.close()

    with ThreadPoolExecutor(max_workers=WRITERS) as pool:
        conflicts = list(pool.map(writer, range(WRITERS)))

    final = pg_api.ok(EVENT_READ, {"slug": EVENT}, role=None)["event"]
    assert set(final["tags"]) == set(start["tags"]) | {f"writer-{n}" for n in range(WRITERS)}
    assert final["version"] == start["version"] + WRITERS
    assert sum(conflicts) > 0, "the writers never collided: the test did not exercise concurrency"
    assert len([e for e in audit_of(pg_api, EVENT) if e["action"] == "update"]) == WRITERS


def test_parallel_update_and_delete_one_wins(pg_api):
    """Given an event at version 1 (PostgreSQL), when an update and a delete race, then one wins, one CONFLICTs."""
    slug = "russia-invades-ukraine-2022"
    update = pg_api.asend(EVENT_UPDATE, {"ref": {"slug": slug}, "version": 1, "input": {"title": "Renamed"}})
    delete = pg_api.asend(EVENT_DELETE, {"ref": {"slug": slug}, "version": 1}, role="admin")

    bodies = pg_api.gather(update, delete)

    outcomes = [outcome(b) for b in bodies]
    assert sorted(outcomes) == ["CONFLICT", "ok"], bodies
    row = pg_api.row("event", slug)
    if outcomes[0] != "ok":
        assert row is None
    else:
        assert row.version == 2


# Overlapping creates each get ids of their own (`_new_ids` in api/services/records.py: the table's sequence on
# PostgreSQL, the largest id + 1 under SQLite's write lock, taken by BEGIN IMMEDIATE); ids taken as max(id) + 1 before
# the lock once made all but a few of them fail with CONFLICT.
def test_parallel_creates_of_different_records_all_succeed(api):
    """Given 8 editors creating different events at once, when the requests overlap, then all 8 are created."""
    bodies = api.gather(
        *(api.asend(EVENT_CREATE, {"input": event_input(f"parallel-event-{n}")}) for n in range(WRITERS))
    )

    failures = [body for body in bodies if outcome(body) != "ok"]
    assert failures == [], f"{len(failures)} of {WRITERS} creates failed: {failures[:1]}"
    assert all(api.row("event", f"parallel-event-{n}") is not None for n in range(WRITERS))
