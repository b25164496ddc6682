"""An input with several problems hears of all of them in one BAD_USER_INPUT: `extensions.problems` lists each as
`{field, message}` with the field a path from the mutation's arguments, `extensions.field` names the first as it
always has, the message says how many there are, and nothing at all is written."""

from __future__ import annotations

import json
import re

import pytest

from schema import ids
from tests.mutations.support import EVENT_CREATE, EVENT_UPDATE, event_input, extensions
from tests.support import ROOT

SOURCE = "ny-sun-coalition-of-the-beleaguered"


def create(name: str, input_type: str) -> str:
    """A `<name>Create` document taking a ``$input`` of ``input_type``."""
    return f"mutation ($input: {input_type}!) {{ {name}Create(input: $input) {{ id }} }}"


def update(name: str, input_type: str) -> str:
    """A `<name>Update` document by slug."""
    return f"""
mutation ($slug: String!, $version: Int!, $input: {input_type}!) {{
  {name}Update(slug: $slug, version: $version, input: $input) {{ id }}
}}
"""


def problems_of(error: dict) -> dict[str, str]:
    """extensions.problems as field → message (asserting no field is named twice)."""
    listed = extensions(error)["problems"]
    fields = [p["field"] for p in listed]
    assert len(fields) == len(set(fields)), listed
    return {p["field"]: p["message"] for p in listed}


def refused(api, document: str, variables: dict, fields: list[str]) -> dict:
    """Run a write that must be refused with exactly ``fields`` (in this order) and write nothing; the error."""
    before = api.fingerprint()

    error = api.fail(document, variables, code="BAD_USER_INPUT")

    assert [p["field"] for p in extensions(error)["problems"]] == fields, error
    assert all(p["message"] for p in extensions(error)["problems"]), error
    assert error["message"].startswith(f"{len(fields)} problems with the input: "), error["message"]
    for field in fields:
        assert field in error["message"], (field, error["message"])
    assert api.fingerprint() == before
    return error


CHANGE_CREATE = create("relationshipChange", "RelationshipChangeInput")


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
    error = refused(
        api,
        CHANGE_CREATE,
        {"input": change_input(slug="Not A Slug", delta=11)},
        ["input.slug", "input.delta"],
    )

    assert extensions(error)["field"] == "slug"
    assert "outside -10" in problems_of(error)["input.delta"]


def test_missing_from_and_delta_11_are_both_named_and_no_slug_is_asked_for(api):
    """Given a change without slug and `from` and with delta 11, when created, then `from` and `delta` are named
    (the slug would be made from `from`, so asking for it too would only repeat the problem)."""
    error = refused(
        api, CHANGE_CREATE, {"input": change_input(**{"from": None}, delta=11)}, ["input.delta", "input.from"]
    )

    assert problems_of(error)["input.from"] == "is required"


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

    error = refused(
        api,
        EVENT_CREATE,
        {"input": given},
        ["input.score", "input.participants[1].actor", "input.participants[3].actor", "input.sources[1].source"],
    )

    problems = problems_of(error)
    assert "atlantis" in problems["input.participants[1].actor"]
    assert "narnia" in problems["input.participants[3].actor"]
    assert "no-such-source" in problems["input.sources[1].source"]
    assert extensions(error)["field"] == "score"


def test_an_id_of_the_wrong_type_is_listed_with_the_other_problems(api):
    """Given a participant named by a Source's global id and a bad date, when created, then both are listed."""
    source_id = ids.encode("Source", api.row("source", SOURCE).id)
    given = event_input(
        "e",
        date="someday",
        participants=[{"actor": {"slug": "israel"}, "role": "INITIATOR"}, {"actor": source_id, "role": "TARGET"}],
    )

    error = refused(api, EVENT_CREATE, {"input": given}, ["input.participants[1].actor", "input.date"])

    assert "not of an Actor" in problems_of(error)["input.participants[1].actor"]


# One create per record type, each with several problems: (mutation, input type, input, expected fields in order)
CREATES = {
    "source": (
        "source",
        "SourceInput",
        {"slug": "s", "url": "u" * 1001, "published": "someday"},
        ["input.published", "input.title", "input.url"],
    ),
    "actor": (
        "actor",
        "ActorInput",
        {"slug": "a", "name": "A", "country": "isr", "wikidata": "801"},
        ["input.wikidata", "input.kind", "input.country"],
    ),
    "affiliation": (
        "affiliation",
        "AffiliationInput",
        {"slug": "a", "member": {"slug": "nobody"}, "organisation": {"slug": "knesset"}, "start": "2025-06", "end": "2025-01"},
        ["input.end", "input.kind", "input.member"],
    ),
    "event": (
        "event",
        "EventInput",
        {"slug": "e", "kind": "CONSULT", "date": "2025-02-30", "place": {"latitude": 100.0}, "cameo": "x" * 11},
        ["input.date", "input.place.latitude", "input.title", "input.cameo"],
    ),
    "statement": (
        "statement",
        "StatementInput",
        {"slug": "s", "speaker": {"slug": "nobody"}, "channel": "SPEECH", "date": "2025-08-06", "about": [{"slug": "israel"}, {"slug": "nemo"}]},
        ["input.quote", "input.speaker", "input.about[1]"],
    ),
    "reaction": (
        "reaction",
        "ReactionInput",
        {"slug": "r", "reactor": {"slug": "nobody"}, "kind": "THANKS", "target": {"event": "atlantis"}, "date": "2025-13"},
        ["input.date", "input.target", "input.reactor"],
    ),
    "relationship_change": (
        "relationshipChange",
        "RelationshipChangeInput",
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
        "SourceInput",
        SOURCE,
        {"title": None, "published": "2025-02-30"},
        ["input.published", "input.title"],
    ),
    "actor": ("actor", "ActorInput", "israel", {"kind": None, "country": "Israel"}, ["input.kind", "input.country"]),
    "affiliation": (
        "affiliation",
        "AffiliationInput",
        "gideon-saar-foreign-minister-of-israel",
        {"organisation": {"slug": "nowhere"}, "start": "2025-06", "end": "2025-01"},
        ["input.end", "input.organisation"],
    ),
    "event": (
        "event",
        "EventInput",
        "gaza-war",
        {"slug": "gaza", "title": None, "score": 10.5, "participants": [{"actor": {"slug": "atlantis"}, "role": "HOST"}]},
        ["input.slug", "input.score", "input.title", "input.participants[0].actor"],
    ),
    "statement": (
        "statement",
        "StatementInput",
        "saar-kyiv-remarks-2025-07",
        {"quote": None, "venue": {"slug": "no-such-event"}, "tags": ["ok", "x" * 61]},
        ["input.quote", "input.tags[1]", "input.venue"],
    ),
    "reaction": (
        "reaction",
        "ReactionInput",
        "prc-embassy-accuses-knesset-over-petition",
        {"reactor": {"slug": "nobody"}, "score": -11, "statement": {"slug": "no-such-statement"}},
        ["input.score", "input.reactor", "input.statement"],
    ),
    "relationship_change": (
        "relationshipChange",
        "RelationshipChangeInput",
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

    refused(api, update(name, input_type), {"slug": slug, "version": version, "input": patch}, fields)

    assert api.row(kind, slug).version == version


def test_a_missing_record_with_a_bad_patch_is_still_not_found(api):
    """Given a slug nobody has and a patch with two problems, when updated, then NOT_FOUND (naming `slug`)."""
    before = api.fingerprint()

    api.fail(
        EVENT_UPDATE,
        {"slug": "atlantis", "version": 1, "input": {"title": None, "score": 11}},
        code="NOT_FOUND",
        field="slug",
    )

    assert api.fingerprint() == before


def test_a_stale_version_with_a_bad_patch_is_still_a_conflict(api):
    """Given an event at version 2, when a bad patch names version 1, then CONFLICT: reload first, then fix."""
    api.ok(EVENT_UPDATE, {"slug": "gaza-war", "version": 1, "input": {"title": "First"}})
    before = api.fingerprint()

    error = api.fail(
        EVENT_UPDATE,
        {"slug": "gaza-war", "version": 1, "input": {"title": None, "score": 11}},
        code="CONFLICT",
        field="version",
    )

    assert extensions(error)["currentVersion"] == 2
    assert api.fingerprint() == before


def test_one_problem_reads_as_before(api):
    """Given an input with one problem, when created, then the message is that problem, naming its field."""
    error = api.fail(CHANGE_CREATE, {"input": change_input(delta=11)}, code="BAD_USER_INPUT", field="delta")

    assert error["message"] == "input.delta: 11 is outside -10…+10"
    assert extensions(error)["problems"] == [{"field": "input.delta", "message": "11 is outside -10…+10"}]


def test_the_readme_example_error_is_what_the_api_answers(api):
    """Given the README's example of a refused input, when the same input is sent, then the same error comes back."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    example = json.loads(re.search(r'```json\n(\{\n  "message": "3 problems.+?\n\})\n```', readme, re.S)[1])

    error = api.fail(
        CHANGE_CREATE,
        {"input": change_input(delta=11, **{"from": {"slug": "nobody"}}, cause={"event": "atlantis"})},
        code="BAD_USER_INPUT",
    )

    assert error["message"] == example["message"]
    assert error["extensions"] == example["extensions"]
