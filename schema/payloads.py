"""What a mutation answers: a payload per mutation, holding the record written (or what a delete removed) and the
``userErrors`` that refused it, typed so that a client can put each beside the form field it concerns.

A refused write is not a GraphQL error: its field still answers, with the record (or ``deleted``) empty and every
problem in ``userErrors``, so one bad write in a document costs nothing to the others. GraphQL errors are left for
what is not about the arguments: no token or too low a role, the limits, a timeout, an unavailable database, an
internal failure.
"""

from __future__ import annotations

import enum
from typing import Any

import strawberry

from api.kinds import RecordKind
from schema.audit import DeletedItem
from schema.types.nodes import Node


@strawberry.enum(description="Why a write was refused.")
class UserErrorCode(enum.Enum):
    INVALID = strawberry.enum_value(
        "INVALID",
        description="A value is malformed, out of range or inconsistent with another, or a required one is missing.",
    )
    NOT_FOUND = strawberry.enum_value(
        "NOT_FOUND", description="The record to change or delete, or a record the input refers to, does not exist."
    )
    TAKEN = strawberry.enum_value("TAKEN", description="The slug is already another record's.")
    CONFLICT = strawberry.enum_value(
        "CONFLICT",
        description="The record changed since you read it (`currentVersion` says where it is now: reload it and apply "
        "your change again), or a concurrent write took what this one needed; nothing was written.",
    )
    REFERENCED = strawberry.enum_value(
        "REFERENCED",
        description="Other records refer to the record to delete (`references` lists them); `cascade: true` deletes "
        "them too.",
    )


# At most this many of the records referring to a record to delete are listed (the message gives their number).
REFERENCES_SHOWN = 100


@strawberry.type(description="One reason a write was refused; a refused write writes nothing at all.")
class UserError:
    field: list[str] | None = strawberry.field(
        description='Where the problem is, as a path into the mutation\'s arguments: `["input", "participants", "1", '
        '"actor"]` (a position in a list is its index), `["ref"]`, `["version"]`; null when no one argument is at '
        "fault."
    )
    message: str = strawberry.field(description="What is wrong, in words, naming the field.")
    code: UserErrorCode = strawberry.field(description="What sort of problem it is.")
    current_version: int | None = strawberry.field(
        default=None, description="With CONFLICT on a stale version: the record's version now."
    )
    references: list[Node] | None = strawberry.field(
        default=None,
        description=f"With REFERENCED: the records that refer to the one to delete (at most {REFERENCES_SHOWN}).",
    )


USER_ERRORS = "Why the write was refused, every problem found; empty when it was made."


def lower_camel(type_name: str) -> str:
    """A type name as a field name: ``RelationshipChange`` → ``relationshipChange``."""
    return type_name[0].lower() + type_name[1:]


def _payload(name: str, description: str, fields: dict[str, tuple[Any, Any]]) -> type:
    """An object type built at run time: ``fields`` maps each Python name to (its type, its strawberry field)."""
    namespace: dict[str, Any] = {"__annotations__": {}}
    for python_name, (annotation, field) in fields.items():
        namespace["__annotations__"][python_name] = annotation
        namespace[python_name] = field
    return strawberry.type(type(name, (), namespace), name=name, description=description)


def record_payload(kind: RecordKind, output: type, action: str) -> type:
    """``<Type>CreatePayload`` or ``<Type>UpdatePayload``: the record as stored, or the errors that refused it."""
    done = {"Create": "created", "Update": "changed"}[action]
    return _payload(
        f"{kind.type_name}{action}Payload",
        f"The result of `{lower_camel(kind.type_name)}{action}`: the {kind.label} as {done}, or why not.",
        {
            kind.key: (
                output | None,
                strawberry.field(default=None, description=f"The {kind.label} as stored; null when refused."),
            ),
            "user_errors": (list[UserError], strawberry.field(default_factory=list, description=USER_ERRORS)),
        },
    )


def delete_payload(kind: RecordKind) -> type:
    """``<Type>DeletePayload``: what went, or the errors that refused the delete."""
    return _payload(
        f"{kind.type_name}DeletePayload",
        f"The result of `{lower_camel(kind.type_name)}Delete`: what it removed, or why not.",
        {
            "deleted": (
                list[DeletedItem],
                strawberry.field(
                    default_factory=list,
                    description=f"Every record removed, the {kind.label} asked for last (with `cascade`, the "
                    "records that referred to it before it); empty when refused.",
                ),
            ),
            "user_errors": (list[UserError], strawberry.field(default_factory=list, description=USER_ERRORS)),
        },
    )
