"""Structured JSON logs: one object per line, with the request id; never tokens or request bodies."""

from __future__ import annotations

import contextvars
import json
import logging
import sys
import time
import uuid
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

REQUEST_ID: contextvars.ContextVar[str | None] = contextvars.ContextVar("request_id", default=None)
log = logging.getLogger("realign.request")
STANDARD = set(vars(logging.makeLogRecord({})))


class JsonFormatter(logging.Formatter):
    """Formats a record as one JSON object: time, level, logger, message, request id and any extras."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, object] = {
            "time": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created)) + f".{int(record.msecs):03d}Z",
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        request_id = REQUEST_ID.get()
        if request_id:
            entry["requestId"] = request_id
        entry.update({k: v for k, v in vars(record).items() if k not in STANDARD and not k.startswith("_")})
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, default=str, ensure_ascii=False)


def configure(level: str) -> None:
    """Send Realign's logs (and uvicorn's) to stderr as JSON lines."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter())
    for name in ("realign", "uvicorn", "uvicorn.error", "strawberry"):
        logger = logging.getLogger(name)
        logger.handlers = [handler]
        logger.propagate = False
        logger.setLevel(level.upper())


class RequestLog:
    """ASGI middleware: a request id per request (from `X-Request-ID` or new), echoed in the response, and one
    log line per request with method, path, status, duration, GraphQL operation name and outcome."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        given = dict(scope.get("headers") or ()).get(b"x-request-id", b"").decode("latin-1")
        request_id = given if given and len(given) <= 64 and given.isprintable() else uuid.uuid4().hex
        token = REQUEST_ID.set(request_id)
        state: dict[str, Any] = scope.setdefault("state", {})  # the application's notes (see ``_line``)
        started = time.perf_counter()
        status = 500

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message["headers"] = [*message.get("headers", ()), (b"x-request-id", request_id.encode())]
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            log.info("request", extra=_line(scope, status, started, state))
            REQUEST_ID.reset(token)


def _line(scope: Scope, status: int, started: float, state: dict[str, Any]) -> dict[str, object]:
    """The request's log fields; the application notes its GraphQL operation, outcome and statements in
    ``scope["state"]`` as it goes."""
    line: dict[str, object] = {
        "method": scope.get("method"),
        "path": scope.get("path"),
        "status": status,
        "durationMs": round((time.perf_counter() - started) * 1000, 2),
    }
    if "operation" in state:
        line["operation"] = state["operation"]
    if "outcome" in state:
        line["outcome"] = state["outcome"]
    if "context" in state:
        line["sqlStatements"] = state["context"].statements
    return line
