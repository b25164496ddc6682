"""Who may write: a bearer token whose role is enough (reader < editor < admin); everyone else writes nothing."""

from __future__ import annotations

import hashlib
import json

import pytest
from sqlalchemy import text

from api.db import make_engine
from api.services import tokens
from tests.mutations.support import AUDIT_TRAIL, DELETED_SINCE, EVENT_CREATE, EVENT_DELETE, EVENT_UPDATE, event_input
from tests.support import run_realign

UNREFERENCED_EVENT = "russia-invades-ukraine-2022"
CREATE = (EVENT_CREATE, {"input": event_input("auth-test-event")})
UPDATE = (EVENT_UPDATE, {"ref": {"slug": UNREFERENCED_EVENT}, "version": 1, "input": {"title": "Renamed"}})
DELETE = (EVENT_DELETE, {"ref": {"slug": UNREFERENCED_EVENT}, "version": 1})
# Mutation fields are nullable: a refused one is null, with one error at its path saying why.
NO_CREATE, NO_UPDATE, NO_DELETE = {"eventCreate": None}, {"eventUpdate": None}, {"eventDelete": None}
AUDIT = (AUDIT_TRAIL, {"first": 5})
NO_TRAIL = {"auditTrail": None}  # auditTrail is nullable: refused, it is null and the error says why
READS = """
query {
  timeline(first: 3) { totalCount nodes { __typename } }
  event(ref: {slug: "gaza-war"}) { title version participants { actor { slug } } }
  relationship(from: {slug: "israel"}, to: {slug: "taiwan"}) { score }
}
"""
ANONYMOUS_SYNC = "query ($since: DateTime!) { deletedSince(since: $since) { totalCount } }"
OPERATIONS = {"create": CREATE, "update": UPDATE, "delete": DELETE}
NOTHING = {"create": NO_CREATE, "update": NO_UPDATE, "delete": NO_DELETE}


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"Authorization": "Basic x"},
        {"Authorization": "Bearer "},
        {"Authorization": "Bearer"},
        {"Authorization": "x"},
    ],
    ids=["no-header", "basic", "bearer-space", "bearer-alone", "no-scheme"],
)
@pytest.mark.parametrize("operation", list(OPERATIONS), ids=list(OPERATIONS))
def test_write_without_a_usable_header_is_unauthenticated(api, headers, operation):
    """Given no or a malformed Authorization header, when a write is sent, then UNAUTHENTICATED, no write."""
    document, variables = OPERATIONS[operation]
    before = api.fingerprint()

    api.fail(document, variables, code="UNAUTHENTICATED", headers=headers, data=NOTHING[operation])

    assert api.fingerprint() == before


def test_unknown_token_is_unauthenticated(api):
    """Given a bearer token never issued, when it writes or reads the audit, then UNAUTHENTICATED, no write."""
    before = api.fingerprint()
    forged = {"Authorization": f"Bearer {tokens.PREFIX}thisTokenWasNeverIssued0000000000000000000"}

    api.fail(*CREATE, code="UNAUTHENTICATED", headers=forged, data=NO_CREATE)
    api.fail(*AUDIT, code="UNAUTHENTICATED", headers=forged, data=NO_TRAIL)

    assert api.fingerprint() == before


def test_token_revoked_with_the_cli_stops_working(api):
    """Given a CLI token that wrote once, when `realign token revoke` runs, then its writes are UNAUTHENTICATED."""
    made = run_realign("token", "create", "--name", "temp-editor", "--role", "editor", url=api.url)
    assert made.returncode == 0, made.stderr
    header = {"Authorization": f"Bearer {made.stdout.strip()}"}
    api.written(EVENT_CREATE, {"input": event_input("written-before-revocation")}, headers=header)

    revoked = run_realign("token", "revoke", "temp-editor", url=api.url)
    assert revoked.returncode == 0, revoked.stderr
    before = api.fingerprint()

    api.fail(
        EVENT_CREATE,
        {"input": event_input("written-after-revocation")},
        code="UNAUTHENTICATED",
        headers=header,
        data=NO_CREATE,
    )

    assert api.fingerprint() == before
    assert api.row("event", "written-after-revocation") is None


def test_revoked_admin_token_cannot_delete(api):
    """Given the admin token revoked (tokens.revoke), when it deletes or reads the audit, then UNAUTHENTICATED."""
    with api.engine.begin() as conn:
        assert tokens.revoke(conn, name="ada-admin")
    before = api.fingerprint()

    api.fail(*DELETE, code="UNAUTHENTICATED", role="admin", data=NO_DELETE)
    api.fail(*AUDIT, code="UNAUTHENTICATED", role="admin", data=NO_TRAIL)

    assert api.fingerprint() == before
    assert api.row("event", UNREFERENCED_EVENT) is not None


@pytest.mark.parametrize("operation", list(OPERATIONS), ids=list(OPERATIONS))
def test_reader_cannot_write(api, operation):
    """Given a reader token, when it creates, updates or deletes, then FORBIDDEN and nothing is written."""
    document, variables = OPERATIONS[operation]
    before = api.fingerprint()

    error = api.fail(document, variables, code="FORBIDDEN", role="reader", data=NOTHING[operation])

    assert "rita-reader" in error["message"]
    assert api.fingerprint() == before


def test_editor_cannot_delete(api):
    """Given an editor token, when it deletes an unreferenced event, then FORBIDDEN and the event stays."""
    before = api.fingerprint()

    api.fail(*DELETE, code="FORBIDDEN", role="editor", data=NO_DELETE)

    assert api.fingerprint() == before
    assert api.row("event", UNREFERENCED_EVENT) is not None


@pytest.mark.parametrize("role", ["reader", "editor"])
def test_only_admins_read_the_audit_trail(api, role):
    """Given a reader/editor token or none, when auditTrail is read, then null, FORBIDDEN/UNAUTHENTICATED; admin ok."""
    for who, code in ((role, "FORBIDDEN"), (None, "UNAUTHENTICATED")):
        body = api.send(*AUDIT, role=who)
        assert body["data"] == {"auditTrail": None}, body
        assert [(e["path"], e["extensions"]["code"]) for e in body["errors"]] == [(["auditTrail"], code)]

    assert api.ok(*AUDIT, role="admin")["auditTrail"]["totalCount"] == 0


def test_admin_may_also_write(api):
    """Given an admin token, when it creates and updates (editor work), then both succeed: roles are ordered."""
    api.written(*CREATE, role="admin")
    api.written(*UPDATE, role="admin")

    assert api.row("event", "auth-test-event") is not None
    assert api.row("event", UNREFERENCED_EVENT).version == 2


@pytest.mark.parametrize("role", [None, "reader"], ids=["anonymous", "reader"])
def test_reads_need_no_write_role(api, role):
    """Given no token or a reader's, when the story and the sync feed are read, then they answer as usual."""
    data = api.ok(READS, role=role)

    assert data["timeline"]["totalCount"] > 0
    assert data["event"]["title"] and data["event"]["version"] == 1
    assert isinstance(data["relationship"]["score"], int)
    assert api.ok(ANONYMOUS_SYNC, {"since": "2000-01-01T00:00:00Z"}, role=role)["deletedSince"]["totalCount"] == 0
    assert api.ok(DELETED_SINCE, {"since": "2000-01-01T00:00:00+00:00"}, role=role)["deletedSince"]["nodes"] == []


def test_tokens_are_stored_only_as_hashes(api):
    """Given tokens from code and the CLI, when api_token is read, then it holds SHA-256s, never the tokens."""
    made = run_realign("token", "create", "--name", "cli-admin", "--role", "admin", url=api.url)
    assert made.returncode == 0, made.stderr
    issued = [*api.tokens.values(), made.stdout.strip()]
    assert all(value.startswith(tokens.PREFIX) for value in issued)

    engine = make_engine(api.url)
    try:
        with engine.connect() as conn:
            rows = [tuple(str(v) for v in row) for row in conn.execute(text("SELECT * FROM api_token"))]
    finally:
        engine.dispose()

    assert len(rows) == 4
    stored = " ".join(" ".join(row) for row in rows)
    for value in issued:
        assert value not in stored
        assert value.removeprefix(tokens.PREFIX) not in stored
        assert hashlib.sha256(value.encode()).hexdigest() in stored


def test_mutation_over_get_is_refused(api):
    """Given an editor token, when a mutation is sent as a GET, then it is refused with a 4xx and nothing written."""
    document, variables = CREATE
    before = api.fingerprint()

    response = api.request(
        "GET",
        "/graphql",
        params={"query": document, "variables": json.dumps(variables)},
        headers={"Authorization": f"Bearer {api.tokens['editor']}", "Accept": "application/json"},
    )

    assert 400 <= response.status_code < 500, response.text
    assert api.fingerprint() == before


# A mutation document holds only Mutation fields; `__typename` is the one field beside a mutation that needs no
# token. What matters is that the refusal costs its own field only, never `data: null` for the whole response.
def test_an_unauthenticated_mutation_is_null_and_the_field_beside_it_still_answers(api):
    """Given no token, when a document asks for a mutation and `__typename`, then the mutation is null with one
    UNAUTHENTICATED error at its path, `__typename` still answers and nothing is written."""
    document = """
mutation ($input: EventCreateInput!) {
  __typename
  eventCreate(input: $input) { event { id } userErrors { code } }
}
"""
    before = api.fingerprint()

    body = api.send(document, {"input": event_input("anonymous-event")}, role=None)

    assert body["data"] == {"__typename": "Mutation", "eventCreate": None}, body
    assert [(e["path"], e["extensions"]["code"]) for e in body["errors"]] == [(["eventCreate"], "UNAUTHENTICATED")]
    assert api.fingerprint() == before


def test_a_forbidden_delete_costs_only_its_field(api):
    """Given an editor token, when one document creates an event and deletes another, then the create is made and
    answered, the delete is null with one FORBIDDEN error at its path, and the other event stays."""
    document = """
mutation ($input: EventCreateInput!, $ref: RecordRef!) {
  eventCreate(input: $input) { event { slug version } userErrors { code } }
  eventDelete(ref: $ref, version: 1) { deleted { slug } userErrors { code } }
}
"""
    body = api.send(document, {"input": event_input("editor-event"), "ref": {"slug": UNREFERENCED_EVENT}})

    assert body["data"] == {
        "eventCreate": {"event": {"slug": "editor-event", "version": 1}, "userErrors": []},
        "eventDelete": None,
    }, body
    assert [(e["path"], e["extensions"]["code"]) for e in body["errors"]] == [(["eventDelete"], "FORBIDDEN")]
    assert api.row("event", "editor-event") is not None
    assert api.row("event", UNREFERENCED_EVENT) is not None
