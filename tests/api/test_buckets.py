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


SERIES = """
query ($from: RecordRef!, $to: RecordRef!, $unit: TimeUnit!, $start: FuzzyDate, $end: FuzzyDate, $at: FuzzyDate!) {
  relationship(from: $from, to: $to) {
    series(unit: $unit, from: $start, to: $end) { start end label score delta changeCount overlapping }
    scoreAsOf(date: $at) { day score undecided low high }
    changes(from: "2025-07", to: "2025-07") { nodes { date { label } delta cause { slug } } }
  }
}
"""


def series(client: Api, a: str, b: str, unit: str, at: str, start: str | None = None, end: str | None = None):
    variables = {"from": {"slug": a}, "to": {"slug": b}, "unit": unit, "start": start, "end": end, "at": at}
    return client.gql(SERIES, variables)["relationship"]


def test_israel_toward_taiwan_rises_by_three_in_july_2025(client: Api):
    """Given the Knesset petition (`late 2025-07`, +3), when Israel→Taiwan is charted by month, then July 2025
    holds the +3 (wholly inside it), the score is 3 from July's end on, and the petition is the cause."""
    got = series(client, "israel", "taiwan", "MONTH", "2025-07", "2025-06", "2025-08")
    assert [(b["label"], b["score"], b["delta"], b["changeCount"], b["overlapping"]) for b in got["series"]] == [
        ("June 2025", 0, 0, 0, 0),
        ("July 2025", 3, 3, 1, 0),
        ("August 2025", 3, 0, 0, 0),
    ]
    assert got["series"][1]["start"] == "2025-07-01" and got["series"][1]["end"] == "2025-07-31"
    assert got["scoreAsOf"] == {"day": "2025-07-31", "score": 3, "undecided": 0, "low": 3, "high": 3}
    (change,) = got["changes"]["nodes"]
    assert change == {
        "date": {"label": "late July 2025"},
        "delta": 3,
        "cause": {"slug": "knesset-taiwan-petition-2025-07"},
    }
    # Before late July it had not happened; by the day (`2025-07-15`), nothing is undecided either.
    assert series(client, "israel", "taiwan", "MONTH", "2025-07-15")["scoreAsOf"]["score"] == 0


def test_a_change_spanning_two_months_is_placed_in_neither(client: Api):
    """Given the PRC's anger at Israel (`between 2025-07-21 and 2025-08-08`, −3), when charted by month with the
    default window, then July and August each show it as overlapping, neither counts it, the score drops only at
    August's end, and a day inside its span leaves it undecided (low −3, high 0)."""
    got = series(client, "prc", "israel", "MONTH", "2025-07-25")
    assert [(b["label"], b["score"], b["delta"], b["changeCount"], b["overlapping"]) for b in got["series"]] == [
        ("July 2025", 0, 0, 0, 1),
        ("August 2025", -3, 0, 0, 1),
    ]
    assert got["scoreAsOf"] == {"day": "2025-07-25", "score": 0, "undecided": 1, "low": -3, "high": 0}
    weeks = series(client, "prc", "israel", "WEEK", "2025-08", "2025-07-21", "2025-08-10")["series"]
    assert [b["label"] for b in weeks] == ["week of 21 July 2025", "week of 28 July 2025", "week of 4 August 2025"]
    assert [b["overlapping"] for b in weeks] == [1, 1, 1] and {b["changeCount"] for b in weeks} == {0}


def test_series_refusals(client: Api):
    """Given a series of more than 1000 days, then BAD_USER_INPUT at the field naming the unit."""
    errors = client.errors(
        SERIES,
        {
            "from": {"slug": "israel"},
            "to": {"slug": "taiwan"},
            "unit": "DAY",
            "start": "2020",
            "end": "2025",
            "at": "2025",
        },
    )
    assert codes(errors) == ["BAD_USER_INPUT"] and errors[0]["extensions"]["field"] == "unit"
    assert errors[0]["path"] == ["relationship", "series"]


DYADS = """
query ($filter: ItemFilter, $first: Int, $after: String) {
  dyads(filter: $filter, first: $first, after: $after) {
    totalCount
    pageInfo { hasNextPage endCursor }
    nodes {
      from { slug } to { slug } events scoreSum scoreMean statements reactions interactions
      quadClasses { verbalCooperation materialCooperation verbalConflict materialConflict }
    }
  }
}
"""


def test_dyads_of_july_and_august_2025(client: Api):
    """Given the story over July–August 2025, then the dyads hold the petition's pair (the Knesset toward Taiwan),
    the PRC embassy's reaction toward the Knesset, every pair once in the busiest-first order, and paging on
    with `after` gives the rest without overlap."""
    flt = {"from": "2025-07", "to": "2025-08"}
    first = client.gql(DYADS, {"filter": flt, "first": 100})["dyads"]
    pairs = {(d["from"]["slug"], d["to"]["slug"]): d for d in first["nodes"]}
    assert len(pairs) == len(first["nodes"]) == first["totalCount"]
    busy = [d["interactions"] for d in first["nodes"]]
    assert busy == sorted(busy, reverse=True)
    for dyad in first["nodes"]:
        quads = sum(dyad["quadClasses"].values())
        assert quads == dyad["events"]
        assert dyad["interactions"] == dyad["events"] + dyad["statements"] + dyad["reactions"]
        if dyad["events"]:
            assert dyad["scoreMean"] == pytest.approx(dyad["scoreSum"] / dyad["events"])
        else:
            assert dyad["scoreMean"] is None and dyad["scoreSum"] == 0
    assert any(d["reactions"] for d in first["nodes"]) and any(d["statements"] for d in first["nodes"])
    assert any(d["events"] for d in first["nodes"])
    walked, after = [], None
    while True:
        page = client.gql(DYADS, {"filter": flt, "first": 7, "after": after})["dyads"]
        walked += [(d["from"]["slug"], d["to"]["slug"]) for d in page["nodes"]]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert walked == list(pairs)


def test_dyads_count_events_from_initiators_to_targets(client: Api):
    """Given the events, then each dyad's events are those with `from` an initiator and `to` a target, read
    independently through the timeline."""
    query = """
    { timeline(filter: {itemTypes: [EVENT]}, first: 100) { nodes { ... on Event {
        score quadClass participants { role actor { slug } } } } } }
    """
    events = client.gql(query)["timeline"]["nodes"]
    expected: dict[tuple[str, str], list[Any]] = {}
    for event in events:
        by = [p["actor"]["slug"] for p in event["participants"] if p["role"] == "INITIATOR"]
        at = [p["actor"]["slug"] for p in event["participants"] if p["role"] == "TARGET"]
        for a in by:
            for b in at:
                if a != b:
                    expected.setdefault((a, b), []).append(event)
    got = client.gql(DYADS, {"filter": {"itemTypes": ["EVENT"]}, "first": 100})["dyads"]["nodes"]
    assert {(d["from"]["slug"], d["to"]["slug"]): d["events"] for d in got} == {k: len(v) for k, v in expected.items()}
    for dyad in got:
        mine = expected[(dyad["from"]["slug"], dyad["to"]["slug"])]
        assert dyad["scoreSum"] == pytest.approx(sum(e["score"] for e in mine))
        assert dyad["quadClasses"]["verbalCooperation"] == sum(e["quadClass"] == "VERBAL_COOPERATION" for e in mine)


def test_statement_counts_do_not_grow_with_the_answer(client: Api):
    """Given pages of 1 and 100 dyads, a year and a month of days, and one and many relationships' series, then
    each takes as many SQL statements as the other."""
    one, _ = client.count(DYADS, {"first": 1})
    many, _ = client.count(DYADS, {"first": 100})
    assert one == many <= 3
    short, _ = client.count(BUCKETS, {"unit": "DAY", "from": "2025-07", "to": "2025-07"})
    long, _ = client.count(BUCKETS, {"unit": "DAY", "from": "2025-01", "to": "2025-12"})
    assert short == long == 1
    lists = """
    query ($first: Int) { relationships(actor: {slug: "israel"}, first: $first) { nodes {
        series(unit: MONTH, from: "2025", to: "2025") { score } scoreAsOf(date: "2025-07") { score } } } }
    """
    few, _ = client.count(lists, {"first": 1})
    all_, _ = client.count(lists, {"first": 50})
    assert few == all_
