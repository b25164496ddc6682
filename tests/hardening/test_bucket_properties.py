"""The sum rule of `timelineBuckets`, as a property: for any filter, unit and window, the items wholly inside the
buckets plus the `spanning` ones are the timeline's `totalCount` for the same filter over the window, and every
bucket's `count` and `overlapping` are what a brute force over the items' date spans says. An unfiltered overview
(item types and a window at most), which the span counts answer (``api.spans``), equals the items' answer too.

On a generated world (tests.hardening.filter_world, checked against its brute-force ``Reference`` too) and on the
seed story, SQLite and PostgreSQL, derandomized.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from hypothesis import HealthCheck, Phase, given, note, settings
from hypothesis import strategies as st

from api.dates import parse_moment
from schema.buckets import TimeUnit, count_between, floor, following
from tests.api.conftest import Api
from tests.hardening.filter_world import Reference, World, filters, worlds
from tests.hardening.test_filter_properties import emptied, load, world_url  # noqa: F401 - the fixture
from tests.hardening.test_properties import moment_texts

PROPERTY = settings(
    max_examples=12,
    deadline=None,
    derandomize=True,
    phases=[Phase.explicit, Phase.generate],  # a shrink loads a world per step: minutes
    suppress_health_check=[HealthCheck.too_slow],
)
BUCKETS = """
query ($filter: ItemFilter, $unit: TimeUnit!, $from: FuzzyDate!, $to: FuzzyDate!) {
  timelineBuckets(filter: $filter, unit: $unit, from: $from, to: $to) {
    start end
    buckets { start end count { events statements reactions total } overlapping { total } }
    spanning { events statements reactions total }
  }
  timeline(filter: $filter) { totalCount }
}
"""
TOTAL = "query ($filter: ItemFilter) { timeline(filter: $filter) { totalCount totalCountIsExact } }"
# The longest window each unit is drawn over (kept under the bucket limit).
SPAN = {"DAY": 400, "WEEK": 3000, "MONTH": 20000, "YEAR": 300000}


@st.composite
def windows(draw: st.DrawFn, low: dt.date, high: dt.date) -> tuple[str, str, str]:
    """A unit and a window (`from`, `to` as fuzzy dates) of at most the unit's ``SPAN`` days."""
    unit = draw(st.sampled_from(list(SPAN)))
    start = draw(moment_texts(low, high))
    end = draw(moment_texts(low, high))
    if parse_moment(start).earliest > parse_moment(end).latest:
        start, end = end, start
    first, last = parse_moment(start).earliest, parse_moment(end).latest
    if (last - first).days > SPAN[unit] or count_between(first, last, TimeUnit[unit]) > 1000:
        end = start  # one moment's window: a handful of buckets at most
        if count_between(parse_moment(start).earliest, parse_moment(end).latest, TimeUnit[unit]) > 1000:
            unit = "YEAR"  # a decade (widened by a qualifier) in days or weeks
    return unit, start, end


def narrowed(flt: dict[str, Any], first: dt.date, last: dt.date) -> dict[str, Any] | None:
    """The filter with its window narrowed to ``first`` … ``last`` as day texts; None when they do not meet."""
    start = max(first, parse_moment(flt["from"]).earliest) if "from" in flt else first
    end = min(last, parse_moment(flt["to"]).latest) if "to" in flt else last
    if start > end:
        return None
    return {**flt, "from": start.isoformat(), "to": end.isoformat()}


def check(api: Api, flt: dict[str, Any], unit: str, start: str, end: str, spans: dict[str, Any] | None) -> None:
    """The sum rule against the timeline; with ``spans`` (slug → (kind, first day, last day) of the items the
    narrowed filter matches), every bucket's counts against a brute force too."""
    got = api.gql(BUCKETS, {"filter": flt or None, "unit": unit, "from": start, "to": end})["timelineBuckets"]
    if set(flt) <= {"itemTypes", "from", "to"}:  # answered from the span counts: the items' path must agree
        slow = {**flt, "updatedSince": "1970-01-01T00:00:00Z"}  # every item meets it; the span counts cannot answer
        again = api.gql(BUCKETS, {"filter": slow, "unit": unit, "from": start, "to": end})["timelineBuckets"]
        assert again == got, (flt, unit, start, end)
    first, last = dt.date.fromisoformat(got["start"]), dt.date.fromisoformat(got["end"])
    assert first == floor(parse_moment(start).earliest, TimeUnit[unit])
    assert last == following(floor(parse_moment(end).latest, TimeUnit[unit]), TimeUnit[unit]) - dt.timedelta(days=1)
    window = narrowed(flt, first, last)
    placed = sum(b["count"]["total"] for b in got["buckets"])
    if window is None:
        assert placed == got["spanning"]["total"] == 0
        return
    counted = api.gql(TOTAL, {"filter": window})["timeline"]
    assert counted["totalCountIsExact"]
    assert placed + got["spanning"]["total"] == counted["totalCount"], (flt, unit, start, end)
    for kind in ("events", "statements", "reactions"):
        assert sum(b["count"][kind] for b in got["buckets"]) <= counted["totalCount"]
    if spans is None:
        return
    for bucket in got["buckets"]:
        low, high = dt.date.fromisoformat(bucket["start"]), dt.date.fromisoformat(bucket["end"])
        inside = [s for s, (_, a, b) in spans.items() if low <= a and b <= high]
        touching = [s for s, (_, a, b) in spans.items() if a <= high and b >= low]
        assert bucket["count"]["total"] == len(inside), (bucket, inside)
        assert bucket["overlapping"]["total"] == len(touching) - len(inside), (bucket, touching)


@PROPERTY
@given(world=worlds(), data=st.data())
def test_buckets_add_up_on_generated_worlds(world_url: str, world: World, data: st.DataObject):  # noqa: F811
    """Given a generated world, when random filters are bucketed by a random unit over a random window, then the
    sum rule holds against the timeline and each bucket's counts match a brute force over the reference's items."""
    note(world.describe())
    url = emptied(world_url)
    idents, times = load(url, world)
    reference = Reference(world, idents, times)
    items = {item.slug: item for item in world.items}
    api = Api(url)
    try:
        for _ in range(3):
            flt = data.draw(filters(reference), label="filter")
            unit, start, end = data.draw(windows(dt.date(2018, 1, 1), dt.date(2027, 12, 31)), label="window")
            first = floor(parse_moment(start).earliest, TimeUnit[unit])
            last = following(floor(parse_moment(end).latest, TimeUnit[unit]), TimeUnit[unit]) - dt.timedelta(days=1)
            window = narrowed(flt, first, last)
            spans = None
            if window is not None:
                slugs = reference.expected(window, listed=None, descending=False)
                spans = {s: (items[s].kind, *items[s].span) for s in slugs}
            check(api, flt, unit, start, end, spans)
    finally:
        api.close()


STORY_ACTORS = ("israel", "taiwan", "prc", "russia", "ukraine", "knesset")


@st.composite
def story_filters(draw: st.DrawFn) -> dict[str, Any]:
    """Filters over the story's actors, item types, kinds and words, sometimes with a window of their own."""
    out: dict[str, Any] = {}
    if draw(st.booleans()):
        out["actors"] = [{"slug": s} for s in draw(st.lists(st.sampled_from(STORY_ACTORS), min_size=1, max_size=2))]
        out["includeAffiliated"] = draw(st.booleans())
    if draw(st.booleans()):
        out["itemTypes"] = draw(st.lists(st.sampled_from(["EVENT", "STATEMENT", "REACTION"]), min_size=1, unique=True))
    if draw(st.integers(0, 3)) == 0:
        out["search"] = draw(st.sampled_from(["petition", "Kyiv", "war", "Beijing"]))
    if draw(st.integers(0, 3)) == 0:
        out["from"] = draw(st.sampled_from(["2022", "2025-07", "late 2025-07", "2025-08-05"]))
    return out


@pytest.fixture(scope="module")
def story(story_url: str) -> Any:
    api = Api(story_url)
    yield api
    api.close()


@PROPERTY
@given(flt=story_filters(), window=windows(dt.date(2021, 1, 1), dt.date(2026, 6, 30)))
def test_buckets_add_up_on_the_story(story: Api, flt: dict[str, Any], window: tuple[str, str, str]):
    """Given the seed story, when random filters are bucketed by a random unit over a random window, then the
    items wholly inside the buckets plus the spanning ones are the timeline's totalCount."""
    unit, start, end = window
    check(story, flt, unit, start, end, None)
