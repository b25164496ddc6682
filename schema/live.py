"""Subscriptions: live timelines and relationships, resumable from a cursor in the change log (``api.live``)."""

from __future__ import annotations

import base64
import binascii
import dataclasses
import enum
from collections.abc import AsyncGenerator, Callable
from typing import Annotated, Any, TypeVar, cast

import strawberry
from strawberry.types import Info

from api.kinds import BY_KEY
from api.live import Broker, Delivery, DyadTopic, Overrun, Subscriber, TimelineTopic, Topic, is_page_end
from schema import ids
from schema.audit import DeletedItem
from schema.errors import BadUserInput, PublicError, internal_errors_masked
from schema.filters import ItemFilter, actor_ref, resolve
from schema.refs import RecordRef
from schema.types.nodes import RelationshipChange, TimelineItem

CURSOR_PREFIX = "change:"
T = TypeVar("T")


@strawberry.enum(description="What happened to a record.")
class ChangeKind(enum.Enum):
    CREATED = strawberry.enum_value("create", description="It was created.")
    UPDATED = strawberry.enum_value("update", description="It was changed.")
    DELETED = strawberry.enum_value("delete", description="It was deleted.")


@strawberry.type(description="One change to a timeline: what happened, the item as it is now, and where to resume.")
class TimelineChange:
    kind: ChangeKind = strawberry.field(description="Created, updated or deleted.")
    item: TimelineItem | None = strawberry.field(
        description="The item after the change; null when it was deleted (see `deleted`)."
    )
    deleted: DeletedItem | None = strawberry.field(description="What was deleted; null unless `kind` is DELETED.")
    cursor: str = strawberry.field(
        description="This change's position in the change log: pass it as `after` to resume just after it."
    )
    # What the selections of identical subscriptions came to, shared by all of them (``schema.shared``).
    shared_results: strawberry.Private[dict[Any, Any]] = dataclasses.field(default_factory=dict)


@strawberry.type(description="A new or changed move of one relationship, with where to resume.")
class RelationshipChangeNotice:
    kind: ChangeKind = strawberry.field(description="Created or updated.")
    change: RelationshipChange = strawberry.field(
        description="The relationship change as it is now, with its `scoreAfter`."
    )
    cursor: str = strawberry.field(
        description="This change's position in the change log: pass it as `after` to resume just after it."
    )
    shared_results: strawberry.Private[dict[Any, Any]] = dataclasses.field(default_factory=dict)


def shared(delivery: Delivery, build: Callable[[Delivery], T]) -> T:
    """The payload of a delivery, built once for every subscriber of its topic (the broker hands them one
    ``Delivery``), so that identical subscriptions also share its execution (``schema.shared``)."""
    key = build.__name__
    found = delivery.memo.get(key)
    if found is None:
        found = delivery.memo[key] = build(delivery)
    return cast(T, found)


def encode_cursor(position: int) -> str:
    return base64.urlsafe_b64encode(f"{CURSOR_PREFIX}{position}".encode()).decode().rstrip("=")


def decode_cursor(cursor: str | None) -> int | None:
    """The log position behind an `after` cursor; BAD_USER_INPUT if it is not one a subscription gave out."""
    if cursor is None:
        return None
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        if text.startswith(CURSOR_PREFIX):
            position = int(text[len(CURSOR_PREFIX) :])
            if position >= 0:
                return position
    except (binascii.Error, UnicodeDecodeError, ValueError):
        pass
    raise BadUserInput("`after` is not a cursor a subscription gave out", field="after")


class TooFarBehind(PublicError):
    """The subscriber's queue overflowed."""

    code = "TOO_FAR_BEHIND"


AFTER = Annotated[
    str | None,
    strawberry.argument(
        description="Resume after this cursor (from an earlier change): first every change since, in order, then "
        "live ones. Without it, only changes from now on."
    ),
]


async def _follow(info: Info, topic: Topic, after: str | None) -> AsyncGenerator[Delivery, None]:
    """The topic's deliveries: the log's after ``after`` (replayed), then live ones, each once, in order."""
    context = info.context
    start = decode_cursor(after)
    broker: Broker = context.broker
    subscriber: Subscriber = await broker.subscribe(topic)
    context.live += 1
    try:
        seen = subscriber.start if start is None else start
        # Replay what the broker had dispatched before this subscriber joined (``subscriber.start``); what comes
        # after, it queues for the subscriber meanwhile.
        while seen < subscriber.start:
            page = await broker.replay(topic, seen, subscriber.start)
            if not page:
                break
            for delivery in page:
                if not is_page_end(delivery):
                    subscriber.last = delivery.change.position
                    yield delivery
                    await context.close()
                seen = delivery.change.position
        while True:
            # No database connection is held while waiting (and SQLite's snapshot must not outlive a delivery).
            await context.close()
            try:
                delivery = await subscriber.next()
            except Overrun as overrun:
                raise TooFarBehind(
                    f"this subscription fell more than {context.settings.live_queue_size} changes behind and was "
                    "closed; subscribe again with `after` set to `lastCursor` to receive the rest",
                    lastCursor=encode_cursor(overrun.position) if overrun.position else after,
                ) from None
            if delivery.change.position <= seen:  # a cursor ahead of this replica's broker (another replica's)
                continue
            seen = subscriber.last = delivery.change.position
            yield delivery
    finally:
        context.live -= 1
        broker.unsubscribe(subscriber)
        await context.close()


@strawberry.type
class LiveSubscription:
    @strawberry.subscription(
        description="Changes to the timeline items matching `filter` (the same filter as `timeline`): each item "
        "created, updated or deleted, in commit order, each once, with a cursor. Pass a cursor as `after` to "
        "resume (on any replica) with exactly what was missed. An update that makes an item stop matching is not "
        "sent; a deletion is sent to every subscription of that item type (a deleted item can no longer be "
        "matched). A subscription more than `REALIGN_LIVE_QUEUE_SIZE` changes behind ends with TOO_FAR_BEHIND "
        "and its `lastCursor`."
    )
    async def timeline_changed(
        self,
        info: Info,
        filter: Annotated[
            ItemFilter | None, strawberry.argument(description="Which items, as `timeline` takes it.")
        ] = None,
        after: AFTER = None,
    ) -> AsyncGenerator[TimelineChange | None, None]:
        with internal_errors_masked():
            resolved = await resolve(info.context, filter)
            async for delivery in _follow(info, TimelineTopic(resolved), after):
                yield shared(delivery, _timeline_change)

    @strawberry.subscription(
        description="New and changed moves of the directed relationship `from` → `to`, each with its `scoreAfter`, "
        "in commit order, each once, with a cursor to resume from (`after`)."
    )
    async def relationship_changed(
        self,
        info: Info,
        from_: Annotated[RecordRef, strawberry.argument(name="from", description="Whose stance.")],
        to: Annotated[RecordRef, strawberry.argument(description="Toward whom.")],
        after: AFTER = None,
    ) -> AsyncGenerator[RelationshipChangeNotice | None, None]:
        with internal_errors_masked():
            source = await actor_ref(info.context, from_, field="from")
            target = await actor_ref(info.context, to, field="to")
            if source == target:
                raise BadUserInput("`from` and `to` must be different actors", field="to")
            async for delivery in _follow(info, DyadTopic(source, target), after):
                yield shared(delivery, _relationship_change)


def _timeline_change(delivery: Delivery) -> TimelineChange:
    change = delivery.change
    deleted = None
    if change.action == "delete":
        type_name = BY_KEY[change.kind].type_name
        deleted = DeletedItem(
            type=type_name, id=ids.encode(type_name, change.record_id), slug=change.slug, deleted_at=change.at
        )
    return TimelineChange(
        kind=ChangeKind(change.action),
        item=None if deleted else delivery.item,
        deleted=deleted,
        cursor=encode_cursor(change.position),
    )


def _relationship_change(delivery: Delivery) -> RelationshipChangeNotice:
    return RelationshipChangeNotice(
        kind=ChangeKind(delivery.change.action), change=delivery.item, cursor=encode_cursor(delivery.change.position)
    )
