"""All tables; importing this package registers them on ``SQLModel.metadata``."""

from api.models.access import ApiToken, AuditEntry
from api.models.actors import Actor, Affiliation
from api.models.base import Record, table_of, utcnow
from api.models.events import Event, EventParticipant, EventTag
from api.models.reactions import Reaction, ReactionTag
from api.models.relationships import RelationshipChange
from api.models.sources import Citation, Source
from api.models.statements import Statement, StatementAbout, StatementTag
from api.models.sync import ChangeEntry, Tombstone

__all__ = [
    "ApiToken",
    "AuditEntry",
    "ChangeEntry",
    "Actor",
    "Affiliation",
    "Citation",
    "Event",
    "EventParticipant",
    "EventTag",
    "Reaction",
    "ReactionTag",
    "Record",
    "RelationshipChange",
    "Source",
    "Statement",
    "StatementAbout",
    "StatementTag",
    "Tombstone",
    "table_of",
    "utcnow",
]
