"""Per-request context: the database engine, settings, and one place that runs SQL and maps its failures."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import exc as sa_exc
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlalchemy.sql import Executable

from api.settings import Settings
from schema.errors import ServiceUnavailable


@dataclass
class Context:
    """What every resolver may use during one request."""

    engine: AsyncEngine
    settings: Settings
    request: Any = None
    response: Any = None
    statements: int = field(default=0)

    async def rows(self, statement: Executable) -> list[Any]:
        """Run one read and return its rows; an unreachable database becomes SERVICE_UNAVAILABLE."""
        self.statements += 1
        try:
            async with asyncio.timeout(self.settings.db_connect_timeout + self.settings.statement_timeout_ms / 1000):
                async with self.engine.connect() as conn:
                    result = await conn.execute(statement)
                    return list(result.all())
        except (
            sa_exc.OperationalError,
            sa_exc.InterfaceError,
            sa_exc.TimeoutError,
            OSError,
            TimeoutError,
        ) as exc:
            raise ServiceUnavailable("the database is unavailable right now; try again shortly") from exc
        except sa_exc.DBAPIError as exc:
            if exc.connection_invalidated:
                raise ServiceUnavailable("the database connection was lost; try again shortly") from exc
            raise
