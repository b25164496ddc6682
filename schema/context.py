"""Per-request context: the database engine, settings, and one place that runs SQL and maps its failures."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import exc as sa_exc
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine
from sqlalchemy.sql import Executable
from strawberry.extensions import SchemaExtension

from api.settings import Settings
from schema.errors import ServiceUnavailable


@dataclass
class Context:
    """What every resolver may use during one request; one pooled connection, taken on first use."""

    engine: AsyncEngine
    settings: Settings
    request: Any = None
    response: Any = None
    statements: int = field(default=0)
    _conn: AsyncConnection | None = field(default=None, repr=False)
    _lock: asyncio.Lock = field(default_factory=asyncio.Lock, repr=False)

    async def rows(self, statement: Executable) -> list[Any]:
        """Run one read and return its rows; an unreachable database becomes SERVICE_UNAVAILABLE."""
        self.statements += 1
        limit = self.settings.db_connect_timeout + self.settings.statement_timeout_ms / 1000
        try:
            async with self._lock, asyncio.timeout(limit):
                if self._conn is None:
                    self._conn = await self.engine.connect()
                result = await self._conn.execute(statement)
                return list(result.all())
        except (sa_exc.OperationalError, sa_exc.InterfaceError, sa_exc.TimeoutError, OSError, TimeoutError) as exc:
            await self.close()
            raise ServiceUnavailable("the database is unavailable right now; try again shortly") from exc
        except sa_exc.DBAPIError as exc:
            if exc.connection_invalidated:
                await self.close()
                raise ServiceUnavailable("the database connection was lost; try again shortly") from exc
            raise

    async def close(self) -> None:
        """Give the connection back to the pool (end of the request)."""
        conn, self._conn = self._conn, None
        if conn is not None:
            try:
                await conn.close()
            except Exception:  # noqa: BLE001 - a broken connection is discarded by the pool anyway
                pass


class ReleaseConnection(SchemaExtension):
    """Returns the request's database connection to the pool once the operation is done."""

    async def on_operation(self) -> AsyncIterator[None]:  # type: ignore[override]
        try:
            yield
        finally:
            context = self.execution_context.context
            if isinstance(context, Context):
                await context.close()
