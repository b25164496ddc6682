"""Helpers of the write-path tests: an authenticated GraphQL client, a fingerprint of the whole database, and the
documents and inputs several test modules share.

``Client`` talks to ``create_app(Settings(database_url=...))`` over ``httpx.ASGITransport`` (like ``tests.api``'s
``Api``) and sends ``Authorization: Bearer <token>`` for a role, or any header a test wants. ``Writer`` is a client
that first creates one token per role in its database (in-process, with ``api.services.tokens.create``).
"""

from __future__ import annotations

import asyncio
import datetime as dt
from typing import Any

from sqlalchemy import Engine, func, select
from sqlmodel import SQLModel

import api.models  # noqa: F401 - registers every table on the metadata
from api.db import make_engine
from api.services import tokens
from tests.api.conftest import Api, assert_no_traceback

ROLES = ("reader", "editor", "admin")
TOKEN_NAMES = {"reader": "rita-reader", "editor": "eddie-editor", "admin": "ada-admin"}
ARTICLE = "ny-sun-coalition-of-the-beleaguered"
TYPE_OF = {
    "source": "Source",
    "actor": "Actor",
    "affiliation": "Affiliation",
    "event": "Event",
    "statement": "Statement",
    "reaction": "Reaction",
    "relationship_change": "RelationshipChange",
}

# --- documents several modules use ---------------------------------------------------------------------------

EVENT_FIELDS = """
  id slug title summary eventKind mode contexts score modality cameo version createdAt updatedAt
  date { text label start end precision }
  place { name country latitude longitude }
  participants { role actor { slug } }
  tags
  citations { passage source { slug } }
"""
USER_ERRORS = "userErrors { field message code currentVersion references { __typename id ... on Event { slug } } }"
EVENT_CREATE = f"""
mutation ($input: EventCreateInput!) {{ eventCreate(input: $input) {{ event {{ {EVENT_FIELDS} }} {USER_ERRORS} }} }}
"""
EVENT_UPDATE = f"""
mutation ($ref: RecordRef!, $version: Int!, $input: EventUpdateInput!) {{
  eventUpdate(ref: $ref, version: $version, input: $input) {{ event {{ {EVENT_FIELDS} }} {USER_ERRORS} }}
}}
"""
EVENT_DELETE = f"""
mutation ($ref: RecordRef!, $version: Int!, $cascade: Boolean! = false) {{
  eventDelete(ref: $ref, version: $version, cascade: $cascade) {{ deleted {{ type id slug deletedAt }} {USER_ERRORS} }}
}}
"""
EVENT_READ = f"query ($slug: String!) {{ event(ref: {{slug: $slug}}) {{ {EVENT_FIELDS} }} }}"
REACTION_CREATE = f"""
mutation ($input: ReactionCreateInput!) {{
  reactionCreate(input: $input) {{
    reaction {{
      id slug reactionKind version reactor {{ slug }}
      target {{ __typename slug }}
    }}
    {USER_ERRORS}
  }}
}}
"""
SOURCE_CREATE = f"""
mutation ($input: SourceCreateInput!) {{ sourceCreate(input: $input) {{ source {{ id slug title }} {USER_ERRORS} }} }}
"""
ACTOR_CREATE = f"""
mutation ($input: ActorCreateInput!) {{ actorCreate(input: $input) {{ actor {{ id slug version }} {USER_ERRORS} }} }}
"""
AUDIT_TRAIL = """
query ($filter: AuditFilter, $first: Int) {
  auditTrail(filter: $filter, first: $first) {
    totalCount
    nodes { at madeBy action recordType recordId recordSlug before after }
  }
}
"""
DELETED_SINCE = """
query ($since: DateTime!) {
  deletedSince(since: $since, first: 100) { totalCount nodes { type id slug deletedAt } }
}
"""


def ref(slug: str) -> dict[str, str]:
    """A ``RecordRef`` by slug."""
    return {"slug": slug}


def event_input(slug: str, **fields: Any) -> dict[str, Any]:
    """A valid EventCreateInput: a consultation on 5 August 2025 between Israel and Taiwan, with ``fields`` on top."""
    base: dict[str, Any] = {
        "slug": slug,
        "title": f"Test event {slug}",
        "eventKind": "CONSULT",
        "date": "2025-08-05",
        "participants": [{"actor": ref("israel"), "role": "INITIATOR"}, {"actor": ref("taiwan"), "role": "TARGET"}],
    }
    return {**base, **fields}


def reaction_input(slug: str, target: dict[str, str], **fields: Any) -> dict[str, Any]:
    """A valid ReactionCreateInput: Taiwan thanking ``target`` (an ``ItemRef``) on 6 August 2025, with ``fields`` on
    top."""
    return {
        "slug": slug,
        "reactor": ref("taiwan"),
        "reactionKind": "THANKS",
        "target": target,
        "date": "2025-08-06",
        **fields,
    }


def now() -> dt.datetime:
    """The clock, in UTC, with its zone."""
    return dt.datetime.now(dt.UTC)


def parse_time(value: str) -> dt.datetime:
    """A DateTime the API returned."""
    parsed = dt.datetime.fromisoformat(value)
    assert parsed.tzinfo is not None, f"{value!r} carries no time zone"
    return parsed


def extensions(error: dict[str, Any]) -> dict[str, Any]:
    """An error's extensions (empty if none)."""
    return error.get("extensions") or {}


# --- the database as a whole ---------------------------------------------------------------------------------


def fingerprint(engine: Engine) -> dict[str, Any]:
    """Everything a write could change, in a comparable form: per table its row count, and where a table has them
    the sum of versions and the latest update time. Equal fingerprints before and after mean nothing was written."""
    out: dict[str, Any] = {}
    with engine.connect() as conn:
        for table in SQLModel.metadata.sorted_tables:
            columns: list[Any] = [func.count()]
            if "version" in table.c:
                columns.append(func.coalesce(func.sum(table.c.version), 0))
            if "updated_at" in table.c:
                columns.append(func.max(table.c.updated_at))
            out[table.name] = tuple(conn.execute(select(*columns).select_from(table)).one())
    return out


def row_of(engine: Engine, kind: str, slug: str) -> Any:
    """A record's stored bookkeeping (id, slug, version, created_at, updated_at); None if there is no such record."""
    table = SQLModel.metadata.tables[kind]
    columns = [table.c.id, table.c.slug, table.c.version, table.c.created_at, table.c.updated_at]
    with engine.connect() as conn:
        return conn.execute(select(*columns).where(table.c.slug == slug)).first()


# --- clients -------------------------------------------------------------------------------------------------


class Client(Api):
    """A GraphQL client on one app instance that sends a bearer token for a role (or headers of the test's own)."""

    def __init__(self, url: str, token_values: dict[str, str], **settings: Any) -> None:
        super().__init__(url, **settings)
        self.tokens = dict(token_values)

    def _headers(self, role: str | None, headers: dict[str, str] | None) -> dict[str, str]:
        if headers is not None:
            return headers
        return {"Authorization": f"Bearer {self.tokens[role]}"} if role else {}

    async def asend(
        self,
        query: str,
        variables: dict[str, Any] | None = None,
        *,
        role: str | None = "editor",
        headers: dict[str, str] | None = None,
    ) -> dict[str, Any]:
        """POST a document (as ``role``'s token, anonymously with ``role=None``, or with ``headers``); the body."""
        body: dict[str, Any] = {"query": query}
        if variables is not None:
            body["variables"] = variables
        response = await self.client.post("/graphql", json=body, headers=self._headers(role, headers))
        assert response.status_code == 200, response.text
        assert_no_traceback(response.text)
        return response.json()

    def send(self, query: str, variables: dict[str, Any] | None = None, **kwargs: Any) -> dict[str, Any]:
        """``asend`` on the client's own loop."""
        return self.loop.run_until_complete(self.asend(query, variables, **kwargs))

    def ok(self, query: str, variables: dict[str, Any] | None = None, **kwargs: Any) -> dict[str, Any]:
        """The data of a request that must succeed."""
        body = self.send(query, variables, **kwargs)
        assert not body.get("errors"), body["errors"]
        return body["data"]

    def fail(
        self,
        query: str,
        variables: dict[str, Any] | None = None,
        *,
        code: str,
        field: str | None = None,
        data: dict[str, Any] | None = None,
        **kwargs: Any,
    ) -> dict[str, Any]:
        """The one error of a request that must fail with ``code`` (and ``extensions.field``, if given); the data
        must be ``data`` (null unless the failing field is nullable, e.g. ``{"auditTrail": None}``)."""
        body = self.send(query, variables, **kwargs)
        errors = body.get("errors") or []
        assert len(errors) == 1, body
        assert body.get("data") == data, body
        assert extensions(errors[0]).get("code") == code, errors[0]
        if field is not None:
            assert extensions(errors[0]).get("field") == field, errors[0]
        return errors[0]

    def written(self, query: str, variables: dict[str, Any] | None = None, **kwargs: Any) -> dict[str, Any]:
        """The payload of a write that must succeed (the document holds one mutation): no GraphQL error and no
        ``userErrors``."""
        (payload,) = self.ok(query, variables, **kwargs).values()
        assert payload["userErrors"] == [], payload["userErrors"]
        return payload

    def refused(
        self,
        query: str,
        variables: dict[str, Any] | None = None,
        *,
        code: str,
        field: list[str] | None = None,
        **kwargs: Any,
    ) -> list[dict[str, Any]]:
        """The ``userErrors`` of a write that must be refused (the document holds one mutation): HTTP 200, no
        GraphQL error, the record null (or ``deleted`` empty), and the first user error of ``code`` (at ``field``,
        if given), each with a message."""
        (payload,) = self.ok(query, variables, **kwargs).values()
        errors = payload["userErrors"]
        assert errors, payload
        assert all(value in (None, []) for key, value in payload.items() if key != "userErrors"), payload
        assert errors[0]["code"] == code, errors
        if field is not None:
            assert errors[0]["field"] == field, errors
        assert all(error["message"] for error in errors), errors
        return errors

    def gather(self, *coroutines: Any) -> list[Any]:
        """Run coroutines (e.g. ``asend`` calls) concurrently on the client's loop; their results in order."""

        async def together() -> list[Any]:
            return list(await asyncio.gather(*coroutines))

        return self.loop.run_until_complete(together())


class Writer(Client):
    """A client that first creates a reader, an editor and an admin token in its database, and can look inside."""

    def __init__(self, url: str, **settings: Any) -> None:
        self.engine = make_engine(url)
        values: dict[str, str] = {}
        with self.engine.begin() as conn:
            for role in ROLES:
                values[role] = tokens.create(conn, name=TOKEN_NAMES[role], role=role)
        super().__init__(url, values, **settings)

    def fingerprint(self) -> dict[str, Any]:
        """The database's fingerprint (see ``fingerprint``)."""
        return fingerprint(self.engine)

    def row(self, kind: str, slug: str) -> Any:
        """A record's stored row."""
        return row_of(self.engine, kind, slug)

    def close(self) -> None:
        super().close()
        self.engine.dispose()
