"""Typed settings, read from ``REALIGN_*`` environment variables (and an optional ``.env`` file)."""

from __future__ import annotations

from functools import lru_cache

from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    """Everything Realign can be configured with; each field is ``REALIGN_<FIELD>`` in the environment."""

    model_config = SettingsConfigDict(env_prefix="REALIGN_", env_file=".env", extra="ignore")

    database_url: str = "sqlite:///realign.db"
    """SQLAlchemy URL without a driver (``sqlite:///file.db`` or ``postgresql://user@host/db``)."""
    host: str = "127.0.0.1"
    port: int = 8000
    workers: int = 1
    graphiql: bool = True
    introspection: bool = True
    max_page_size: int = 100
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


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings, read once from the environment."""
    return Settings()
