"""Structured logs: one JSON object per request with id, operation, duration and outcome — and no secrets."""

from __future__ import annotations

import asyncio
import json
import logging

import httpx

from api.app import create_app
from api.logs import JsonFormatter
from api.settings import Settings


def test_each_request_logs_one_json_line_without_the_token(story_url, capsys):
    """Given a request with a bearer token, when served, then one JSON log line without the token is written."""
    secret = "rlg_this-is-a-secret-token"

    async def go() -> httpx.Response:
        app = create_app(Settings(database_url=story_url))
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as client:
            answer = await client.post(
                "/graphql",
                json={"query": "query Actors { actors { totalCount } }", "operationName": "Actors"},
                headers={"authorization": f"Bearer {secret}", "x-request-id": "log-test-1"},
            )
        await app.state.engine.dispose()
        return answer

    answer = asyncio.run(go())
    assert answer.headers["x-request-id"] == "log-test-1"
    lines = [json.loads(line) for line in capsys.readouterr().err.splitlines() if line.startswith("{")]
    mine = [line for line in lines if line.get("requestId") == "log-test-1" and line["message"] == "request"]
    assert len(mine) == 1, lines
    entry = mine[0]
    assert entry["operation"] == "Actors" and entry["status"] == 200 and entry["durationMs"] >= 0
    assert entry["outcome"] == "ok"  # reads are open to all; the token is only checked by writes
    assert secret not in json.dumps(lines)


def test_formatter_writes_extras_and_exceptions_as_json():
    """Given a record with extras and an exception, when formatted, then it is one JSON object holding both."""
    try:
        raise ValueError("boom")
    except ValueError:
        import sys

        record = logging.LogRecord("realign.x", logging.ERROR, __file__, 1, "failed %s", ("here",), sys.exc_info())
    record.operation = "Op"
    entry = json.loads(JsonFormatter().format(record))
    assert entry["message"] == "failed here" and entry["operation"] == "Op" and "ValueError: boom" in entry["exception"]
