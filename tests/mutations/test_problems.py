"""An input with several problems hears of all of them at once: the payload's `userErrors` lists each with its
field, a path from the mutation's arguments (`["input", "participants", "1", "actor"]`), a message naming that
field and a code; the record is null, and nothing at all is written."""

from __future__ import annotations

import json
import re

import pytest

from schema import ids
from tests.mutations.support import EVENT_CREATE, EVENT_UPDATE, USER_ERRORS, event_input
from tests.support import ROOT

SOURCE = "ny-sun-coalition-of-the-beleaguered"


def create(name: str, input_type: str) -> str:
    """A `<name>Create` document taking a ``$input`` of ``input_type``."""
    return f"mutation ($input: {input_type}!) {{ {name}Create(input: $input) {{ {name} {{ id }} {USER_ERRORS} }} }}"


def update(name: str, input_type: str) -> str:
    """A `<name>Update` document taking a ``$ref``."""
    return f"""
mutation ($ref: RecordRef!, $version: Int!, $input: {input_type}!) {{
  {name}Update(ref: $ref, version: $version, input: $input) {{ {name} {{ id }} {USER_ERRORS} }}
}}
"""


def path(text: str) -> list[str]:
    """A path written as the messages write it (``input.participants[1].actor``) as a list of its parts."""
    return [part for part in re.split(r"[.\[\]]+", text) if part]


def text(field: list[str]) -> str:
    """A path as the messages write it: ``input.participants[1].actor``."""
    return "".join(f"[{part}]" if part.isdigit() else f".{part}" for part in field).lstrip(".")


def problems_of(errors: list[dict]) -> dict[str, str]:
    """What each user error says about its field, by the field as text (asserting no field is named twice)."""
    fields = [text(e["field"]) for e in errors]
    assert len(fields) == len(set(fields)), errors
    return {field: e["message"].removeprefix(f"{field}: ") for field, e in zip(fields, errors, strict=True)}


def codes_of(errors: list[dict]) -> dict[str, str]:
    """The code of each user error, by its field as text."""
    return {text(e["field"]): e["code"] for e in errors}


def refused(api, document: str, variables: dict, fields: list[str]) -> list[dict]:
    """Run a write that must be refused with exactly ``fields`` (in this order), each message naming its field, and
    write nothing; the user errors."""
    before = api.fingerprint()

    errors = _refused(api, document, variables)

    assert [e["field"] for e in errors] == [path(f) for f in fields], errors
    for field, error in zip(fields, errors, strict=True):
        assert error["message"].startswith(f"{field}: "), error
    assert api.fingerprint() == before
    return errors


def _refused(api, document: str, variables: dict) -> list[dict]:
    (payload,) = api.ok(document, variables).values()
    assert all(v is None for k, v in payload.items() if k != "userErrors"), payload
    return payload["userErrors"]


CHANGE_CREATE = create("relationshipChange", "RelationshipChangeCreateInput")


def change_input(**fields):
    """A valid RelationshipChangeInput without a slug (Israel → Taiwan, +2, for the Gaza war), ``fields`` on top."""
    base = {
        "from": {"slug": "israel"},
        "to": {"slug": "taiwan"},
        "delta": 2,
        "cause": {"event": "gaza-war"},
        "date": "2025-08-06",
        "explanation": "Because.",
    }
    return {**base, **fields}


def test_bad_slug_and_delta_11_are_both_named(api):
    """Given a change with a malformed slug and delta 11, when created, then both `slug` and `delta` are named."""
    errors = refused(
        api,
        CHANGE_CREATE,
        {"input": change_input(slug="Not A Slug", delta=11)},
        ["input.slug", "input.delta"],
    )

    assert "outside -10" in problems_of(errors)["input.delta"]
    assert codes_of(errors) == {"input.slug": "INVALID", "input.delta": "INVALID"}


def test_missing_from_and_delta_11_are_both_named_and_no_slug_is_asked_for(api):
    """Given a change without slug and `from` and with delta 11, when created, then `from` and `delta` are named
    (the slug would be made from `from`, so asking for it too would only repeat the problem)."""
    errors = refused(
        api, CHANGE_CREATE, {"input": change_input(**{"from": None}, delta=11)}, ["input.delta", "input.from"]
    )

    assert problems_of(errors)["input.from"] == "is required"
    assert codes_of(errors)["input.from"] == "INVALID"


def test_every_unknown_participant_is_named_by_its_position_in_the_list(api):
    """Given an event whose 2nd and 4th participants and 2nd citation are unknown, plus a bad score, when created,
    then each is named by its place in the input: `input.participants[1].actor`, …"""
    given = event_input(
        "e",
        score=11,
        participants=[
            {"actor": {"slug": "israel"}, "role": "INITIATOR"},
            {"actor": {"slug": "atlantis"}, "role": "TARGET"},
            {"actor": {"slug": "taiwan"}, "role": "TARGET"},
            {"actor": {"slug": "narnia"}, "role": "INITIATOR"},
        ],
        sources=[{"source": {"slug": SOURCE}}, {"source": {"slug": "no-such-source"}}],
    )

    errors = refused(
        api,
        EVENT_CREATE,
        {"input": given},
        ["input.score", "input.participants[1].actor", "input.participants[3].actor", "input.sources[1].source"],
    )

    problems = problems_of(errors)
    assert "atlantis" in problems["input.participants[1].actor"]
    assert "narnia" in problems["input.participants[3].actor"]
    assert "no-such-source" in problems["input.sources[1].source"]
    assert errors[1]["field"] == ["input", "participants", "1", "actor"]
    assert codes_of(errors) == {
        "input.score": "INVALID",
        "input.participants[1].actor": "NOT_FOUND",
        "input.participants[3].actor": "NOT_FOUND",
        "input.sources[1].source": "NOT_FOUND",
    }


def test_an_id_of_the_wrong_type_is_listed_with_the_other_problems(api):
    """Given a participant named by a Source's global id, another by an id naming no actor, and a bad score, when
    created, then all three are listed, the ids first (they are looked up before the input is validated)."""
    source_id = ids.encode("Source", api.row("source", SOURCE).id)
    given = event_input(
        "e",
        score=11,
        participants=[
            {"actor": {"slug": "israel"}, "role": "INITIATOR"},
            {"actor": {"id": source_id}, "role": "TARGET"},
            {"actor": {"id": ids.encode("Actor", 999999)}, "role": "TARGET"},
        ],
    )

    errors = refused(
        api,
        EVENT_CREATE,
        {"input": given},
        ["input.participants[1].actor", "input.participants[2].actor", "input.score"],
    )

    assert "not of an Actor" in problems_of(errors)["input.participants[1].actor"]
    assert codes_of(errors) == {
        "input.participants[1].actor": "INVALID",
        "input.participants[2].actor": "NOT_FOUND",
        "input.score": "INVALID",
    }


# One create per record type, each with several problems: (mutation, input type, input, expected fields in order)
CREATES = {
    "source": (
        "source",
        "SourceCreateInput",
        {"slug": "s", "url": "u" * 1001, "language": "x" * 13},
        ["input.title", "input.url", "input.language"],
    ),
    "actor": (
        "actor",
        "ActorCreateInput",
        {"slug": "a", "name": "A", "country": "isr", "wikidata": "801"},
        ["input.wikidata", "input.kind", "input.country"],
    ),
    "affiliation": (
        "affiliation",
        "AffiliationCreateInput",
        {
            "slug": "a",
            "member": {"slug": "nobody"},
            "organisation": {"slug": "knesset"},
            "start": "2025-06",
            "end": "2025-01",
        },
        ["input.end", "input.kind", "input.member"],
    ),
    "event": (
        "event",
        "EventCreateInput",
        {"slug": "e", "eventKind": "CONSULT", "place": {"latitude": 100.0}, "cameo": "x" * 11},
        ["input.date", "input.place.latitude", "input.title", "input.cameo"],
    ),
    "statement": (
        "statement",
        "StatementCreateInput",
        {
            "slug": "s",
            "speaker": {"slug": "nobody"},
            "channel": "SPEECH",
            "date": "2025-08-06",
            "about": [{"slug": "israel"}, {"slug": "nemo"}],
        },
        ["input.quote", "input.speaker", "input.about[1]"],
    ),
    "reaction": (
        "reaction",
        "ReactionCreateInput",
        {
            "slug": "r",
            "reactor": {"slug": "nobody"},
            "reactionKind": "THANKS",
            "score": 11,
            "target": {"event": "atlantis"},
            "date": "2025-08",
        },
        ["input.score", "input.target", "input.reactor"],
    ),
    "relationship_change": (
        "relationshipChange",
        "RelationshipChangeCreateInput",
        change_input(to={"slug": "israel"}, delta=0, explanation=None),
        ["input.delta", "input.to", "input.explanation"],
    ),
}


@pytest.mark.parametrize(("name", "input_type", "given", "fields"), list(CREATES.values()), ids=list(CREATES))
def test_create_lists_every_problem_of_each_record_type(api, name, input_type, given, fields):
    """Given an input with several problems, when created, then every problem is listed with its field."""
    refused(api, create(name, input_type), {"input": given}, fields)


# One update per record type, of a story record at version 1, each with several problems.
UPDATES = {
    "source": (
        "source",
        "SourceUpdateInput",
        SOURCE,
        {"title": None, "language": "x" * 13},
        ["input.title", "input.language"],
    ),
    "actor": (
        "actor",
        "ActorUpdateInput",
        "israel",
        {"kind": None, "country": "Israel"},
        ["input.kind", "input.country"],
    ),
    "affiliation": (
        "affiliation",
        "AffiliationUpdateInput",
        "gideon-saar-foreign-minister-of-israel",
        {"organisation": {"slug": "nowhere"}, "start": "2025-06", "end": "2025-01"},
        ["input.end", "input.organisation"],
    ),
    "event": (
        "event",
        "EventUpdateInput",
        "gaza-war",
        {"title": None, "score": 10.5, "participants": [{"actor": {"slug": "atlantis"}, "role": "HOST"}]},
        ["input.score", "input.title", "input.participants[0].actor"],
    ),
    "statement": (
        "statement",
        "StatementUpdateInput",
        "saar-kyiv-remarks-2025-07",
        {"quote": None, "venue": {"slug": "no-such-event"}, "tags": ["ok", "x" * 61]},
        ["input.quote", "input.tags[1]", "input.venue"],
    ),
    "reaction": (
        "reaction",
        "ReactionUpdateInput",
        "prc-embassy-accuses-knesset-over-petition",
        {"reactor": {"slug": "nobody"}, "score": -11, "statement": {"slug": "no-such-statement"}},
        ["input.score", "input.reactor", "input.statement"],
    ),
    "relationship_change": (
        "relationshipChange",
        "RelationshipChangeUpdateInput",
        "israel-taiwan-knesset-petition",
        {"delta": 0, "from": {"slug": "nobody"}, "cause": {"reaction": "no-such-reaction"}},
        ["input.delta", "input.from", "input.cause"],
    ),
}


@pytest.mark.parametrize(("name", "input_type", "slug", "patch", "fields"), list(UPDATES.values()), ids=list(UPDATES))
def test_update_lists_every_problem_of_each_record_type(api, name, input_type, slug, patch, fields):
    """Given a patch with several problems, when applied at the right version, then every problem is listed, the
    version stays where it was and nothing is written."""
    kind = {"relationshipChange": "relationship_change"}.get(name, name)
    version = api.row(kind, slug).version

    refused(api, update(name, input_type), {"ref": {"slug": slug}, "version": version, "input": patch}, fields)

    assert api.row(kind, slug).version == version


def test_a_missing_record_with_a_bad_patch_is_still_not_found(api):
    """Given a slug nobody has and a patch with two problems, when updated, then only NOT_FOUND, at `ref`."""
    before = api.fingerprint()

    errors = api.refused(
        EVENT_UPDATE,
        {"ref": {"slug": "atlantis"}, "version": 1, "input": {"title": None, "score": 11}},
        code="NOT_FOUND",
        field=["ref"],
    )

    assert len(errors) == 1 and "atlantis" in errors[0]["message"], errors
    assert api.fingerprint() == before


def test_an_id_naming_no_record_to_update_is_not_found(api):
    """Given the global id of an event that does not exist, when updated, then NOT_FOUND at `ref`, no write."""
    before = api.fingerprint()

    api.refused(
        EVENT_UPDATE,
        {"ref": {"id": ids.encode("Event", 999999)}, "version": 1, "input": {"title": "x"}},
        code="NOT_FOUND",
        field=["ref"],
    )

    assert api.fingerprint() == before


def test_an_id_of_another_type_to_update_is_invalid(api):
    """Given an actor's global id as the event to update, when updated, then INVALID at `ref.id`, no write."""
    before = api.fingerprint()

    (error,) = api.refused(
        EVENT_UPDATE,
        {"ref": {"id": ids.encode("Actor", api.row("actor", "israel").id)}, "version": 1, "input": {"title": "x"}},
        code="INVALID",
        field=["ref", "id"],
    )

    assert "not of an Event" in error["message"]
    assert api.fingerprint() == before


def test_a_stale_version_with_a_bad_patch_is_still_a_conflict(api):
    """Given an event at version 2, when a bad patch names version 1, then only CONFLICT with currentVersion 2:
    reload first, then fix."""
    api.written(EVENT_UPDATE, {"ref": {"slug": "gaza-war"}, "version": 1, "input": {"title": "First"}})
    before = api.fingerprint()

    (error,) = api.refused(
        EVENT_UPDATE,
        {"ref": {"slug": "gaza-war"}, "version": 1, "input": {"title": None, "score": 11}},
        code="CONFLICT",
        field=["version"],
    )

    assert error["currentVersion"] == 2
    assert api.fingerprint() == before


def test_one_problem_reads_as_before(api):
    """Given an input with one problem, when created, then one user error says it, naming its field."""
    (error,) = api.refused(CHANGE_CREATE, {"input": change_input(delta=11)}, code="INVALID", field=["input", "delta"])

    assert error["message"] == "input.delta: 11 is outside -10…+10"


def test_the_readme_example_error_is_what_the_api_answers(api):
    """Given the README's example of a refused input, when the same input is sent, then the same payload comes
    back."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    example = json.loads(re.search(r'```json\n(\{\n  "relationshipChangeCreate".+?\n\})\n```', readme, re.S)[1])
    document = """
mutation ($input: RelationshipChangeCreateInput!) {
  relationshipChangeCreate(input: $input) { relationshipChange { id } userErrors { field message code } }
}
"""

    data = api.ok(
        document, {"input": change_input(delta=11, **{"from": {"slug": "nobody"}}, cause={"event": "atlantis"})}
    )

    assert data == example
