"""`totalCount` stays cheap: exact up to the count limit; beyond it, the limit flagged `totalCountIsExact: false`."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.api.conftest import Api

LISTS = {
    "timeline": "timeline(first: 2) { totalCount totalCountIsExact nodes { __typename } }",
    "events": "events(first: 2) { totalCount totalCountIsExact nodes { slug } }",
    "statements": "statements(first: 2) { totalCount totalCountIsExact nodes { slug } }",
    "reactions": "reactions(first: 2) { totalCount totalCountIsExact nodes { slug } }",
    "actors": "actors(first: 2) { totalCount totalCountIsExact nodes { slug } }",
    "affiliations": "affiliations(first: 2) { totalCount totalCountIsExact nodes { slug } }",
}


@pytest.fixture(scope="module")
def limited(story_url: str) -> Iterator[Api]:
    """A client whose server counts exactly only up to 5 items."""
    api = Api(story_url, exact_count_limit=5)
    yield api
    api.close()


@pytest.mark.parametrize("name", list(LISTS))
def test_a_long_list_reports_the_limit_as_inexact(limited: Api, client: Api, name: str):
    """Given a count limit of 5, when a list of more than 5 items is counted, then totalCount is 5 and not exact;
    the default limit counts the same list exactly."""
    bounded = limited.gql("{ " + LISTS[name] + " }")[name]
    exact = client.gql("{ " + LISTS[name] + " }")[name]
    assert exact["totalCountIsExact"] is True and exact["totalCount"] > 5
    assert bounded == {**exact, "totalCount": 5, "totalCountIsExact": False}


FILTERS = [
    {"to": "1900"},
    {"actors": [{"slug": "abby-lee"}]},
    {"actors": [{"slug": "taiwan"}], "itemTypes": ["EVENT"]},
    {"actors": [{"slug": "knesset"}, {"slug": "taiwan"}], "actorsMatch": "ALL"},
    {"actors": [{"slug": "israel"}]},
    {"tags": ["taiwan"]},
]


def test_a_filtered_count_is_exact_up_to_the_limit(limited: Api, client: Api):
    """Given a count limit of 5, when filters leave from none to many items, then each count is exact up to 5
    and 5 flagged inexact beyond, where the unlimited server counts them all."""
    query = "query ($f: ItemFilter) { timeline(filter: $f, first: 1) { totalCount totalCountIsExact } }"
    seen = set()
    for flt in FILTERS:
        exact = client.gql(query, {"f": flt})["timeline"]
        bounded = limited.gql(query, {"f": flt})["timeline"]
        assert exact["totalCountIsExact"] is True
        if exact["totalCount"] <= 5:
            assert bounded == exact, flt
        else:
            assert bounded == {"totalCount": 5, "totalCountIsExact": False}, flt
        seen.add(min(exact["totalCount"], 6))
    assert {0, 5, 6} <= seen  # none, exactly the limit, and beyond it


def test_nested_lists_count_exactly(limited: Api):
    """Given the count limit, when a nested connection (an event's reactions) is counted, then it is exact."""
    data = limited.gql("{ events(first: 100) { nodes { reactions { totalCount totalCountIsExact } } } }")
    assert all(n["reactions"]["totalCountIsExact"] for n in data["events"]["nodes"])
