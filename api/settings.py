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
    port: int = 8000
    workers: int = 1
    graphiql: bool = True
    """Serve the playground (GraphiQL, built into api/playground/) at GET /graphql and its assets."""
    introspection: bool = True
    # NoDecode: pydantic-settings would insist on JSON for a list; operators write `a,b` as often as `["a"]`.
    cors_origins: Annotated[list[str], NoDecode] = []
    """Origins (``scheme://host[:port]``) whose pages may call the API from a browser; ``*`` for anonymous
    reads from anywhere. Empty: same origin only, no CORS headers sent."""
    max_page_size: int = 100
    exact_count_limit: int = 1000
    common_value: int = 2000
    """A filter value with at least this many index entries (a country's participations) is "common": the
    timeline walks the dates and tests each item rather than gathering every match first."""
    """Lists count their items exactly up to this many; beyond, ``totalCount`` is this limit, flagged inexact."""
    max_depth: int = 12
    max_aliases: int = 20
    max_tokens: int = 2000
    max_nodes: int = 50_000
    max_body_bytes: int = 1_048_576
    max_batch: int = 1
    execution_timeout: float = 10.0
    statement_timeout_ms: int = 5000
    db_connect_timeout: float = 3.0
    db_pool_size: int = 10
    log_level: str = "INFO"

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
