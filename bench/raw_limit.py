"""The raw-SQL limit: the benchmark's timeline page answered by one hand-written SQL query (json_agg) through
asyncpg, behind the same HTTP stack (Starlette on uvicorn). Run: uvicorn --app-dir bench raw_limit:app."""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os

import asyncpg
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

PAGE_SQL = """
SELECT coalesce(json_agg(e ORDER BY e.date_start, e.day_order, e.id), '[]') FROM (
  SELECT ev.id, ev.slug, ev.title, ev.kind, ev.date_label AS label, ev.date_start, ev.day_order,
    (SELECT coalesce(json_agg(json_build_object('role', p.role, 'actor',
              json_build_object('id', a.id, 'name', a.name)) ORDER BY p.position, p.id), '[]')
       FROM event_participant p JOIN actor a ON a.id = p.actor_id WHERE p.event_id = ev.id) AS participants,
    (SELECT coalesce(json_agg(s ORDER BY s.date_start, s.day_order, s.id), '[]') FROM (
       SELECT st.id, st.quote, st.date_start, st.day_order,
              json_build_object('id', sp.id, 'name', sp.name) AS speaker,
              (SELECT coalesce(json_agg(r ORDER BY r.date_start, r.day_order, r.id), '[]') FROM (
                 SELECT re.id, re.kind, re.date_start, re.day_order,
                        json_build_object('id', ra.id, 'name', ra.name) AS reactor
                   FROM reaction re JOIN actor ra ON ra.id = re.reactor_id
                  WHERE re.target_statement_id = st.id
                  ORDER BY re.date_start, re.day_order, re.id LIMIT 5) r) AS reactions
         FROM statement st JOIN actor sp ON sp.id = st.speaker_id
        WHERE st.venue_event_id = ev.id
        ORDER BY st.date_start, st.day_order, st.id LIMIT 5) s) AS statements
  FROM (
    (SELECT * FROM event WHERE date_start >= $1::date - 366 AND date_start <= $2 AND date_end >= $1
      ORDER BY date_start, day_order, id LIMIT 50)
    UNION ALL
    (SELECT * FROM event WHERE date_long AND date_start < $1::date - 366 AND date_end >= $1
      ORDER BY date_start, day_order, id LIMIT 50)
  ) ev
  ORDER BY ev.date_start, ev.day_order, ev.id
  LIMIT 50) e
"""

pool: asyncpg.Pool | None = None


@contextlib.asynccontextmanager
async def lifespan(app: Starlette):  # type: ignore[no-untyped-def]
    global pool
    pool = await asyncpg.create_pool(os.environ["RAW_DSN"], min_size=4, max_size=16)
    yield
    await pool.close()


async def page(request: Request) -> Response:
    body = json.loads(await request.body())
    start = dt.date.fromisoformat(body["from"])
    end = dt.date.fromisoformat(body["to"])
    assert pool is not None
    async with pool.acquire() as conn:
        events = await conn.fetchval(PAGE_SQL, start, end)
    return Response(b'{"data":{"events":' + events.encode() + b"}}", media_type="application/json")


app = Starlette(routes=[Route("/page", page, methods=["POST"])], lifespan=lifespan)
