"""Every table, as a SQLAlchemy ``Table`` handle: the one place the rest of the code takes them from.

Each handle is named after its table. Statements are written against these (Core), never against the model
classes, whose ``__table__`` SQLModel sets without declaring it (``api.models.table_of`` reads it, typed).
"""

from __future__ import annotations

from api.models import (
    Actor,
    Affiliation,
    ApiToken,
    AuditEntry,
    ChangeEntry,
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
    table_of,
)

# Record tables (see api.kinds for what each kind of record is).
SOURCE = table_of(Source)
ACTOR = table_of(Actor)
AFFILIATION = table_of(Affiliation)
EVENT = table_of(Event)
STATEMENT = table_of(Statement)
REACTION = table_of(Reaction)
RELATIONSHIP_CHANGE = table_of(RelationshipChange)
# Rows that are part of a record: its tags, an event's participants, the actors a statement is about, citations.
EVENT_TAG = table_of(EventTag)
STATEMENT_TAG = table_of(StatementTag)
REACTION_TAG = table_of(ReactionTag)
EVENT_PARTICIPANT = table_of(EventParticipant)
STATEMENT_ABOUT = table_of(StatementAbout)
CITATION = table_of(Citation)
# Bookkeeping: tombstones of deleted records, the audit trail, API tokens.
TOMBSTONE = table_of(Tombstone)
AUDIT_ENTRY = table_of(AuditEntry)
API_TOKEN = table_of(ApiToken)
# The change log live subscriptions read (commit-ordered positions; ``api.services.changes``).
CHANGE_LOG = table_of(ChangeEntry)
