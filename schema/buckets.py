"""Time buckets: calendar days, weeks, months or years over a window, and the SQL that names an item's bucket.

A bucket is one calendar unit (a day; an ISO week, Monday to Sunday; a month; a year). Dates are fuzzy, so an item
(or a relationship change) is placed in a bucket only when its whole date span lies inside it (its first and last
possible days fall in the same bucket): a "late July 2025" item is July's, a "2025" item is no month's, an ongoing
war no year's. Those only *overlap* the buckets they touch and are counted apart, never as if known to fall there.

``bucket_of`` is the one dialect-specific piece: the first day of a date's bucket, in SQL (PostgreSQL's
``date_trunc``, SQLite's date modifiers), so the database groups items by bucket and no row comes to Python.
"""

from __future__ import annotations

import datetime as dt
import enum
from dataclasses import dataclass
from typing import Any

import strawberry
from sqlalchemy import TIMESTAMP, Date, cast, func, literal_column, type_coerce

from api.dates import MONTHS, DateError, parse_when
from schema.errors import BadUserInput

# At most this many buckets in one list (a window of 10 000 days at DAY is refused; ten years of months is 120).
MAX_BUCKETS = 1000


@strawberry.enum(description="A calendar unit of time buckets.")
class TimeUnit(enum.Enum):
    DAY = strawberry.enum_value("day", description="One calendar day.")
    WEEK = strawberry.enum_value("week", description="An ISO week, Monday to Sunday.")
    MONTH = strawberry.enum_value("month", description="A calendar month.")
    YEAR = strawberry.enum_value("year", description="A calendar year.")


def floor(day: dt.date, unit: TimeUnit) -> dt.date:
    """The first day of the bucket holding ``day``."""
    if unit is TimeUnit.DAY:
        return day
    if unit is TimeUnit.WEEK:
        return day - dt.timedelta(days=day.weekday())
    if unit is TimeUnit.MONTH:
        return day.replace(day=1)
    return day.replace(month=1, day=1)


def following(start: dt.date, unit: TimeUnit) -> dt.date:
    """The first day of the bucket after the one starting on ``start``."""
    if unit is TimeUnit.DAY:
        return start + dt.timedelta(days=1)
    if unit is TimeUnit.WEEK:
        return start + dt.timedelta(days=7)
    if unit is TimeUnit.MONTH:
        return start.replace(year=start.year + start.month // 12, month=start.month % 12 + 1)
    return start.replace(year=start.year + 1)


def last_day(start: dt.date, unit: TimeUnit) -> dt.date:
    """The last day of the bucket starting on ``start``."""
    return following(start, unit) - dt.timedelta(days=1)


def label(start: dt.date, unit: TimeUnit) -> str:
    """A bucket's display label: "4 August 2025", "week of 4 August 2025", "July 2025", "2025"."""
    day = f"{start.day} {MONTHS[start.month]} {start.year}"
    if unit is TimeUnit.DAY:
        return day
    if unit is TimeUnit.WEEK:
        return f"week of {day}"
    if unit is TimeUnit.MONTH:
        return f"{MONTHS[start.month]} {start.year}"
    return str(start.year)


def count_between(first: dt.date, last: dt.date, unit: TimeUnit) -> int:
    """How many buckets run from the bucket holding ``first`` to the one holding ``last`` (both included)."""
    a, b = floor(first, unit), floor(last, unit)
    if unit is TimeUnit.DAY:
        return (b - a).days + 1
    if unit is TimeUnit.WEEK:
        return (b - a).days // 7 + 1
    if unit is TimeUnit.MONTH:
        return (b.year * 12 + b.month) - (a.year * 12 + a.month) + 1
    return b.year - a.year + 1


@dataclass(frozen=True)
class Window:
    """A window widened to whole buckets: its buckets' first days, in order."""

    unit: TimeUnit
    starts: list[dt.date]

    @property
    def start(self) -> dt.date:
        return self.starts[0]

    @property
    def end(self) -> dt.date:
        return last_day(self.starts[-1], self.unit)


def window(unit: TimeUnit, first: dt.date, last: dt.date, *, field: str = "unit") -> Window:
    """The buckets from the one holding ``first`` to the one holding ``last``; BAD_USER_INPUT (at ``field``) when
    they would be more than ``MAX_BUCKETS``."""
    count = count_between(first, last, unit)
    if count > MAX_BUCKETS:
        raise BadUserInput(
            f"{first.isoformat()} to {last.isoformat()} makes {count} buckets of one {unit.name.lower()}, more than "
            f"the limit of {MAX_BUCKETS}: choose a coarser `unit` or a shorter window",
            field=field,
        )
    starts, start = [], floor(first, unit)
    for _ in range(count):
        starts.append(start)
        start = following(start, unit)
    return Window(unit, starts)


def bounds(start: str | None, end: str | None, *, names: tuple[str, str] = ("from", "to")) -> tuple[Any, Any]:
    """The first day of ``start`` and the last of ``end`` (either None when not given); BAD_USER_INPUT when
    ``start`` is after ``end``."""
    try:
        first = parse_when(start).earliest if start is not None else None
        last = parse_when(end).latest if end is not None else None
    except DateError as exc:  # the FuzzyDate scalar has checked them already; kept for callers from Python
        raise BadUserInput(f"bad date: {exc}", field=names[0]) from None
    if first is not None and last is not None and first > last:
        raise BadUserInput(f"`{names[0]}` is after `{names[1]}`", field=names[0])
    return first, last


def bucket_of(column: Any, unit: TimeUnit, dialect: str) -> Any:
    """The first day of the bucket holding the date in ``column``, in SQL (typed as a date)."""
    if unit is TimeUnit.DAY:
        return column
    if dialect == "postgresql":
        truncated = func.date_trunc(literal_column(f"'{unit.value}'"), cast(column, TIMESTAMP()))
        return cast(truncated, Date())
    modifiers = {
        TimeUnit.WEEK: ("'weekday 0'", "'-6 days'"),  # on to Sunday (itself if it is one), back to its Monday
        TimeUnit.MONTH: ("'start of month'",),
        TimeUnit.YEAR: ("'start of year'",),
    }[unit]
    return type_coerce(func.date(column, *(literal_column(m) for m in modifiers)), Date())


def greatest(dialect: str) -> Any:
    return func.greatest if dialect == "postgresql" else func.max


def least(dialect: str) -> Any:
    return func.least if dialect == "postgresql" else func.min


def as_date(value: Any) -> dt.date:
    """A date read back from SQL (SQLite may give the text of one)."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, str):
        return dt.date.fromisoformat(value[:10])
    return value


def cost_of(unit: Any, start: Any, end: Any) -> int:
    """How many buckets a field's arguments ask for, for the node-cost limit (before anything runs): counted from
    the window when both ends are given and readable, else the most any answer may hold (``MAX_BUCKETS``)."""
    try:
        unit_value = TimeUnit[str(unit)]
        first, last = bounds(str(start), str(end))
        assert first is not None and last is not None
        return max(1, min(count_between(first, last, unit_value), MAX_BUCKETS))
    except (KeyError, BadUserInput, AssertionError, ValueError, OverflowError):
        return MAX_BUCKETS
