"""The timeline filter planner (``schema/filters.py``) at its edges, through GraphQL over HTTP on the seed story.

Written against the survivors of mutation testing (README "Mutation testing"): every refusal with its exact
message and field, limits at and one past them, and each condition under both plans of a value (``common_value``:
the default keeps the story's values rare, so their matches are gathered from an index first; 1 makes every value
present common, so the items are walked in date order and each is tested), with the exact items and order each must
give. The windows, families with spells and sync times that the story cannot show are in ``test_filter_world``.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from schema import ids
from tests.api.conftest import Api, codes, item_filter

TIMELINE = """
query ($filter: ItemFilter, $order: SortOrder! = ASC) {
  timeline(filter: $filter, order: $order, first: 100) {
    totalCount
    nodes { ... on Event { slug } ... on Statement { slug } ... on Reaction { slug } }
  }
}
"""
LISTS = """
query ($filter: ItemFilter) {
  events(filter: $filter, first: 100) { totalCount nodes { slug } }
  statements(filter: $filter, first: 100) { totalCount nodes { slug } }
  reactions(filter: $filter, first: 100) { totalCount nodes { slug } }
}
"""


@pytest.fixture(scope="module")
def walking(story_url: str) -> Iterator[Api]:
    """A client on the story whose server takes every value present as common (``common_value`` 1): each condition
    is tested item by item while the dates are walked, the plan the default server keeps for values with thousands
    of matches."""
    api = Api(story_url, common_value=1)
    yield api
    api.close()


def timeline(api: Api, **filter_: Any) -> list[str]:
    """The slugs of the timeline for a filter, with totalCount checked against them."""
    connection = api.gql(TIMELINE, {"filter": item_filter(filter_)})["timeline"]
    found = [n["slug"] for n in connection["nodes"]]
    assert connection["totalCount"] == len(found), filter_
    return found


def lists(api: Api, **filter_: Any) -> dict[str, list[str]]:
    """The slugs of the events, statements and reactions lists for a filter, each with totalCount checked."""
    data = api.gql(LISTS, {"filter": item_filter(filter_)})
    out = {}
    for name, connection in data.items():
        out[name] = [n["slug"] for n in connection["nodes"]]
        assert connection["totalCount"] == len(out[name]), (name, filter_)
    return out


def refused(api: Api, filter_: dict[str, Any]) -> tuple[str | None, str, str]:
    """The one error of a timeline filter: its code, field and message."""
    (error,) = api.errors(TIMELINE, {"filter": item_filter(filter_)})
    return codes([error])[0], error["extensions"].get("field"), error["message"]


# --- refusals -----------------------------------------------------------------------------------------------------


def test_a_bad_bound_is_named_by_its_own_field(client: Api):
    """Given a good `from` and a bad `to` (or a bad `from`), when filtered, then the error names the bound at fault:
    the `FuzzyDate` scalar refuses text that is no date before the request runs; a span (a date, but not a moment a
    window can start or end at) is refused by the filter, naming its field."""
    reason = "'garbage' is not a date: use YYYY-MM-DD"
    for bound, other in (("to", "from"), ("from", "to")):
        code, field, text = refused(client, {other: "2025", bound: "garbage"})
        assert (code, field) == ("BAD_USER_INPUT", None) and f"at .{bound}:" in text and reason in text, text
        assert refused(client, {bound: ""})[2].endswith("the date is empty'; found: ''.")
        code, field, text = refused(client, {other: "2025", bound: "2022/2024"})
        assert (code, field) == ("BAD_USER_INPUT", f"filter.{bound}"), text


def test_a_window_of_one_day_is_allowed_and_an_inverted_one_refused(client: Api):
    """Given `from` on the last day `to` covers, when filtered, then it is a window of that one day: what starts
    that day, ends that day, or spans it (short, longer and long items begun before); a day later it is refused."""
    one_day = timeline(client, **{"from": "2025-07-31", "to": "2025-07"})
    assert (
        one_day
        == timeline(client, **{"from": "2025-07-31", "to": "2025-07-31"})
        == [
            "russia-invades-ukraine-2022",
            "assad-falls-from-power",
            "gaza-war",
            "prc-buys-iranian-crude",
            "israel-china-joint-projects",
            "israel-rejects-chinese-investment-bids",
            "us-joins-bombing-of-iran-2025-06",
            "prc-reconsiders-mideast-relations",
            "saar-visits-kyiv-2025-07",
            "knesset-taiwan-petition-2025-07",
            "israel-ukraine-cooperation-deals-2025-07",
            "saar-kyiv-remarks-2025-07",
            "toporovsky-on-taiwan-petition",
            "tal-on-taiwan-petition",
            "prc-embassy-statement-on-taiwan-petition",
            "prc-embassy-accuses-knesset-over-petition",
            "us-treasury-sanctions-dark-fleet-2025",
            "abby-lee-to-ny-sun-on-petition",
            "taiwan-thanks-knesset-for-petition",
        ]
    )
    assert refused(client, {"from": "2025-08-01", "to": "2025-07"}) == (
        "BAD_USER_INPUT",
        "filter.from",
        "`from` is after `to`",
    )


def test_at_most_fifty_actors(client: Api):
    """Given 50 actors (one repeated), when filtered, then it is that actor's timeline; 51 are refused by name."""
    assert (
        timeline(client, actors=["abby-lee"] * 50)
        == timeline(client, actors=["abby-lee"])
        == [
            "abby-lee-to-ny-sun-on-petition",
            "taiwan-thanks-knesset-for-petition",
        ]
    )
    assert refused(client, {"actors": [{"slug": "abby-lee"}] * 51}) == (
        "BAD_USER_INPUT",
        "filter.actors",
        "at most 50 actors in one filter",
    )


def test_actors_refused_by_slug_or_id(client: Api):
    """Given an unknown slug, the id of an event, and the id of no actor, when filtered, then each is refused by
    name: NOT_FOUND, BAD_USER_INPUT (the id is an Event's), NOT_FOUND."""
    assert refused(client, {"actors": [{"slug": "israel"}, {"slug": "atlantis"}]}) == (
        "NOT_FOUND",
        "filter.actors[1].slug",
        "no actor with slug 'atlantis'",
    )
    event_id = ids.encode("Event", 1)
    assert refused(client, {"actors": [event_id]}) == (
        "BAD_USER_INPUT",
        "filter.actors[0].id",
        f"{event_id!r} is the id of an Event, not of an Actor",
    )
    nobody = ids.encode("Actor", 999999)
    assert refused(client, {"actors": [{"slug": "israel"}, nobody]}) == (
        "NOT_FOUND",
        "filter.actors[1].id",
        f"no actor with id {nobody!r}",
    )


def test_unknown_kinds_are_refused_by_name(client: Api):
    """Given a kind no vocabulary has after known ones, when filtered, then the enum refuses it, naming it and
    where it stands."""
    code, field, message = refused(client, {"reactionKinds": ["THANKS", "DANCE"], "channels": ["SPEECH"]})
    assert (code, field) == ("BAD_USER_INPUT", None)
    assert "at .reactionKinds[1]" in message and "'DANCE' does not exist in 'ReactionKind'" in message, message


def test_search_length_is_counted_after_trimming(client: Api):
    """Given a search of 200 characters between spaces, when filtered, then it is accepted (and matches nothing);
    201 characters or only spaces are refused by name."""
    assert timeline(client, search=" " + "q" * 200 + " ") == []
    assert refused(client, {"search": "q" * 201}) == (
        "BAD_USER_INPUT",
        "filter.search",
        "`search` may be at most 200 characters",
    )
    assert refused(client, {"search": " \t "}) == ("BAD_USER_INPUT", "filter.search", "`search` must not be blank")
    assert timeline(client, search="  Yermak ") == ["yermak-x-post-thanking-saar", "yermak-thanks-saar-for-un-remarks"]


@pytest.mark.parametrize("country", ["IS", "ISRA", "I5R", "IS-", ""])
def test_a_country_is_three_letters(client: Api, country: str):
    """Given a code that is not three letters, when filtered, then it is refused naming the value given."""
    assert refused(client, {"country": country}) == (
        "BAD_USER_INPUT",
        "filter.country",
        f"{country!r} is not an ISO 3166-1 alpha-3 country code (like `ISR`)",
    )


def test_a_country_is_trimmed_and_capitalised(client: Api):
    """Given ` twn ` and `Twn`, when filtered, then both are Taiwan's."""
    expected = timeline(client, country="TWN")
    assert len(expected) == 7
    assert timeline(client, country=" twn ") == timeline(client, country="Twn") == expected
