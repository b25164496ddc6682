"""Typed settings, read from ``REALIGN_*`` environment variables (and an optional ``.env`` file)."""

from __future__ import annotations

import json
from functools import lru_cache
from typing import Annotated

from pydantic import field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict


class Settings(BaseSettings):
    """Everything Realign can be configured with; each field is ``REALIGN_<FIELD>`` in the environment."""

    model_config = SettingsConfigDict(env_prefix="REALIGN_", env_file=".env", extra="ignore")

    database_url: str = "sqlite:///realign.db"
    """SQLAlchemy URL without a driver (``sqlite:///file.db`` or ``postgresql://user@host/db``)."""
    host: str = "127.0.0.1"
    """The interface ``realign serve`` listens on."""
    port: int = 8000
    """The port ``realign serve`` listens on."""
    workers: int = 1
    """Worker processes of ``realign serve``."""
    graphiql: bool = True
    """Serve the playground (GraphiQL, built into api/playground/) at GET /graphql and its assets."""
    introspection: bool = True
    """Answer schema introspection queries."""
    # NoDecode: pydantic-settings would insist on JSON for a list; operators write `a,b` as often as `["a"]`.
    cors_origins: Annotated[list[str], NoDecode] = []
    """Origins (``scheme://host[:port]``) whose pages may call the API from a browser; ``*`` for anonymous
    reads from anywhere. Empty: same origin only, no CORS headers sent."""

    # The limits (README "Limits"): each answered with a GraphQL error and a code, or HTTP 413.
    max_page_size: int = 100
    """The most items one page (``first``/``last``) or one ``nodes(ids:)`` look-up may ask for."""
    exact_count_limit: int = 1000
    """Lists count their items exactly up to this many; beyond, ``totalCount`` is this limit, flagged inexact."""
    common_value: int = 2000
    """A filter value with at least this many index entries (a country's participations) is "common": the
    timeline walks the dates and tests each item rather than gathering every match first."""
    max_depth: int = 12
    """The deepest nesting of fields a query may have."""
    max_aliases: int = 20
    """The most aliases one query may use."""
    max_tokens: int = 2000
    """The most tokens a query document may have (refused before parsing)."""
    max_nodes: int = 50_000
    """The most nodes an operation may return: page sizes multiplied down each nesting, summed (``schema.limits``)."""
    max_export_items: int = 5000
    """The most items one timeline export (TimelineJS, vis-timeline) may hold; past it the export is refused."""
    max_body_bytes: int = 1_048_576
    """The largest request body (``api.web.BodyLimit``); a bigger one is answered with HTTP 413."""
    max_batch: int = 1
    """Operations per request; above 1, batching is on."""
    execution_timeout: float = 10.0
    """Seconds an operation may run before it is stopped with TIMEOUT."""
    statement_timeout_ms: int = 5000
    """Milliseconds one SQL statement may run (on SQLite, one read statement); 0: no limit."""
    db_connect_timeout: float = 3.0
    """Seconds one attempt to connect to the database may take."""
    db_pool_size: int = 10
    """Connections the API keeps open to PostgreSQL (as many more may open under load)."""
    span_compact_seconds: float = 60.0
    """Seconds between merges of the span counts' delta rows (PostgreSQL; ``api.spans.compact``); 0: never."""
    # Live subscriptions (README "Live timelines").
    max_ws_connections: int = 1000
    """WebSocket connections one process accepts at once; past it a new one is refused (close code 1013)."""
    max_subscriptions_per_connection: int = 20
    """Operations one WebSocket connection may run at once (subscriptions, mostly)."""
    live_pool_size: int = 4
    """Connections live subscriptions share to read what they deliver (PostgreSQL), apart from the pool that serves
    requests and writes: however many subscribers wait for one, a write never does."""
    live_queue_size: int = 1000
    """Changes waiting for one subscriber; a subscriber that falls further behind gets TOO_FAR_BEHIND with its last
    cursor, and its subscription ends (it resumes with `after:`)."""
    live_poll_seconds: float = 1.0
    """Seconds between reads of the change log when no wake-up came (SQLite: other processes' writes; PostgreSQL
    waits at least 5 s, as notifications wake it)."""
    live_ping_seconds: float = 10.0
    """Seconds between checks that the PostgreSQL LISTEN connection is alive."""
    ws_keepalive_seconds: float = 15.0
    """Seconds between keep-alive messages on a legacy `graphql-ws` connection (`graphql-transport-ws` clients
    ping; the server also sends WebSocket pings)."""
    ws_idle_seconds: float = 300.0
    """Seconds a WebSocket connection may stay open without any subscription or message before it is closed."""
    log_level: str = "INFO"
    """The log level (JSON lines on stderr)."""

    @field_validator("cors_origins", mode="before")
    @classmethod
    def _origin_list(cls, value: object) -> object:
        """A JSON list (``["https://a.org"]``) or comma-separated origins (``https://a.org,https://b.org``)."""
        if isinstance(value, str):
            text = value.strip()
            value = json.loads(text) if text.startswith("[") else [part for part in text.split(",") if part.strip()]
        if isinstance(value, list | tuple):
            return [normalise_origin(str(origin)) for origin in value]
        return value


def normalise_origin(origin: str) -> str:
    """``https://Example.org/`` → ``https://example.org``: browsers send origins lower-case, without a slash."""
    origin = origin.strip().rstrip("/")
    if origin == "*":
        return origin
    scheme, sep, rest = origin.partition("://")
    if not sep or not rest or "/" in rest:
        raise ValueError(f"not an origin (scheme://host[:port]): {origin!r}")
    return f"{scheme.lower()}://{rest.lower()}"


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings, read once from the environment."""
    return Settings()
