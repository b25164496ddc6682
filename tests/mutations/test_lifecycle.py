"""Create, update and delete every record type over HTTP: what comes back, what is stored, how versions move."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from tests.mutations.support import ARTICLE, DELETED_SINCE, TYPE_OF, USER_ERRORS, now, parse_time


@dataclass(frozen=True)
class Case:
    """One record type: its GraphQL selection, a valid create input, an update patch and what the patch changes."""

    kind: str
    fields: str
    create: dict[str, Any]
    patch: dict[str, Any]
    changed: dict[str, Any]
    versioned: bool = True  # the type exposes version / createdAt / updatedAt


STAMPS = "version createdAt updatedAt"
CASES = [
    Case(
        kind="source",
        fields="slug title publisher author url language published { text label }",
        create={
            "slug": "test-source",
            "title": "A test source",
            "publisher": "Test Publisher",
            "author": "Ann Author",
            "url": "https://example.org/a",
            "published": "2025-08",
        },
        patch={"title": "A renamed source", "author": None},
        changed={"title": "A renamed source", "author": None},
        versioned=False,
    ),
    Case(
        kind="actor",
        fields=f"slug name kind country sectors aliases wikidata externalIds description {STAMPS} "
        "citations { passage source { slug } }",
        create={
            "slug": "test-actor",
            "name": "Test Actor",
            "kind": "PERSON",
            "country": "ISR",
            "sectors": ["GOV"],
            "aliases": ["The Tester"],
            "wikidata": "Q42",
            "externalIds": {"twitter": "@tester"},
            "description": "Someone made up for a test.",
            "sources": [{"source": {"slug": ARTICLE}, "passage": "a passage"}],
        },
        patch={"name": "Renamed Actor", "country": None},
        changed={"name": "Renamed Actor", "country": None},
    ),
    Case(
        kind="affiliation",
        fields="slug kind role start { text } end { text } member { slug } organisation { slug }",
        create={
            "slug": "test-affiliation",
            "member": {"slug": "gideon-saar"},
            "organisation": {"slug": "knesset"},
            "kind": "MEMBER",
            "role": "Member of the Knesset",
            "start": "2025-01",
            "end": "2025-06",
        },
        patch={"role": "Speaker", "end": None},
        changed={"role": "Speaker", "end": None},
        versioned=False,
    ),
    Case(
        kind="event",
        fields=f"slug title summary eventKind mode score modality date {{ text label }} {STAMPS} "
        "place { name country } participants { role actor { slug } } tags citations { source { slug } }",
        create={
            "slug": "test-event",
            "title": "Test consultation",
            "summary": "Two actors talked.",
            "eventKind": "CONSULT",
            "mode": "meeting",
            "date": "2025-08-05",
            "place": {"name": "Taipei", "country": "TWN"},
            "participants": [
                {"actor": {"slug": "israel"}, "role": "INITIATOR"},
                {"actor": {"slug": "taiwan"}, "role": "TARGET"},
            ],
            "tags": ["test"],
            "sources": [{"source": {"slug": ARTICLE}}],
        },
        patch={"title": "Renamed consultation", "summary": None, "place": None},
        changed={"title": "Renamed consultation", "summary": None, "place": None},
    ),
    Case(
        kind="statement",
        fields=f"slug channel quote language stance summary date {{ text }} {STAMPS} "
        "speaker { slug } venue { slug } about { slug } tags",
        create={
            "slug": "test-statement",
            "speaker": {"slug": "gideon-saar"},
            "channel": "SPEECH",
            "venue": {"slug": "gaza-war"},
            "quote": "We stand with our friends.",
            "about": [{"slug": "taiwan"}],
            "stance": "POSITIVE",
            "summary": "Support for friends.",
            "date": "2025-08-06",
            "tags": ["test"],
        },
        patch={"quote": "We stand with all our friends.", "venue": None},
        changed={"quote": "We stand with all our friends.", "venue": None},
    ),
    Case(
        kind="reaction",
        fields=f"slug reactionKind score summary date {{ text }} {STAMPS} reactor {{ slug }} statement {{ slug }} tags "
        "target { __typename ... on Event { slug } ... on Statement { slug } ... on Reaction { slug } }",
        create={
            "slug": "test-reaction",
            "reactor": {"slug": "taiwan"},
            "reactionKind": "THANKS",
            "target": {"event": "gaza-war"},
            "statement": {"slug": "abby-lee-to-ny-sun-on-petition"},
            "summary": "Taiwan said thanks.",
            "date": "2025-08-06",
            "tags": ["test"],
        },
        patch={"summary": "Taiwan said thank you.", "statement": None},
        changed={"summary": "Taiwan said thank you.", "statement": None},
    ),
    Case(
        kind="relationship_change",
        fields=f"slug delta explanation date {{ text }} {STAMPS} from {{ slug }} to {{ slug }} "
        "cause { __typename ... on Event { slug } ... on Statement { slug } ... on Reaction { slug } } "
        "citations { source { slug } }",
        create={
            "slug": "test-change",
            "from": {"slug": "israel"},
            "to": {"slug": "taiwan"},
            "delta": 2,
            "cause": {"event": "gaza-war"},
            "date": "2025-08-06",
            "explanation": "They grew closer.",
            "sources": [{"source": {"slug": ARTICLE}}],
        },
        patch={"delta": 3, "sources": None},
        changed={"delta": 3, "citations": []},
    ),
]
IDS = [case.kind for case in CASES]


def _name(kind: str) -> str:
    head, *rest = kind.split("_")
    return head + "".join(part.title() for part in rest)


CREATE = {
    c.kind: f"""mutation ($input: {TYPE_OF[c.kind]}CreateInput!) {{
      {_name(c.kind)}Create(input: $input) {{ {_name(c.kind)} {{ id {c.fields} }} {USER_ERRORS} }}
    }}"""
    for c in CASES
}
UPDATE = {
    c.kind: f"""mutation ($ref: RecordRef!, $version: Int!, $input: {TYPE_OF[c.kind]}UpdateInput!) {{
      {_name(c.kind)}Update(ref: $ref, version: $version, input: $input) {{
        {_name(c.kind)} {{ id {c.fields} }} {USER_ERRORS}
      }}
    }}"""
    for c in CASES
}
UPDATE_BY_ID = {
    c.kind: f"""mutation ($id: ID!, $version: Int!, $input: {TYPE_OF[c.kind]}UpdateInput!) {{
      {_name(c.kind)}Update(ref: {{id: $id}}, version: $version, input: $input) {{
        {_name(c.kind)} {{ id version }} {USER_ERRORS}
      }}
    }}"""
    for c in CASES
}
DELETE = {
    c.kind: f"""mutation ($ref: RecordRef!, $version: Int!) {{
      {_name(c.kind)}Delete(ref: $ref, version: $version) {{ deleted {{ type id slug deletedAt }} {USER_ERRORS} }}
    }}"""
    for c in CASES
}
READ = {
    c.kind: f"query ($id: ID!) {{ node(id: $id) {{ __typename ... on {TYPE_OF[c.kind]} {{ id {c.fields} }} }} }}"
    for c in CASES
}
SOURCE_VERSION = "query ($id: ID!) { node(id: $id) { ... on Source { slug version updatedAt } } }"
AFFILIATION_VERSION = "query ($id: ID!) { node(id: $id) { ... on Affiliation { slug version updatedAt } } }"


def _created(api, case: Case) -> dict[str, Any]:
    return api.written(CREATE[case.kind], {"input": case.create})[_name(case.kind)]


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_create_returns_the_record_as_stored(api, case):
    """Given a valid input, when <type>Create runs, then it returns the record as node(id:) reads it, version 1."""
    created = _created(api, case)

    assert created["slug"] == case.create["slug"]
    assert api.ok(READ[case.kind], {"id": created["id"]})["node"] == {"__typename": TYPE_OF[case.kind], **created}
    assert api.row(case.kind, case.create["slug"]).version == 1
    if case.versioned:
        assert created["version"] == 1
        assert parse_time(created["createdAt"]) == parse_time(created["updatedAt"])


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_update_changes_only_the_given_fields(api, case):
    """Given a record, when <type>Update sends fields (one null), then only they change, version +1, updatedAt on."""
    created = _created(api, case)
    stored = api.row(case.kind, case.create["slug"])

    ref = {"slug": case.create["slug"]}
    updated = api.written(UPDATE[case.kind], {"ref": ref, "version": 1, "input": case.patch})[_name(case.kind)]

    volatile = {"version", "updatedAt"}
    expected = {k: v for k, v in {**created, **case.changed}.items() if k not in volatile}
    assert {k: v for k, v in updated.items() if k not in volatile} == expected
    assert api.ok(READ[case.kind], {"id": created["id"]})["node"] == {"__typename": TYPE_OF[case.kind], **updated}
    row = api.row(case.kind, case.create["slug"])
    assert row.version == stored.version + 1 == 2
    assert row.updated_at > stored.updated_at
    assert row.created_at == stored.created_at
    if case.versioned:
        assert updated["version"] == created["version"] + 1
        assert parse_time(updated["updatedAt"]) > parse_time(created["updatedAt"])
        assert updated["createdAt"] == created["createdAt"]


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_two_updates_each_add_exactly_one_version(api, case):
    """Given a record, when it is updated twice at the versions read, then its version is 3."""
    _created(api, case)
    slug = case.create["slug"]

    api.written(UPDATE[case.kind], {"ref": {"slug": slug}, "version": 1, "input": case.patch})
    api.written(UPDATE[case.kind], {"ref": {"slug": slug}, "version": 2, "input": {}})

    assert api.row(case.kind, slug).version == 3


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_delete_removes_the_record_and_leaves_a_tombstone(api, case):
    """Given an unreferenced record, when an admin deletes it, then it is gone and deletedSince lists it."""
    created = _created(api, case)
    since = now()

    payload = api.written(DELETE[case.kind], {"ref": {"slug": case.create["slug"]}, "version": 1}, role="admin")

    gone = {"type": TYPE_OF[case.kind], "id": created["id"], "slug": case.create["slug"]}
    (deleted,) = payload["deleted"]
    assert {k: deleted[k] for k in ("type", "id", "slug")} == gone
    assert parse_time(deleted["deletedAt"]) >= since
    assert api.ok(READ[case.kind], {"id": created["id"]})["node"] is None
    assert api.row(case.kind, case.create["slug"]) is None
    tombstones = api.ok(DELETED_SINCE, {"since": since.isoformat()}, role=None)["deletedSince"]
    assert tombstones["totalCount"] == 1
    (item,) = tombstones["nodes"]
    assert item == deleted  # one tombstone type: the delete's answer is what deletedSince lists


@pytest.mark.parametrize("case", [c for c in CASES if c.versioned], ids=[c.kind for c in CASES if c.versioned])
def test_update_by_global_id(api, case):
    """Given a record's global id, when <type>Update names it by `id`, then that record changes."""
    created = _created(api, case)

    updated = api.written(UPDATE_BY_ID[case.kind], {"id": created["id"], "version": 1, "input": case.patch})
    updated = updated[_name(case.kind)]

    assert updated == {"id": created["id"], "version": 2}


# `Source` and `Affiliation` implement `Versioned` like every other record type, so a client can follow the
# optimistic-concurrency contract of sourceUpdate / affiliationUpdate / ...Delete, which require the `version` it read.
@pytest.mark.parametrize(
    ("document", "case"),
    [(SOURCE_VERSION, CASES[0]), (AFFILIATION_VERSION, CASES[2])],
    ids=["Source", "Affiliation"],
)
def test_every_updatable_type_exposes_its_version(api, document, case):
    """Given a source or an affiliation, when a client reads its version and updatedAt, then it gets them."""
    created = _created(api, case)

    body = api.send(document, {"id": created["id"]}, role=None)

    assert not body.get("errors"), body["errors"]
    assert body["data"]["node"]["version"] == 1
