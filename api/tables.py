"""Every table, as a SQLAlchemy ``Table`` handle: the one place the rest of the code takes them from.

Each handle is named after its table. Statements are written against these (Core), never against the model
classes, whose ``__table__`` SQLModel sets without declaring it: the one cast that needs stands in ``_table``.
"""

from __future__ import annotations

from typing import cast

from sqlalchemy import Table
from sqlmodel import SQLModel

from api.models import (
    Actor,
    Affiliation,
    ApiToken,
    AuditEntry,
    Citation,
    Event,
    EventParticipant,
    EventTag,
    Reaction,
    ReactionTag,
    RelationshipChange,
    Source,
    Statement,
    StatementAbout,
    StatementTag,
    Tombstone,
)


def _table(model: type[SQLModel]) -> Table:
    """The table of a model class (set by SQLModel on every ``table=True`` class, but not in its type)."""
    return cast(Table, model.__table__)  # type: ignore[attr-defined]


# Record tables (see api.kinds for what each kind of record is).
SOURCE = _table(Source)
ACTOR = _table(Actor)
AFFILIATION = _table(Affiliation)
EVENT = _table(Event)
STATEMENT = _table(Statement)
REACTION = _table(Reaction)
RELATIONSHIP_CHANGE = _table(RelationshipChange)
# Rows that are part of a record: its tags, an event's participants, the actors a statement is about, citations.
EVENT_TAG = _table(EventTag)
STATEMENT_TAG = _table(StatementTag)
REACTION_TAG = _table(ReactionTag)
EVENT_PARTICIPANT = _table(EventParticipant)
STATEMENT_ABOUT = _table(StatementAbout)
CITATION = _table(Citation)
# Bookkeeping: tombstones of deleted records, the audit trail, API tokens.
TOMBSTONE = _table(Tombstone)
AUDIT_ENTRY = _table(AuditEntry)
API_TOKEN = _table(ApiToken)
