"""Database faults: PostgreSQL stopped and started again under a running server, a database that cannot be
reached, a write stopped halfway, and a loader killed in the middle of its transaction.

PostgreSQL here is a server of the module's own (``tests/hardening/postgres.py``), never the shared test server.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import sqlite3
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.api.conftest import assert_no_traceback, codes
from tests.hardening.postgres import TempPostgres
from tests.server import REALIGN, ROOT, free_port, running
from tests.support import run_realign

# How long a client may wait for an answer while the database is down (REALIGN_DB_CONNECT_TIMEOUT=1).
BOUND = 5.0
# What a query or write stopped by the database's time limit may answer: the database is busy, not broken.
TIMED_OUT = {"SERVICE_UNAVAILABLE", "TIMEOUT"}
TABLES = ("source", "actor", "affiliation", "event", "statement", "reaction", "relationship_change", "tombstone")

QUERY = """
{
  timeline(filter: {actors: [{slug: "israel"}]}, first: 5) { totalCount nodes { __typename ... on Event { title } } }
}
"""
MUTATION = """
mutation {
  actorUpdate(ref: {slug: "israel"}, version: 1, input: {description: "Changed while the database is down."}) {
    actor { version } userErrors { code }
  }
}
"""
UPDATED = {"data": {"actorUpdate": {"actor": {"version": 2}, "userErrors": []}}}


@pytest.fixture(scope="module")
def postgres() -> Iterator[TempPostgres]:
    """A PostgreSQL server of this module's own, started; stopped at once (immediate) at the end."""
    server = TempPostgres()
    try:
        server.start()
        yield server
    finally:
        server.close()


def timed(call: Callable[[], Any]) -> tuple[float, Any]:
    """How long a call took (monotonic seconds), and what it returned."""
    started = time.monotonic()
    result = call()
    return time.monotonic() - started, result


def assert_unavailable(response: httpx.Response) -> None:
    """A GraphQL answer that says SERVICE_UNAVAILABLE in every error: HTTP 200 or 503, never 500, no traceback."""
    assert response.status_code in (200, 503), f"HTTP {response.status_code}: {response.text}"
    assert_no_traceback(response.text)
    errors = response.json().get("errors")
    assert errors, response.text
    assert set(codes(errors)) == {"SERVICE_UNAVAILABLE"}, response.text


def create_token(url: str, role: str = "admin") -> str:
    """A new API token on the database at ``url``, made with the CLI."""
    done = run_realign("token", "create", "--name", f"faults-{role}-{os.getpid()}", "--role", role, url=url)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def wait_for(condition: Callable[[], bool], timeout: float, what: str) -> float:
    """Poll ``condition`` until it holds; returns the seconds it took, fails after ``timeout``."""
    started = time.monotonic()
    while not condition():
        if time.monotonic() - started > timeout:
            pytest.fail(f"{what}: not within {timeout} s")
        time.sleep(0.1)
    return time.monotonic() - started


def test_postgres_stopped_and_started_under_a_running_server(postgres: TempPostgres, tmp_path: Path):
    """Given a serving API, when PostgreSQL stops and restarts, then SERVICE_UNAVAILABLE fast, then data again."""
    url = postgres.story("restart")
    token = create_token(url)
    with (
        running(url, tmp_path / "serve.log", db_connect_timeout="1") as server,
        httpx.Client(base_url=server.base, timeout=30) as client,
    ):
        assert client.post("/graphql", json={"query": QUERY}).json()["data"]["timeline"]["totalCount"] > 0
        postgres.stop("fast")
        try:
            elapsed, ready = timed(lambda: client.get("/readyz"))
            assert ready.status_code == 503 and elapsed < BOUND, (elapsed, ready.text)
            assert_no_traceback(ready.text)
            assert client.get("/healthz").status_code == 200
            for _ in range(3):  # every pooled connection is dead: none of them may hang or leak a traceback
                elapsed, answer = timed(lambda: client.post("/graphql", json={"query": QUERY}))
                assert_unavailable(answer)
                assert elapsed < BOUND, elapsed
            elapsed, answer = timed(
                lambda: client.post("/graphql", json={"query": MUTATION}, headers={"Authorization": f"Bearer {token}"})
            )
            assert_unavailable(answer)
            assert elapsed < BOUND, elapsed
        finally:
            postgres.start()
        took = wait_for(lambda: client.get("/readyz").status_code == 200, 10, "/readyz back to 200")
        assert took < 10
        data = client.post("/graphql", json={"query": QUERY}).json()
        assert not data.get("errors") and data["data"]["timeline"]["totalCount"] > 0, data
        done = client.post("/graphql", json={"query": MUTATION}, headers={"Authorization": f"Bearer {token}"})
        assert done.json() == UPDATED, done.text  # nothing was written meanwhile


def test_first_requests_after_a_quiet_restart_succeed(postgres: TempPostgres, tmp_path: Path):
    """Given a serving API with pooled connections, when PostgreSQL restarts while nobody asks, then the next
    query, mutation and readiness check all succeed (a dropped pooled connection is replaced, not reported)."""
    url = postgres.story("quiet")
    token = create_token(url)
    with (
        running(url, tmp_path / "serve.log", db_connect_timeout="1") as server,
        httpx.Client(base_url=server.base, timeout=30) as client,
    ):
        for _ in range(3):  # a few pooled connections, all from before the restart
            assert client.post("/graphql", json={"query": QUERY}).json()["data"]["timeline"]["totalCount"] > 0
        postgres.stop("fast")
        postgres.start()
        for _ in range(3):
            data = client.post("/graphql", json={"query": QUERY}).json()
            assert not data.get("errors") and data["data"]["timeline"]["totalCount"] > 0, data
        postgres.stop("fast")
        postgres.start()
        done = client.post("/graphql", json={"query": MUTATION}, headers={"Authorization": f"Bearer {token}"})
        assert done.json() == UPDATED, done.text
        postgres.stop("fast")
        postgres.start()
        ready = client.get("/readyz")
        assert ready.status_code == 200, ready.text


@contextlib.contextmanager
def silent_listener() -> Iterator[int]:
    """A port where connections are accepted by the kernel but nobody ever answers (a hung database)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen(64)
        yield sock.getsockname()[1]


@pytest.mark.parametrize("target", ["refused", "silent", "sqlite-missing-folder"])
def test_unreachable_database_answers_service_unavailable_quickly(target: str, tmp_path: Path):
    """Given a database nobody answers for, when the API is asked, then SERVICE_UNAVAILABLE comes within the bound."""
    with contextlib.ExitStack() as stack:
        if target == "refused":
            url = f"postgresql://postgres@127.0.0.1:{free_port()}/realign"
        elif target == "silent":
            url = f"postgresql://postgres@127.0.0.1:{stack.enter_context(silent_listener())}/realign"
        else:
            url = f"sqlite:///{tmp_path / 'missing' / 'realign.db'}"
        server = stack.enter_context(running(url, tmp_path / "serve.log", ready="/healthz", db_connect_timeout="1"))
        client = stack.enter_context(httpx.Client(base_url=server.base, timeout=30))
        elapsed, ready = timed(lambda: client.get("/readyz"))
        assert ready.status_code == 503 and elapsed < BOUND, (elapsed, ready.text)
        assert client.get("/healthz").status_code == 200
        for _ in range(2):
            elapsed, answer = timed(lambda: client.post("/graphql", json={"query": QUERY}))
            assert_unavailable(answer)
            assert elapsed < BOUND, elapsed
        elapsed, answer = timed(
            lambda: client.post("/graphql", json={"query": MUTATION}, headers={"Authorization": "Bearer nobody"})
        )
        assert_unavailable(answer)
        assert elapsed < BOUND, elapsed


def counts(url: str, postgres: TempPostgres | None = None) -> dict[str, int]:
    """The rows of every record table (and the tombstones) of a database."""
    if postgres is not None:
        with postgres.connect(url.rsplit("/", 1)[1]) as conn:
            return {t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in TABLES}
    conn = sqlite3.connect(url.removeprefix("sqlite:///"))
    try:
        return {t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in TABLES}
    finally:
        conn.close()


def written_bytes(url: str, postgres: TempPostgres | None) -> int:
    """How much the loader has written so far, committed or not: table files on PostgreSQL, the WAL on SQLite."""
    if postgres is not None:
        with postgres.connect(url.rsplit("/", 1)[1]) as conn:
            sizes = "pg_relation_size('actor') + pg_relation_size('event') + pg_relation_size('citation')"
            return conn.execute(f"SELECT {sizes}").fetchone()[0]
    wal = Path(url.removeprefix("sqlite:///") + "-wal")
    return wal.stat().st_size if wal.exists() else 0


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_loader_killed_mid_write_leaves_nothing(backend: str, postgres: TempPostgres, tmp_path: Path):
    """Given a big synthetic load mid-write, when its process is killed -9, then the database holds none of it."""
    if backend == "postgresql":
        url, server = postgres.story("killed"), postgres
    else:
        url, server = f"sqlite:///{tmp_path / 'killed.db'}", None
        for command in (("db", "upgrade"), ("seed",)):
            assert run_realign(*command, url=url).returncode == 0
        conn = sqlite3.connect(tmp_path / "killed.db")
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # the WAL now holds only what the loader writes
        conn.close()
    before = counts(url, server)
    assert before["event"] > 0
    env = {k: v for k, v in os.environ.items() if not k.startswith("REALIGN_")}
    env["REALIGN_DATABASE_URL"] = url
    loader = subprocess.Popen(
        [str(REALIGN), "seed", "--synthetic", "20000", "--mix-with-curated"],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        # Mid-write: megabytes of its rows are on disk (in the table files or the WAL), not yet committed.
        wait_for(lambda: written_bytes(url, server) > 4_000_000 or loader.poll() is not None, 60, "loader writing")
        assert loader.poll() is None, "the loader finished before it could be killed: make the load bigger"
        loader.send_signal(signal.SIGKILL)
        assert loader.wait(timeout=10) == -signal.SIGKILL
    finally:
        if loader.poll() is None:
            loader.kill()
    if server is not None:
        # The server notices the dead client and rolls its transaction back; wait for its session to go away.
        def gone() -> bool:
            with server.connect() as conn:
                sql = "SELECT count(*) FROM pg_stat_activity WHERE datname = 'killed' AND pid <> pg_backend_pid()"
                return conn.execute(sql).fetchone()[0] == 0

        wait_for(gone, 30, "the killed loader's session to end")
    assert counts(url, server) == before
    # The database is still whole and writable: the same load, left alone, writes all of it.
    done = run_realign("seed", "--synthetic", "2000", "--mix-with-curated", url=url, timeout=120)
    assert done.returncode == 0, done.stderr
    after = counts(url, server)
    assert after["event"] == before["event"] + 2000


CASCADE = """
mutation ($version: Int!) {
  actorDelete(ref: {slug: "israel"}, version: $version, cascade: true) { deleted { slug } userErrors { code } }
}
"""


def test_cascade_delete_stopped_halfway_writes_nothing(postgres: TempPostgres, tmp_path: Path):
    """Given a cascade delete blocked by a lock after its first deletes, when it times out, then nothing of it stays."""
    url = postgres.story("halfway")
    token = create_token(url)
    before = counts(url, postgres)
    with (
        running(url, tmp_path / "serve.log", statement_timeout_ms="2000") as server,
        httpx.Client(base_url=server.base, timeout=30) as client,
        postgres.connect("halfway") as locker,
        postgres.connect("halfway") as watcher,
    ):
        version = client.post("/graphql", json={"query": '{ actor(ref: {slug: "israel"}) { version } }'}).json()
        version = version["data"]["actor"]["version"]
        # Another client holds the relationship changes *to* Israel: the cascade deletes the affiliations and the
        # changes *from* Israel first (each with its tombstone and audit entry), then waits for these rows.
        locker.autocommit = False
        locked = locker.execute(
            "SELECT rc.id FROM relationship_change rc JOIN actor a ON a.id = rc.to_actor_id "
            "WHERE a.slug = 'israel' FOR UPDATE OF rc"
        ).fetchall()
        assert locked
        answer: dict[str, httpx.Response] = {}
        thread = threading.Thread(
            target=lambda: answer.setdefault(
                "response",
                client.post(
                    "/graphql",
                    json={"query": CASCADE, "variables": {"version": version}},
                    headers={"Authorization": f"Bearer {token}"},
                ),
            )
        )
        thread.start()
        try:
            # Halfway: the delete waits on the lock while its transaction already wrote tombstones.
            def waiting_after_writes() -> bool:
                row = watcher.execute(
                    "SELECT count(*) FROM pg_stat_activity s JOIN pg_locks l ON l.pid = s.pid "
                    "WHERE s.datname = 'halfway' AND s.wait_event_type = 'Lock' "
                    "AND l.relation = 'tombstone'::regclass AND l.granted"
                ).fetchone()
                return row[0] > 0

            wait_for(waiting_after_writes, 10, "the cascade delete to wait on the lock after writing")
            thread.join(timeout=20)
        finally:
            locker.rollback()
            thread.join(timeout=20)
        assert "response" in answer, "the cascade delete did not answer within 40 s"
        response = answer["response"]
        assert counts(url, postgres) == before, response.text
        again = client.post("/graphql", json={"query": '{ actor(ref: {slug: "israel"}) { version } }'}).json()
        assert again["data"]["actor"]["version"] == version
        assert response.status_code < 500, response.text
        assert_no_traceback(response.text)
        errors = response.json().get("errors")
        assert errors and set(codes(errors)) <= TIMED_OUT, f"{response.text}\nserver log:\n{server.log(3000)}"


def test_query_waiting_past_the_statement_timeout_is_not_an_internal_error(postgres: TempPostgres, tmp_path: Path):
    """Given tables locked by another client, when a query outwaits the statement timeout, then SERVICE_UNAVAILABLE."""
    url = postgres.story("locked")
    with (
        running(url, tmp_path / "serve.log", statement_timeout_ms="1000") as server,
        httpx.Client(base_url=server.base, timeout=30) as client,
        postgres.connect("locked") as locker,
    ):
        locker.autocommit = False
        locker.execute("LOCK TABLE event, statement, reaction IN ACCESS EXCLUSIVE MODE")  # as a migration would
        try:
            elapsed, answer = timed(lambda: client.post("/graphql", json={"query": QUERY}))
        finally:
            locker.rollback()
        assert answer.status_code in (200, 503), answer.text
        assert_no_traceback(answer.text)
        errors = answer.json().get("errors")
        assert errors and set(codes(errors)) <= TIMED_OUT, f"{answer.text}\nserver log:\n{server.log(3000)}"
        # A lock wait gives up before the statement limit (lock_timeout): busy, not a slow query; and a read
        # wrote nothing, so it does not say so.
        assert set(codes(errors)) == {"SERVICE_UNAVAILABLE"}, answer.text
        assert {e["message"] for e in errors} == {"the database is busy right now; try again shortly"}, answer.text
        assert elapsed < BOUND, elapsed
        data = client.post("/graphql", json={"query": QUERY}).json()
        assert not data.get("errors"), data
