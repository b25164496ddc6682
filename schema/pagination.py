"""Cursor pagination: page arguments, opaque cursors over a sort key, and the Relay connection types."""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import json
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

import orjson
import strawberry
from sqlalchemy import Integer, Select, SelectBase, bindparam, func, literal, select

from schema.errors import BadUserInput

T = TypeVar("T")
DEFAULT_PAGE = 20

SortKey = tuple[dt.date | int | str, ...]
"""Where an item sits in its list's order (its date, day order and id; an actor's name and id): what a cursor holds."""


@dataclass(frozen=True, slots=True)
class Page:
    """Validated page arguments: how many, which way, from which cursor."""

    size: int
    backward: bool
    cursor: SortKey | None


def page_args(
    first: int | None,
    after: str | None,
    last: int | None,
    before: str | None,
    *,
    max_size: int,
    key: str = "dii",
) -> Page:
    """Check ``first/after/last/before`` and decode the cursor; BAD_USER_INPUT on anything odd."""
    if first is not None and last is not None:
        raise BadUserInput("give either `first` or `last`, not both", field="first")
    if after is not None and before is not None:
        raise BadUserInput("give either `after` or `before`, not both", field="after")
    if last is None and before is not None and first is None:
        last = DEFAULT_PAGE
    if first is not None and before is not None:
        raise BadUserInput("`first` pages forward and cannot be combined with `before`", field="before")
    if last is not None and after is not None:
        raise BadUserInput("`last` pages backward and cannot be combined with `after`", field="after")
    backward = last is not None
    size = last if backward else (first if first is not None else DEFAULT_PAGE)
    name = "last" if backward else "first"
    assert size is not None
    if size < 0:
        raise BadUserInput(f"`{name}` must not be negative (got {size})", field=name)
    if size > max_size:
        raise BadUserInput(f"`{name}` may be at most {max_size} (got {size}); page with cursors", field=name)
    raw = before if backward else after
    cursor = decode_cursor(raw, key=key, field="before" if backward else "after") if raw is not None else None
    return Page(size=size, backward=backward, cursor=cursor)


def encode_cursor(key: SortKey) -> str:
    """An opaque cursor for a sort key."""
    return base64.urlsafe_b64encode(orjson.dumps(key)).decode().rstrip("=")  # dates as ISO text


def decode_cursor(cursor: str, *, key: str, field: str) -> SortKey:
    """The sort key inside a cursor; ``key`` spells its types (d: date, i: int, s: text)."""
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        values = json.loads(base64.urlsafe_b64decode(padded.encode()))
        if not isinstance(values, list):
            raise ValueError
        out: list[dt.date | int | str] = []
        for kind, value in zip(key, values, strict=True):  # strict: a key of another length is a ValueError too
            if kind == "d" and isinstance(value, str):
                out.append(dt.date.fromisoformat(value))
            elif kind == "i" and isinstance(value, int) and not isinstance(value, bool) and abs(value) < 2**31:
                out.append(value)
            elif kind == "s" and isinstance(value, str) and len(value) <= 400:
                out.append(value)
            else:
                raise ValueError
        return tuple(out)
    except (binascii.Error, UnicodeDecodeError, ValueError, json.JSONDecodeError):
        raise BadUserInput(f"{cursor!r} is not a valid cursor for this list", field=field) from None


@strawberry.type(description="Where a page sits in its list (Relay).")
class PageInfo:
    has_next_page: bool = strawberry.field(description="More items follow this page.")
    has_previous_page: bool = strawberry.field(description="More items come before this page.")
    start_cursor: str | None = strawberry.field(description="The cursor of the first item on this page.")
    end_cursor: str | None = strawberry.field(description="The cursor of the last item on this page.")


@strawberry.type(description="One item of a page with its cursor.")
class Edge(Generic[T]):
    cursor: str = strawberry.field(description="Pass as `after` (or `before`) to page from this item.")
    node: T = strawberry.field(description="The item.")


TOTAL_COUNT = (
    "How many items the whole list holds (all pages, with the filter applied): exact up to the server's count limit "
    "(`REALIGN_EXACT_COUNT_LIMIT`); beyond it counting would cost more than the page, so it is that limit and "
    '`totalCountIsExact` is false — read it as "at least" (as search engines report "1 000+ results").'
)


@strawberry.type(description="A page of a list, with cursors to page on (Relay connection).")
class Connection(Generic[T]):
    edges: list[Edge[T]] = strawberry.field(description="The items of this page, each with its cursor.")
    nodes: list[T] = strawberry.field(description="The items of this page, without cursors.")
    page_info: PageInfo = strawberry.field(description="Cursors and whether more items exist either way.")
    count_loader: strawberry.Private[Callable[[], Awaitable[int]] | int | None] = None
    count_limit: strawberry.Private[int | None] = None

    async def counted(self) -> int:
        """The count (loaded once): at most ``count_limit + 1`` when there is a limit."""
        if self.count_loader is None:
            return len(self.nodes)
        if not isinstance(self.count_loader, int):
            self.count_loader = await self.count_loader()
        return self.count_loader

    def bounded(self, counted: int) -> tuple[int, bool]:
        """``totalCount`` and ``totalCountIsExact`` for a count of at most ``count_limit + 1``."""
        if self.count_limit is None or counted <= self.count_limit:
            return counted, True
        return self.count_limit, False

    @strawberry.field(description=TOTAL_COUNT)
    async def total_count(self) -> int:
        return self.bounded(await self.counted())[0]

    @strawberry.field(
        description="Whether `totalCount` is the exact number of items; false when there are more than the count "
        "limit (then `totalCount` is that limit: at least this many)."
    )
    async def total_count_is_exact(self) -> bool:
        return self.bounded(await self.counted())[1]


def bounded_count(rows: SelectBase) -> Select[int]:
    """``count(*)`` of a select's rows, stopping after ``count_limit`` of them (bound by name): the database
    stops reading once it knows the count passes the exact-count limit."""
    limited = (
        select(literal(1).label("one")).select_from(rows.subquery()).limit(bindparam("count_limit", type_=Integer()))
    )
    return select(func.count()).select_from(limited.subquery())


def build_connection(
    rows: Sequence[tuple[SortKey, T]],
    page: Page,
    count: Callable[[], Awaitable[int]] | int | None,
    count_limit: int | None = None,
) -> Connection[T]:
    """A connection from up to ``size + 1`` (key, node) pairs fetched in the page's direction; ``count_limit``
    when ``count`` is bounded (see ``bounded_count``)."""
    more = len(rows) > page.size
    kept = list(rows[: page.size])
    if page.backward:
        kept.reverse()
    edges = [Edge(cursor=encode_cursor(key), node=node) for key, node in kept]
    info = PageInfo(
        has_next_page=more if not page.backward else page.cursor is not None,
        has_previous_page=more if page.backward else page.cursor is not None,
        start_cursor=edges[0].cursor if edges else None,
        end_cursor=edges[-1].cursor if edges else None,
    )
    return Connection(
        edges=edges, nodes=[e.node for e in edges], page_info=info, count_loader=count, count_limit=count_limit
    )
