"""The filter planner (``schema/filters.py``) on the cases its other tests left open, through GraphQL over HTTP,
under both plans of a value (the default server keeps the story's values rare, so their matches are gathered from
an index first; ``common_value`` 1 makes every value present common, so the dates are walked and each item tested).

Written against the survivors of mutation testing (README "Mutation testing"): a search that finds items both by
their own text and by the actors it names, a common country's events held there without any of its actors, an
item changed at the very instant asked for, and a window opening in the calendar's first year. They touch neither
`actors` nor `kinds`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest

import schema.filters
from tests.api.conftest import Api
from tests.api.test_filter_world import resolved
from tests.conftest import BACKENDS, Databases
from tests.hardening.filter_world import Actor, Item, World
from tests.hardening.test_filter_properties import load

NODES = "... on Event { slug updatedAt } ... on Statement { slug updatedAt } ... on Reaction { slug updatedAt }"
TIMELINE = f"""
query ($filter: ItemFilter) {{
  timeline(filter: $filter, first: 100) {{ totalCount nodes {{ {NODES} }} }}
}}
"""


@pytest.fixture(scope="module")
def plans(story_url: str) -> Iterator[dict[str, Api]]:
    """A client on the story under each plan: "rare" (the default settings) and "common" (``common_value`` 1)."""
    out = {"rare": Api(story_url), "common": Api(story_url, common_value=1)}
    yield out
    for api in out.values():
        api.close()


def nodes(api: Api, **filter_: Any) -> list[dict[str, Any]]:
    """The timeline's nodes for a filter, with totalCount checked against them."""
    connection = api.gql(TIMELINE, {"filter": filter_})["timeline"]
    assert connection["totalCount"] == len(connection["nodes"]), filter_
    return connection["nodes"]


def timeline(api: Api, **filter_: Any) -> list[str]:
    return [node["slug"] for node in nodes(api, **filter_)]


# Found by "Beijing": the items whose own text names Beijing (one of them, the US bombing of Iran, involves neither
# the PRC nor its embassy) and the items involving the PRC (Beijing is its alias) or its embassy (which represents
# it), although their texts do not say Beijing.
BEIJING = [
    "prc-buys-iranian-crude",
    "israel-china-joint-projects",
    "israel-rejects-chinese-investment-bids",
    "us-joins-bombing-of-iran-2025-06",
    "prc-reconsiders-mideast-relations",
    "knesset-taiwan-petition-2025-07",
    "prc-embassy-statement-on-taiwan-petition",
    "prc-embassy-accuses-knesset-over-petition",
    "us-treasury-sanctions-dark-fleet-2025",
    "taiwan-thanks-knesset-for-petition",
]


def test_a_search_finds_items_by_their_text_and_by_the_actors_it_names(plans: dict[str, Api]):
    """Given "Beijing", a word of some items' texts and an alias of the PRC, when searched under either plan, then
    both halves come: the items saying it (a rare search: gathered from the text index; a common one: each item's
    text tested) and the items involving the PRC or its embassy (through the named actors' involvements), once
    each, in date order."""
    assert resolved(plans["rare"], search="Beijing").search_is_common is False
    assert resolved(plans["common"], search="Beijing").search_is_common is True
    for plan, api in plans.items():
        assert timeline(api, search="Beijing") == BEIJING, plan
        assert timeline(api, search="beij") == BEIJING, plan


def test_the_actors_a_search_names_are_listed_up_to_the_bound(plans: dict[str, Api], monkeypatch: pytest.MonkeyPatch):
    """Given "Beijing", which names two actors (the PRC and its embassy), when judged with the bound on listed
    actors at 2 and then 1 (lowered for the test), then the two are listed at 2 (bound as a list the planner can
    count) and none at 1 (too many: matched through a subquery), with the same answers."""
    monkeypatch.setattr(schema.filters, "NAMED_ACTORS", 2)
    assert len(resolved(plans["rare"], search="Beijing").search_actor_ids or []) == 2
    monkeypatch.setattr(schema.filters, "NAMED_ACTORS", 1)
    assert resolved(plans["rare"], search="Beijing").search_actor_ids is None
    assert timeline(plans["rare"], search="Beijing") == BEIJING


def test_a_common_country_takes_the_events_held_there(plans: dict[str, Api]):
    """Given the United States (four participations of its actors: common at `common_value` 1) and a Security
    Council session held in the US that no American actor attends, when filtered by the country under either plan,
    then the session is among the US's items."""
    assert resolved(plans["common"], country="USA").country_is_common is True
    assert resolved(plans["rare"], country="USA").country_is_common is False
    for plan, api in plans.items():
        assert timeline(api, country="usa") == [
            "prc-buys-iranian-crude",
            "us-joins-bombing-of-iran-2025-06",
            "us-treasury-sanctions-dark-fleet-2025",
            "unsc-hostage-session-2025-08",
        ], plan


def test_updated_since_takes_an_item_changed_at_that_very_time(plans: dict[str, Api]):
    """Given the time the story's last item was written (its `updatedAt`, as the API gives it), when asked for the
    items changed since then under either plan, then the items written at that time come (the bound is inclusive);
    a microsecond later, none."""
    every = nodes(plans["rare"])
    latest = max(every, key=lambda node: dt.datetime.fromisoformat(node["updatedAt"]))["updatedAt"]
    last = [node["slug"] for node in every if node["updatedAt"] == latest]
    after = (dt.datetime.fromisoformat(latest) + dt.timedelta(microseconds=1)).isoformat()
    for plan, api in plans.items():
        assert timeline(api, updatedSince=latest) == last, plan
        assert timeline(api, updatedSince=after) == [], plan
    assert last  # the story's last load wrote at least one item at that instant
    at = Api(plans["rare"].url, common_value=len(last))
    try:  # the items written at that very instant count towards the judgement too
        assert resolved(at, updated_since=dt.datetime.fromisoformat(latest)).updated_is_common is True
    finally:
        at.close()


def test_no_search_is_common_without_events(database_url: str):
    """Given a database without events (whose first rows are the sample a search is judged on), when a search is
    judged at `common_value` 1, then it is rare: its few matches (none) are gathered from the text index."""
    api = Api(database_url, common_value=1)
    try:
        assert resolved(api, search="session").search_is_common is False
        assert timeline(api, search="session") == []
    finally:
        api.close()


# --- the calendar's first year -------------------------------------------------------------------------------------
# A window opening within a year of the calendar's first day takes a branch of its own (nothing can begin long
# before it). Two events of year 1: one ending on the window's first day, one the day before.
FIRST_YEAR = [
    Item("event", "y1-ends-on-start", "between 0001-01-10 and 0001-03-01", 0, [], "CONSULT", title="Session"),
    Item("event", "y1-ends-before", "between 0001-01-10 and 0001-02-28", 0, [], "CONSULT", title="Session"),
]


@pytest.fixture(scope="module", params=BACKENDS, ids=BACKENDS)
def first_year(
    request: pytest.FixtureRequest, databases: Databases, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Api]:
    """A client on a database holding the two events of year 1 (and one actor, the seed format's minimum)."""
    url, name = databases.copy(request.param, "migrated", tmp_path_factory.mktemp("first-year"))
    load(url, World([Actor("nor", "Norland", "state", "NOR", [])], [], FIRST_YEAR, len(FIRST_YEAR), []))
    api = Api(url)
    yield api
    api.close()
    databases.drop(request.param, name)


def test_a_window_in_the_first_year_takes_an_item_ending_on_its_first_day(first_year: Api):
    """Given a window from 1 March of year 1, when asked, then the event ending that day is in it and the one
    ending the day before is not; a window from the day before takes both."""
    assert timeline(first_year, **{"from": "0001-03-01"}) == ["y1-ends-on-start"]
    assert sorted(timeline(first_year, **{"from": "0001-02-28"})) == ["y1-ends-before", "y1-ends-on-start"]
