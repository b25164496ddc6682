"""Sources and the citations that tie any record to them."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import CheckConstraint
from sqlmodel import Field, SQLModel

from api.models.base import Record, exactly_one


class Source(Record, table=True):
    """Where facts come from: an article, a report, a post."""

    __tablename__ = "source"
    __table_args__ = (CheckConstraint("length(title) > 0", name="title_not_empty"),)

    id: int | None = Field(default=None, primary_key=True)
    slug: str = Field(max_length=120, unique=True)
    title: str = Field(max_length=400)
    publisher: str | None = Field(default=None, max_length=200)
    author: str | None = Field(default=None, max_length=200)
    url: str | None = Field(default=None, max_length=1000)
    language: str = Field(default="en", max_length=12)
    published_text: str | None = Field(default=None, max_length=80)
    published_start: dt.date | None = Field(default=None)
    published_end: dt.date | None = Field(default=None)
    published_label: str | None = Field(default=None, max_length=120)


class Citation(Record, table=True):
    """A record citing a source, optionally with the passage that supports it (in exactly one of the record
    columns: every foreign key but the source's, one per kind of record that cites sources)."""

    __tablename__ = "citation"

    id: int | None = Field(default=None, primary_key=True)
    source_id: int = Field(foreign_key="source.id", index=True)
    passage: str | None = Field(default=None)
    position: int = Field(default=0)
    actor_id: int | None = Field(default=None, foreign_key="actor.id", ondelete="CASCADE", index=True)
    affiliation_id: int | None = Field(default=None, foreign_key="affiliation.id", ondelete="CASCADE", index=True)
    event_id: int | None = Field(default=None, foreign_key="event.id", ondelete="CASCADE", index=True)
    statement_id: int | None = Field(default=None, foreign_key="statement.id", ondelete="CASCADE", index=True)
    reaction_id: int | None = Field(default=None, foreign_key="reaction.id", ondelete="CASCADE", index=True)
    relationship_change_id: int | None = Field(
        default=None, foreign_key="relationship_change.id", ondelete="CASCADE", index=True
    )


# Added once the columns exist, so that the check is made from them and a new record column joins it by itself.
_CITATION = SQLModel.metadata.tables["citation"]
_CITING = [column.name for column in _CITATION.c if column.foreign_keys and column.name != "source_id"]
_CITATION.append_constraint(CheckConstraint(exactly_one(_CITING), name="exactly_one_record"))
