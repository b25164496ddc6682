"""Invalid writes: each fails with BAD_USER_INPUT naming the input field at fault, and writes nothing at all."""

from __future__ import annotations

import pytest

from tests.mutations.support import (
    ACTOR_CREATE,
    EVENT_CREATE,
    EVENT_UPDATE,
    REACTION_CREATE,
    event_input,
    extensions,
    reaction_input,
)

CHANGE_CREATE = "mutation ($input: RelationshipChangeInput!) { relationshipChangeCreate(input: $input) { id } }"
CHANGE_UPDATE = """
mutation ($slug: String!, $version: Int!, $input: RelationshipChangeInput!) {
  relationshipChangeUpdate(slug: $slug, version: $version, input: $input) { id }
}
"""
STATEMENT_CREATE = "mutation ($input: StatementInput!) { statementCreate(input: $input) { id } }"
AFFILIATION_CREATE = "mutation ($input: AffiliationInput!) { affiliationCreate(input: $input) { id } }"
ACTOR_UPDATE = """
mutation ($slug: String!, $version: Int!, $input: ActorInput!) {
  actorUpdate(slug: $slug, version: $version, input: $input) { id }
}
"""


def change_input(**fields):
    """A valid RelationshipChangeInput (Israel → Taiwan, +2, caused by the Gaza war), with ``fields`` on top."""
    base = {
        "slug": "test-change",
        "from": {"slug": "israel"},
        "to": {"slug": "taiwan"},
        "delta": 2,
        "cause": {"event": "gaza-war"},
        "date": "2025-08-06",
        "explanation": "Because.",
    }
    return {**base, **fields}


def no_target(slug):
    """A reaction input without any target."""
    given = reaction_input(slug, {})
    del given["target"]
    return given


# (document, variables, the field that must be named)
CASES = {
    "reaction-without-target": (REACTION_CREATE, {"input": no_target("r")}, "target"),
    "reaction-with-empty-target": (REACTION_CREATE, {"input": reaction_input("r", {})}, "target"),
    "reaction-with-two-targets": (
        REACTION_CREATE,
        {"input": reaction_input("r", {"event": "gaza-war", "statement": "saar-unsc-upside-down"})},
        "target",
    ),
    "reaction-to-unknown-event": (REACTION_CREATE, {"input": reaction_input("r", {"event": "atlantis"})}, "target"),
    "delta-11": (CHANGE_CREATE, {"input": change_input(delta=11)}, "delta"),
    "delta-minus-11": (CHANGE_CREATE, {"input": change_input(delta=-11)}, "delta"),
    "delta-0": (CHANGE_CREATE, {"input": change_input(delta=0)}, "delta"),
    "change-toward-itself": (CHANGE_CREATE, {"input": change_input(to={"slug": "israel"})}, "to"),
    "end-before-start": (EVENT_CREATE, {"input": event_input("e", date="2025-08-05/2025-08-01")}, "date"),
    "bad-date-text": (EVENT_CREATE, {"input": event_input("e", date="last Tuesday")}, "date"),
    "impossible-day": (EVENT_CREATE, {"input": event_input("e", date="2025-02-30")}, "date"),
    "affiliation-ends-before-it-starts": (
        AFFILIATION_CREATE,
        {
            "input": {
                "slug": "a",
                "member": {"slug": "gideon-saar"},
                "organisation": {"slug": "knesset"},
                "kind": "MEMBER",
                "start": "2025-06",
                "end": "2025-01",
            }
        },
        "end",
    ),
    "unknown-citation-source": (
        EVENT_CREATE,
        {"input": event_input("e", sources=[{"source": {"slug": "no-such-source"}}])},
        "sources",
    ),
    "unknown-speaker": (
        STATEMENT_CREATE,
        {"input": {"slug": "s", "speaker": {"slug": "nobody"}, "channel": "SPEECH", "quote": "Hi", "date": "2025-08-06"}},
        "speaker",
    ),
    "unknown-actor-in-about": (
        STATEMENT_CREATE,
        {
            "input": {
                "slug": "s",
                "speaker": {"slug": "gideon-saar"},
                "channel": "SPEECH",
                "quote": "Hi",
                "date": "2025-08-06",
                "about": [{"slug": "nobody"}],
            }
        },
        "about",
    ),
    "duplicate-slug": (EVENT_CREATE, {"input": event_input("gaza-war")}, "slug"),
    "bad-slug": (EVENT_CREATE, {"input": event_input("Not A Slug")}, "slug"),
    "synthetic-slug": (EVENT_CREATE, {"input": event_input("syn-event-1")}, "slug"),
    "synthetic-actor-slug": (ACTOR_CREATE, {"input": {"slug": "syn-actor", "name": "A", "kind": "STATE"}}, "slug"),
    "missing-title": (EVENT_CREATE, {"input": {**event_input("e"), "title": None}}, "title"),
    "score-out-of-range": (EVENT_CREATE, {"input": event_input("e", score=10.5)}, "score"),
    "lowercase-country": (
        ACTOR_CREATE,
        {"input": {"slug": "a", "name": "A", "kind": "STATE", "country": "isr"}},
        "country",
    ),
    "two-letter-country": (
        ACTOR_CREATE,
        {"input": {"slug": "a", "name": "A", "kind": "STATE", "country": "IL"}},
        "country",
    ),
    "bad-place-country": (EVENT_CREATE, {"input": event_input("e", place={"country": "Taiwan"})}, "place.country"),
    "bad-wikidata": (
        ACTOR_CREATE,
        {"input": {"slug": "a", "name": "A", "kind": "STATE", "wikidata": "801"}},
        "wikidata",
    ),
    "slug-change-on-update": (EVENT_UPDATE, {"slug": "gaza-war", "version": 1, "input": {"slug": "gaza"}}, "slug"),
    "delta-0-on-update": (
        CHANGE_UPDATE,
        {"slug": "israel-taiwan-knesset-petition", "version": 1, "input": {"delta": 0}},
        "delta",
    ),
    "clearing-a-required-field": (EVENT_UPDATE, {"slug": "gaza-war", "version": 1, "input": {"title": None}}, "title"),
    "bad-country-on-update": (
        ACTOR_UPDATE,
        {"slug": "israel", "version": 1, "input": {"country": "Israel"}},
        "country",
    ),
}


@pytest.mark.parametrize(("document", "variables", "field"), list(CASES.values()), ids=list(CASES))
def test_invalid_write_is_refused_and_writes_nothing(api, document, variables, field):
    """Given an invalid input, when the mutation runs, then BAD_USER_INPUT names the field and nothing is written."""
    before = api.fingerprint()

    error = api.fail(document, variables, code="BAD_USER_INPUT", field=field)

    assert error["message"]
    assert api.fingerprint() == before


def test_unknown_participant_is_named_and_nothing_is_written(api):
    """Given an unknown actor among participants, when eventCreate runs, then BAD_USER_INPUT names it, no write."""
    given = event_input(
        "e", participants=[{"actor": {"slug": "israel"}, "role": "INITIATOR"}, {"actor": {"slug": "atlantis"}, "role": "TARGET"}]
    )
    before = api.fingerprint()

    error = api.fail(EVENT_CREATE, {"input": given}, code="BAD_USER_INPUT")

    field = extensions(error)["field"]
    assert field == "participants" or field.startswith("participants."), error
    assert "atlantis" in error["message"]
    assert api.fingerprint() == before


def test_problems_extension_names_fields_as_the_client_wrote_them(api):
    """Given a change with a bad date, when created, then extensions.field names `date` and extensions.problems
    the path from the mutation's arguments, `input.date`."""
    error = api.fail(CHANGE_CREATE, {"input": change_input(date="someday")}, code="BAD_USER_INPUT")

    problems = extensions(error)["problems"]
    assert extensions(error)["field"] == "date"
    assert [p["field"] for p in problems] == ["input.date"]
    assert all(p["field"] and p["message"] for p in problems)


def test_a_refused_update_leaves_the_version_alone(api):
    """Given a change at version 1, when an update with delta 0 is refused, then it stays at version 1."""
    slug = "israel-taiwan-knesset-petition"
    api.fail(CHANGE_UPDATE, {"slug": slug, "version": 1, "input": {"delta": 0}}, code="BAD_USER_INPUT")

    assert api.row("relationship_change", slug).version == 1
    api.ok(CHANGE_UPDATE, {"slug": slug, "version": 1, "input": {"delta": 4}})
    assert api.row("relationship_change", slug).version == 2


# The seed-file key is `place.lat`; the GraphQL input field is `PlaceInput.latitude` (schema.mutations.camel_path).
def test_bad_coordinate_names_the_graphql_field(api):
    """Given a latitude of 100, when eventCreate runs, then BAD_USER_INPUT names `place.latitude`, no write."""
    before = api.fingerprint()

    api.fail(
        EVENT_CREATE,
        {"input": event_input("e", place={"latitude": 100.0})},
        code="BAD_USER_INPUT",
        field="place.latitude",
    )

    assert api.fingerprint() == before


def test_unknown_record_to_update_is_not_found(api):
    """Given a slug nobody has, when eventUpdate names it, then NOT_FOUND names `slug` and nothing is written."""
    before = api.fingerprint()

    api.fail(EVENT_UPDATE, {"slug": "atlantis", "version": 1, "input": {"title": "x"}}, code="NOT_FOUND", field="slug")

    assert api.fingerprint() == before


def test_update_needs_exactly_one_of_id_or_slug(api):
    """Given neither id nor slug, when eventUpdate runs, then BAD_USER_INPUT names `id` and nothing is written."""
    before = api.fingerprint()

    api.fail(EVENT_UPDATE, {"version": 1, "input": {"title": "x"}}, code="BAD_USER_INPUT", field="id")

    assert api.fingerprint() == before


REACTION_UPDATE = """
mutation ($slug: String!, $version: Int!, $input: ReactionInput!) {
  reactionUpdate(slug: $slug, version: $version, input: $input) { id }
}
"""


# A reaction may not answer, through a chain of reactions, its own answer (`cycle_through` in api/services/mutations.py
# walks the target's chain): A → B → A would make thread reads alternate forever (it was once accepted).
def test_update_refuses_a_reaction_that_would_answer_its_own_answer(api):
    """Given reaction B answering A, when A is updated to answer B, then BAD_USER_INPUT names `target`, no write."""
    api.ok(REACTION_CREATE, {"input": reaction_input("reaction-a", {"event": "gaza-war"})})
    api.ok(REACTION_CREATE, {"input": reaction_input("reaction-b", {"reaction": "reaction-a"}, reactor={"slug": "prc"})})
    before = api.fingerprint()

    api.fail(
        REACTION_UPDATE,
        {"slug": "reaction-a", "version": 1, "input": {"target": {"reaction": "reaction-b"}}},
        code="BAD_USER_INPUT",
        field="target",
    )

    assert api.fingerprint() == before
