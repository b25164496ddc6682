"""CORS: which other sites' pages may call the API from a browser (REALIGN_CORS_ORIGINS).

Real preflights with httpx against `realign serve`, and the same servers from Chromium: a page served from
another loopback port (another origin) fetches the API and the browser lets the answer through, or not.
One SQLite story per server: CORS does not depend on the database backend.
"""

from __future__ import annotations

import contextlib
import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx
import pytest
from pydantic import ValidationError

from api.settings import Settings
from api.web import CORS_MAX_AGE
from tests.chromium import run_script
from tests.conftest import Databases
from tests.server import serve


@pytest.fixture(scope="module")
def story_url(databases: Databases, tmp_path_factory: pytest.TempPathFactory) -> str:
    """The seed story on SQLite only (this module's servers never write; see the module docstring)."""
    return databases.copy("sqlite", "seeded", tmp_path_factory.mktemp("story"))[0]


QUERY = {"query": '{ actor(ref: {slug: "taiwan"}) { name } }'}
OTHER = "http://elsewhere.example"


class _Page(BaseHTTPRequestHandler):
    """A blank page: all the test needs is a document of another origin to run fetch() in."""

    def do_GET(self) -> None:  # noqa: N802 - http.server's naming
        body = b"<!doctype html><title>another origin</title>"
        self.send_response(200)
        self.send_header("content-type", "text/html")
        self.send_header("content-length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:  # keep pytest's output clean
        pass


@pytest.fixture(scope="module")
def page_origin() -> Iterator[str]:
    """The origin of a static page served from another loopback port, in a thread."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Page)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def apis(story_url: str, page_origin: str) -> Iterator[dict[str, str]]:
    """Four servers: the page's origin listed, nothing listed, `*`, and `*` plus the page's origin."""
    settings = {
        "listed": page_origin,
        "none": "",
        "star": "*",
        "mixed": json.dumps(["*", page_origin]),
    }
    with contextlib.ExitStack() as stack:
        yield {name: stack.enter_context(serve(story_url, cors_origins=value)) for name, value in settings.items()}


def preflight(api: str, origin: str, *, method: str = "POST", headers: str = "content-type") -> httpx.Response:
    """What a browser sends before a non-simple cross-origin request."""
    return httpx.options(
        f"{api}/graphql",
        headers={"origin": origin, "access-control-request-method": method, "access-control-request-headers": headers},
    )


def allowed_headers(response: httpx.Response) -> set[str]:
    return {h.strip().lower() for h in response.headers.get("access-control-allow-headers", "").split(",") if h}


# --- the setting -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "origins"),
    [
        ("", []),
        ("https://desk.example.org", ["https://desk.example.org"]),
        ("https://A.example.org/, http://localhost:5173", ["https://a.example.org", "http://localhost:5173"]),
        ('["https://a.example.org", "*"]', ["https://a.example.org", "*"]),
        ("*", ["*"]),
    ],
)
def test_cors_origins_reads_commas_or_json(monkeypatch, value, origins):
    """Given REALIGN_CORS_ORIGINS as commas or a JSON list, then it parses to normalised origins."""
    monkeypatch.setenv("REALIGN_CORS_ORIGINS", value)
    assert Settings().cors_origins == origins


@pytest.mark.parametrize("value", ["example.org", "https://example.org/app", "https://"])
def test_cors_origins_refuses_what_is_not_an_origin(monkeypatch, value):
    """Given a URL with a path or no scheme, then the settings refuse it (a browser would never send it)."""
    monkeypatch.setenv("REALIGN_CORS_ORIGINS", value)
    with pytest.raises(ValidationError, match="not an origin"):
        Settings()


# --- preflights and responses over HTTP --------------------------------------------------------------------


def test_a_listed_origin_may_send_a_token(apis, page_origin):
    """Given the page's origin listed, when it preflights a POST with Authorization, then it is allowed: its
    origin echoed, GET and POST, Authorization and Content-Type, a max age, and never credentials."""
    answer = preflight(apis["listed"], page_origin, headers="authorization, content-type")
    assert answer.status_code == 200, answer.text
    assert answer.headers["access-control-allow-origin"] == page_origin
    assert answer.headers["access-control-allow-methods"] == "GET, POST"
    assert {"authorization", "content-type"} <= allowed_headers(answer)
    assert answer.headers["access-control-max-age"] == str(CORS_MAX_AGE)
    assert "access-control-allow-credentials" not in answer.headers
    assert "origin" in answer.headers["vary"].lower()


def test_a_listed_origin_reads_the_answer(apis, page_origin):
    """Given the page's origin listed, when it POSTs a query, then the answer names it and exposes the request id."""
    answer = httpx.post(f"{apis['listed']}/graphql", json=QUERY, headers={"origin": page_origin})
    assert answer.json() == {"data": {"actor": {"name": "Taiwan"}}}
    assert answer.headers["access-control-allow-origin"] == page_origin
    assert answer.headers["access-control-expose-headers"] == "X-Request-ID"


def test_an_unlisted_origin_is_refused(apis):
    """Given another origin, when it preflights, then 400 without Access-Control-Allow-Origin; its simple
    requests get an answer the browser will not show it (no Access-Control-Allow-Origin)."""
    answer = preflight(apis["listed"], OTHER)
    assert answer.status_code == 400
    assert "access-control-allow-origin" not in answer.headers
    assert (
        "access-control-allow-origin"
        not in httpx.post(f"{apis['listed']}/graphql", json=QUERY, headers={"origin": OTHER}).headers
    )


def test_only_get_and_post_are_allowed(apis, page_origin):
    """Given a listed origin, when it preflights DELETE, then it is refused."""
    assert preflight(apis["listed"], page_origin, method="DELETE").status_code == 400


def test_no_origins_means_no_cors_at_all(apis, page_origin):
    """Given REALIGN_CORS_ORIGINS empty (the default), then no CORS header is ever sent and a preflight is
    just an OPTIONS request /graphql does not answer."""
    answer = preflight(apis["none"], page_origin)
    assert answer.status_code == 405
    posted = httpx.post(f"{apis['none']}/graphql", json=QUERY, headers={"origin": page_origin})
    assert posted.status_code == 200
    for response in (answer, posted):
        assert not [h for h in response.headers if h.lower().startswith("access-control-")], response.headers


def test_star_allows_anonymous_reads_from_anywhere(apis):
    """Given `*`, when any origin preflights a JSON POST, then `Access-Control-Allow-Origin: *`, no credentials."""
    answer = preflight(apis["star"], OTHER)
    assert answer.status_code == 200
    assert answer.headers["access-control-allow-origin"] == "*"
    assert "access-control-allow-credentials" not in answer.headers
    posted = httpx.post(f"{apis['star']}/graphql", json=QUERY, headers={"origin": OTHER})
    assert posted.headers["access-control-allow-origin"] == "*"
    assert posted.json() == {"data": {"actor": {"name": "Taiwan"}}}


def test_star_never_allows_a_token(apis):
    """Given `*`, when an origin preflights with Authorization, then refused: Authorization is not allowed."""
    answer = preflight(apis["star"], OTHER, headers="authorization, content-type")
    assert answer.status_code == 400
    assert "authorization" not in allowed_headers(answer)


def test_star_plus_a_listed_origin_keeps_tokens_to_that_origin(apis, page_origin):
    """Given `*` and the page's origin, then the page may send a token; everyone else may only read."""
    listed = preflight(apis["mixed"], page_origin, headers="authorization, content-type")
    assert listed.status_code == 200 and listed.headers["access-control-allow-origin"] == page_origin
    assert preflight(apis["mixed"], OTHER, headers="authorization, content-type").status_code == 400
    anyone = preflight(apis["mixed"], OTHER)
    assert anyone.status_code == 200 and anyone.headers["access-control-allow-origin"] == "*"


# --- in Chromium -------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def in_browser(apis, page_origin) -> dict:
    """What Chromium let a page of another origin read, per server and with or without a token.

    cors.mjs blocks outside requests with a dead proxy instead of request interception: while Playwright
    intercepts, it answers CORS preflights itself, allowing anything, and the server's answer would go untested.
    """
    scenarios = [
        {"name": "listed", "api": apis["listed"]},
        {"name": "listed with token", "api": apis["listed"], "token": "rlg_not-a-real-token"},
        {"name": "none", "api": apis["none"]},
        {"name": "star", "api": apis["star"]},
        {"name": "star with token", "api": apis["star"], "token": "rlg_not-a-real-token"},
    ]
    found = run_script("cors.mjs", f"{page_origin}/", json.dumps(scenarios))
    assert found["ok"], found.get("error")
    assert found["pageOrigin"] == page_origin
    assert found["outside"] == ["http://example.invalid/probe.png"]  # only the guard's own probe
    return found["scenarios"]


def test_browser_reads_the_api_from_a_listed_origin(in_browser):
    """Given the page's origin listed, when the page fetches a query, then the browser hands it the data."""
    assert in_browser["listed"]["fetched"], in_browser["listed"]
    assert in_browser["listed"]["body"] == {"data": {"actor": {"name": "Taiwan"}}}
    # The token passes CORS; the server then judges it (unknown here), which is what reaching it means.
    assert in_browser["listed with token"]["fetched"], in_browser["listed with token"]


def test_browser_blocks_the_api_for_an_unlisted_origin(in_browser):
    """Given no origins listed, when the page fetches, then the browser blocks it, citing the CORS policy."""
    assert not in_browser["none"]["fetched"]
    assert any("CORS policy" in line for line in in_browser["none"]["console"]), in_browser["none"]


def test_browser_with_star_reads_but_never_sends_a_token(in_browser):
    """Given `*`, then the page reads anonymously, and a fetch carrying a token is blocked by the browser."""
    assert in_browser["star"]["fetched"] and in_browser["star"]["body"]["data"]["actor"]["name"] == "Taiwan"
    assert not in_browser["star with token"]["fetched"]
    assert any("CORS policy" in line for line in in_browser["star with token"]["console"])
