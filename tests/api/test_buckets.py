"""Overview buckets, relationship series and dyads on the seed story, over GraphQL over HTTP (SQLite and PostgreSQL):
the fuzzy-date rule (placed only when wholly inside a bucket), the sum rule against the timeline's `totalCount`,
the story's facts, refusals, the node-cost limit, and statement counts that do not grow with the data."""

from __future__ import annotations

from typing import Any

import pytest

from tests.api.conftest import Api, codes

COUNTS = "events statements reactions total"
BUCKETS = f"""
query ($filter: ItemFilter, $unit: TimeUnit!, $from: FuzzyDate!, $to: FuzzyDate!) {{
  timelineBuckets(filter: $filter, unit: $unit, from: $from, to: $to) {{
    unit start end
    buckets {{ start end label count {{ {COUNTS} }} overlapping {{ {COUNTS} }} }}
    spanning {{ {COUNTS} }}
  }}
}}
"""
TOTAL = "query ($filter: ItemFilter) { timeline(filter: $filter) { totalCount totalCountIsExact } }"
TIMELINE = """
query ($filter: ItemFilter) {
  timeline(filter: $filter, first: 100) { nodes { slug date { start end label } } }
}
"""


def buckets(client: Api, unit: str, start: str, end: str, flt: dict[str, Any] | None = None) -> dict[str, Any]:
    variables = {"unit": unit, "from": start, "to": end, "filter": flt}
    return client.gql(BUCKETS, variables)["timelineBuckets"]


def total(client: Api, flt: dict[str, Any]) -> int:
    found = client.gql(TOTAL, {"filter": flt})["timeline"]
    assert found["totalCountIsExact"]
    return int(found["totalCount"])


def test_the_months_of_2025_add_up_to_the_timeline(client: Api):
    """Given the story, when 2025 is bucketed by month, then the counts plus the items no month wholly holds are
    the timeline's totalCount over 2025, and a year-precise item overlaps every month instead of counting."""
    got = buckets(client, "MONTH", "2025", "2025")
    assert (got["unit"], got["start"], got["end"]) == ("MONTH", "2025-01-01", "2025-12-31")
    assert [b["label"] for b in got["buckets"]][:2] == ["January 2025", "February 2025"]
    assert len(got["buckets"]) == 12
    placed = sum(b["count"]["total"] for b in got["buckets"])
    assert placed + got["spanning"]["total"] == total(client, {"from": "2025", "to": "2025"})
    assert placed > 0 and got["spanning"]["total"] > 0
    for kind in ("events", "statements", "reactions"):
        per_kind = sum(b["count"][kind] for b in got["buckets"]) + got["spanning"][kind]
        assert per_kind == total(client, {"from": "2025", "to": "2025", "itemTypes": [kind.upper()[:-1]]})
    # Every item of the window is either in one month wholly, or overlaps each month it touches.
    items = client.gql(TIMELINE, {"filter": {"from": "2025", "to": "2025"}})["timeline"]["nodes"]
    for bucket in got["buckets"]:
        inside = [
            i for i in items if bucket["start"] <= i["date"]["start"] and (i["date"]["end"] or "9999") <= bucket["end"]
        ]
        touching = [
            i for i in items if i["date"]["start"] <= bucket["end"] and (i["date"]["end"] or "9999") >= bucket["start"]
        ]
        assert bucket["count"]["total"] == len(inside), bucket["label"]
        assert bucket["overlapping"]["total"] == len(touching) - len(inside), bucket["label"]


def test_the_war_overlaps_every_year_and_counts_in_none(client: Api):
    """Given Russia's invasion (`2022/..`, ongoing), when the years 2022–2025 are bucketed, then it overlaps each
    year and is counted in no year's `count`."""
    flt = {"search": "invasion", "itemTypes": ["EVENT"]}
    got = buckets(client, "YEAR", "2022", "2025", flt)
    assert [b["label"] for b in got["buckets"]] == ["2022", "2023", "2024", "2025"]
    assert all(b["overlapping"]["events"] >= 1 for b in got["buckets"])
    assert got["spanning"]["events"] >= 1
    assert sum(b["count"]["events"] for b in got["buckets"]) + got["spanning"]["events"] == total(
        client, {**flt, "from": "2022", "to": "2025"}
    )


@pytest.mark.parametrize("unit", ["DAY", "WEEK", "MONTH", "YEAR"])
def test_each_unit_adds_up_with_a_filter(client: Api, unit: str):
    """Given an actor filter and a window inside 2025, when bucketed by each unit, then the sum rule holds against
    the timeline over the window widened to whole buckets, and the buckets tile the window without gaps."""
    flt = {"actors": [{"slug": "israel"}]}
    got = buckets(client, unit, "2025-07-20", "2025-08-10", flt)
    days = [(b["start"], b["end"]) for b in got["buckets"]]
    assert days[0][0] == got["start"] and days[-1][1] == got["end"]
    placed = sum(b["count"]["total"] for b in got["buckets"])
    assert placed + got["spanning"]["total"] == total(client, {**flt, "from": got["start"], "to": got["end"]})
    if unit == "WEEK":
        assert got["buckets"][0]["label"] == "week of 14 July 2025"
    if unit == "DAY":
        assert got["buckets"][0]["label"] == "20 July 2025"


def test_refusals_name_the_argument(client: Api):
    """Given a window of 10 000 days at DAY, an unknown unit, or `from` after `to`, then BAD_USER_INPUT naming it."""
    errors = client.errors(BUCKETS, {"unit": "DAY", "from": "2000-01-01", "to": "2027-05-19"})
    assert codes(errors) == ["BAD_USER_INPUT"]
    assert errors[0]["extensions"]["field"] == "unit" and "1000" in errors[0]["message"]
    errors = client.errors(BUCKETS, {"unit": "FORTNIGHT", "from": "2025", "to": "2025"})
    assert codes(errors) == ["BAD_USER_INPUT"] and "FORTNIGHT" in errors[0]["message"]
    errors = client.errors(BUCKETS, {"unit": "MONTH", "from": "2026", "to": "2025"})
    assert codes(errors) == ["BAD_USER_INPUT"] and errors[0]["extensions"]["field"] == "from"


def test_buckets_count_toward_the_node_limit(story_url: str):
    """Given a node limit of 100, when 200 days are asked for, then the query is refused before it runs; 31 pass."""
    api = Api(story_url, max_nodes=100)
    try:
        errors = api.errors(BUCKETS, {"unit": "DAY", "from": "2025-01-01", "to": "2025-07-19"})
        assert errors[0]["extensions"]["limit"] == "nodes"
        assert errors[0]["extensions"]["cost"] == 200
        api.gql(BUCKETS, {"unit": "DAY", "from": "2025-07", "to": "2025-07"})
    finally:
        api.close()
