"""Fuzzy dates at their edges (api/dates.py): leap days, the first and last years, the exact error messages,
mixed precisions in ``between`` and the short/long span boundaries — the cases mutation testing showed untested."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from api.dates import (
    LONG_SPAN,
    MAX_YEAR,
    ONGOING_END,
    SHORT_SPAN,
    DateError,
    When,
    is_long,
    is_short,
    parse_moment,
    parse_when,
)

D = dt.date


def bounds(text: str) -> tuple[dt.date, dt.date, str, str | None]:
    """A moment's earliest and latest days, precision and qualifier."""
    value = parse_moment(text)
    return value.earliest, value.latest, value.precision, value.qualifier


def raises_exactly(text: str, message: str, parse=parse_moment) -> None:
    """Reading ``text`` fails with a DateError saying exactly ``message``."""
    with pytest.raises(DateError, match=f"^{re.escape(message)}$"):
        parse(text)


# --- leap days: a year back from 29 February lands on 28 February, not on an impossible day -------------------


@pytest.mark.parametrize(
    ("text", "earliest", "latest"),
    [
        ("before 2024-03-01", D(2023, 3, 1), D(2024, 2, 29)),
        ("before 2024-03", D(2023, 3, 1), D(2024, 2, 29)),
        ("before 2025-03-01", D(2024, 2, 29), D(2025, 2, 28)),
        ("after 2024-02", D(2024, 3, 1), D(2025, 2, 28)),
    ],
)
def test_before_and_after_across_a_leap_day_keep_a_real_calendar_day(text, earliest, latest):
    """Given a before/after whose year-long reach starts or ends on 29 February, when read, then the bounds are real
    days a year apart (29 February 2024 minus a year is 28 February 2023), never an error."""
    assert bounds(text)[:2] == (earliest, latest)


# --- the last year a date may name (MAX_YEAR) and the far-future stand-in for "ongoing" (ONGOING_END) -----------


def test_max_year_is_9998_and_ongoing_end_lies_beyond_every_date():
    """Given the calendar's limits, then 9998 is the last year and ongoing ends on 9999-12-30, after any date."""
    assert MAX_YEAR == 9998
    assert ONGOING_END == D(9999, 12, 30)
    assert parse_when("9998-12-31").latest < ONGOING_END
    assert parse_when("2022-02-24/..").latest == ONGOING_END


@pytest.mark.parametrize(
    ("text", "earliest", "latest"),
    [
        ("9998", D(9998, 1, 1), D(9998, 12, 31)),
        ("9998-12-31", D(9998, 12, 31), D(9998, 12, 31)),
        ("9980s", D(9980, 1, 1), D(9989, 12, 31)),
        ("circa 9997", D(9996, 1, 1), D(9998, 12, 31)),
        ("circa 9998-06-01", D(9998, 5, 25), D(9998, 6, 8)),
    ],
)
def test_dates_in_the_last_year_are_read(text, earliest, latest):
    """Given a date whose bounds stay within the year 9998, when read, then its bounds are exact."""
    assert bounds(text)[:2] == (earliest, latest)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("9999", "'9999' is past the year 9998"),
        ("9999-01-01", "'9999-01-01' is past the year 9998"),
        ("9990s", "'9990s' is past the year 9998"),
        ("circa 9998", "the bounds would fall outside the years 1–9998"),
        ("circa 9998-12-30", "'circa 9998-12-30' reaches past the year 9998"),
        ("circa 9998-12", "'circa 9998-12' reaches past the year 9998"),
        ("after 9998-06-01", "the bounds would fall outside the years 1–9998"),
    ],
)
def test_dates_reaching_past_the_last_year_are_refused_with_the_reason(text, message):
    """Given a date that is, or reaches, past 9998, when read, then a DateError says exactly why."""
    raises_exactly(text, message)


# --- the first year ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "earliest", "latest"),
    [
        ("0001-01-01", D(1, 1, 1), D(1, 1, 1)),
        ("circa 0002", D(1, 1, 1), D(3, 12, 31)),
        ("before 0002-06-01", D(1, 6, 1), D(2, 5, 31)),
        ("0000s", D(1, 1, 1), D(9, 12, 31)),
        ("early 0000s", D(1, 1, 1), D(3, 12, 31)),
        ("late 0000s", D(7, 1, 1), D(9, 12, 31)),
    ],
)
def test_dates_in_the_first_years_start_no_earlier_than_year_1(text, earliest, latest):
    """Given a date at the start of the calendar, when read, then its bounds are exact and begin at 0001-01-01 at
    the earliest (the decade 0000s has no year 0)."""
    assert bounds(text)[:2] == (earliest, latest)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("circa 0001", "the bounds would fall outside the years 1–9998"),
        ("before 0001", "'before 0001' reaches outside the calendar (years 1–9998)"),
        ("before 0001-01-01", "'before 0001-01-01' reaches outside the calendar (years 1–9998)"),
        ("circa 0001-01-03", "'circa 0001-01-03' reaches outside the calendar (years 1–9998)"),
        ("0000", "'0000' is not a real date (year 0 is out of range)"),
    ],
)
def test_dates_reaching_before_year_1_are_refused_with_the_reason(text, message):
    """Given a date that is, or reaches, before the year 1, when read, then a DateError says exactly why."""
    raises_exactly(text, message)


# --- texts that are not dates -------------------------------------------------------------------------------------

FORMS = (
    "use YYYY-MM-DD, YYYY-MM, YYYY or YYY0s, optionally with circa/early/mid/late/before/after, "
    "'between A and B', or a span 'A/B' or 'A/..'"
)


@pytest.mark.parametrize(
    ("text", "message", "parse"),
    [
        ("   ", "the date is empty", parse_moment),
        ("yesterday", f"'yesterday' is not a date: {FORMS}", parse_moment),
        # The text after the qualifier word is what is read as the date, so the message quotes that part.
        ("late 2025 07", f"'2025 07' is not a date: {FORMS}", parse_moment),
        # A span splits at its first slash, so the message quotes the end that still holds a slash.
        ("2022/2023/2024", f"'2023/2024' is not a date: {FORMS}", parse_when),
    ],
)
def test_a_text_that_is_not_a_date_is_refused_with_the_forms_to_use(text, message, parse):
    """Given text that is not a date, when read, then a DateError quotes the offending part and lists the forms."""
    raises_exactly(text, message, parse)


# --- between: the coarser of the two precisions, and a label that says no more than is known ------------------


@pytest.mark.parametrize(
    ("text", "earliest", "latest", "precision", "label"),
    [
        (
            "between 2025-07-31 and 2025-08",
            D(2025, 7, 31),
            D(2025, 8, 31),
            "month",
            "between 31 July 2025 and August 2025",
        ),
        ("between 2025-12-30 and 2026", D(2025, 12, 30), D(2026, 12, 31), "year", "between 30 December 2025 and 2026"),
        ("between 2025-07 and 2020s", D(2025, 7, 1), D(2029, 12, 31), "decade", "between July 2025 and the 2020s"),
        ("between 2025-07-01 and 2025-07", D(2025, 7, 1), D(2025, 7, 31), "month", "between 1 July 2025 and July 2025"),
        (
            "between 2025-07 and 2025-07-31",
            D(2025, 7, 1),
            D(2025, 7, 31),
            "month",
            "between July 2025 and 31 July 2025",
        ),
        ("between 2025 and 2025", D(2025, 1, 1), D(2025, 12, 31), "year", "2025"),
        ("between 2025-08-05 and 2025-08-05", D(2025, 8, 5), D(2025, 8, 5), "day", "5 August 2025"),
    ],
)
def test_between_takes_the_coarser_precision_whichever_side_it_is_on(text, earliest, latest, precision, label):
    """Given a between whose finer date comes first (or two equal dates), when read, then the precision is the
    coarser side's, and the label repeats nothing only when both sides are the very same period."""
    value = parse_moment(text)
    assert (value.earliest, value.latest, value.precision, value.qualifier) == (
        earliest,
        latest,
        precision,
        "between",
    )
    assert value.label == label


# --- spans -----------------------------------------------------------------------------------------------------


def test_a_closed_span_is_not_ongoing():
    """Given a span with an end, when read, then it is that start and end, and not ongoing (False, not unknown)."""
    span = parse_when("2022-02-24/2022-03")
    assert span == When(parse_moment("2022-02-24"), parse_moment("2022-03"), False)
    assert span.ongoing is False
    assert (span.earliest, span.latest) == (D(2022, 2, 24), D(2022, 3, 31))


# --- short and long spans: the boundaries that decide how a window query looks an item up ----------------------


@pytest.mark.parametrize(
    ("text", "short", "long"),
    [
        ("2025-07-31", True, False),
        ("2025-01-01/2025-02-01", True, False),  # exactly SHORT_SPAN (31 days) from first to last day
        ("2025-01-01/2025-02-02", False, False),
        ("2024", False, False),  # 365 days from 1 January to 31 December of a leap year
        ("2024-01-01/2025-01-01", False, False),  # exactly LONG_SPAN (366 days)
        ("2024-01-01/2025-01-02", False, True),
        ("circa 2025", False, True),
        ("2022-02-24/..", False, True),  # ongoing spans are always long
    ],
)
def test_short_and_long_spans_include_their_exact_boundaries_as_short_and_not_long(text, short, long):
    """Given dates around SHORT_SPAN (31 days) and LONG_SPAN (366 days), when classified, then a span of exactly
    SHORT_SPAN is short and one of exactly LONG_SPAN is not long."""
    assert (SHORT_SPAN, LONG_SPAN) == (dt.timedelta(days=31), dt.timedelta(days=366))
    when = parse_when(text)
    assert (is_short(when), is_long(when)) == (short, long)
