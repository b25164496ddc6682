"""Structured JSON logs: one object per line, with the request id; never tokens or request bodies."""

from __future__ import annotations

import contextvars
import json
import logging
import sys
import time
import uuid
from typing import Any

REQUEST_ID: contextvars.ContextVar[str | None] = contextvars.ContextVar("request_id", default=None)
log = logging.getLogger("realign.request")
STANDARD = set(vars(logging.makeLogRecord({})))


class JsonFormatter(logging.Formatter):
    """Formats a record as one JSON object: time, level, logger, message, request id and any extras."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
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

    def __init__(self, app: Any, *, max_body_bytes: int) -> None:
        self.app = app
        self.max_body_bytes = max_body_bytes

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers") or ())
        given = headers.get(b"x-request-id", b"").decode("latin-1")
        request_id = given if given and len(given) <= 64 and given.isprintable() else uuid.uuid4().hex
        token = REQUEST_ID.set(request_id)
        state = scope.setdefault("state", {})
        started = time.perf_counter()
        status = 500

        length = headers.get(b"content-length")
        if length is not None and length.isdigit() and int(length) > self.max_body_bytes:
            await _too_large(send, request_id, self.max_body_bytes)
            log.info("request", extra=_line(scope, 413, started, state, "body too large"))
            REQUEST_ID.reset(token)
            return

        received = 0

        async def limited_receive() -> Any:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_body_bytes:
                    raise BodyTooLarge
            return message

        async def send_with_id(message: Any) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message.setdefault("headers", [])
                message["headers"] = [*message["headers"], (b"x-request-id", request_id.encode())]
            await send(message)

        try:
            await self.app(scope, limited_receive, send_with_id)
        except BodyTooLarge:
            status = 413
            await _too_large(send, request_id, self.max_body_bytes)
        finally:
            log.info("request", extra=_line(scope, status, started, state, None))
            REQUEST_ID.reset(token)


class BodyTooLarge(Exception):
    """The request body passed the limit while streaming in."""


async def _too_large(send: Any, request_id: str, limit: int) -> None:
    body = json.dumps(
        {
            "errors": [
                {
                    "message": f"the request body is larger than {limit} bytes",
                    "extensions": {"code": "PAYLOAD_TOO_LARGE", "requestId": request_id},
                }
            ]
        }
    ).encode()
    await send(
        {
            "type": "http.response.start",
            "status": 413,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
                (b"x-request-id", request_id.encode()),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


def _line(scope: Any, status: int, started: float, state: dict[str, Any], note: str | None) -> dict[str, Any]:
    line: dict[str, Any] = {
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
    if note:
        line["outcome"] = note
    return line
