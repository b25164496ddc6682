"""Errors: each with a stable extensions.code, HTTP 200 or 4xx, never a 500 and never a Python traceback."""

from __future__ import annotations

import base64
import json

import pytest

from tests.api.conftest import assert_no_traceback, codes

ACTOR = "query ($ref: RecordRef!) { actor(ref: $ref) { name } }"
EVENT = "query ($ref: RecordRef!) { event(ref: $ref) { title } }"
TIMELINE = """
query ($filter: ItemFilter, $first: Int, $last: Int, $after: String, $before: String) {
  timeline(filter: $filter, first: $first, last: $last, after: $after, before: $before) { totalCount }
}
"""
RELATIONSHIP = "query ($from: RecordRef!, $to: RecordRef!) { relationship(from: $from, to: $to) { score } }"
NODES = "query ($ids: [ID!]!) { nodes(ids: $ids) { id } }"
ACTORS = "query ($filter: ActorFilter) { actors(filter: $filter) { totalCount } }"
NESTED_PAGE = '{ actor(ref: {slug: "israel"}) { events(first: 101) { totalCount } } }'
TOO_DEEP = """
{ event(ref: {slug: "gaza-war"}) { reactions { nodes { reactions { nodes { statement { reactions { nodes {
  reactor { affiliations { nodes { organisation { members { nodes { member { name } } } } } } } } } } } } } } } }
"""


def b64(text: str) -> str:
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def only_code(client, query, variables=None):
    """The single error's code and field, after checking the response is clean."""
    errors = client.errors(query, variables)
    assert len(errors) == 1, errors
    extensions = errors[0].get("extensions") or {}
    return extensions.get("code"), extensions.get("field"), errors[0]["message"]


def test_unknown_slug_is_not_found(client):
    """Given a slug nobody has, when actor(ref: {slug:}) is asked, then NOT_FOUND names the slug."""
    code, field, message = only_code(client, ACTOR, {"ref": {"slug": "atlantis"}})
    assert (code, field) == ("NOT_FOUND", "ref.slug") and "atlantis" in message


def test_unknown_actor_in_a_filter_or_relationship_is_not_found(client):
    """Given an unknown actor slug in a filter and in relationship, when asked, then NOT_FOUND names the field."""
    unknown = {"filter": {"actors": [{"slug": "israel"}, {"slug": "atlantis"}]}}
    assert only_code(client, TIMELINE, unknown)[:2] == ("NOT_FOUND", "filter.actors[1].slug")
    unknown = {"from": {"slug": "atlantis"}, "to": {"slug": "israel"}}
    assert only_code(client, RELATIONSHIP, unknown)[:2] == ("NOT_FOUND", "from.slug")


@pytest.mark.parametrize("bad", ["!!!", "not-an-id", b64("Planet:1"), b64("Actor:x"), b64("Actor:0")])
def test_malformed_id_is_bad_user_input(client, bad):
    """Given a malformed global id, when actor(ref: {id:}) is asked, then BAD_USER_INPUT on `ref.id`."""
    assert only_code(client, ACTOR, {"ref": {"id": bad}})[:2] == ("BAD_USER_INPUT", "ref.id")


def test_id_of_another_type_is_bad_user_input(client):
    """Given an actor's id, when event(id:) is asked with it, then BAD_USER_INPUT."""
    israel = client.gql('{ actor(ref: {slug: "israel"}) { id } }')["actor"]["id"]
    assert only_code(client, EVENT, {"ref": {"id": israel}})[:2] == ("BAD_USER_INPUT", "ref.id")


def test_malformed_id_in_nodes_is_bad_user_input(client):
    """Given a malformed id among nodes(ids:), when asked, then BAD_USER_INPUT on `ids`."""
    assert only_code(client, NODES, {"ids": ["nope"]})[:2] == ("BAD_USER_INPUT", "ids")


def test_out_of_range_id_is_bad_user_input_not_internal(client):
    """Given a well-formed id whose number overflows the database integer, when event(id:) runs, then BAD_USER_INPUT."""
    code, field, _ = only_code(client, EVENT, {"ref": {"id": b64("Event:99999999999999999999")}})
    assert (code, field) == ("BAD_USER_INPUT", "ref.id")


@pytest.mark.parametrize(
    "cursor",
    ["garbage", b64("[1, 2]"), b64('["2025-99-99", 0, 0, 1]'), b64('{"a": 1}'), b64('["2025-01-01", 0, 0, true]')],
)
def test_malformed_cursor_is_bad_user_input(client, cursor):
    """Given a cursor that is not one of ours, when paged after it, then BAD_USER_INPUT on `after`."""
    assert only_code(client, TIMELINE, {"after": cursor})[:2] == ("BAD_USER_INPUT", "after")


def test_cursor_of_another_list_is_bad_user_input(client):
    """Given an actors cursor, when used to page the timeline backward, then BAD_USER_INPUT on `before`."""
    cursor = client.gql("{ actors(first: 1) { pageInfo { endCursor } } }")["actors"]["pageInfo"]["endCursor"]
    assert only_code(client, TIMELINE, {"before": cursor})[:2] == ("BAD_USER_INPUT", "before")


def test_cursor_with_an_out_of_range_number_is_bad_user_input_not_internal(client):
    """Given a well-formed cursor whose number overflows the database integer, when paged, then BAD_USER_INPUT."""
    cursor = b64(json.dumps(["2025-01-01", 99999999999999999999, 0, 0]))
    assert only_code(client, TIMELINE, {"after": cursor})[:2] == ("BAD_USER_INPUT", "after")


@pytest.mark.parametrize("bad", ["2025-13", "2025-02-30", "yesterday", "2025-1-1"])
def test_bad_date_in_filter_is_bad_user_input(client, bad):
    """Given a malformed date in a filter, when filtered, then the FuzzyDate scalar refuses it before the request
    runs: one BAD_USER_INPUT naming the variable's field and the reason."""
    for bound in ("from", "to"):
        code, _, message = only_code(client, TIMELINE, {"filter": {bound: bad}})
        assert code == "BAD_USER_INPUT" and f"$filter' has invalid value at .{bound}" in message, message
        assert "FuzzyDate" in message and bad in message, message


def test_window_the_wrong_way_round_is_bad_user_input(client):
    """Given a window whose start is after its end, when filtered, then BAD_USER_INPUT names `filter.from`."""
    assert only_code(client, TIMELINE, {"filter": {"from": "2026", "to": "2025"}})[:2] == (
        "BAD_USER_INPUT",
        "filter.from",
    )


@pytest.mark.parametrize("moment", ["before 0001", "circa 9999-12-31", "after 9999"])
def test_dates_at_the_calendars_edge_answer_or_are_bad_user_input(client, moment):
    """Given a date at the calendar's edge, when filtered, then it answers or is BAD_USER_INPUT, never INTERNAL."""
    response = client.post(TIMELINE, {"filter": {"from": moment}})
    assert response.status_code < 500
    assert_no_traceback(response.text)
    body = response.json()
    if body.get("errors"):
        assert codes(body["errors"]) == ["BAD_USER_INPUT"], body["errors"]
    else:
        assert isinstance(body["data"]["timeline"]["totalCount"], int)


@pytest.mark.parametrize(
    ("variables", "field"),
    [({"first": 101}, "first"), ({"last": 101}, "last"), ({"first": -1}, "first")],
)
def test_page_size_out_of_range_is_bad_user_input(client, variables, field):
    """Given first/last beyond 0..100, when the timeline is asked, then BAD_USER_INPUT names the argument."""
    code, got, message = only_code(client, TIMELINE, variables)
    assert (code, got) == ("BAD_USER_INPUT", field)


def test_page_size_out_of_range_in_a_nested_connection_is_bad_user_input(client):
    """Given first: 101 on actor.events, when asked, then BAD_USER_INPUT too."""
    assert only_code(client, NESTED_PAGE)[0] == "BAD_USER_INPUT"


def test_first_and_last_together_is_bad_user_input(client):
    """Given both first and last, when the timeline is asked, then BAD_USER_INPUT."""
    assert only_code(client, TIMELINE, {"first": 2, "last": 2})[0] == "BAD_USER_INPUT"


def test_after_and_before_together_is_bad_user_input(client):
    """Given both after and before, when the timeline is asked, then BAD_USER_INPUT."""
    assert only_code(client, TIMELINE, {"after": "x", "before": "y"})[0] == "BAD_USER_INPUT"


def test_both_id_and_slug_is_bad_user_input(client):
    """Given both id and slug (or neither) in a `RecordRef`, when actor is asked, then GraphQL itself refuses it
    (the input is @oneOf): BAD_USER_INPUT for a variable's value, as for any variable, and a validation error for
    a literal in the document."""
    israel = client.gql('{ actor(ref: {slug: "israel"}) { id } }')["actor"]["id"]
    for ref in ({"id": israel, "slug": "israel"}, {}):
        code, _, message = only_code(client, ACTOR, {"ref": ref})
        assert code == "BAD_USER_INPUT" and "exactly one key" in message, message
    literal = client.errors('{ actor(ref: {id: "x", slug: "israel"}) { name } }')
    assert codes(literal) == ["GRAPHQL_VALIDATION_FAILED"] and "exactly one key" in literal[0]["message"], literal


def test_unknown_item_kind_is_bad_user_input(client):
    """Given a kind that is not one of its vocabulary (an event kind among reaction kinds), when filtered, then
    BAD_USER_INPUT names it: each vocabulary is its own enum."""
    for field, bad in (("eventKinds", "HUG"), ("reactionKinds", "CONSULT"), ("channels", "THANKS")):
        code, _, message = only_code(client, TIMELINE, {"filter": {field: [bad]}})
        assert code == "BAD_USER_INPUT" and f"$filter' has invalid value at .{field}[0]" in message, message
        assert bad in message, message


def test_unknown_actor_kind_is_bad_user_input(client):
    """Given an ActorKind that does not exist, when actors are filtered, then the error says BAD_USER_INPUT."""
    errors = client.errors(ACTORS, {"filter": {"kinds": ["WIZARD"]}})
    assert codes(errors) == ["BAD_USER_INPUT"], errors


def test_bad_country_and_blank_search_are_bad_user_input(client):
    """Given a two-letter country and a blank search, when filtered, then BAD_USER_INPUT names each field."""
    assert only_code(client, TIMELINE, {"filter": {"country": "IL"}})[:2] == ("BAD_USER_INPUT", "filter.country")
    assert only_code(client, TIMELINE, {"filter": {"search": "   "}})[:2] == ("BAD_USER_INPUT", "filter.search")


def test_relationship_from_equals_to_is_bad_user_input(client):
    """Given the same actor as from and to, when relationship is asked, then BAD_USER_INPUT."""
    same = {"from": {"slug": "israel"}, "to": {"slug": "israel"}}
    assert only_code(client, RELATIONSHIP, same)[0] == "BAD_USER_INPUT"


def test_relationship_with_a_non_actor_id_is_bad_user_input(client):
    """Given an event's id as `from`, when relationship is asked, then BAD_USER_INPUT on `from`."""
    petition = client.gql('{ event(ref: {slug: "knesset-taiwan-petition-2025-07"}) { id } }')["event"]["id"]
    wrong = {"from": {"id": petition}, "to": {"slug": "israel"}}
    assert only_code(client, RELATIONSHIP, wrong)[:2] == ("BAD_USER_INPUT", "from.id")


def test_too_deep_a_query_is_refused_with_a_code(client):
    """Given a query deeper than the depth limit, when sent, then it is refused with BAD_USER_INPUT."""
    errors = client.errors(TOO_DEEP)
    assert "depth" in errors[0]["message"]
    assert codes(errors) == ["BAD_USER_INPUT"], errors


def test_validation_and_syntax_errors_never_500(client):
    """Given an unknown field, a syntax error and no query at all, when sent, then 200/4xx and no traceback."""
    for body in ({"query": "{ nope }"}, {"query": "{ actor(slug: "}, {}):
        response = client.request("POST", "/graphql", json=body)
        assert 200 <= response.status_code < 500 and response.status_code not in (204, 301, 302)
        assert_no_traceback(response.text)
    response = client.request("POST", "/graphql", content=b"{not json", headers={"content-type": "application/json"})
    assert 400 <= response.status_code < 500
    assert_no_traceback(response.text)


def test_partial_errors_keep_the_rest_of_the_data(client):
    """Given a good and an unknown actor in one query, when sent, then the good one answers, the other is NOT_FOUND."""
    response = client.post(
        '{ good: actor(ref: {slug: "israel"}) { name } bad: actor(ref: {slug: "atlantis"}) { name } }'
    )
    assert response.status_code == 200
    body = response.json()
    assert body["data"] == {"good": {"name": "Israel"}, "bad": None}
    assert codes(body["errors"]) == ["NOT_FOUND"] and body["errors"][0]["path"] == ["bad"]


@pytest.mark.parametrize("bad", ["9999", "yesterday", "2025-13"])
def test_a_malformed_fuzzy_date_written_in_the_query_is_bad_user_input_not_internal(client, bad):
    """Given a date that is no FuzzyDate written into the document (not a variable), when sent, then GraphQL refuses
    it before running as BAD_USER_INPUT saying why (it was once masked as an internal error)."""
    errors = client.errors(f'{{ timeline(filter: {{from: "{bad}"}}) {{ totalCount }} }}')
    assert codes(errors) == ["BAD_USER_INPUT"], errors
    assert "FuzzyDate" in errors[0]["message"] and bad in errors[0]["message"], errors
