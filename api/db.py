"""Database engines: synchronous (CLI, seeding, migrations) and asynchronous (the API)."""

from __future__ import annotations

import asyncio
import json
import logging
import re
from collections.abc import Awaitable
from typing import Any, Protocol, TypeVar

import orjson
from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine
from sqlalchemy.pool import ConnectionPoolEntry

T = TypeVar("T")
LOG = logging.getLogger("realign.db")
# How long an interrupted SQLite statement may take to notice (SQLite checks between steps: microseconds).
WIND_DOWN = 2.0

_SYNC_DRIVERS = {"sqlite": "sqlite", "postgresql": "postgresql+psycopg"}
_ASYNC_DRIVERS = {"sqlite": "sqlite+aiosqlite", "postgresql": "postgresql+asyncpg"}


def backend(url: str | URL) -> str:
    """The database family of a URL: ``sqlite`` or ``postgresql``."""
    name = make_url(url).get_backend_name()
    if name in ("postgres", "postgresql"):
        return "postgresql"
    if name == "sqlite":
        return "sqlite"
    raise ValueError(f"unsupported database {name!r}: use sqlite:///file.db or postgresql://...")


def sync_url(url: str | URL) -> URL:
    """The URL with the driver Realign uses for synchronous work."""
    return make_url(url).set(drivername=_SYNC_DRIVERS[backend(url)])


def async_url(url: str | URL) -> URL:
    """The URL with the driver Realign uses for the asynchronous API."""
    return make_url(url).set(drivername=_ASYNC_DRIVERS[backend(url)])


def _sqlite_pragmas(dbapi_connection: Any, _record: ConnectionPoolEntry) -> None:
    """``dbapi_connection``: sqlite3's connection, or SQLAlchemy's adapter around aiosqlite's (both take these)."""
    # Let SQLAlchemy's "begin" event open transactions (see _sqlite_begin), not the driver.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def _sqlite_begin(conn: Connection) -> None:
    """Writes take SQLite's write lock at once (``BEGIN IMMEDIATE``), so two writers queue instead of both
    reading the same state and one failing at commit; reads stay ``BEGIN`` (deferred)."""
    immediate = conn.get_execution_options().get("sqlite_immediate", True)
    conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def make_engine(url: str | URL, *, connect_timeout: float = 3.0, statement_timeout_ms: int = 0) -> Engine:
    """A synchronous engine with foreign keys enforced on SQLite."""
    target = sync_url(url)
    args: dict[str, Any] = {}
    if backend(target) == "postgresql":
        args["connect_args"] = {"connect_timeout": max(1, int(connect_timeout))}
        if statement_timeout_ms:
            args["connect_args"]["options"] = f"-c statement_timeout={statement_timeout_ms}"
    engine = create_engine(target, **args)
    if backend(target) == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin)
    return engine


_LONG_NUMBER = re.compile(r"\d{19}")


def read_json(text: str) -> object:
    """JSON column text to Python, with orjson (JSON columns decode for every row read; ~4x faster), falling
    back to the standard library where orjson would differ: integers beyond 64 bits, which it turns into
    floats, and what it refuses (lone surrogates, numbers beyond a double)."""
    if _LONG_NUMBER.search(text) is None:
        try:
            return orjson.loads(text)
        except orjson.JSONDecodeError:
            pass
    return json.loads(text)


def make_async_engine(
    url: str | URL,
    *,
    connect_timeout: float = 3.0,
    statement_timeout_ms: int = 0,
    pool_size: int = 10,
    overflow: bool = True,
    pool_timeout: float | None = None,
) -> AsyncEngine:
    """An asynchronous engine (asyncpg or aiosqlite) for the API. On PostgreSQL it keeps ``pool_size`` connections
    (as many more under load with ``overflow``), and a caller waits up to ``pool_timeout`` seconds for one (by
    default as long as a connection attempt may take)."""
    target = async_url(url)
    args: dict[str, Any] = {}
    if backend(target) == "postgresql":
        # jit off: JIT compilation costs hundreds of milliseconds on the large filter statements, far more than the
        # paged, index-driven work it would speed up. Custom plans: each filter's statement is planned for its
        # values (a common country walks the date index, a rare actor starts from its few rows); a generic plan
        # guesses one selectivity for all and, cached after five runs, would keep the wrong plan.
        server_settings = {"application_name": "realign", "jit": "off", "plan_cache_mode": "force_custom_plan"}
        if statement_timeout_ms:
            server_settings["statement_timeout"] = str(statement_timeout_ms)
            # A lock wait gives up a little before the statement limit, so it is told apart from a statement
            # that worked too long: "lock not available" (busy, try again) rather than "statement timeout".
            server_settings["lock_timeout"] = str(max(1, statement_timeout_ms * 9 // 10))
        args["connect_args"] = {"timeout": connect_timeout, "server_settings": server_settings}
        args["pool_size"] = pool_size
        args["max_overflow"] = pool_size if overflow else 0
        args["pool_timeout"] = connect_timeout if pool_timeout is None else pool_timeout
        # No pre-ping (BEGIN, a query and ROLLBACK before every request): reads notice a dropped connection
        # on their first statement and start over on a fresh pool, writes check theirs (schema.context).
        args["json_deserializer"] = read_json
    engine = create_async_engine(target, **args)
    if backend(target) == "sqlite":
        event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
        event.listen(engine.sync_engine, "begin", _sqlite_begin)
        # The API reads far more than it writes: its transactions are deferred unless a write asks otherwise.
        engine = engine.execution_options(sqlite_immediate=False)
    return engine


class StatementTimedOut(Exception):
    """A SQLite statement outlasted its limit and was interrupted (PostgreSQL's own is ``statement_timeout``)."""


class Interruptible(Protocol):
    """A driver connection whose running statement can be stopped from another task: aiosqlite's."""

    async def interrupt(self) -> None: ...


async def interruptible(driver: Interruptible, work: Awaitable[T], limit: float | None) -> T:
    """Await one SQLite statement (``work``, running on the aiosqlite connection ``driver``) so it really stops:
    after ``limit`` seconds (None: no limit of its own; then ``StatementTimedOut``) or when the awaiting task is
    cancelled (the operation's time limit, a client gone), the statement is interrupted in aiosqlite's worker
    thread with ``sqlite3.Connection.interrupt`` (aiosqlite's public ``interrupt()`` calls it directly, from this
    thread, which SQLite allows). Cancelling the await alone would leave it running there, a core busy for
    nobody, and the connection's next use queued behind it.

    ``work`` runs as a task of its own, shielded, so the cancellation never reaches SQLAlchemy halfway through a
    statement: the statement ends with SQLite's ``interrupted`` error instead, the connection stays usable (a
    read transaction is left open, and ends with the usual rollback), and it is idle again before this returns.
    """
    task = asyncio.ensure_future(work)
    task.add_done_callback(_retrieve)
    try:
        async with asyncio.timeout(limit):
            return await asyncio.shield(task)
    except TimeoutError:
        if task.done() and not task.cancelled() and task.exception() is None:
            return task.result()  # it finished just as the limit came
        await _stop(driver, task)
        raise StatementTimedOut from None
    except asyncio.CancelledError:
        await _stop(driver, task)
        raise


async def _stop(driver: Interruptible, task: asyncio.Future[T]) -> None:
    if task.done():
        return
    await driver.interrupt()
    done, _ = await asyncio.wait({task}, timeout=WIND_DOWN)
    if not done:
        LOG.warning("an interrupted SQLite statement still runs after %s s", WIND_DOWN)


def _retrieve(task: asyncio.Future[T]) -> None:
    """Mark a statement task's outcome as seen: an interrupted one fails, and nobody awaits it any more."""
    if not task.cancelled():
        task.exception()
