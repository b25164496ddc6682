"""Limits: each configurable, each answered with a clear GraphQL error (or HTTP 413) and a code."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import pytest

from api.app import create_app
from api.settings import Settings


def post(url: str, body: Any, headers: dict[str, str] | None = None, **settings: Any) -> httpx.Response:
    """POST a JSON body (or raw bytes) to /graphql of an app with these settings."""

    async def go() -> httpx.Response:
        app = create_app(Settings(database_url=url, **settings))
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            if isinstance(body, bytes):
                answer = await client.post("/graphql", content=body, headers={"content-type": "application/json"})
            else:
                answer = await client.post("/graphql", json=body, headers=headers or {})
        await app.state.engine.dispose()
        return answer

    return asyncio.run(go())


def only_error(answer: httpx.Response) -> dict[str, Any]:
    body = answer.json()
    assert len(body["errors"]) == 1, body
    return body["errors"][0]


DEEP = '{ actor(ref: {slug: "israel"}) { events { nodes { statements { nodes { reactions { nodes { reactions { nodes '
DEEP += "{ reactions { nodes { reactor { name } } } } } } } } } } } } }"


def test_depth_limit(story_url):
    """Given a depth limit of 5, when a deeper query comes, then it is refused with its limit named."""
    error = only_error(post(story_url, {"query": DEEP}, max_depth=5))
    assert error["extensions"]["code"] == "BAD_USER_INPUT" and error["extensions"]["limit"] == "depth"
    assert "depth" in error["message"]


def test_alias_limit(story_url):
    """Given the default alias limit (20), when 25 aliases come, then the query is refused."""
    query = "{ " + " ".join(f"a{i}: actors {{ totalCount }}" for i in range(25)) + " }"
    error = only_error(post(story_url, {"query": query}))
    assert error["extensions"] == {"code": "BAD_USER_INPUT", "limit": "aliases"}, error


def test_token_limit(story_url):
    """Given a token limit of 50, when a longer document comes, then it is refused before parsing."""
    query = "{ " + " ".join("actors { totalCount }" for _ in range(20)) + " }"
    error = only_error(post(story_url, {"query": query}, max_tokens=50))
    assert error["extensions"] == {"code": "BAD_USER_INPUT", "limit": "tokens"}, error


def test_node_limit_counts_nested_pages(story_url):
    """Given the 50 000-node limit, when pages of 100 nest three deep, then the cost is refused before running."""
    query = (
        "{ timeline(first: 100) { nodes { ... on Event { statements(first: 100) { nodes { "
        "reactions(first: 100) { totalCount } } } } } } }"
    )
    error = only_error(post(story_url, {"query": query}))
    assert error["extensions"]["limit"] == "nodes" and error["extensions"]["cost"] == 100 + 100 * 100 + 100**3


def test_node_limit_reads_variables(story_url):
    """Given page sizes in variables, when their product passes the limit, then the query is refused."""
    query = "query($n: Int) { events(first: $n) { nodes { reactions(first: $n) { totalCount } } } }"
    answer = post(story_url, {"query": query, "variables": {"n": 100}}, max_nodes=5000)
    assert only_error(answer)["extensions"]["cost"] == 100 + 100 * 100
    small = post(story_url, {"query": query, "variables": {"n": 10}}, max_nodes=5000).json()
    assert "errors" not in small and small["data"]["events"]["nodes"]


def test_page_size_limit(story_url):
    """Given the 100-item page limit, when 101 are asked for, then BAD_USER_INPUT names `first`."""
    error = only_error(post(story_url, {"query": "{ events(first: 101) { totalCount } }"}))
    assert error["extensions"] == {"code": "BAD_USER_INPUT", "field": "first"}


def test_body_size_limit(story_url):
    """Given a 2 000-byte body limit, when a bigger body comes, then HTTP 413 with a code, nothing run."""
    answer = post(story_url, {"query": "{ actors { totalCount } }", "padding": "x" * 3000}, max_body_bytes=2000)
    assert answer.status_code == 413
    assert answer.json()["errors"][0]["extensions"]["code"] == "PAYLOAD_TOO_LARGE"
    assert answer.headers["x-request-id"]


def test_body_size_limit_without_a_declared_length(story_url):
    """Given a 2 000-byte body limit, when a bigger body streams in without Content-Length (chunked), then it is
    stopped as it passes the limit: HTTP 413 with the code and the request id, as for a declared length."""

    async def go() -> httpx.Response:
        app = create_app(Settings(database_url=story_url, max_body_bytes=2000))

        async def chunks():
            yield b'{"query": "{ actors { totalCount } }", "padding": "'
            for _ in range(10):
                yield b"x" * 500
            yield b'"}'

        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            answer = await client.post("/graphql", content=chunks(), headers={"content-type": "application/json"})
        await app.state.engine.dispose()
        return answer

    answer = asyncio.run(go())
    assert answer.status_code == 413
    error = only_error(answer)
    assert error["extensions"] == {"code": "PAYLOAD_TOO_LARGE", "requestId": answer.headers["x-request-id"]}


def test_batching_is_off_by_default_and_limited_when_on(story_url):
    """Given batching off, when an array comes, then 400; given at most 2, when 3 come, then 400; 2 work."""
    one = {"query": "{ actors { totalCount } }"}
    assert post(story_url, [one, one]).status_code == 400
    assert post(story_url, [one, one, one], max_batch=2).status_code == 400
    answer = post(story_url, [one, one], max_batch=2)
    assert answer.status_code == 200 and [a["data"]["actors"]["totalCount"] for a in answer.json()] == [37, 37]


def test_execution_time_limit(story_url, monkeypatch):
    """Given a 0.2 s limit, when an operation runs longer, then it stops with TIMEOUT."""
    from schema import prefetch

    original = prefetch.walk_root

    async def slow(*args: Any) -> None:
        await asyncio.sleep(1)
        await original(*args)

    monkeypatch.setattr(prefetch, "walk_root", slow)
    error = only_error(post(story_url, {"query": "{ events { totalCount } }"}, execution_timeout=0.2))
    assert error["extensions"]["code"] == "TIMEOUT"


@pytest.mark.parametrize("setting", ["introspection", "graphiql"])
def test_introspection_and_graphiql_can_be_switched_off(story_url, setting):
    """Given introspection or GraphiQL switched off, when asked for, then refused (error or 404)."""
    if setting == "introspection":
        errors = post(story_url, {"query": "{ __schema { types { name } } }"}, introspection=False).json()["errors"]
        assert "introspection" in errors[0]["message"].lower()
        assert errors[0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"
    else:

        async def go() -> httpx.Response:
            app = create_app(Settings(database_url=story_url, graphiql=False))
            async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as client:
                return await client.get("/graphql", headers={"accept": "text/html"})

        assert asyncio.run(go()).status_code in (400, 404)


def test_unexpected_errors_are_masked_with_the_request_id(story_url, monkeypatch, caplog):
    """Given a bug in a resolver, when hit, then the client sees `internal error` + request id, the log the trace."""
    from schema import loaders

    def broken(row: Any) -> Any:
        raise RuntimeError("secret detail")

    monkeypatch.setitem(loaders.BUILDERS, "Actor", broken)
    answer = post(story_url, {"query": '{ actor(ref: {slug: "israel"}) { name } }'}, headers={"x-request-id": "req-42"})
    error = only_error(answer)
    assert error["message"] == "internal error"
    assert error["extensions"] == {"code": "INTERNAL", "requestId": "req-42"}
    assert "secret detail" not in answer.text and "Traceback" not in answer.text


def test_node_limit_counts_members_and_affiliations_as_pages(story_url):
    """Given members and affiliations as connections, when they nest under a page of actors, then each counts at its
    page size (20 when none is given) times the pages above it: refused one node short of the cost, answered at it."""
    query = "{ actors(first: 10) { nodes { members(first: 5) { nodes { member { affiliations { totalCount } } } } } } }"
    cost = 10 + 10 * 5 + 10 * 5 * 20
    error = only_error(post(story_url, {"query": query}, max_nodes=cost - 1))
    assert error["extensions"]["limit"] == "nodes" and error["extensions"]["cost"] == cost
    answer = post(story_url, {"query": query}, max_nodes=cost).json()
    assert "errors" not in answer and len(answer["data"]["actors"]["nodes"]) == 10


def test_node_limit_counts_plain_lists_at_their_bounds(story_url):
    """Given the plain lists' bounds (50 participants, 20 subjects, 20 citations a record), when they are asked for
    under pages, then each counts at its bound times the pages above it (through fragments and to-one fields too)."""
    query = """{ events(first: 10) { nodes { participants { actor { name } } citations { passage } } }
                 timeline(first: 2) { nodes { ... on Statement {
                   about { name } speaker { citations { passage } } } } } }"""
    cost = 10 + 10 * 50 + 10 * 20 + 2 + 2 * 20 + 2 * 20
    error = only_error(post(story_url, {"query": query}, max_nodes=cost - 1))
    assert error["extensions"]["limit"] == "nodes" and error["extensions"]["cost"] == cost
    answer = post(story_url, {"query": query}, max_nodes=cost).json()
    assert "errors" not in answer and answer["data"]["events"]["nodes"][0]["participants"]
