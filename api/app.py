"""The Starlette application: GraphQL (with the GraphiQL playground) at /graphql, CORS, and health checks."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import json
import time
from collections.abc import AsyncIterator, Awaitable, Mapping
from datetime import timedelta
from typing import TYPE_CHECKING, TypeVar

import orjson
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from graphql import GraphQLError
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine
from starlette.applications import Starlette
from starlette.datastructures import MutableHeaders
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, RedirectResponse, Response
from starlette.routing import BaseRoute, Mount, Route, WebSocketRoute
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from starlette.websockets import WebSocket, WebSocketDisconnect
from strawberry.asgi import ASGIWebSocketAdapter, GraphQL
from strawberry.exceptions import ConnectionRejectionError
from strawberry.http import GraphQLHTTPResponse, GraphQLRequestData
from strawberry.http.exceptions import WebSocketDisconnected
from strawberry.types import ExecutionResult, SubscriptionExecutionResult
from strawberry.types.unset import UNSET, UnsetType

from api.db import backend, make_async_engine
from api.exports import export_route
from api.live import make_broker
from api.logs import RequestLog
from api.logs import configure as configure_logs
from api.network import network_routes
from api.settings import Settings, get_settings
from api.spans import keep_compact
from api.web import ASSETS_URL, BodyLimit, Cors, Playground, PlaygroundAssets
from schema import build_schema, request_error_code
from schema.context import Context, StatementTally, connection_broken
from schema.errors import PublicError
from schema.refs import FUZZY_DATE_GRAMMAR, FUZZY_DATE_SPEC

if TYPE_CHECKING:
    # The request adapter type of Strawberry's view hooks, from Strawberry's own dependency (annotations only).
    from cross_web import AsyncHTTPRequestAdapter


class TextWebSocket(ASGIWebSocketAdapter):
    """Protocol messages as text frames: both subscription protocols are JSON in text (the view encodes bytes)."""

    async def send_json(self, message: Mapping[str, object]) -> None:
        try:
            data = self.view.encode_json(message)
            await self.ws.send_text(data.decode() if isinstance(data, bytes) else data)
        except WebSocketDisconnect as error:
            raise WebSocketDisconnected from error


class GraphQLView(GraphQL[Context, None]):
    """Strawberry's ASGI view with Realign's per-request context and the self-hosted playground."""

    websocket_adapter_class = TextWebSocket

    def __init__(self, settings: Settings, engine: AsyncEngine, live_engine: AsyncEngine | None = None) -> None:
        super().__init__(
            build_schema(settings),
            # Any IDE name switches Strawberry's "browser asks for HTML" branch on; render_graphql_ide below
            # answers it with Realign's own build instead of Strawberry's CDN-loading page. None: a 404.
            graphql_ide="graphiql" if settings.graphiql else None,
            allow_queries_via_get=True,
            # Subscriptions over WebSocket (both protocols): the legacy graphql-ws gets keep-alive messages;
            # graphql-transport-ws clients ping, and uvicorn sends WebSocket pings on every connection.
            keep_alive=True,
            keep_alive_interval=settings.ws_keepalive_seconds,
            connection_init_wait_timeout=timedelta(seconds=10),
            max_subscriptions_per_connection=settings.max_subscriptions_per_connection,
            # The CORS origins may open WebSockets too (pages elsewhere are refused; non-browser clients send none).
            allowed_origins=settings.cors_origins,
        )
        self.playground = Playground() if settings.graphiql else None
        self.settings = settings
        self.engine = engine
        self.live_engine = live_engine or engine  # what WebSocket operations (subscriptions) read through
        self.tally = StatementTally()
        self.broker = make_broker(engine, settings, self.tally)
        self.sockets = 0  # WebSocket connections open now (REALIGN_MAX_WS_CONNECTIONS)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "websocket":
            await super().__call__(scope, receive, send)
            return
        if self.sockets >= self.settings.max_ws_connections:
            # Refused before the handshake completes ("try again later"): a load balancer may send it elsewhere.
            await send({"type": "websocket.close", "code": 1013, "reason": "too many connections"})
            return
        self.sockets += 1
        last = time.monotonic()

        async def tracked() -> Message:
            nonlocal last
            message = await receive()
            last = time.monotonic()
            return message

        async def close_when_idle() -> None:
            # Idle: no subscription running and no message from the client for ws_idle_seconds.
            idle = self.settings.ws_idle_seconds
            while True:
                await asyncio.sleep(min(idle, 5.0))
                context = scope.get("state", {}).get("context")
                running = context.live if isinstance(context, Context) else 0
                if not running and time.monotonic() - last > idle:
                    with contextlib.suppress(Exception):
                        await send({"type": "websocket.close", "code": 4408, "reason": "idle"})
                    return

        watcher = asyncio.create_task(close_when_idle())
        try:
            await self.broker.start()
            await super().__call__(scope, tracked, send)
        finally:
            watcher.cancel()
            self.sockets -= 1

    async def render_graphql_ide(self, request: Request) -> Response:
        """The playground built from web/ (served from this server only), not Strawberry's unpkg page."""
        assert self.playground is not None  # Strawberry calls this only when graphql_ide is set
        return self.playground.response(request)

    def encode_json(self, data: object) -> bytes:
        """orjson: a 30 kB page encodes several times faster than with the standard library."""
        try:
            return orjson.dumps(data)
        except TypeError:  # e.g. an integer beyond 64 bits in a JSON field: the standard library copes
            return json.dumps(data, separators=(",", ":")).encode()

    def decode_json(self, data: str | bytes) -> object:
        return orjson.loads(data)

    async def get_context(self, request: Request | WebSocket, response: Response | WebSocket) -> Context:
        context = Context(
            engine=self.live_engine if isinstance(request, WebSocket) else self.engine,
            settings=self.settings,
            request=request,
            response=response,
            tally=self.tally,
            broker=self.broker,
        )
        request.scope.setdefault("state", {})["context"] = context  # the request log reports its statements
        return context

    async def on_ws_connect(self, context: Context) -> UnsetType | dict[str, object] | None:
        """A token in connection_init's payload (``{"Authorization": "Bearer ..."}``) is checked as a request's
        header would be: an unknown or malformed one closes the connection (4403)."""
        try:
            await context.principal()
        except PublicError as error:
            raise ConnectionRejectionError({"message": str(error), "code": error.extensions.get("code")}) from None
        finally:
            await context.close()
        return UNSET

    async def execute_operation(
        self,
        request: Request,
        request_adapter: AsyncHTTPRequestAdapter,
        request_data: GraphQLRequestData | list[GraphQLRequestData],
        context: Context,
        root_value: None,
        sub_response: Response,
    ) -> ExecutionResult | list[ExecutionResult] | SubscriptionExecutionResult:
        """Run the operation(s) within the execution time limit; note the operation name for the log."""
        names = (
            [d.operation_name for d in request_data]
            if isinstance(request_data, list)
            else [request_data.operation_name]
        )
        request.scope.setdefault("state", {})["operation"] = ",".join(
            n if isinstance(n, str) else "(anonymous)" for n in names
        )
        try:
            async with asyncio.timeout(self.settings.execution_timeout):
                return await _unless_disconnected(
                    request,
                    super().execute_operation(
                        request=request,
                        request_adapter=request_adapter,
                        request_data=request_data,
                        context=context,
                        root_value=root_value,
                        sub_response=sub_response,
                    ),
                )
        except ClientGone:
            error = GraphQLError("the client disconnected; the operation was stopped", extensions={"code": "GONE"})
            return ExecutionResult(data=None, errors=[error])
        except TimeoutError:
            error = GraphQLError(
                f"the operation took longer than {self.settings.execution_timeout:g} s and was stopped",
                extensions={"code": "TIMEOUT"},
            )
            return ExecutionResult(data=None, errors=[error])

    async def process_result(self, request: Request, result: ExecutionResult) -> GraphQLHTTPResponse:
        codes = sorted({(e.extensions or {}).get("code", "?") for e in result.errors or ()})
        request.scope.setdefault("state", {})["outcome"] = (
            "ok" if not codes else "errors: " + ",".join(str(c) for c in codes)
        )
        for error in result.errors or ():
            request_error_code(error)
        processed = await super().process_result(request, result)
        if result.data is None and result.errors and all(e.path is None for e in result.errors):
            # A request error (syntax, validation, variables): no execution happened, so no `data` entry.
            processed.pop("data", None)
            request.state.graphql_request_error = True
        return processed


class ClientGone(Exception):
    """The client disconnected before its operation finished."""


T = TypeVar("T")


async def _unless_disconnected(request: Request, work: Awaitable[T]) -> T:
    """Await an operation, stopped when the client disconnects first: a client gone (a closed tab, a proxy's own
    time limit) should not leave its query running. Stopping cancels the operation's task, which interrupts its
    running statement (``api.db.interruptible`` on SQLite; asyncpg cancels PostgreSQL's). When the time limit
    cancels this instead, the operation is cancelled the same way and awaited, so it has stopped before the
    TIMEOUT answer goes out."""
    task = asyncio.ensure_future(work)
    listener = asyncio.ensure_future(_disconnect(request))
    try:
        await asyncio.wait({task, listener}, return_when=asyncio.FIRST_COMPLETED)
    finally:
        listener.cancel()
        if not task.done():
            task.cancel()
            await asyncio.wait({task})
    if task.cancelled():
        raise ClientGone
    return task.result()


async def _disconnect(request: Request) -> None:
    """Return once the client has disconnected (the body is read by then: what else comes is the disconnect)."""
    while (await request.receive())["type"] != "http.disconnect":
        pass


GRAPHQL_RESPONSE = "application/graphql-response+json"


class GraphQLMediaType:
    """GraphQL over HTTP around the view: `application/graphql-response+json` when the client accepts it, and
    then a 400 for a request error (``process_result`` notes one in the request's state); `application/json`
    (always 200) for legacy clients. Only the view's JSON answers change; the playground page passes as it is."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        accept = dict(scope.get("headers") or ()).get(b"accept", b"").decode("latin-1")
        if scope["type"] != "http" or not _accepts_graphql_response(accept):
            await self.app(scope, receive, send)
            return

        async def send_typed(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(raw=message["headers"])
                if headers.get("content-type", "").startswith("application/json"):
                    headers["content-type"] = f"{GRAPHQL_RESPONSE}; charset=utf-8"
                    if scope.get("state", {}).get("graphql_request_error") and message["status"] == 200:
                        message["status"] = 400
            await send(message)

        await self.app(scope, receive, send_typed)


def _accepts_graphql_response(accept: str) -> bool:
    """Whether the Accept header prefers (or only allows) the GraphQL response media type over JSON."""
    best: tuple[float, str] | None = None
    for part in accept.split(","):
        media, *params = [p.strip() for p in part.split(";")]
        quality = 1.0
        for param in params:
            if param.startswith("q="):
                try:
                    quality = float(param[2:])
                except ValueError:
                    quality = 0.0
        if media in (GRAPHQL_RESPONSE, "application/json") and (best is None or quality > best[0]):
            best = (quality, media)
    return best is not None and best[1] == GRAPHQL_RESPONSE and best[0] > 0


def _head_revision() -> str | None:
    from api.cli import alembic_config

    config = alembic_config("sqlite://")
    return ScriptDirectory.from_config(config).get_current_head()


def create_app(settings: Settings | None = None) -> Starlette:
    """Build the ASGI application for the given settings (default: from the environment)."""
    settings = settings or get_settings()
    # A page allocates many small objects; the default collector thresholds make it scan them over and over.
    gc.set_threshold(100_000, 50, 100)
    engine = make_async_engine(
        settings.database_url,
        connect_timeout=settings.db_connect_timeout,
        statement_timeout_ms=settings.statement_timeout_ms,
        pool_size=settings.db_pool_size,
    )
    # Subscriptions read what they deliver through a pool of their own, without overflow: a crowd of subscribers
    # queues for it (up to a minute) instead of taking the connections requests and writes need.
    # (SQLite has no pool to share: one engine serves both.)
    live_engine = (
        make_async_engine(
            settings.database_url,
            connect_timeout=settings.db_connect_timeout,
            statement_timeout_ms=settings.statement_timeout_ms,
            pool_size=settings.live_pool_size,
            overflow=False,
            pool_timeout=60.0,
        )
        if backend(settings.database_url) == "postgresql"
        else engine
    )
    view = GraphQLView(settings, engine, live_engine)
    head = _head_revision()

    async def healthz(request: Request) -> JSONResponse:
        return JSONResponse({"status": "ok"})

    async def readyz(request: Request) -> JSONResponse:
        for attempt in (1, 2):
            try:
                async with engine.connect() as conn:
                    current = await conn.run_sync(lambda c: MigrationContext.configure(c).get_current_revision())
                    await conn.execute(text("SELECT 1"))
                break
            except Exception as exc:  # noqa: BLE001 - any failure means "not ready"; the reason is reported
                if attempt == 1 and connection_broken(exc):  # a pooled connection from before a restart
                    await engine.dispose(close=False)
                    continue
                return JSONResponse({"status": "unavailable", "reason": type(exc).__name__}, status_code=503)
        if current != head:
            return JSONResponse({"status": "migrations pending", "database": current, "head": head}, status_code=503)
        return JSONResponse({"status": "ready", "revision": current})

    async def root(request: Request) -> RedirectResponse:
        return RedirectResponse("/graphql")

    async def fuzzy_date_spec(request: Request) -> PlainTextResponse:
        # The `FuzzyDate` scalar's @specifiedBy URL: its grammar, served here so it is reachable offline.
        return PlainTextResponse(
            "# FuzzyDate\n\n" + FUZZY_DATE_GRAMMAR + "\n", media_type="text/markdown; charset=utf-8"
        )

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        compacting = None
        if backend(settings.database_url) == "postgresql" and settings.span_compact_seconds > 0:
            compacting = asyncio.create_task(keep_compact(engine, settings.span_compact_seconds))
        yield
        if compacting is not None:
            compacting.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await compacting
        await view.broker.stop()
        await engine.dispose()
        if live_engine is not engine:
            await live_engine.dispose()

    configure_logs(settings.log_level)
    routes: list[BaseRoute] = [
        Route("/", root),
        Route("/healthz", healthz),
        Route("/readyz", readyz),
        Route(FUZZY_DATE_SPEC, fuzzy_date_spec),
        Route("/graphql", GraphQLMediaType(view), methods=["GET", "POST"]),
        WebSocketRoute("/graphql", view),
        export_route(settings, engine, view.tally),
        *network_routes(),
    ]
    if settings.graphiql:
        routes.append(Mount(ASSETS_URL, app=PlaygroundAssets(), name="playground"))
    # Outermost first. The request log sees every answer, the body limit's 413 included (and gives it the request
    # id); CORS, when configured, wraps both, so a cross-origin page can read a 413 too.
    middleware = [Middleware(RequestLog), Middleware(BodyLimit, max_body_bytes=settings.max_body_bytes)]
    if settings.cors_origins:
        middleware.insert(0, Middleware(Cors, origins=settings.cors_origins))
    app = Starlette(
        middleware=middleware,
        routes=routes,
        lifespan=lifespan,
    )
    app.state.engine = engine
    app.state.statements = view.tally
    app.state.settings = settings
    gc.freeze()  # what exists now (schema, app) lives for the process: keep it out of every full collection
    return app
