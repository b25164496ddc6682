"""The errors a client may see, each with a stable ``extensions.code``; anything else is masked (``masked``)."""

from __future__ import annotations

import contextlib
import logging
import uuid
from collections.abc import Iterator

from graphql import GraphQLError

from api.logs import REQUEST_ID

log = logging.getLogger("realign.errors")


class PublicError(Exception):
    """An error meant for the client: its message is shown and ``code`` goes into ``extensions``, with the
    ``field`` it concerns and any ``extra`` (JSON values) beside."""

    code = "INTERNAL"

    def __init__(self, message: str, *, field: str | None = None, **extra: object) -> None:
        super().__init__(message)
        self.extensions: dict[str, object] = {"code": self.code, **extra}
        if field is not None:
            self.extensions["field"] = field

    @staticmethod
    def of(code: str, message: str, *, field: str | None = None, **extra: object) -> PublicError:
        """An error whose code is known only at run time (a write service's, ``api.services.mutations``)."""
        error = PublicError(message, field=field, **extra)
        error.code = code
        error.extensions["code"] = code
        return error


class BadUserInput(PublicError):
    """An argument is malformed or out of range."""

    code = "BAD_USER_INPUT"


class NotFound(PublicError):
    """An id or slug names nothing."""

    code = "NOT_FOUND"


class ServiceUnavailable(PublicError):
    """The database cannot be reached right now."""

    code = "SERVICE_UNAVAILABLE"


class Timeout(PublicError):
    """A time limit stopped the work: the operation's (``REALIGN_EXECUTION_TIMEOUT``) or a statement's in the
    database (``REALIGN_STATEMENT_TIMEOUT_MS``)."""

    code = "TIMEOUT"


class Unauthenticated(PublicError):
    """A write without a valid token."""

    code = "UNAUTHENTICATED"


class Forbidden(PublicError):
    """The token's role does not allow this."""

    code = "FORBIDDEN"


class Conflict(PublicError):
    """An update or delete named a stale version."""

    code = "CONFLICT"


def article(noun: str) -> str:
    """The noun with "a" or "an" ("an Actor", "a Statement")."""
    return f"{'an' if noun[:1].lower() in 'aeiou' else 'a'} {noun}"


def _reference() -> str:
    """What ties a masked error to its log line: the request's id (a WebSocket's, for a subscription)."""
    return REQUEST_ID.get() or uuid.uuid4().hex


def masked(errors: list[GraphQLError]) -> list[GraphQLError]:
    """The errors a client may see: public ones (a ``PublicError``, or graphql-core's own about the request) as they
    are; any other as "internal error" with the request's reference, its stack in the log under that reference."""
    out = []
    for error in errors:
        original = error.original_error
        if original is None or isinstance(original, PublicError | GraphQLError):
            out.append(error)
            continue
        reference = _reference()
        log.error("internal error at %s", error.path, exc_info=original)
        extensions = {"code": "INTERNAL", "requestId": reference}
        out.append(
            GraphQLError(
                "internal error",
                nodes=error.nodes,
                source=error.source,
                positions=error.positions,
                path=error.path,
                extensions=extensions,
            )
        )
    return out


@contextlib.contextmanager
def internal_errors_masked() -> Iterator[None]:
    """Around a subscription's source (its resolver's generator): an unexpected failure there reaches the client as
    "internal error" with a reference, as one inside a field does (``masked``)."""
    try:
        yield
    except (PublicError, GraphQLError):
        raise
    except Exception as exc:
        reference = _reference()
        log.error("internal error in a subscription", exc_info=exc)
        raise Internal("internal error", requestId=reference) from None


class Internal(PublicError):
    """An unexpected failure, masked: the client sees only that it happened and its reference in the log."""

    code = "INTERNAL"
