"""GraphQL over HTTP against the real app: an ``Api`` client on the seed story, on SQLite and PostgreSQL.

Tests talk to ``create_app(Settings(database_url=...))`` through ``httpx.ASGITransport`` as a frontend would.
The tests are synchronous: each ``Api`` owns one event loop for its lifetime (the async engine's pooled
connections belong to the loop that opened them), and every request runs on it.

- ``client``: the module's shared, read-only story database (``story_url``) — for tests that only query;
- ``seeded_client``: a fresh story database of the test's own (``seeded_url``) — for tests that write.

``Api.statements`` counts the SQL statements the app sends for reads (its ``app.state.statements`` tally, kept
where every read goes to the database, whether through SQLAlchemy or straight to asyncpg), so tests can show
that a query's cost depends on its shape, not its rows.
"""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from api.app import create_app
from api.settings import Settings

ROOT = Path(__file__).resolve().parents[2]
README = ROOT / "README.md"


class Api:
    """A GraphQL client for one app instance on one database, with its own event loop."""

    def __init__(self, url: str, **settings: Any) -> None:
        self.url = url
        self.loop = asyncio.new_event_loop()
        self.app = create_app(Settings(database_url=url, **settings))
        self.client = httpx.AsyncClient(transport=httpx.ASGITransport(app=self.app), base_url="http://test")

    @property
    def statements(self) -> int:
        """SQL statements sent for reads so far."""
        return int(self.app.state.statements.sent)

    def request(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        """One HTTP request to the app."""
        return self.loop.run_until_complete(self.client.request(method, path, **kwargs))

    def post(self, query: str, variables: dict[str, Any] | None = None) -> httpx.Response:
        """POST a GraphQL document (and variables) to /graphql."""
        body: dict[str, Any] = {"query": query}
        if variables is not None:
            body["variables"] = variables
        return self.request("POST", "/graphql", json=body)

    def gql(self, query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
        """The ``data`` of a query that must succeed: HTTP 200 and no errors."""
        response = self.post(query, variables)
        assert response.status_code == 200, response.text
        body = response.json()
        assert not body.get("errors"), json.dumps(body["errors"], indent=1)
        assert body.get("data") is not None, response.text
        return body["data"]

    def errors(self, query: str, variables: dict[str, Any] | None = None) -> list[dict[str, Any]]:
        """The errors of a query that must fail cleanly: HTTP 200 or 4xx, never 5xx, no traceback in the body."""
        response = self.post(query, variables)
        assert response.status_code < 500, response.text
        assert response.status_code == 200 or 400 <= response.status_code < 500, response.status_code
        assert_no_traceback(response.text)
        body = response.json()
        assert body.get("errors"), f"expected errors, got {response.text}"
        return body["errors"]

    def count(self, query: str, variables: dict[str, Any] | None = None) -> tuple[int, dict[str, Any]]:
        """How many SQL statements one successful query issues, and its data."""
        before = self.statements
        data = self.gql(query, variables)
        return self.statements - before, data

    def close(self) -> None:
        """Close the client, dispose the engine's pool, close the loop."""
        self.loop.run_until_complete(self.client.aclose())
        self.loop.run_until_complete(self.app.state.engine.dispose())
        self.loop.close()


def assert_no_traceback(text: str) -> None:
    """A response body must never show Python internals."""
    assert "Traceback" not in text, text
    assert 'File "' not in text, text
    assert '.py", line' not in text, text


def ref(value: str | dict[str, str]) -> dict[str, str]:
    """A `RecordRef` for a slug or a global id as tests write them (``"israel"`` → ``{"slug": "israel"}``; an id,
    which never holds a hyphen and decodes as one of ours, → ``{"id": ...}``)."""
    if isinstance(value, dict):
        return value
    from schema.ids import try_decode

    return {"id": value} if try_decode(value) is not None else {"slug": value}


def item_filter(filter_: dict[str, Any]) -> dict[str, Any]:
    """An `ItemFilter` variable with its `actors` given as slugs or ids turned into `RecordRef`s."""
    if isinstance(filter_.get("actors"), list):
        return {**filter_, "actors": [ref(a) for a in filter_["actors"]]}
    return filter_


def codes(errors: list[dict[str, Any]]) -> list[str | None]:
    """The ``extensions.code`` of each error."""
    return [(e.get("extensions") or {}).get("code") for e in errors]


def readme_queries() -> list[str]:
    """The GraphQL documents of the README's "Try it" section, verbatim, in order."""
    text = README.read_text(encoding="utf-8")
    section = text.split("## Try it", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```graphql\n(.*?)```", section, re.S)


def readme_documents() -> list[str]:
    """Every GraphQL document of README.md (every section's ```graphql blocks), verbatim, in order."""
    return re.findall(r"```graphql\n(.*?)```", README.read_text(encoding="utf-8"), re.S)


@pytest.fixture(scope="module")
def client(story_url: str) -> Iterator[Api]:
    """A client on the module's shared, read-only story database (sqlite and postgresql)."""
    api = Api(story_url)
    yield api
    api.close()


@pytest.fixture
def seeded_client(seeded_url: str) -> Iterator[Api]:
    """A client on a fresh story database of this test's own, free to write."""
    api = Api(seeded_url)
    yield api
    api.close()
