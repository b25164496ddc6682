"""Shared columns: bookkeeping on every record, and the date columns of dated records."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from sqlalchemy import DateTime, MetaData, Table, inspect
from sqlmodel import Field, SQLModel

from api.dates import When, is_long, is_short

# Stable constraint names, so migrations (and SQLite batch mode) can refer to them.
SQLModel.metadata = MetaData(
    naming_convention={
        "ix": "ix_%(table_name)s_%(column_0_N_name)s",
        "uq": "uq_%(table_name)s_%(column_0_N_name)s",
        "ck": "ck_%(table_name)s_%(constraint_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)


def utcnow() -> dt.datetime:
    """Now, in UTC, with its time zone."""
    return dt.datetime.now(dt.UTC)


def table_of(model: type[SQLModel]) -> Table:
    """The table a model class maps to, typed (SQLModel's ``__table__`` is not declared to type checkers)."""
    table = inspect(model).local_table
    if not isinstance(table, Table):
        raise TypeError(f"{model.__name__} does not map to a table")
    return table


class Record(SQLModel):
    """Bookkeeping every table carries: creation and update times and a version for optimistic locking."""

    created_at: dt.datetime = Field(default_factory=utcnow, sa_type=DateTime(timezone=True), nullable=False)
    updated_at: dt.datetime = Field(default_factory=utcnow, sa_type=DateTime(timezone=True), nullable=False, index=True)
    version: int = Field(default=1, nullable=False)


class Dated(Record):
    """Columns of a record that happened at a (possibly fuzzy) time; see ``api.dates``."""

    when_text: str = Field(max_length=80)
    date_start: dt.date = Field(index=True)
    date_end: dt.date = Field(index=True)
    date_precision: str = Field(max_length=10)
    date_qualifier: str | None = Field(default=None, max_length=10)
    date_ongoing: bool = Field(default=False)
    date_long: bool = Field(default=False)
    date_short: bool = Field(default=False)
    date_label: str = Field(max_length=120)
    day_order: int = Field(default=0)

    def set_when(self, when: When, label: str | None = None) -> None:
        """Fill the date columns from a parsed date."""
        self.when_text = when.text
        self.date_start = when.earliest
        self.date_end = when.latest
        self.date_precision = when.start.precision
        self.date_qualifier = when.start.qualifier
        self.date_ongoing = when.ongoing
        self.date_long = is_long(when)
        self.date_short = is_short(when)
        self.date_label = label or when.label


def exactly_one(columns: Iterable[str]) -> str:
    """A CHECK that exactly one of ``columns`` holds a value (a reaction's target, a citation's record...)."""
    return "(" + " + ".join(f"CASE WHEN {name} IS NULL THEN 0 ELSE 1 END" for name in columns) + ") = 1"


DATED_CHECKS = (
    ("date_start <= date_end", "date_order"),
    ("date_precision IN ('day', 'month', 'year', 'decade')", "date_precision"),
    (
        "date_qualifier IS NULL OR date_qualifier IN ('circa', 'early', 'mid', 'late', 'before', 'after', 'between')",
        "date_qualifier",
    ),
)
