"""The errors a client may see, each with a stable ``extensions.code``; anything else is masked."""

from __future__ import annotations


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
