"""Property tests (Hypothesis): the date grammar over the whole calendar and against junk, and random filters
on the timeline through GraphQL (on SQLite and PostgreSQL), which must answer data or a client error only.

tests/test_dates.py already checks valid texts in the years 1100–8900; these add the calendar's edges, junk, and
the bounds every parsed date must keep.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import HealthCheck, event, example, given, settings
from hypothesis import strategies as st

from api.dates import MAX_YEAR, ONGOING_END, PRECISIONS, DateError, When, parse_moment, parse_when
from api.vocabulary import CHANNELS, EVENT_KINDS, REACTION_KINDS
from schema import ids
from tests.api.conftest import Api, assert_no_traceback, codes
from tests.support import story_lines

D = dt.date
QUALIFIERS = ("circa", "early", "mid", "late", "before", "after")
PROPERTY = settings(max_examples=100, deadline=None)


# ---------------------------------------------------------------------------------------------------------------
# The date grammar


def base_text(day: dt.date, precision: str) -> str:
    """A plain date of the grammar for a day at a precision: 2025-08-05, 2025-08, 2025 or 2020s."""
    if precision == "day":
        return f"{day.year:04d}-{day.month:02d}-{day.day:02d}"
    if precision == "month":
        return f"{day.year:04d}-{day.month:02d}"
    if precision == "year":
        return f"{day.year:04d}"
    return f"{day.year // 10:03d}0s"


def bases(low: dt.date, high: dt.date, precisions: tuple[str, ...] = PRECISIONS) -> st.SearchStrategy[str]:
    """Plain dates (day, month, year or decade) of days between ``low`` and ``high``."""
    return st.builds(base_text, st.dates(min_value=low, max_value=high), st.sampled_from(precisions))


def earliest(text: str) -> dt.date:
    """The first day a moment may be (the far future for one outside the calendar, so it sorts last)."""
    try:
        return parse_moment(text).earliest
    except DateError:
        return dt.date.max


@st.composite
def moment_texts(draw: st.DrawFn, low: dt.date, high: dt.date) -> str:
    """One moment of any form: plain, qualified (circa/early/mid/late/before/after) or 'between A and B'."""
    form = draw(st.sampled_from(["plain", "qualified", "between"]))
    first = draw(bases(low, high))
    if form == "plain":
        return first
    if form == "qualified":
        qualifier = draw(st.sampled_from(QUALIFIERS))
        if qualifier in ("early", "mid", "late"):
            first = draw(bases(low, high, PRECISIONS[1:]))  # parts of a month, year or decade, not of a day
        return f"{qualifier} {first}"
    lo, hi = sorted([first, draw(bases(low, high))], key=earliest)
    return f"between {lo} and {hi}"


@st.composite
def date_texts(draw: st.DrawFn, low: dt.date, high: dt.date) -> str:
    """A moment, a span 'A/B' (its end not before its start) or an ongoing span 'A/..', with stray spaces the
    parser must normalise."""
    start = draw(moment_texts(low, high))
    form = draw(st.sampled_from(["moment", "span", "ongoing"]))
    if form == "moment":
        text = start
    elif form == "ongoing":
        text = f"{start}/.."
    else:
        end = draw(moment_texts(low, high))
        try:
            if parse_moment(end).latest < parse_moment(start).earliest:
                start, end = end, start  # then the new end's latest is after the new start's earliest
        except DateError:
            pass  # a side outside the calendar: the text is refused whatever the order
        text = f"{start}/{end}"
    return text.replace(" ", draw(st.sampled_from([" ", "  ", " \t"])))


def assert_sound(when: When) -> None:
    """What every parsed date must keep: ordered bounds in the calendar, a label, a canonical text that parses
    back to the same value and is its own canonical text."""
    assert when.start.earliest <= when.start.latest
    assert when.earliest <= when.latest
    if when.end is not None:
        assert when.end.earliest <= when.end.latest
    assert when.earliest.year >= 1
    if when.ongoing:
        assert when.latest == ONGOING_END
    else:
        assert when.latest.year <= MAX_YEAR, f"{when.text!r} reaches {when.latest}, past the year {MAX_YEAR}"
    assert when.label.strip()
    again = parse_when(when.text)
    assert (again.earliest, again.latest, again.ongoing) == (when.earliest, when.latest, when.ongoing)
    assert again == when and again.text == when.text


@PROPERTY
@given(date_texts(D(1100, 1, 1), D(8900, 12, 31)))
def test_valid_date_texts_parse_to_sound_values(text: str):
    """Given any well-formed date text of the years 1100–8900, when parsed, then its bounds are sound and round-trip."""
    assert_sound(parse_when(text))


@PROPERTY
@given(date_texts(D(1, 1, 1), D(MAX_YEAR, 12, 31)))
@example("circa 9998-12-31")
@example("circa 9998-12")
@example("after 9997-12-31")
@example("before 0001-01-02")
@example("circa 0001-01-01")
@example("late 9990s")
@example("early 0000s/..")
def test_date_texts_at_the_calendar_edges_parse_soundly_or_raise_date_error(text: str):
    """Given any well-formed date text of the whole calendar, when parsed, then it is sound or DateError."""
    try:
        when = parse_when(text)
    except DateError:
        return
    assert_sound(when)


TOKENS = [
    *QUALIFIERS,
    "between",
    "and",
    "/",
    "..",
    "-",
    "0",
    "00",
    "0000",
    "0000s",
    "2025",
    "2025-02-29",
    "2024-02-29",
    "2025-13",
    "2025-00",
    "9999",
    "9998-12-31",
    "2020s",
    "202s",
    "s",
    " ",
    "\t",
    "\n",
    "\x00",
]


@PROPERTY
@given(
    st.one_of(
        st.text(max_size=40),
        st.lists(st.sampled_from(TOKENS), max_size=8).map(" ".join),
        st.lists(st.sampled_from(TOKENS), max_size=8).map("".join),
    )
)
@example("between 2025 and")
@example("2025//2026")
@example("circa ")
@example("٢٠٢٥")
def test_junk_parses_soundly_or_raises_date_error(text: str):
    """Given any string, when parsed as a date, then it is a sound value or DateError, never another exception."""
    try:
        when = parse_when(text)
    except DateError:
        return
    assert_sound(when)


# Digits of other scripts that Python's \d and int() also read.
FOREIGN_DIGITS = ["٠١٢٣٤٥٦٧٨٩", "۰۱۲۳۴۵۶۷۸۹", "०१२३४५६७८९", "０１２３４５６７８９"]


@PROPERTY
@given(date_texts(D(1100, 1, 1), D(8900, 12, 31)), st.sampled_from(FOREIGN_DIGITS))
@example("2025-08-05", "٠١٢٣٤٥٦٧٨٩")
def test_dates_in_other_digit_scripts_are_refused(text: str, digits: str):
    """Given a valid date text written with non-ASCII digits, when parsed, then DateError: the grammar is ASCII."""
    foreign = text.translate(str.maketrans("0123456789", digits))
    with pytest.raises(DateError):
        parse_when(foreign)


# ---------------------------------------------------------------------------------------------------------------
# Filters through GraphQL

ACTORS = sorted(line["slug"] for line in story_lines("actor"))
TAGS = sorted(
    {tag for kind in ("event", "statement", "reaction") for line in story_lines(kind) for tag in line.get("tags", [])}
)
COUNTRIES = sorted({line["country"] for line in story_lines("actor") if line.get("country")})
# Each item type's kinds, by the filter field that takes them (the names of the enums' values).
KINDS = {
    "eventKinds": sorted(EVENT_KINDS),
    "channels": sorted(c.upper() for c in CHANNELS),
    "reactionKinds": sorted(k.upper() for k in REACTION_KINDS),
}
SEARCHES = ["Beijing", "taiwan", "Knesset", "petition", "%", "_", "\\", "'", '"', "Sa'ar", "ISR"]
CLIENT_ERRORS = {"BAD_USER_INPUT", "NOT_FOUND"}
FILTERS = settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])

TIMELINE = """
query ($filter: ItemFilter) {
  timeline(filter: $filter, first: 100) {
    totalCount
    nodes {
      __typename
      ... on Event { slug date { start end ongoing } }
      ... on Statement { slug date { start end ongoing } }
      ... on Reaction { slug date { start end ongoing } }
    }
  }
}
"""


def cased(value: str) -> st.SearchStrategy[str]:
    """A word as given, in capitals or in lower case."""
    return st.sampled_from([value, value.upper(), value.lower()])


story_windows = moment_texts(D(2019, 1, 1), D(2026, 12, 31))  # near the story (2022–2025), so windows cut it


def some_of(options: dict[str, st.SearchStrategy[Any]], most: int = 3) -> st.SearchStrategy[dict[str, Any]]:
    """Filters naming at most ``most`` of the options (more would leave the small story with no item at all)."""
    chosen = st.lists(st.sampled_from(sorted(options)), unique=True, max_size=most)
    return chosen.flatmap(lambda keys: st.fixed_dictionaries({key: options[key] for key in keys}))


clean_filters = some_of(
    {
        "from": story_windows,
        "to": story_windows,
        "actors": st.lists(st.sampled_from(ACTORS).map(lambda slug: {"slug": slug}), max_size=3),
        "actorsMatch": st.sampled_from(["ANY", "ALL"]),
        **{field: st.lists(st.sampled_from(values), max_size=3) for field, values in KINDS.items()},
        "tags": st.lists(st.sampled_from(TAGS), max_size=3),
        "country": st.sampled_from(COUNTRIES).flatmap(cased),
        "search": st.sampled_from(SEARCHES),
        "itemTypes": st.lists(st.sampled_from(["EVENT", "STATEMENT", "REACTION"]), unique=True, max_size=3),
    }
)
window_dates = st.one_of(
    story_windows,
    moment_texts(D(1, 1, 1), D(MAX_YEAR, 12, 31)),
    st.sampled_from(["2025/2026", "2025-07/..", "between 2025 and 2024", "2025-02-30", "tomorrow", ""]),
    st.text(max_size=12),
)
actor_refs = st.one_of(
    st.sampled_from(ACTORS).map(lambda slug: {"slug": slug}),
    st.integers(min_value=1, max_value=60).map(lambda n: {"id": ids.encode("Actor", n)}),
    st.integers(min_value=1, max_value=60).map(lambda n: {"id": ids.encode("Event", n)}),
    st.text(max_size=12).map(lambda slug: {"slug": slug}),
    st.text(max_size=12).map(lambda text: {"id": text}),
)
any_filters = some_of(
    {
        "from": window_dates,
        "to": window_dates,
        "actors": st.lists(actor_refs, max_size=3),
        "actorsMatch": st.sampled_from(["ANY", "ALL"]),
        **{
            field: st.lists(st.one_of(st.sampled_from(values), st.text(max_size=10)), max_size=3)
            for field, values in KINDS.items()
        },
        "tags": st.lists(st.one_of(st.sampled_from(TAGS), st.text(max_size=10)), max_size=3),
        "country": st.one_of(st.sampled_from(COUNTRIES).flatmap(cased), st.text(max_size=4)),
        "search": st.one_of(st.sampled_from(SEARCHES), st.text(max_size=30), st.text(min_size=201, max_size=205)),
        "itemTypes": st.lists(st.sampled_from(["EVENT", "STATEMENT", "REACTION"]), unique=True, max_size=3),
    }
)


@pytest.fixture(scope="module")
def api(story_url: str) -> Iterator[Api]:
    """A client on the module's shared, read-only story database (sqlite and postgresql)."""
    client = Api(story_url)
    yield client
    client.close()


def item_bounds(node: dict[str, Any]) -> tuple[dt.date, dt.date]:
    """The first and last day an item's date may cover (the far future while ongoing)."""
    date = node["date"]
    end = ONGOING_END if date["ongoing"] or date["end"] is None else D.fromisoformat(date["end"])
    return D.fromisoformat(date["start"]), end


def check_page(filter_: dict[str, Any], response: Any) -> tuple[str, list[dict[str, Any]] | None]:
    """The filter as text and the timeline's items, or None for a refusal, which must be a client error."""
    assert response.status_code < 500, response.text
    assert_no_traceback(response.text)
    body = response.json()
    shown = json.dumps(filter_, ensure_ascii=True)
    if body.get("errors"):
        assert set(codes(body["errors"])) <= CLIENT_ERRORS, f"{shown}: {response.text}"
        assert not (body.get("data") or {}).get("timeline"), f"{shown}: {response.text}"
        event(f"refused: {sorted(set(codes(body['errors'])))}")
        return shown, None
    timeline = body["data"]["timeline"]
    nodes = timeline["nodes"]
    assert timeline["totalCount"] == len(nodes), shown  # the story has fewer than 100 items
    event("data: some items" if nodes else "data: no items")
    if "itemTypes" in filter_:
        assert {n["__typename"].upper() for n in nodes} <= set(filter_["itemTypes"]), shown
    start = parse_moment(filter_["from"]).earliest if "from" in filter_ else None
    end = parse_moment(filter_["to"]).latest if "to" in filter_ else None
    for node in nodes:
        first, last = item_bounds(node)
        assert start is None or last >= start, f"{shown}: {node['slug']} ends {last}, before the window"
        assert end is None or first <= end, f"{shown}: {node['slug']} starts {first}, after the window"
    return shown, nodes


@FILTERS
@given(clean_filters)
@example(
    {"from": "2025-07", "to": "2025-08", "actors": [{"slug": "knesset"}, {"slug": "taiwan"}], "actorsMatch": "ALL"}
)
@example({"from": "late 2025-07", "itemTypes": ["STATEMENT"]})
@example({"from": "between 2022-02-24 and 2022-03-01", "to": "circa 2022"})
def test_valid_timeline_filters_answer_items_inside_the_window(api: Api, filter_: dict[str, Any]):
    """Given random valid filters on the story's timeline, when queried, then data whose items overlap the window."""
    shown, nodes = check_page(filter_, api.post(TIMELINE, {"filter": filter_}))
    if nodes is None:  # the one refusal a valid filter may get: a window that ends before it starts
        assert parse_moment(filter_["from"]).earliest > parse_moment(filter_["to"]).latest, shown


@FILTERS
@given(any_filters)
@example({"search": "a\x00b"})
@example({"tags": ["war\x00"]})
@example({"actors": [{"slug": "israel\x00"}]})
def test_random_timeline_filters_answer_data_or_a_client_error(api: Api, filter_: dict[str, Any]):
    """Given random filters, junk included, when the timeline is queried, then data or BAD_USER_INPUT/NOT_FOUND only."""
    check_page(filter_, api.post(TIMELINE, {"filter": filter_}))
