"""Fuzzy dates (api/dates.py): every text form, its bounds, precision, qualifier, label and canonical text."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from api.dates import ONGOING_END, DateError, parse_moment, parse_when

D = dt.date

# text, earliest, latest, precision, qualifier, label
MOMENTS = [
    ("2025-08-05", D(2025, 8, 5), D(2025, 8, 5), "day", None, "5 August 2025"),
    ("2025-07", D(2025, 7, 1), D(2025, 7, 31), "month", None, "July 2025"),
    ("2024-02", D(2024, 2, 1), D(2024, 2, 29), "month", None, "February 2024"),
    ("2025", D(2025, 1, 1), D(2025, 12, 31), "year", None, "2025"),
    ("2020s", D(2020, 1, 1), D(2029, 12, 31), "decade", None, "the 2020s"),
    ("early 2025-07", D(2025, 7, 1), D(2025, 7, 10), "month", "early", "early July 2025"),
    ("mid 2025-07", D(2025, 7, 11), D(2025, 7, 20), "month", "mid", "mid July 2025"),
    ("late 2025-07", D(2025, 7, 21), D(2025, 7, 31), "month", "late", "late July 2025"),
    ("late 2024-02", D(2024, 2, 21), D(2024, 2, 29), "month", "late", "late February 2024"),
    ("early 2025", D(2025, 1, 1), D(2025, 4, 30), "year", "early", "early 2025"),
    ("mid 2025", D(2025, 5, 1), D(2025, 8, 31), "year", "mid", "mid 2025"),
    ("late 2025", D(2025, 9, 1), D(2025, 12, 31), "year", "late", "late 2025"),
    ("early 2020s", D(2020, 1, 1), D(2023, 12, 31), "decade", "early", "early 2020s"),
    ("mid 2020s", D(2024, 1, 1), D(2026, 12, 31), "decade", "mid", "mid 2020s"),
    ("late 2020s", D(2027, 1, 1), D(2029, 12, 31), "decade", "late", "late 2020s"),
    ("circa 2025-08-05", D(2025, 7, 29), D(2025, 8, 12), "day", "circa", "c. 5 August 2025"),
    ("circa 2025-08", D(2025, 7, 17), D(2025, 9, 15), "month", "circa", "c. August 2025"),
    ("circa 2025", D(2024, 1, 1), D(2026, 12, 31), "year", "circa", "c. 2025"),
    ("circa 2020s", D(2015, 1, 1), D(2034, 12, 31), "decade", "circa", "c. the 2020s"),
    ("before 2025-08-05", D(2024, 8, 5), D(2025, 8, 4), "day", "before", "before 5 August 2025"),
    ("before 2025-08", D(2024, 8, 1), D(2025, 7, 31), "month", "before", "before August 2025"),
    ("before 2025", D(2015, 1, 1), D(2024, 12, 31), "year", "before", "before 2025"),
    ("before 2020s", D(1920, 1, 1), D(2019, 12, 31), "decade", "before", "before the 2020s"),
    ("after 2024-12-05", D(2024, 12, 6), D(2025, 12, 5), "day", "after", "after 5 December 2024"),
    ("after 2024-12", D(2025, 1, 1), D(2025, 12, 31), "month", "after", "after December 2024"),
    ("after 2024", D(2025, 1, 1), D(2034, 12, 31), "year", "after", "after 2024"),
    ("after 2020s", D(2030, 1, 1), D(2129, 12, 31), "decade", "after", "after the 2020s"),
    (
        "between 2025-07-31 and 2025-08-07",
        D(2025, 7, 31),
        D(2025, 8, 7),
        "day",
        "between",
        "between 31 July and 7 August 2025",
    ),
    (
        "between 2025-08-01 and 2025-08-07",
        D(2025, 8, 1),
        D(2025, 8, 7),
        "day",
        "between",
        "between 1 and 7 August 2025",
    ),
    (
        "between 2024-12-30 and 2025-01-02",
        D(2024, 12, 30),
        D(2025, 1, 2),
        "day",
        "between",
        "between 30 December 2024 and 2 January 2025",
    ),
    (
        "between 2025-07 and 2025-08-07",
        D(2025, 7, 1),
        D(2025, 8, 7),
        "month",
        "between",
        "between July 2025 and 7 August 2025",
    ),
    ("between 2024 and 2025", D(2024, 1, 1), D(2025, 12, 31), "year", "between", "between 2024 and 2025"),
]


@pytest.mark.parametrize(
    ("text", "earliest", "latest", "precision", "qualifier", "label"), MOMENTS, ids=[m[0] for m in MOMENTS]
)
def test_moment_forms(text, earliest, latest, precision, qualifier, label):
    """Given a moment's text, when parsed, then bounds, precision, qualifier, label and text are exact."""
    when = parse_when(text)
    assert (when.earliest, when.latest) == (earliest, latest)
    assert when.start.precision == precision
    assert when.start.qualifier == qualifier
    assert when.label == label
    assert when.end is None and not when.ongoing
    assert when.text == text


@pytest.mark.parametrize("text", [m[0] for m in MOMENTS])
def test_moment_text_round_trips(text):
    """Given any parsed moment, when its canonical text is parsed again, then the value is the same."""
    when = parse_when(text)
    assert parse_when(when.text) == when
    assert parse_moment(text) == when.start


def test_span_from_start_to_end():
    """Given 'A/B', when parsed, then it lasts from A's earliest to B's latest with a two-sided label."""
    when = parse_when("2022-02-24/2022-03-01")
    assert (when.earliest, when.latest) == (D(2022, 2, 24), D(2022, 3, 1))
    assert when.end is not None and not when.ongoing
    assert when.label == "24 February 2022 – 1 March 2022"
    assert parse_when(when.text) == when


def test_span_sides_take_any_form():
    """Given a span whose sides are fuzzy, when parsed, then each side keeps its own precision and qualifier."""
    when = parse_when("late 2025-07/circa 2025-09")
    assert when.start.qualifier == "late" and when.end is not None and when.end.qualifier == "circa"
    assert (when.earliest, when.latest) == (D(2025, 7, 21), D(2025, 9, 30) + dt.timedelta(days=15))
    assert when.text == "late 2025-07/circa 2025-09"
    assert when.label == "late July 2025 – c. September 2025"


def test_ongoing_span():
    """Given 'A/..', when parsed, then it is ongoing, ends at the far future and is labelled as ongoing."""
    when = parse_when("2022-02-24/..")
    assert when.ongoing and when.end is None
    assert (when.earliest, when.latest) == (D(2022, 2, 24), ONGOING_END)
    assert when.label == "24 February 2022 – ongoing"
    assert when.text == "2022-02-24/.."
    assert parse_when(when.text) == when


def test_whitespace_is_normalised_in_canonical_text():
    """Given extra spaces around and inside a date, when parsed, then the canonical text has single spaces."""
    when = parse_when("  late   2025-07 ")
    assert when.text == "late 2025-07"
    assert when == parse_when("late 2025-07")
    assert parse_when("2022-02-24 / ..").text == "2022-02-24/.."


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("2025-13", "not a real date"),
        ("2025-00-10", "not a real date"),
        ("2025-02-30", "not a real date"),
        ("2023-02-29", "not a real date"),
        ("0000", "not a real date"),
        ("early 2025-08-05", "not a single day"),
        ("late 2025-08-05", "not a single day"),
        ("2025-03-01/2025-02-01", "the end is before the start"),
        ("between 2025-08-07 and 2025-07-31", "the first date is after the second"),
        ("", "empty"),
        ("   ", "empty"),
        ("yesterday", "is not a date"),
        ("2025-8-5", "is not a date"),
        ("05/08/2025", "is not a date"),
        ("circa", "is not a date"),
        ("sometime 2025", "is not a date"),
        ("2025/", "empty"),
    ],
)
def test_bad_dates_are_refused_with_a_reason(text, message):
    """Given a date text that is malformed or impossible, when parsed, then DateError says why."""
    with pytest.raises(DateError, match=message):
        parse_when(text)


def test_non_text_is_refused():
    """Given a value that is not text, when parsed, then DateError names its type."""
    with pytest.raises(DateError, match="must be text, not int"):
        parse_when(2025)  # type: ignore[arg-type]


# Property tests. Years stay clear of 1 and 9999, where widened bounds leave the calendar (see the edge
# tests below).
YEARS = st.integers(min_value=1100, max_value=8900)
DAYS = st.dates(min_value=D(1100, 1, 1), max_value=D(8900, 12, 31))


@st.composite
def bases(draw: st.DrawFn) -> str:
    """A plain day, month, year or decade."""
    precision = draw(st.sampled_from(["day", "month", "year", "decade"]))
    day = draw(DAYS)
    if precision == "day":
        return day.isoformat()
    if precision == "month":
        return f"{day:%Y-%m}"
    if precision == "year":
        return f"{day.year:04d}"
    return f"{day.year // 10:03d}0s"


@st.composite
def moments(draw: st.DrawFn) -> str:
    """Any one-moment text: a plain base, a qualified base or 'between A and B'."""
    form = draw(st.sampled_from(["plain", "circa", "part", "before", "after", "between"]))
    base = draw(bases())
    if form == "plain":
        return base
    if form in ("circa", "before", "after"):
        return f"{form} {base}"
    if form == "part":
        coarse = draw(bases().filter(lambda b: len(b) != 10))
        return f"{draw(st.sampled_from(['early', 'mid', 'late']))} {coarse}"
    other = draw(bases())
    lo, hi = sorted([base, other], key=lambda b: parse_moment(b).earliest)
    return f"between {lo} and {hi}"


@st.composite
def whens(draw: st.DrawFn) -> str:
    """Any date text: a moment, a span whose end is not before its start, or an ongoing span."""
    start = draw(moments())
    form = draw(st.sampled_from(["moment", "span", "ongoing"]))
    if form == "moment":
        return start
    if form == "ongoing":
        return f"{start}/.."
    end = draw(moments().filter(lambda e: parse_moment(e).latest >= parse_moment(start).earliest))
    return f"{start}/{end}"


@given(whens())
def test_property_bounds_are_ordered(text):
    """Given any valid date text, when parsed, then earliest <= latest for the moment and the whole span."""
    when = parse_when(text)
    assert when.start.earliest <= when.start.latest
    assert when.earliest <= when.latest
    if when.end is not None:
        assert when.end.earliest <= when.end.latest


@given(whens())
def test_property_text_round_trips(text):
    """Given any valid date text, when its canonical text is parsed, then the same value comes back."""
    when = parse_when(text)
    again = parse_when(when.text)
    assert again == when
    assert again.text == when.text


@given(whens())
def test_property_label_is_not_empty(text):
    """Given any valid date text, when labelled, then the label is non-empty display text."""
    when = parse_when(text)
    assert when.label.strip()
    assert when.start.label.strip()


@given(bases(), st.sampled_from(["circa", "early", "mid", "late", "before", "after"]))
def test_property_qualifier_moves_bounds_the_right_way(base, qualifier):
    """Given a base and a qualifier, when parsed, then circa widens, parts narrow, before/after lie outside."""
    plain = parse_moment(base)
    if qualifier in ("early", "mid", "late") and plain.precision == "day":
        with pytest.raises(DateError):
            parse_moment(f"{qualifier} {base}")
        return
    value = parse_moment(f"{qualifier} {base}")
    assert value.precision == plain.precision and value.qualifier == qualifier
    if qualifier == "circa":
        assert value.earliest < plain.earliest and value.latest > plain.latest
    elif qualifier == "before":
        assert value.latest < plain.earliest
    elif qualifier == "after":
        assert value.earliest > plain.latest
    else:
        assert plain.earliest <= value.earliest <= value.latest <= plain.latest


# Edge of the calendar: a valid-looking text must either parse to bounds that contain what it says, or be
# refused with DateError (which the seed loader turns into `file:line: field: message`), never crash.
CALENDAR_EDGES = ["after 9999", "after 9990s", "before 0001", "before 0000s", "circa 0001-01-01", "circa 9999-12-31"]


@pytest.mark.parametrize("text", CALENDAR_EDGES)
def test_calendar_edges_parse_or_raise_date_error(text):
    """Given a qualified date at the calendar's edge, when parsed, then it parses or raises DateError only."""
    try:
        when = parse_when(text)
    except DateError:
        return
    assert when.earliest <= when.latest


def test_circa_last_year_contains_the_year():
    """Given 'circa 9999', when parsed, then its bounds contain the year 9999 (or it is refused)."""
    try:
        value = parse_moment("circa 9999")
    except DateError:
        return
    assert value.earliest <= D(9999, 1, 1) and value.latest >= D(9999, 12, 31)
