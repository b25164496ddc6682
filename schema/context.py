"""Per-request context: the database engine, settings, and one place that runs SQL and maps its failures."""

from __future__ import annotations

import asyncio
from collections import OrderedDict, namedtuple
from collections.abc import AsyncIterator, Callable, Hashable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from sqlalchemy import ARRAY, Connection, any_, bindparam
from sqlalchemy import exc as sa_exc
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine
from sqlalchemy.sql import Executable
from sqlalchemy.types import TupleType
from strawberry.extensions import SchemaExtension

from api.db import StatementTimedOut, interruptible
from api.services import changes
from api.services.mutations import WriteError
from api.services.tokens import ANONYMOUS, Principal, lookup_statement
from api.settings import Settings
from schema.errors import (
    BadUserInput,
    Forbidden,
    PublicError,
    ServiceUnavailable,
    Timeout,
    Unauthenticated,
    article,
)

T = TypeVar("T")
# Statements built once and reused: building and caching a statement costs more Python than running it. Least
# recently used first, and bounded: the live broker's matching statements are keyed by the set of filters open at
# the time (``api.live.match``), which changes as subscribers come and go, so without a bound the cache would grow
# for the life of the process.
PREPARED_LIMIT = 1024
_PREPARED: OrderedDict[tuple[str, Hashable], Any] = OrderedDict()


def among(column: Any, name: str, dialect: str) -> Any:
    """``column`` among the values bound as ``name``: one array parameter on PostgreSQL, an expanding IN elsewhere
    (either way the statement's text does not depend on how many values there are)."""
    if dialect == "postgresql":
        return column == any_(bindparam(name, type_=ARRAY(column.type)))
    return column.in_(bindparam(name, expanding=True))


_ROW_TYPES: dict[tuple[str, ...], Any] = {}


def plain_rows(result: Any) -> list[Any]:
    """A result's rows as named tuples: reading a column by name from a SQLAlchemy Row costs ~20× more."""
    make = row_type(tuple(result.keys()))._make
    return [make(row) for row in result.all()]


def bind_processors(compiled: Any, dialect: Any) -> dict[str, Any]:
    """What SQLAlchemy applies to each bound value of a compiled statement before the driver sees it, by
    parameter name: the processor of the parameter's type as the dialect implements it (a tuple of them for a
    tuple type). SQLAlchemy computes the same mapping for itself (privately) when it executes a statement."""
    out: dict[str, Any] = {}
    for bind, name in compiled.bind_names.items():
        if bind in compiled.literal_execute_params:  # rendered into the SQL text, never bound
            continue
        if isinstance(bind.type, TupleType):
            processor: Any = tuple(t.dialect_impl(dialect).bind_processor(dialect) for t in bind.type.types)
        else:
            processor = bind.type.dialect_impl(dialect).bind_processor(dialect)
        if processor is not None:
            out[name] = processor
    return out


@dataclass(frozen=True)
class Prepared:
    """A statement built once; on PostgreSQL also its SQL, parameter order and parameter converters."""

    statement: Executable
    sql: str | None = None
    names: tuple[str, ...] = ()
    defaults: dict[str, Any] = field(default_factory=dict)
    convert: dict[str, Callable[[Any], Any]] = field(default_factory=dict)

    @classmethod
    def of(cls, statement: Executable, dialect: Any) -> Prepared:
        if dialect.name != "postgresql":
            return cls(statement)
        compiled = statement.compile(dialect=dialect)  # type: ignore[attr-defined]
        required = {name for name, bind in compiled.binds.items() if bind.required}
        if any(bind.expanding and bind.key in required for bind in compiled.post_compile_params):
            return cls(statement)  # the SQL depends on how many values come: SQLAlchemy expands it per run
        # IN over fixed values leaves a placeholder that SQLAlchemy expands per run: expand it once, here.
        expanded = compiled.construct_expanded_state(dict.fromkeys(required))
        return cls(
            statement,
            expanded.statement,
            tuple(expanded.positiontup or ()),
            {name: value for name, value in expanded.parameters.items() if name not in required},
            {**bind_processors(compiled, dialect), **expanded.processors},
        )

    async def raw(self, driver: Any, params: dict[str, Any]) -> list[Any]:
        """Run on an asyncpg connection; rows as named tuples."""
        values = []
        for name in self.names:
            value = params[name] if name in params else self.defaults[name]
            convert = self.convert.get(name)
            values.append(convert(value) if convert is not None and value is not None else value)
        records = await driver.fetch(self.sql, *values)
        if not records:
            return []
        make = row_type(tuple(records[0].keys()))._make
        return [make(record) for record in records]


def row_type(keys: tuple[str, ...]) -> Any:
    """A named-tuple type for rows with these column names (made once)."""
    found = _ROW_TYPES.get(keys)
    if found is None:
        found = _ROW_TYPES[keys] = namedtuple("Row", keys)
    return found


def database_refusal(exc: sa_exc.DBAPIError, *, write: bool = True) -> PublicError | None:
    """A public error for database refusals that are not bugs: NUL in text, timeouts, lock waits, shutdowns."""
    return refusal_for(str(getattr(exc.orig, "sqlstate", None) or getattr(exc.orig, "pgcode", None) or ""), write=write)


def statement_timed_out(exc: BaseException) -> bool:
    """Whether a database error is PostgreSQL's ``statement_timeout`` stopping a statement: SQLSTATE 57014 with
    that reason (a cancel an operator asked for has the same code and another reason)."""
    orig = getattr(exc, "orig", None) or exc
    state = str(getattr(orig, "sqlstate", None) or getattr(orig, "pgcode", None) or "")
    return state == "57014" and "statement timeout" in str(orig)


def _seconds(milliseconds: int) -> str:
    return f"{milliseconds / 1000:g} s"


def read_timeout(settings: Settings) -> Timeout:
    """TIMEOUT for a read stopped by the statement time limit (PostgreSQL's, or Realign's on SQLite)."""
    return Timeout(
        f"the query took longer than {_seconds(settings.statement_timeout_ms)} in the database and was stopped; "
        "narrow the filter or ask for fewer items"
    )


def write_timeout(settings: Settings) -> Timeout:
    """TIMEOUT for a write stopped by the statement time limit: its transaction was rolled back."""
    return Timeout(
        f"the write took longer than {_seconds(settings.statement_timeout_ms)} in the database and was stopped; "
        "nothing was written"
    )


class StaleConnection(Exception):
    """A connection broke on its first statement: taken from the pool after the database had dropped it."""


def connection_broken(exc: BaseException) -> bool:
    """Whether an error means the connection itself is gone (not a refused or failed statement)."""
    if isinstance(exc, sa_exc.DBAPIError):
        return bool(exc.connection_invalidated) or isinstance(exc, sa_exc.InterfaceError)
    if isinstance(exc, ConnectionError):  # reset, broken pipe, refused
        return True
    state = str(getattr(exc, "sqlstate", "") or "")
    if state.startswith(("08", "57P")):  # connection exception; admin or crash shutdown, cannot connect now
        return True
    # asyncpg's client-side errors: only "connection is closed" means the connection is gone (a bad argument,
    # say, is a ValueError of that family and a bug, not a lost connection)
    return not state and type(exc).__module__.startswith("asyncpg") and "closed" in str(exc)


def refusal_for(state: str, *, write: bool = True) -> PublicError | None:
    """The public error for a refusal's SQLSTATE, if it is one that is not a bug (a statement timeout is told
    apart before: ``statement_timed_out``)."""
    if state in ("22021", "22P05"):
        return BadUserInput("text must not contain the NUL character (U+0000)")
    if state.startswith(("57", "55P03", "40")):  # cancelled, shutdown, lock not available (lock_timeout), retry
        if write:
            return ServiceUnavailable("the database is busy right now; nothing was written, try again shortly")
        return ServiceUnavailable("the database is busy right now; try again shortly")
    return None


@dataclass
class StatementTally:
    """SQL statements sent for reads since the app started (every read passes ``Context._run``)."""

    sent: int = 0


@dataclass
class Context:
    """What every resolver may use during one request; one pooled connection, taken on first use."""

    engine: AsyncEngine
    settings: Settings
    request: Any = None
    response: Any = None
    statements: int = field(default=0)
    tally: StatementTally | None = field(default=None, repr=False)
    # The process's live broker (``api.live``), for subscriptions; the token a WebSocket gave in connection_init.
    broker: Any = field(default=None, repr=False)
    connection_params: dict[str, Any] | None = field(default=None, repr=False)
    live: int = field(default=0, repr=False)  # subscriptions running on this context's WebSocket
    _conn: AsyncConnection | None = field(default=None, repr=False)
    _driver: Any = field(default=None, repr=False)
    _lock: asyncio.Lock = field(default_factory=asyncio.Lock, repr=False)
    _principal: Principal | None = field(default=None, repr=False)

    async def by_ids(
        self, key: Hashable, build: Callable[[Callable[[Any], Any]], Executable], ids: Any, **params: Any
    ) -> list[Any]:
        """Run a statement built once per dialect (by ``build``, given the id-matching condition) for some ids."""
        return await self.prepared(
            key, lambda dialect: build(lambda column: among(column, "ids", dialect)), ids=list(ids), **params
        )

    async def prepared(self, key: Hashable, build: Callable[[str], Executable], **params: Any) -> list[Any]:
        """Run a statement built once per dialect (by ``build``, given the dialect's name) and reused.

        On PostgreSQL it is also compiled once and sent straight to asyncpg (a prepared statement there):
        SQLAlchemy's execution would cost more Python than the database spends answering."""
        dialect = self.engine.dialect.name
        found = _PREPARED.get((dialect, key))
        if found is None:
            found = _PREPARED[(dialect, key)] = Prepared.of(build(dialect), self.engine.dialect)
            if len(_PREPARED) > PREPARED_LIMIT:
                _PREPARED.popitem(last=False)
        else:
            _PREPARED.move_to_end((dialect, key))
        if found.sql is None:
            return await self.rows(found.statement, params)
        return await self._run(found.raw, params)

    async def rows(self, statement: Executable, params: dict[str, Any] | None = None) -> list[Any]:
        """Run one read and return its rows; an unreachable database becomes SERVICE_UNAVAILABLE."""
        return await self._run(lambda conn: conn.execute(statement, params), None, sqlalchemy=True)

    async def _run(
        self, work: Callable[..., Any], params: dict[str, Any] | None, *, sqlalchemy: bool = False
    ) -> list[Any]:
        self.statements += 1
        if self.tally is not None:
            self.tally.sent += 1
        try:
            return await self._attempt(work, params, sqlalchemy)
        except StaleConnection:
            # A pooled connection the database had dropped (it restarted): the others are likely dead too.
            # Pooled connections are not pinged before use (that costs three round trips a request), so
            # start over on a fresh pool, once; nothing has been read on this connection yet.
            await self.engine.dispose(close=False)
            try:
                return await self._attempt(work, params, sqlalchemy)
            except StaleConnection as exc:
                raise ServiceUnavailable("the database connection was lost; try again shortly") from exc

    async def _attempt(self, work: Callable[..., Any], params: dict[str, Any] | None, sqlalchemy: bool) -> list[Any]:
        limit = self.settings.db_connect_timeout + self.settings.statement_timeout_ms / 1000
        first = False
        try:
            async with self._lock, asyncio.timeout(limit):
                if self._conn is None:
                    self._conn = await self.engine.connect()
                    first = True
                if self._driver is None:
                    self._driver = (await self._conn.get_raw_connection()).driver_connection
                call = work(self._conn) if sqlalchemy else work(self._driver, params)
                if self.engine.dialect.name == "sqlite":
                    # aiosqlite runs the statement in a thread of its own: interrupt it there when it outlasts
                    # the statement limit or the operation is cancelled (PostgreSQL stops its own statements).
                    call = interruptible(self._driver, call, self.settings.statement_timeout_ms / 1000 or None)
                result = await call
                return plain_rows(result) if sqlalchemy else result
        except StatementTimedOut:
            await self._close_unlocked()
            raise read_timeout(self.settings) from None
        except Exception as exc:
            if statement_timed_out(exc):
                await self._close_unlocked()  # the transaction is aborted: the next statement takes a fresh one
                raise read_timeout(self.settings) from exc
            broken = connection_broken(exc)
            unavailable = (OSError, TimeoutError, sa_exc.TimeoutError, sa_exc.OperationalError, sa_exc.InterfaceError)
            if broken or isinstance(exc, unavailable):
                await self._close_unlocked(invalidate=True)
                if first and broken:
                    raise StaleConnection from exc
                raise ServiceUnavailable("the database is unavailable right now; try again shortly") from exc
            state = getattr(getattr(exc, "orig", exc), "sqlstate", None) or getattr(
                getattr(exc, "orig", exc), "pgcode", None
            )
            refusal = refusal_for(str(state or ""), write=False)
            if refusal is not None:
                await self._close_unlocked()
                raise refusal from exc
            raise

    async def principal(self) -> Principal:
        """Who sent the request: the bearer token's principal, or anonymous (cached for the request)."""
        if self._principal is not None:
            return self._principal
        if self.connection_params is not None:  # a WebSocket: the token came in connection_init's payload
            header = str(
                self.connection_params.get("Authorization") or self.connection_params.get("authorization") or ""
            )
        else:
            header = self.request.headers.get("authorization", "") if self.request is not None else ""
        scheme, _, token = header.partition(" ")
        if not header:
            self._principal = ANONYMOUS
        elif scheme.lower() != "bearer" or not token.strip():
            raise Unauthenticated("the Authorization header must be `Bearer <token>`")
        else:
            rows = await self.rows(lookup_statement(token.strip()))
            if not rows:
                raise Unauthenticated("this token is unknown or revoked")
            self._principal = Principal(rows[0].id, rows[0].name, rows[0].role)
        return self._principal

    def known_role(self) -> str | None:
        """The principal's role once ``principal`` has found it (None before): what an answer may depend on."""
        return self._principal.role if self._principal is not None else None

    async def require(self, role: str) -> Principal:
        """The principal, if its role is at least ``role``; UNAUTHENTICATED or FORBIDDEN otherwise."""
        who = await self.principal()
        if who.role == "anonymous":
            raise Unauthenticated(f"this needs a token with the {role} role: send `Authorization: Bearer <token>`")
        if not who.allows(role):
            raise Forbidden(f"this needs the {role} role; the token {who.name!r} is {article(who.role)}")
        return who

    async def write(self, work: Callable[[Connection], T], *, retries: int = 0) -> T:
        """Run a synchronous write service in one transaction of its own; map its failures to public errors.
        ``retries``: how many more times to run it after it collided with a concurrent write (a unique key)."""
        for attempt in range(retries + 1):
            try:
                return await self._write_once(work)
            except sa_exc.IntegrityError as exc:
                if attempt < retries:
                    continue
                raise PublicError.of(
                    "CONFLICT", "the write collided with another one (a slug or reference changed meanwhile); retry"
                ) from exc
        raise AssertionError("unreachable")

    async def _write_once(self, work: Callable[[Connection], T]) -> T:
        async with self._lock:
            await self._close_unlocked()  # a fresh snapshot for the write and for the reads after it
            try:
                async with asyncio.timeout(self.settings.execution_timeout):
                    plain = await self._live_connection()
                    try:
                        conn = await plain.execution_options(sqlite_immediate=True)
                        async with conn.begin():
                            done = await conn.run_sync(work)
                        changes.committed()  # after the commit: the in-process broker may now read it
                        return done
                    finally:
                        await plain.close()
            except WriteError as error:
                raise PublicError.of(error.code, error.message, field=error.field, **error.extra) from None
            except sa_exc.IntegrityError:
                raise
            except (sa_exc.OperationalError, sa_exc.InterfaceError, OSError, TimeoutError) as exc:
                raise ServiceUnavailable("the database is unavailable right now; nothing was written") from exc
            except sa_exc.DBAPIError as exc:
                if statement_timed_out(exc):
                    raise write_timeout(self.settings) from exc
                refusal = database_refusal(exc)
                if refusal is None:
                    raise
                raise refusal from exc

    async def _live_connection(self) -> AsyncConnection:
        """A connection for a write, checked alive first on PostgreSQL (pooled connections are not pinged): one
        the database had dropped is replaced, on a fresh pool, before the write begins."""
        plain = await self.engine.connect()
        if self.engine.dialect.name != "postgresql":
            return plain
        try:
            driver = (await plain.get_raw_connection()).driver_connection
            assert driver is not None  # only a connection detached from its pool has no driver connection
            await driver.execute("SELECT 1")
            return plain
        except Exception as exc:
            if not connection_broken(exc):
                await plain.close()
                raise
            await plain.invalidate()
            await plain.close()
            await self.engine.dispose(close=False)
            return await self.engine.connect()

    async def close(self) -> None:
        """Give the connection back to the pool (end of the request)."""
        async with self._lock:
            await self._close_unlocked()

    async def _close_unlocked(self, *, invalidate: bool = False) -> None:
        conn, self._conn, self._driver = self._conn, None, None
        if conn is not None:
            try:
                if invalidate:
                    await conn.invalidate()
                await conn.close()
            except Exception:  # noqa: BLE001 - a broken connection is discarded by the pool anyway
                pass


class ReleaseConnection(SchemaExtension):
    """Returns the request's database connection to the pool once the operation is done."""

    async def on_operation(self) -> AsyncIterator[None]:
        try:
            yield
        finally:
            context = self.execution_context.context
            if isinstance(context, Context):
                await context.close()
