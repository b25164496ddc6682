"""Dates that say what is known and no more: precision, qualifier, bounds and a faithful label.

The text form (used by the seed files, the CLI and the GraphQL inputs)::

    2025-08-05            a day
    2025-07               a month
    2025                  a year
    2020s                 a decade
    late 2025-07          part of a month or year or decade: early / mid / late
    circa 2025-08         approximate: bounds widened (day ±7 days, month ±15 days, year ±1, decade ±5)
    before 2025-08        some time before (bounds: the preceding year, or decade/century for coarse dates)
    after 2024-12         some time after (bounds likewise)
    between 2025-07-31 and 2025-08-07   one moment somewhere in these bounds
    2022-02-24/2022-03-01  something that lasted, from a start to an end (each side any form above)
    2022-02-24/..          something that began and is still going on
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass

PRECISIONS = ("day", "month", "year", "decade")
QUALIFIERS = ("circa", "early", "mid", "late", "before", "after", "between")
# Not date.max: asyncpg turns date.max into PostgreSQL's 'infinity', which psycopg cannot read back.
ONGOING_END = dt.date(9999, 12, 30)
# Items spanning more than this are "long": window queries look them up apart (see schema.filters).
LONG_SPAN = dt.timedelta(days=366)
# Items spanning at most this are "short" (a day, a month, late July): a window looks for the short items that began
# before it only this far back, so most of its items are one ordered index range (see schema.filters).
SHORT_SPAN = dt.timedelta(days=31)
# The last year a date may name; 9999-12-30 stands for "ongoing".
MAX_YEAR = 9998
MONTHS = [calendar.month_name[i] for i in range(13)]

_DAY = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$", re.ASCII)
_MONTH = re.compile(r"^(\d{4})-(\d{2})$", re.ASCII)
_YEAR = re.compile(r"^(\d{4})$", re.ASCII)
_DECADE = re.compile(r"^(\d{3})0s$", re.ASCII)


class DateError(ValueError):
    """A date text that cannot be read; the message says why."""


@dataclass(frozen=True, slots=True)
class FuzzyDate:
    """One moment known to some precision: its earliest and latest possible days."""

    earliest: dt.date
    latest: dt.date
    precision: str
    qualifier: str | None = None
    text: str = ""

    @property
    def label(self) -> str:
        """A display label that claims no more than is known ("late July 2025")."""
        return _label(self)


@dataclass(frozen=True, slots=True)
class When:
    """When something happened: a moment, or a span from a start to an end (or ongoing)."""

    start: FuzzyDate
    end: FuzzyDate | None = None
    ongoing: bool = False

    @property
    def earliest(self) -> dt.date:
        """The first day it may have begun: the sort key."""
        return self.start.earliest

    @property
    def latest(self) -> dt.date:
        """The last day it may have lasted to (far future when ongoing): the window-overlap key."""
        if self.ongoing:
            return ONGOING_END
        return (self.end or self.start).latest

    @property
    def text(self) -> str:
        """The canonical text form, which parses back to the same value."""
        if self.ongoing:
            return f"{self.start.text}/.."
        if self.end is not None:
            return f"{self.start.text}/{self.end.text}"
        return self.start.text

    @property
    def label(self) -> str:
        """A display label for the whole span."""
        if self.ongoing:
            return f"{self.start.label} – ongoing"
        if self.end is not None:
            return f"{self.start.label} – {self.end.label}"
        return self.start.label


def is_short(when: When) -> bool:
    """Whether a date spans at most ``SHORT_SPAN``."""
    return when.latest - when.earliest <= SHORT_SPAN


def is_long(when: When) -> bool:
    """Whether a date spans more than ``LONG_SPAN`` (ongoing spans always do)."""
    return when.latest - when.earliest > LONG_SPAN


def _shift_years(day: dt.date, years: int) -> dt.date:
    year = day.year + years
    if not 1 <= year <= MAX_YEAR:
        raise DateError(f"the bounds would fall outside the years 1–{MAX_YEAR}")
    return day.replace(year=year, day=min(day.day, calendar.monthrange(year, day.month)[1]))


def _base(text: str) -> FuzzyDate:
    value = _base_unchecked(text)
    if value.latest.year > MAX_YEAR:
        raise DateError(f"{text!r} is past the year {MAX_YEAR}")
    return value


def _base_unchecked(text: str) -> FuzzyDate:
    try:
        if m := _DAY.match(text):
            day = dt.date(int(m[1]), int(m[2]), int(m[3]))
            return FuzzyDate(day, day, "day", None, text)
        if m := _MONTH.match(text):
            year, month = int(m[1]), int(m[2])
            last = calendar.monthrange(year, month)[1]
            return FuzzyDate(dt.date(year, month, 1), dt.date(year, month, last), "month", None, text)
        if m := _YEAR.match(text):
            year = int(m[1])
            return FuzzyDate(dt.date(year, 1, 1), dt.date(year, 12, 31), "year", None, text)
        if m := _DECADE.match(text):
            year = int(m[1]) * 10
            return FuzzyDate(dt.date(max(year, 1), 1, 1), dt.date(year + 9, 12, 31), "decade", None, text)
    except (ValueError, calendar.IllegalMonthError) as exc:
        raise DateError(f"{text!r} is not a real date ({exc})") from None
    raise DateError(
        f"{text!r} is not a date: use YYYY-MM-DD, YYYY-MM, YYYY or YYY0s, optionally with "
        "circa/early/mid/late/before/after, 'between A and B', or a span 'A/B' or 'A/..'"
    )


def _part(base: FuzzyDate, qualifier: str) -> tuple[dt.date, dt.date]:
    first, last = base.earliest, base.latest
    if base.precision == "month":
        cuts = [(1, 10), (11, 20), (21, last.day)]
        lo, hi = cuts[("early", "mid", "late").index(qualifier)]
        return first.replace(day=lo), first.replace(day=hi)
    if base.precision == "year":
        cuts = [(1, 4), (5, 8), (9, 12)]
        lo, hi = cuts[("early", "mid", "late").index(qualifier)]
        return first.replace(month=lo), dt.date(first.year, hi, calendar.monthrange(first.year, hi)[1])
    if base.precision == "decade":
        cuts = [(0, 3), (4, 6), (7, 9)]
        lo, hi = cuts[("early", "mid", "late").index(qualifier)]
        decade = base.latest.year - 9
        return dt.date(max(decade + lo, 1), 1, 1), dt.date(decade + hi, 12, 31)
    raise DateError(f"'{qualifier}' needs a month, year or decade, not a single day")


_WIDEN = {"day": ("days", 7), "month": ("days", 15), "year": ("years", 1), "decade": ("years", 5)}
_REACH = {"day": 1, "month": 1, "year": 10, "decade": 100}


def parse_moment(text: str) -> FuzzyDate:
    """Read one moment (no span) from its text form."""
    try:
        return _parse_moment(text)
    except OverflowError:
        raise DateError(f"{text!r} reaches outside the calendar (years 1–{MAX_YEAR})") from None


def _parse_moment(text: str) -> FuzzyDate:
    text = " ".join(text.split())
    if not text:
        raise DateError("the date is empty")
    m = re.match(r"^between (\S+) and (\S+)$", text)
    if m:
        lo, hi = _base(m[1]), _base(m[2])
        if lo.earliest > hi.latest:
            raise DateError(f"in {text!r} the first date is after the second")
        precision = lo.precision if PRECISIONS.index(lo.precision) >= PRECISIONS.index(hi.precision) else hi.precision
        return FuzzyDate(lo.earliest, hi.latest, precision, "between", f"between {lo.text} and {hi.text}")
    word, _, rest = text.partition(" ")
    if word in ("circa", "early", "mid", "late", "before", "after") and rest:
        base = _base(rest)
        canonical = f"{word} {base.text}"
        if word in ("early", "mid", "late"):
            lo_day, hi_day = _part(base, word)
        elif word == "circa":
            unit, amount = _WIDEN[base.precision]
            if unit == "days":
                lo_day = base.earliest - dt.timedelta(days=amount)
                hi_day = base.latest + dt.timedelta(days=amount)
            else:
                lo_day, hi_day = _shift_years(base.earliest, -amount), _shift_years(base.latest, amount)
        elif word == "before":
            hi_day = base.earliest - dt.timedelta(days=1)
            lo_day = _shift_years(hi_day, -_REACH[base.precision]) + dt.timedelta(days=1)
        else:
            lo_day = base.latest + dt.timedelta(days=1)
            hi_day = _shift_years(lo_day, _REACH[base.precision]) - dt.timedelta(days=1)
        if hi_day.year > MAX_YEAR:
            raise DateError(f"{text!r} reaches past the year {MAX_YEAR}")
        return FuzzyDate(lo_day, hi_day, base.precision, word, canonical)
    return _base(text)


def parse_when(text: str) -> When:
    """Read a moment or a span ("A/B", "A/..") from its text form."""
    if not isinstance(text, str):
        raise DateError(f"a date must be text, not {type(text).__name__}")
    if "/" in text:
        left, _, right = text.partition("/")
        start = parse_moment(left)
        if right.strip() == "..":
            return When(start, None, True)
        end = parse_moment(right)
        if end.latest < start.earliest:
            raise DateError(f"in {text!r} the end is before the start")
        return When(start, end, False)
    return When(parse_moment(text))


def _plain(base: FuzzyDate) -> str:
    if base.precision == "day":
        return f"{base.earliest.day} {MONTHS[base.earliest.month]} {base.earliest.year}"
    if base.precision == "month":
        return f"{MONTHS[base.earliest.month]} {base.earliest.year}"
    if base.precision == "year":
        return str(base.earliest.year)
    return f"the {base.latest.year - 9}s"


def _label(value: FuzzyDate) -> str:
    q = value.qualifier
    if q == "between":
        lo_text, hi_text = value.text[len("between ") :].split(" and ")
        lo, hi = _base(lo_text), _base(hi_text)
        left, right = _plain(lo), _plain(hi)
        if lo.earliest == hi.earliest and lo.latest == hi.latest:
            return _plain(lo)
        if lo.precision == hi.precision == "day" and lo.earliest.year == hi.earliest.year:
            left = left.rsplit(" ", 1)[0]
            if lo.earliest.month == hi.earliest.month:
                left = left.split(" ")[0]
        return f"between {left} and {right}"
    base = _base(value.text.split(" ", 1)[1]) if q else value
    text = _plain(base)
    if q in ("early", "mid", "late"):
        return f"{q} {text[4:] if text.startswith('the ') else text}" if base.precision == "decade" else f"{q} {text}"
    if q == "circa":
        return f"c. {text}"
    if q in ("before", "after"):
        return f"{q} {text}"
    return text
