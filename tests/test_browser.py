"""The playground in a real browser: Debian's Chromium drives GraphiQL served by `realign serve`.

One SQLite story server is enough: the page and its requests do not depend on the database backend (the
GraphQL answers on both backends are the other suites' business), and a browser run costs seconds.
"""

from __future__ import annotations

import time

import pytest

from tests.chromium import run_script
from tests.conftest import Databases
from tests.server import serve


@pytest.fixture(scope="module")
def story_url(databases: Databases, tmp_path_factory: pytest.TempPathFactory) -> str:
    """The seed story on SQLite only (this module's servers never write; see the module docstring)."""
    return databases.copy("sqlite", "seeded", tmp_path_factory.mktemp("story"))[0]


@pytest.fixture(scope="module")
def playground(story_url: str) -> dict:
    """What playground.mjs found driving the playground of a started server (one browser run per module)."""
    with serve(story_url) as base:
        started = time.monotonic()
        found = run_script("playground.mjs", base)
        found["wall_seconds"] = time.monotonic() - started
    return found


def test_the_playground_works_end_to_end(playground: dict):
    """Given `realign serve`, when Chromium opens /graphql, then every step (editor, docs, run, headers, history,
    explorer) passes without page errors or CSP violations."""
    assert playground["ok"], f"failed at {playground['step']!r}: {playground.get('error')}"
    assert playground["problems"] == []


def test_the_page_asks_nothing_from_outside(playground: dict):
    """Given outside requests aborted and recorded, when the playground loads and runs, then it asked for none —
    and the guard does catch one: a probe page without the policy asking for example.invalid is recorded."""
    assert playground["outside"] == ["http://example.invalid/probe.png"]


def test_the_page_allows_only_this_server(playground: dict):
    """Given the playground's response, then its Content-Security-Policy names no other host."""
    policy = playground["csp"]
    assert "default-src 'none'" in policy and "script-src 'self';" in policy
    assert "unsafe-eval" not in policy and "http" not in policy.replace("'self'", "")


def test_docs_pane_lists_the_query_fields(playground: dict):
    """Given the docs pane opened on Query, then it lists the root fields, `timeline` among them."""
    assert {"timeline", "actor", "events", "relationship"} <= set(playground["docsFields"])


def test_a_typed_query_runs_and_shows_its_result(playground: dict):
    """Given a query typed into the editor, when the run button is clicked, then the seed actor's name shows."""
    assert playground["typedQuery"] == 'query BrowserTest { actor(ref: {slug: "gideon-saar"}) { name country } }'
    assert '"name": "Gideon Sa\'ar"' in playground["response"]
    assert '"country": "ISR"' in playground["response"]


def test_the_headers_tab_sends_its_headers(playground: dict):
    """Given X-Request-ID typed into the Headers tab, when the query runs, then the request carried it and the
    server echoed it back (the server echoes a client's request id)."""
    assert playground["graphqlRequests"][-1] == {
        "sentRequestId": "browser-test-headers-tab",
        "echoedRequestId": "browser-test-headers-tab",
    }


def test_history_and_explorer_open(playground: dict):
    """Given the query ran, then the history lists it, and the explorer opens listing the root fields."""
    assert any("BrowserTest" in entry for entry in playground["history"])
    assert "timeline" in playground["explorerText"].split()


def test_the_browser_run_is_quick(playground: dict):
    """Given a 2-core machine, then the whole browser run (launch, load, every step) stays well under a minute."""
    assert playground["wall_seconds"] < 60, playground["wall_seconds"]
