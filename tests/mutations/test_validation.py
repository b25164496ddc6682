"""Invalid writes: each is refused with a user error naming the input field at fault (a path from the mutation's
arguments) and writes nothing at all; a value GraphQL itself cannot coerce (a malformed date, two targets in a
`@oneOf` input) is a request error instead, and writes nothing either."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from tests.mutations.support import (
    ACTOR_CREATE,
    EVENT_CREATE,
    EVENT_UPDATE,
    REACTION_CREATE,
    USER_ERRORS,
    event_input,
    reaction_input,
)

CHANGE_CREATE = f"""
mutation ($input: RelationshipChangeCreateInput!) {{
  relationshipChangeCreate(input: $input) {{ relationshipChange {{ id }} {USER_ERRORS} }}
}}
"""
CHANGE_UPDATE = f"""
mutation ($ref: RecordRef!, $version: Int!, $input: RelationshipChangeUpdateInput!) {{
  relationshipChangeUpdate(ref: $ref, version: $version, input: $input) {{ relationshipChange {{ id }} {USER_ERRORS} }}
}}
"""
STATEMENT_CREATE = f"""
mutation ($input: StatementCreateInput!) {{ statementCreate(input: $input) {{ statement {{ id }} {USER_ERRORS} }} }}
"""
AFFILIATION_CREATE = f"""
mutation ($input: AffiliationCreateInput!) {{
  affiliationCreate(input: $input) {{ affiliation {{ id }} {USER_ERRORS} }}
}}
"""
ACTOR_UPDATE = f"""
mutation ($ref: RecordRef!, $version: Int!, $input: ActorUpdateInput!) {{
  actorUpdate(ref: $ref, version: $version, input: $input) {{ actor {{ id }} {USER_ERRORS} }}
}}
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


# (document, variables, the field that must be named: a path from the arguments, the code)
CASES = {
    "reaction-without-target": (REACTION_CREATE, {"input": no_target("r")}, ["input", "target"], "INVALID"),
    "reaction-to-unknown-event": (
        REACTION_CREATE,
        {"input": reaction_input("r", {"event": "atlantis"})},
        ["input", "target"],
        "NOT_FOUND",
    ),
    "delta-11": (CHANGE_CREATE, {"input": change_input(delta=11)}, ["input", "delta"], "INVALID"),
    "delta-minus-11": (CHANGE_CREATE, {"input": change_input(delta=-11)}, ["input", "delta"], "INVALID"),
    "delta-0": (CHANGE_CREATE, {"input": change_input(delta=0)}, ["input", "delta"], "INVALID"),
    "change-toward-itself": (CHANGE_CREATE, {"input": change_input(to={"slug": "israel"})}, ["input", "to"], "INVALID"),
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
        ["input", "end"],
        "INVALID",
    ),
    "unknown-citation-source": (
        EVENT_CREATE,
        {"input": event_input("e", sources=[{"source": {"slug": "no-such-source"}}])},
        ["input", "sources", "0", "source"],
        "NOT_FOUND",
    ),
    "unknown-speaker": (
        STATEMENT_CREATE,
        {
            "input": {
                "slug": "s",
                "speaker": {"slug": "nobody"},
                "channel": "SPEECH",
                "quote": "Hi",
                "date": "2025-08-06",
            }
        },
        ["input", "speaker"],
        "NOT_FOUND",
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
        ["input", "about", "0"],
        "NOT_FOUND",
    ),
    "duplicate-slug": (EVENT_CREATE, {"input": event_input("gaza-war")}, ["input", "slug"], "TAKEN"),
    "bad-slug": (EVENT_CREATE, {"input": event_input("Not A Slug")}, ["input", "slug"], "INVALID"),
    "synthetic-slug": (EVENT_CREATE, {"input": event_input("syn-event-1")}, ["input", "slug"], "INVALID"),
    "synthetic-actor-slug": (
        ACTOR_CREATE,
        {"input": {"slug": "syn-actor", "name": "A", "kind": "STATE"}},
        ["input", "slug"],
        "INVALID",
    ),
    "missing-title": (EVENT_CREATE, {"input": {**event_input("e"), "title": None}}, ["input", "title"], "INVALID"),
    "score-out-of-range": (EVENT_CREATE, {"input": event_input("e", score=10.5)}, ["input", "score"], "INVALID"),
    "lowercase-country": (
        ACTOR_CREATE,
        {"input": {"slug": "a", "name": "A", "kind": "STATE", "country": "isr"}},
        ["input", "country"],
        "INVALID",
    ),
    "two-letter-country": (
        ACTOR_CREATE,
        {"input": {"slug": "a", "name": "A", "kind": "STATE", "country": "IL"}},
        ["input", "country"],
        "INVALID",
    ),
    "bad-place-country": (
        EVENT_CREATE,
        {"input": event_input("e", place={"country": "Taiwan"})},
        ["input", "place", "country"],
        "INVALID",
    ),
    "bad-wikidata": (
        ACTOR_CREATE,
        {"input": {"slug": "a", "name": "A", "kind": "STATE", "wikidata": "801"}},
        ["input", "wikidata"],
        "INVALID",
    ),
    "delta-0-on-update": (
        CHANGE_UPDATE,
        {"ref": {"slug": "israel-taiwan-knesset-petition"}, "version": 1, "input": {"delta": 0}},
        ["input", "delta"],
        "INVALID",
    ),
    "clearing-a-required-field": (
        EVENT_UPDATE,
        {"ref": {"slug": "gaza-war"}, "version": 1, "input": {"title": None}},
        ["input", "title"],
        "INVALID",
    ),
    "bad-country-on-update": (
        ACTOR_UPDATE,
        {"ref": {"slug": "israel"}, "version": 1, "input": {"country": "Israel"}},
        ["input", "country"],
        "INVALID",
    ),
}


@pytest.mark.parametrize(("document", "variables", "field", "code"), list(CASES.values()), ids=list(CASES))
def test_invalid_write_is_refused_and_writes_nothing(api, document, variables, field, code):
    """Given an invalid input, when the mutation runs, then one user error names the field with its code (HTTP 200,
    no GraphQL error) and nothing is written."""
    before = api.fingerprint()

    (error,) = api.refused(document, variables, code=code, field=field)

    assert error["message"]
    assert api.fingerprint() == before


# Values GraphQL itself refuses before any resolver runs: a request error (the variables cannot be coerced), no data.
COERCION = {
    # Strawberry's message names the type, not where it is (its @oneOf check of a variable's value has no path).
    "reaction-with-empty-target": (REACTION_CREATE, {"input": reaction_input("r", {})}, "'ItemRef'"),
    "reaction-with-two-targets": (
        REACTION_CREATE,
        {"input": reaction_input("r", {"event": "gaza-war", "statement": "saar-unsc-upside-down"})},
        "exactly one key",
    ),
    "ref-with-id-and-slug": (
        EVENT_UPDATE,
        {"ref": {"slug": "gaza-war", "id": "RXZlbnQ6MQ"}, "version": 1, "input": {"title": "x"}},
        "'RecordRef'",
    ),
    "end-before-start": (EVENT_CREATE, {"input": event_input("e", date="2025-08-05/2025-08-01")}, "end is before"),
    "bad-date-text": (EVENT_CREATE, {"input": event_input("e", date="last Tuesday")}, "is not a date"),
    "impossible-day": (EVENT_CREATE, {"input": event_input("e", date="2025-02-30")}, "not a real date"),
    "slug-change-on-update": (
        EVENT_UPDATE,
        {"ref": {"slug": "gaza-war"}, "version": 1, "input": {"slug": "gaza"}},
        "slug",
    ),
}


@pytest.mark.parametrize(("document", "variables", "said"), list(COERCION.values()), ids=list(COERCION))
def test_a_value_graphql_cannot_coerce_is_a_request_error(api, document, variables, said):
    """Given a malformed FuzzyDate, a @oneOf input with none or two of its fields, or a field the input type does not
    have (the slug of an update), when sent, then one BAD_USER_INPUT request error says what, no data, no write."""
    before = api.fingerprint()

    error = api.fail(document, variables, code="BAD_USER_INPUT")

    assert said in error["message"], error
    assert api.fingerprint() == before


def test_unknown_participant_is_named_and_nothing_is_written(api):
    """Given an unknown actor among participants, when eventCreate runs, then NOT_FOUND names it, no write."""
    given = event_input(
        "e",
        participants=[
            {"actor": {"slug": "israel"}, "role": "INITIATOR"},
            {"actor": {"slug": "atlantis"}, "role": "TARGET"},
        ],
    )
    before = api.fingerprint()

    (error,) = api.refused(
        EVENT_CREATE, {"input": given}, code="NOT_FOUND", field=["input", "participants", "1", "actor"]
    )

    assert "atlantis" in error["message"]
    assert api.fingerprint() == before


def test_a_refused_update_leaves_the_version_alone(api):
    """Given a change at version 1, when an update with delta 0 is refused, then it stays at version 1."""
    slug = "israel-taiwan-knesset-petition"
    api.refused(CHANGE_UPDATE, {"ref": {"slug": slug}, "version": 1, "input": {"delta": 0}}, code="INVALID")

    assert api.row("relationship_change", slug).version == 1
    api.written(CHANGE_UPDATE, {"ref": {"slug": slug}, "version": 1, "input": {"delta": 4}})
    assert api.row("relationship_change", slug).version == 2


# The seed-file key is `place.lat`; the GraphQL input field is `PlaceInput.latitude` (schema.mutations.camel_path).
def test_bad_coordinate_names_the_graphql_field(api):
    """Given a latitude of 100, when eventCreate runs, then INVALID names `input.place.latitude`, no write."""
    before = api.fingerprint()

    api.refused(
        EVENT_CREATE,
        {"input": event_input("e", place={"latitude": 100.0})},
        code="INVALID",
        field=["input", "place", "latitude"],
    )

    assert api.fingerprint() == before


def test_unknown_record_to_update_is_not_found(api):
    """Given a slug nobody has, when eventUpdate names it, then NOT_FOUND names `ref` and nothing is written."""
    before = api.fingerprint()

    api.refused(
        EVENT_UPDATE,
        {"ref": {"slug": "atlantis"}, "version": 1, "input": {"title": "x"}},
        code="NOT_FOUND",
        field=["ref"],
    )

    assert api.fingerprint() == before


def test_update_needs_its_ref(api):
    """Given no `ref`, when eventUpdate runs, then a request error (the argument is required), nothing written."""
    before = api.fingerprint()

    api.fail(EVENT_UPDATE, {"version": 1, "input": {"title": "x"}}, code="BAD_USER_INPUT")

    assert api.fingerprint() == before


REACTION_UPDATE = f"""
mutation ($ref: RecordRef!, $version: Int!, $input: ReactionUpdateInput!) {{
  reactionUpdate(ref: $ref, version: $version, input: $input) {{ reaction {{ id }} {USER_ERRORS} }}
}}
"""


# A reaction may not answer, through a chain of reactions, its own answer (`cycle_through` in api/services/mutations.py
# walks the target's chain): A → B → A would make thread reads alternate forever (it was once accepted).
def test_update_refuses_a_reaction_that_would_answer_its_own_answer(api):
    """Given reaction B answering A, when A is updated to answer B, then INVALID names `target`, no write."""
    api.written(REACTION_CREATE, {"input": reaction_input("reaction-a", {"event": "gaza-war"})})
    api.written(
        REACTION_CREATE, {"input": reaction_input("reaction-b", {"reaction": "reaction-a"}, reactor={"slug": "prc"})}
    )
    before = api.fingerprint()

    api.refused(
        REACTION_UPDATE,
        {"ref": {"slug": "reaction-a"}, "version": 1, "input": {"target": {"reaction": "reaction-b"}}},
        code="INVALID",
        field=["input", "target"],
    )

    assert api.fingerprint() == before


def test_a_target_by_global_id_is_read_as_its_item(api):
    """Given an ItemRef naming the Gaza war by its global id, when a reaction is created, then it answers that event;
    an id of an actor there is INVALID, naming `target`."""
    event_id = api.ok('{ event(ref: {slug: "gaza-war"}) { id } }', role=None)["event"]["id"]
    actor_id = api.ok('{ actor(ref: {slug: "israel"}) { id } }', role=None)["actor"]["id"]

    made = api.written(REACTION_CREATE, {"input": reaction_input("by-id", {"id": event_id})})["reaction"]
    (error,) = api.refused(
        REACTION_CREATE,
        {"input": reaction_input("by-actor-id", {"id": actor_id})},
        code="INVALID",
        field=["input", "target"],
    )

    assert made["target"] == {"__typename": "Event", "slug": "gaza-war"}
    assert "not of an item" in error["message"]


def actor_slugs(api) -> list[str]:
    """The story's actors' slugs, in order."""
    with api.engine.connect() as conn:
        return [slug for (slug,) in conn.execute(text("SELECT slug FROM actor ORDER BY slug"))]


def participants_input(api, n: int) -> list[dict]:
    """``n`` participations of story actors, each actor at most once per role (so the count is the only fault)."""
    slugs = actor_slugs(api)
    roles = ["PARTICIPANT", "SUBJECT", "HOST"]
    return [{"actor": {"slug": slugs[i % len(slugs)]}, "role": roles[i // len(slugs)]} for i in range(n)]


def test_an_event_may_have_50_participants_and_no_more(api):
    """Given the bound of 50 participants an event may list, when eventCreate lists 51, then one INVALID user error
    names `input.participants` and the bound, and nothing is written; with 50, the event is written whole."""
    before = api.fingerprint()

    (error,) = api.refused(
        EVENT_CREATE,
        {"input": event_input("crowded", participants=participants_input(api, 51))},
        code="INVALID",
        field=["input", "participants"],
    )

    assert "51 actors" in error["message"] and "the 50 an event may have" in error["message"], error
    assert api.fingerprint() == before
    written = api.written(EVENT_CREATE, {"input": event_input("crowded", participants=participants_input(api, 50))})
    assert len(written["event"]["participants"]) == 50


def test_statement_subjects_and_citations_are_bounded(api):
    """Given the bounds of 20 subjects and 20 citations, when a statement lists 21 of each, then each list gets an
    INVALID user error at its own input field, naming the bound; nothing is written."""
    actors = actor_slugs(api)[:21]
    given = {
        "slug": "said-of-many",
        "speaker": {"slug": "gideon-saar"},
        "channel": "SPEECH",
        "quote": "Many words.",
        "date": "2025-08-05",
        "about": [{"slug": slug} for slug in actors],
        "sources": [{"source": {"slug": "ny-sun-coalition-of-the-beleaguered"}, "passage": str(n)} for n in range(21)],
    }
    before = api.fingerprint()

    errors = api.refused(STATEMENT_CREATE, {"input": given}, code="INVALID")

    by_field = {tuple(e["field"]): e["message"] for e in errors}
    assert set(by_field) == {("input", "about"), ("input", "sources")}, errors
    assert "more than the 20 a statement may be about" in by_field[("input", "about")]
    assert "more than the 20 a record may have" in by_field[("input", "sources")]
    assert api.fingerprint() == before
