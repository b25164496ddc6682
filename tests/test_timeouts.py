"""Time limits that stop the work: a read stopped by the statement limit answers TIMEOUT (not "busy"), and when
a limit stops a read, the database stops working on it — SQLite's statement is interrupted in aiosqlite's
thread, PostgreSQL's is cancelled on the server — and the next request is served normally.

The slow read is slow by construction, not by luck: a story copy gains a web of 160 bodies, each part of Israel
and of every other body, each spell with its own start and end (40 of each). Israel's family at the items' dates
(`includeAffiliated`) is then a recursive query whose rows are every body with every interval the spells along
some path leave open — about 160 × 40² / 2 of them, each joined against 160 affiliations: tens of millions of
steps, seconds per statement on either database (≈8 s on PostgreSQL, far more on SQLite, on the 2-core dev
machine), while the limits here are a fraction of a second. No index can shorten it: the work is the answer.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import os
import random
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import psycopg
import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url

from api.db import make_engine
from api.settings import Settings
from schema.context import read_timeout, refusal_for, statement_timed_out, write_timeout
from tests.api.conftest import assert_no_traceback
from tests.conftest import BACKENDS, Databases
from tests.server import Running, running
from tests.support import POSTGRES_URL

WEB, SPELLS = 160, 40
SLOW = 'query Slow { slow: timeline(filter: {actors: [{slug: "israel"}], includeAffiliated: true}) { totalCount } }'
FAST = '{ actor(ref: {slug: "israel"}) { name } events(first: 2) { totalCount } }'
# How long an answer stopped by a limit of a fraction of a second may take, on a busy 2-core machine.
ANSWER_BOUND = 4.0


@pytest.fixture(scope="module", params=BACKENDS, ids=BACKENDS)
def slow_url(
    request: pytest.FixtureRequest, databases: Databases, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """A story copy with a web of bodies all part of Israel and of each other (see the module's docstring), so
    working out Israel's family takes seconds."""
    url, name = databases.copy(request.param, "seeded", tmp_path_factory.mktemp("slow"))
    engine = make_engine(url)
    rng = random.Random(7)
    days = [dt.date(2000, 1, 1) + dt.timedelta(days=30 * k) for k in range(2 * SPELLS)]
    now = dt.datetime.now(dt.UTC)
    try:
        with engine.begin() as conn:
            web = [
                conn.execute(
                    text(
                        "INSERT INTO actor (slug, name, kind, sectors, aliases, external_ids, search_text, created_at,"
                        " updated_at, version) VALUES (:slug, :slug, 'organisation', '[]', '[]', '{}', :slug, :now,"
                        " :now, 1) RETURNING id"
                    ),
                    {"slug": f"web-{n}", "now": now},
                ).scalar_one()
                for n in range(WEB)
            ]
            israel = conn.execute(text("SELECT id FROM actor WHERE slug = 'israel'")).scalar_one()
            spells = [
                {"slug": f"web-{member}-{organisation}", "member": member, "organisation": organisation, "now": now,
                 "start": days[rng.randrange(SPELLS)], "end": days[SPELLS + rng.randrange(SPELLS)]}
                for member in web
                for organisation in [israel, *web]
                if organisation != member
            ]  # fmt: skip
            conn.execute(
                text(
                    "INSERT INTO affiliation (slug, member_id, organisation_id, kind, start_date, end_date,"
                    " created_at, updated_at, version)"
                    " VALUES (:slug, :member, :organisation, 'part_of', :start, :end, :now, :now, 1)"
                ),
                spells,
            )
    finally:
        engine.dispose()
    yield url
    databases.drop(request.param, name)


def cpu_seconds(pid: int) -> float:
    """The CPU time (user + system, all threads) a process has used so far, from /proc/<pid>/stat."""
    after_name = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(after_name[11]) + int(after_name[12])) / os.sysconf("SC_CLK_TCK")  # utime, stime (fields 14, 15)


def runnable_threads(pid: int) -> int:
    """How many of a process's threads are running or waiting for a core right now (state R in /proc): a
    statement left running is R however busy the machine is, while its CPU time shrinks with its share."""
    count = 0
    for stat in Path(f"/proc/{pid}/task").glob("*/stat"):
        try:
            count += stat.read_text().rsplit(")", 1)[1].split()[0] == "R"
        except OSError:  # the thread ended meanwhile
            continue
    return count


def active_queries(url: str) -> list[str]:
    """The queries the API's connections are running in the database at ``url`` right now (PostgreSQL)."""
    target = make_url(url)
    with psycopg.connect(POSTGRES_URL, autocommit=True, connect_timeout=5) as conn:
        rows = conn.execute(
            "SELECT query FROM pg_stat_activity WHERE datname = %s AND application_name = 'realign' "
            "AND state = 'active'",
            (target.database,),
        ).fetchall()
    return [row[0] for row in rows]


def ask_slow(server: Running) -> tuple[float, httpx.Response]:
    with httpx.Client(base_url=server.base, timeout=60) as client:
        started = time.monotonic()
        answer = client.post("/graphql", json={"query": SLOW})
        return time.monotonic() - started, answer


def only_error(answer: httpx.Response) -> dict[str, Any]:
    assert answer.status_code == 200, answer.text
    assert_no_traceback(answer.text)
    body = answer.json()
    assert len(body.get("errors") or ()) == 1, answer.text
    return body["errors"][0]


def assert_database_idle(url: str, server: Running, answered_at: float) -> float:
    """Once answered, the database stops working on the read: on SQLite the server goes idle (watched for one
    second), on PostgreSQL no query of the API's is left running within two seconds (asyncpg's cancel request
    takes a connection of its own, slow on a busy machine; left alone, the read runs for eight). Returns the CPU
    seconds the server used in that second (SQLite) or how long the query took to disappear (PostgreSQL)."""
    if url.startswith("sqlite"):
        before, busy = cpu_seconds(server.pid), 0
        for _ in range(20):
            busy += runnable_threads(server.pid) > 0
            time.sleep(0.05)
        used = cpu_seconds(server.pid) - before
        # A statement still running in aiosqlite's thread is runnable in every sample and takes whatever share
        # of a core the machine gives it (a whole one when it is quiet, a quarter at a load of 8 on 2 cores).
        assert busy <= 4 and used < 0.25, (
            f"after answering, the server was busy in {busy} of 20 samples and used {used:.2f} s of CPU"
        )
        return used
    deadline = answered_at + 2.0
    while (left := active_queries(url)) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not left, f"still running on the server after the answer: {left}"
    return time.monotonic() - answered_at


def assert_serves_again(server: Running) -> None:
    """The next requests on the same server succeed (a few, so every pooled connection is tried)."""
    with httpx.Client(base_url=server.base, timeout=30) as client:
        for _ in range(3):
            body = client.post("/graphql", json={"query": FAST}).json()
            assert not body.get("errors") and body["data"]["actor"]["name"] == "Israel", body


def test_a_slow_read_stops_at_the_statement_limit(slow_url: str, tmp_path: Path):
    """Given a 0.3 s statement limit, when a read scans for seconds, then it is stopped in the database and
    answers TIMEOUT naming the limit and what to do, at the field's path; the database is idle at once after,
    and the next request succeeds."""
    with running(slow_url, tmp_path / "serve.log", statement_timeout_ms="300", execution_timeout="60") as server:
        elapsed, answer = ask_slow(server)
        answered_at = time.monotonic()
        error = only_error(answer)
        assert error["extensions"] == {"code": "TIMEOUT"}, f"{answer.text}\n{server.log(3000)}"
        assert error["message"] == (
            "the query took longer than 0.3 s in the database and was stopped; narrow the filter or ask for fewer items"
        )
        assert error["path"] == ["slow"]
        assert answer.json()["data"] == {"slow": None}  # `events` is nullable: its error costs that field only
        assert elapsed < ANSWER_BOUND, elapsed
        idle = assert_database_idle(slow_url, server, answered_at)
        assert_serves_again(server)
        print(f"statement limit: answered in {elapsed:.2f} s; then {idle:.3f} s (CPU s or s to idle)")


def test_the_operation_limit_stops_the_statement_too(slow_url: str, tmp_path: Path):
    """Given a 1 s operation limit (and no statement limit to speak of), when a read scans for seconds, then it
    answers TIMEOUT within the bound, the statement does not run on after the answer, and the server serves
    the next request."""
    settings = {"statement_timeout_ms": "600000", "execution_timeout": "1"}
    with running(slow_url, tmp_path / "serve.log", **settings) as server:
        elapsed, answer = ask_slow(server)
        answered_at = time.monotonic()
        error = only_error(answer)
        assert error["extensions"] == {"code": "TIMEOUT"}, f"{answer.text}\n{server.log(3000)}"
        assert error["message"] == "the operation took longer than 1 s and was stopped"
        assert elapsed < 1 + ANSWER_BOUND, elapsed
        idle = assert_database_idle(slow_url, server, answered_at)
        assert_serves_again(server)
        assert "Traceback" not in server.log(), server.log()
        print(f"operation limit: answered in {elapsed:.2f} s; then {idle:.3f} s (CPU s or s to idle)")


def test_a_client_gone_stops_its_read(slow_url: str, tmp_path: Path):
    """Given generous limits, when the client of a read that scans for seconds disconnects, then the read is
    stopped in the database too (not left running until a limit), and the server serves the next request."""
    settings = {"statement_timeout_ms": "600000", "execution_timeout": "600"}
    with running(slow_url, tmp_path / "serve.log", **settings) as server:
        with httpx.Client(base_url=server.base, timeout=0.5) as client, pytest.raises(httpx.ReadTimeout):
            client.post("/graphql", json={"query": SLOW})
        gone_at = time.monotonic()  # the client closed its connection on leaving the block
        time.sleep(0.3)  # the server notices the closed connection and stops the operation
        idle = assert_database_idle(slow_url, server, gone_at)
        assert_serves_again(server)
        assert "Traceback" not in server.log(), server.log()
        print(f"client gone: then {idle:.3f} s (CPU s or s to idle)")


def test_a_statement_timeout_is_told_apart_from_other_cancels_and_lock_waits():
    """Given PostgreSQL's own errors, when a statement timeout, a lock timeout and an operator's cancel come,
    then only the first reads as a statement timeout, and each answers its own message."""

    async def error_of(*statements: str) -> BaseException:
        conn = await asyncpg.connect(POSTGRES_URL)
        try:
            for statement in statements:
                await conn.execute(statement)
        except asyncpg.PostgresError as exc:
            return exc
        finally:
            await conn.close()
        raise AssertionError("no error")

    async def cancelled_by_operator() -> BaseException:
        conn = await asyncpg.connect(POSTGRES_URL)
        try:
            pid = conn.get_server_pid()
            sleeping = asyncio.ensure_future(conn.execute("SELECT pg_sleep(5)"))
            await asyncio.sleep(0.3)
            other = await asyncpg.connect(POSTGRES_URL)
            await other.execute(f"SELECT pg_cancel_backend({pid})")
            await other.close()
            try:
                await sleeping
            except asyncpg.PostgresError as exc:
                return exc
        finally:
            await conn.close()
        raise AssertionError("no error")

    timed_out = asyncio.run(error_of("SET statement_timeout = 50", "SELECT pg_sleep(1)"))
    assert statement_timed_out(timed_out)
    assert not statement_timed_out(asyncio.run(cancelled_by_operator()))
    settings = Settings(statement_timeout_ms=5000)
    assert str(read_timeout(settings)) == (
        "the query took longer than 5 s in the database and was stopped; narrow the filter or ask for fewer items"
    )
    assert str(write_timeout(settings)).endswith("in the database and was stopped; nothing was written")
    assert read_timeout(settings).extensions == {"code": "TIMEOUT"}
    assert str(refusal_for("55P03", write=False)) == "the database is busy right now; try again shortly"
    assert "nothing was written" in str(refusal_for("55P03", write=True))


def test_a_write_past_the_operation_limit_is_told_timeout_and_leaves_nothing(databases: Databases, tmp_path: Path):
    """Given a 1 s operation limit (and a statement limit far beyond it) and the event table locked by another
    transaction, when an event is created, then the answer is TIMEOUT within the bound, the event does not exist
    once the lock is gone (the write was rolled back, not left to finish), and the server serves the next
    request."""
    from tests.live.support import EVENT_CREATE, event, make_token

    url, _ = databases.copy("postgresql", "seeded", tmp_path)
    token = make_token(url)
    settings = {"statement_timeout_ms": "600000", "execution_timeout": "1"}
    with (
        running(url, tmp_path / "serve.log", **settings) as server,
        psycopg.connect(make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)) as blocker,
    ):
        blocker.execute("LOCK TABLE event IN ACCESS EXCLUSIVE MODE")
        with httpx.Client(base_url=server.base, timeout=60) as client:
            started = time.monotonic()
            answer = client.post(
                "/graphql",
                json={"query": EVENT_CREATE, "variables": {"input": event("locked-out")}},
                headers={"Authorization": f"Bearer {token}"},
            )
            elapsed = time.monotonic() - started
        blocker.rollback()
        error = only_error(answer)
        assert error["extensions"]["code"] == "TIMEOUT", answer.text
        assert error["message"] == "the operation took longer than 1 s and was stopped"
        assert elapsed < 1 + ANSWER_BOUND, elapsed
        assert_serves_again(server)
        with blocker.cursor() as cursor:
            assert cursor.execute("SELECT count(*) FROM event WHERE slug = 'locked-out'").fetchone() == (0,)
