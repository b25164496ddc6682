"""The live broker: reads the change log (``change_log``) once per process and hands each change to the
subscribers it concerns.

Design (README "Live timelines"):

- The change log is the truth; notifications are only wake-ups. A broker keeps ``position``, the last log
  position it has dispatched, and on every wake-up reads ``position > self.position`` in order. Positions grow in
  commit order (``api.services.changes``), so reading after N can never skip a write committed later below N: no
  gaps, whatever the notifications did. A lost notification costs latency (the next wake-up or poll reads it),
  never an item.
- PostgreSQL (``PostgresBroker``): one ``LISTEN realign_changes`` connection per process (asyncpg). When it
  drops, the broker reconnects with back-off and reads the log from its position: what was written meanwhile is
  replayed, and its subscribers stay subscribed. SQLite (``LocalBroker``): the write path calls
  ``changes.committed`` after each commit in this process; a slow poll catches writes by other processes (the
  CLI).
- Subscribers with the same filter share one ``Topic``. One statement per batch decides which changed records
  match which topics (each topic's own filter conditions, ``schema.filters``, run on the changed ids, up to
  ``TOPICS_PER_STATEMENT`` topics together), and each matching record is fetched once per batch for the whole
  process, whatever the number of subscribers.
- Each subscriber has a bounded queue. The broker never waits for a subscriber: one whose queue is full is
  marked overrun and told so (with its last cursor) the next time it reads, and then closed.
"""

from __future__ import annotations

import abc
import asyncio
import contextlib
import datetime as dt
import json
import logging
from collections import deque
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import BindParameter, bindparam, func, literal, select, union_all
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlalchemy.sql import visitors

from api.db import backend
from api.kinds import BY_KEY, ITEMS
from api.services import changes
from api.settings import Settings
from api.tables import CHANGE_LOG
from api.tables import RELATIONSHIP_CHANGE as RC

LOG = logging.getLogger("realign.live")
# Log rows read per statement, when dispatching or replaying.
BATCH = 500


@dataclass(frozen=True)
class Change:
    """One row of the change log."""

    position: int
    action: str  # create, update or delete
    kind: str  # the record kind's key (``api.kinds``)
    record_id: int
    slug: str | None
    at: dt.datetime


@dataclass(frozen=True)
class Delivery:
    """A change as the subscribers of one topic receive it: the record built for the schema (None when it was
    deleted). One object for all of them: ``memo`` keeps what is built from it once for all (``schema.live``)."""

    change: Change
    item: Any
    memo: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)


class Overrun(Exception):
    """The subscriber fell too far behind; ``position`` is the last one it received."""

    def __init__(self, position: int) -> None:
        super().__init__(position)
        self.position = position


class Topic(abc.ABC):
    """What a group of subscribers with the same filter listens to: the conditions a changed record must meet."""

    key: Hashable
    kinds: frozenset[str]
    shape: Hashable  # what the SQL of ``conditions`` depends on
    values: dict[str, Any]  # what it binds, by name
    deletes: bool  # whether its subscribers hear of deletions (a deleted record can no longer be tested)
    alone: bool = False  # matched in a statement of its own (its conditions hold a named CTE)

    @abc.abstractmethod
    def conditions(self, kind: str, dialect: str) -> list[Any]:
        """The WHERE conditions on a record of ``kind`` (one of ``kinds``) this topic's subscribers receive."""


class TimelineTopic(Topic):
    """Timeline items matching an ``ItemFilter``, decided by the filter's own SQL conditions."""

    deletes = True

    def __init__(self, resolved: Any) -> None:
        from schema.filters import filter_shape, filter_values, may_match

        self.resolved = resolved
        self.values = filter_values(resolved)
        self.shape = ("timeline", filter_shape(resolved))
        self.kinds = frozenset(item.key for item in ITEMS if may_match(item.key, resolved))
        self.key = ("timeline", self.shape, json.dumps(self.values, sort_keys=True, default=str))
        # A family of actors is a recursive CTE named once per statement (``filters.family``).
        self.alone = resolved.affiliated and resolved.actor_ids is not None

    def conditions(self, kind: str, dialect: str) -> list[Any]:
        from schema.filters import conditions, window_condition

        table = BY_KEY[kind].table
        return [*conditions(kind, table, self.resolved, dialect), *window_condition(table, self.resolved)]


class DyadTopic(Topic):
    """New and changed relationship changes of one directed dyad (from → to)."""

    kinds = frozenset({"relationship_change"})
    shape = "dyad"
    deletes = False

    def __init__(self, from_id: int, to_id: int) -> None:
        self.values = {"from_id": from_id, "to_id": to_id}
        self.key = ("dyad", from_id, to_id)

    def conditions(self, kind: str, dialect: str) -> list[Any]:
        return [RC.c.from_actor_id == bindparam("from_id"), RC.c.to_actor_id == bindparam("to_id")]


# At most this many topics share one matching statement: one round trip for the usual few dozen filters, and a
# statement whose planning stays small when thousands of different filters are open.
TOPICS_PER_STATEMENT = 50


async def match(context: Any, topics: list[Topic], batch: list[Change]) -> list[list[Change]]:
    """The changes of ``batch`` each topic's subscribers receive, in order (a list per topic).

    One statement for up to ``TOPICS_PER_STATEMENT`` topics: a UNION ALL of each topic's conditions on the
    changed ids of each kind, its values bound under names of its own. Topics are placed by shape, so the same
    filters (in whatever values) make the same statement text, prepared once."""
    from schema.context import among

    alive = sorted({(c.kind, c.record_id) for c in batch if c.action != "delete"})
    present = {kind for kind, _ in alive}
    ids = {f"ids_{kind}": [i for k, i in alive if k == kind] for kind in present}
    asking = sorted(
        ((n, topic) for n, topic in enumerate(topics) if topic.kinds & present), key=lambda pair: repr(pair[1].shape)
    )
    shared = [pair for pair in asking if not pair[1].alone]
    groups = [[pair] for pair in asking if pair[1].alone]
    groups += [shared[i : i + TOPICS_PER_STATEMENT] for i in range(0, len(shared), TOPICS_PER_STATEMENT)]
    found: list[set[tuple[str, int]]] = [set() for _ in topics]
    for group in groups:
        parts = tuple((topic.shape, tuple(sorted(topic.kinds & present))) for _, topic in group)

        def build(dialect: str, group: list[tuple[int, Topic]] = group) -> Any:
            branches = []
            for place, (_, topic) in enumerate(group):
                for kind in sorted(topic.kinds & present):
                    table = BY_KEY[kind].table
                    where = _renamed(topic.conditions(kind, dialect), f"t{place}_", topic.values)
                    branches.append(
                        select(literal(place).label("place"), literal(kind).label("kind"), table.c.id).where(
                            among(table.c.id, f"ids_{kind}", dialect), *where
                        )
                    )
            return branches[0] if len(branches) == 1 else union_all(*branches)

        values = {f"t{place}_{name}": v for place, (_, t) in enumerate(group) for name, v in t.values.items()}
        for row in await context.prepared(("live-match", parts), build, **values, **ids):
            found[group[row.place][0]].add((row.kind, row.id))
    return [
        [
            c
            for c in batch
            if c.kind in topic.kinds and (topic.deletes if c.action == "delete" else (c.kind, c.record_id) in found[n])
        ]
        for n, topic in enumerate(topics)
    ]


def _renamed(clauses: list[Any], prefix: str, names: dict[str, Any]) -> list[Any]:
    """``clauses`` with each parameter bound by one of ``names`` renamed ``prefix + name`` (the ids of the batch,
    bound alike for every topic, keep their names)."""

    def swap(element: Any, **_: Any) -> Any:
        if isinstance(element, BindParameter) and element.key in names:
            return bindparam(prefix + element.key, type_=element.type, expanding=element.expanding)
        return None

    return [visitors.replacement_traverse(clause, {}, swap) for clause in clauses]


@dataclass(eq=False)
class Subscriber:
    """One subscription's end of the broker: a bounded queue of deliveries after ``start``."""

    topic: Topic
    start: int
    limit: int
    queue: deque[Delivery] = field(default_factory=deque)
    ready: asyncio.Event = field(default_factory=asyncio.Event)
    overrun: bool = False
    last: int = 0  # the last position handed to the client

    def offer(self, delivery: Delivery) -> None:
        """Queue a delivery, never waiting: past the limit the subscriber is overrun (and its queue dropped)."""
        if self.overrun:
            return
        if len(self.queue) >= self.limit:
            self.overrun = True
            self.queue.clear()
        else:
            self.queue.append(delivery)
        self.ready.set()

    async def next(self) -> Delivery:
        """The next delivery; ``Overrun`` once the subscriber has fallen too far behind."""
        while not self.queue:
            if self.overrun:
                raise Overrun(self.last)
            self.ready.clear()
            await self.ready.wait()
        if self.overrun:
            raise Overrun(self.last)
        return self.queue.popleft()


class Broker(abc.ABC):
    """Reads the change log after ``position`` and dispatches it to the topics' subscribers."""

    def __init__(self, engine: AsyncEngine, settings: Settings, tally: Any = None) -> None:
        self.engine = engine
        self.settings = settings
        self.tally = tally  # the app's count of statements sent (``schema.context.StatementTally``)
        self.position = 0
        self.topics: dict[Hashable, Topic] = {}
        self.subscribers: dict[Hashable, set[Subscriber]] = {}
        self._wake = asyncio.Event()
        # Held while a batch is dispatched: a subscriber joining then would miss it (or, on its replay, get it twice).
        self._lock = asyncio.Lock()
        self._task: asyncio.Task[None] | None = None
        # Every WebSocket connection asks for a start; the first does it, the others wait for it to be done.
        self._starting = asyncio.Lock()
        self._started = False
        self.dispatched = 0  # batches dispatched (for tests and logs)

    def context(self) -> Any:
        from schema.context import Context

        return Context(engine=self.engine, settings=self.settings, tally=self.tally)

    async def start(self) -> None:
        """Begin at the log's end (what came before is for replays), and run the dispatch loop; once per process,
        however many connections ask."""
        async with self._starting:
            if self._started:
                return
            context = self.context()
            try:
                rows = await context.rows(select(func.max(CHANGE_LOG.c.position)))
            finally:
                await context.close()
            self.position = rows[0][0] or 0
            self._task = asyncio.create_task(self._run())
            self._begin()
            self._started = True

    @abc.abstractmethod
    def _begin(self) -> None:
        """What a kind of broker starts beside the dispatch loop (once)."""

    @abc.abstractmethod
    async def _end(self) -> None:
        """Stop what ``_begin`` started."""

    async def stop(self) -> None:
        async with self._starting:
            await self._end()
            if self._task is not None:
                self._task.cancel()
                with contextlib.suppress(asyncio.CancelledError, Exception):
                    await self._task
                self._task = None
            self._started = False

    def wake(self) -> None:
        self._wake.set()

    @property
    @abc.abstractmethod
    def poll_seconds(self) -> float:
        """How long the loop waits without a wake-up before it reads the log anyway."""

    async def _run(self) -> None:
        while True:
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(self.poll_seconds):
                    await self._wake.wait()
            self._wake.clear()
            try:
                await self._drain()
            except asyncio.CancelledError:
                raise
            except Exception:  # noqa: BLE001 - the database may be away: read again at the next wake-up or poll
                LOG.warning("reading the change log failed; retrying", exc_info=True)
                await asyncio.sleep(min(self.poll_seconds, 1.0))

    async def _drain(self) -> None:
        """Dispatch everything in the log after ``position``, in order, batch by batch."""
        context = self.context()
        try:
            while True:
                batch = await read_log(context, self.position, None)
                if not batch:
                    return
                await context.close()  # a fresh snapshot for matching (SQLite keeps one per transaction)
                async with self._lock:
                    if self.topics:
                        await self._dispatch(context, batch)
                    self.position = batch[-1].position
                self.dispatched += 1
                await context.close()
                if len(batch) < BATCH:
                    # The log's end: a write committed since then has woken the loop, which reads again.
                    return
        finally:
            await context.close()

    async def _dispatch(self, context: Any, batch: list[Change]) -> None:
        topics = list(self.topics.values())
        matched = await match(context, topics, batch)
        items = await fetch_items(context, [c for found in matched for c in found])
        for topic, found in zip(topics, matched, strict=True):
            deliveries = [Delivery(c, items.get((c.kind, c.record_id))) for c in found]
            for subscriber in list(self.subscribers.get(topic.key, ())):
                for delivery in deliveries:
                    if delivery.change.position > subscriber.start:  # pragma: no branch - joined before
                        subscriber.offer(delivery)

    async def subscribe(self, topic: Topic) -> Subscriber:
        """A subscriber receiving what the broker dispatches from now on (after ``position``)."""
        async with self._lock:
            return self._join(topic)

    def _join(self, topic: Topic) -> Subscriber:
        existing = self.topics.setdefault(topic.key, topic)
        subscriber = Subscriber(existing, self.position, self.settings.live_queue_size)
        self.subscribers.setdefault(topic.key, set()).add(subscriber)
        return subscriber

    def unsubscribe(self, subscriber: Subscriber) -> None:
        key = subscriber.topic.key
        group = self.subscribers.get(key)
        if group is not None:
            group.discard(subscriber)
            if not group:
                del self.subscribers[key]
                self.topics.pop(key, None)

    async def replay(self, topic: Topic, after: int, upto: int) -> list[Delivery]:
        """The deliveries of ``topic`` in the log after ``after`` up to ``upto`` (a page of the log at most:
        call again from the last position read)."""
        context = self.context()
        try:
            batch = await read_log(context, after, upto)
            if not batch:
                return []
            (found,) = await match(context, [topic], batch)
            items = await fetch_items(context, found)
            deliveries = [Delivery(c, items.get((c.kind, c.record_id))) for c in found]
            # The page's end, as a delivery-less marker, so the caller continues after it even if none matched.
            return [*deliveries, Delivery(batch[-1], _PAGE_END)]
        finally:
            await context.close()


_PAGE_END = object()


def is_page_end(delivery: Delivery) -> bool:
    return delivery.item is _PAGE_END


async def read_log(context: Any, after: int, upto: int | None) -> list[Change]:
    """Up to ``BATCH`` rows of the log after ``after`` (and at most ``upto``), in order."""
    log = CHANGE_LOG
    statement = select(log.c.position, log.c.action, log.c.record_type, log.c.record_id, log.c.slug, log.c.at).where(
        log.c.position > after
    )
    if upto is not None:
        statement = statement.where(log.c.position <= upto)
    rows = await context.rows(statement.order_by(log.c.position).limit(BATCH))
    return [Change(row.position, row.action, row.record_type, row.record_id, row.slug, _aware(row.at)) for row in rows]


def _aware(value: dt.datetime) -> dt.datetime:
    """SQLite gives back naive datetimes; the log writes UTC."""
    return value if value.tzinfo is not None else value.replace(tzinfo=dt.UTC)


async def fetch_items(context: Any, found: Iterable[Change]) -> dict[tuple[str, int], Any]:
    """The records of some changes, built for the schema: one statement per kind, each record once."""
    from schema.loaders import BUILDERS, rows_by_id

    wanted: dict[str, set[int]] = {}
    for c in found:
        if c.action != "delete":
            wanted.setdefault(c.kind, set()).add(c.record_id)
    items: dict[tuple[str, int], Any] = {}
    for kind, ids in wanted.items():
        type_name = BY_KEY[kind].type_name
        for ident, row in (await rows_by_id(context, type_name, ids)).items():
            items[(kind, ident)] = BUILDERS[type_name](row)
    return items


class LocalBroker(Broker):
    """SQLite, one process: woken by this process's commits; a poll catches other processes' writes."""

    @property
    def poll_seconds(self) -> float:
        return self.settings.live_poll_seconds

    def _begin(self) -> None:
        changes.COMMITTED.append(self.wake)

    async def _end(self) -> None:
        with contextlib.suppress(ValueError):
            changes.COMMITTED.remove(self.wake)


class PostgresBroker(Broker):
    """PostgreSQL: one LISTEN connection per process; reconnects (and replays from the log) when it drops."""

    def __init__(self, engine: AsyncEngine, settings: Settings, tally: Any = None) -> None:
        super().__init__(engine, settings, tally)
        self._listener: Any = None
        self._watch: asyncio.Task[None] | None = None
        self._lost = asyncio.Event()
        self.reconnects = 0

    @property
    def poll_seconds(self) -> float:
        # Notifications do the work; the poll only bounds the delay if one were ever lost.
        return max(self.settings.live_poll_seconds, 5.0)

    def _begin(self) -> None:
        self._watch = asyncio.create_task(self._keep_listening())

    async def _end(self) -> None:
        if self._watch is not None:
            self._watch.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._watch
            self._watch = None
        await self._close_listener()

    async def _close_listener(self) -> None:
        listener, self._listener = self._listener, None
        if listener is not None:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(listener.close(), 2)

    async def _keep_listening(self) -> None:
        import asyncpg

        url = self.engine.url.set(drivername="postgresql")
        dsn = url.render_as_string(hide_password=False)
        delay = 0.1
        while True:
            try:
                self._lost.clear()
                self._listener = await asyncpg.connect(dsn, timeout=self.settings.db_connect_timeout)
                self._listener.add_termination_listener(lambda _conn: self._lost.set())
                await self._listener.add_listener(changes.CHANNEL, lambda *_: self.wake())
                # Listening now: anything committed while it was not is in the log after our position.
                self.wake()
                delay = 0.1
                while not self._lost.is_set():
                    # A connection killed from the server side is noticed at the next round trip at the latest.
                    with contextlib.suppress(TimeoutError):
                        async with asyncio.timeout(self.settings.live_ping_seconds):
                            await self._lost.wait()
                    if not self._lost.is_set():
                        try:
                            await asyncio.wait_for(self._listener.execute("SELECT 1"), self.settings.db_connect_timeout)
                        except Exception:  # noqa: BLE001 - any failure means the connection is gone
                            self._lost.set()
                LOG.warning("the LISTEN connection was lost; reconnecting")
            except asyncio.CancelledError:
                raise
            except Exception:  # noqa: BLE001 - the database is away: try again, backing off
                LOG.warning("cannot LISTEN for changes; retrying in %.1f s", delay, exc_info=True)
            await self._close_listener()
            self.reconnects += 1
            await asyncio.sleep(delay)
            delay = min(delay * 2, 5.0)


def make_broker(engine: AsyncEngine, settings: Settings, tally: Any = None) -> Broker:
    """The broker for the settings' database (its statements counted in ``tally``, when given)."""
    if backend(settings.database_url) == "postgresql":
        return PostgresBroker(engine, settings, tally)
    return LocalBroker(engine, settings, tally)


def listener_count(broker: Broker) -> Callable[[], int]:
    return lambda: sum(len(group) for group in broker.subscribers.values())
