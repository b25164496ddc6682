"""The root Query: look-ups, lists and the timeline (relationships: ``schema.relationships``)."""

from __future__ import annotations

from collections import defaultdict
from typing import Annotated, Any

import strawberry
from sqlalchemy import (
    Integer,
    and_,
    bindparam,
    false,
    func,
    literal,
    select,
    tuple_,
    union_all,
)
from strawberry.types import Info

from api.kinds import BY_KEY, BY_TYPE_NAME, ITEMS, TIMELINE
from api.search import matching_ids, query_string, query_words
from api.tables import ACTOR as A
from schema import ids
from schema.errors import BadUserInput, NotFound
from schema.filters import (
    ActorFilter,
    ItemFilter,
    check_country,
    conditions,
    filter_shape,
    filter_values,
    may_match,
    resolve,
    utc,
    walks,
    window_branches,
)
from schema.loaders import (
    BUILDERS,
    DATED_KEY,
    ROW_TYPES,
    actor,
    rows_by_id,
)
from schema.pagination import Connection, Page, bounded_count, build_connection, page_args
from schema.refs import RecordRef
from schema.relationships import pair_nodes
from schema.types.enums import SortOrder
from schema.types.nodes import (
    Actor,
    Event,
    Node,
    Reaction,
    Statement,
    TimelineItem,
)

# The look-ups' one argument.
REF = Annotated[RecordRef, strawberry.argument(description='The record: `{slug: "..."}` or `{id: "..."}`.')]
PAGE = "Page with `first`/`after` (forward) or `last`/`before` (backward); 1–100 per page, 20 by default."


async def _one(info: Info, type_name: str, ref: RecordRef) -> Any:
    ident, slug = ref.key(type_name, "ref")
    table = BY_TYPE_NAME[type_name].table
    if ident is not None:
        rows = list((await rows_by_id(info.context, type_name, {ident})).values())
    else:
        rows = await info.context.rows(select(table).where(table.c.slug == slug))
    if not rows:
        what = f"id {ref.id!r}" if ident is not None else f"slug {slug!r}"
        raise NotFound(f"no {type_name.lower()} with {what}", field="ref.id" if ident is not None else "ref.slug")
    obj = BUILDERS[type_name](rows[0])
    return obj


def ordered_union(selects: list[Any], sort: list[str], reverse: bool, limit_name: str = "limit") -> Any:
    """UNION ALL of branch selects, each ordered and limited on its own (an index range scan each), then
    ordered and limited together; the limit is bound as ``limit_name``."""
    limit = bindparam(limit_name, type_=Integer())

    def ordered(statement: Any) -> Any:
        columns = [statement.selected_columns[name] for name in sort]
        return statement.order_by(*(c.desc() if reverse else c for c in columns)).limit(limit)

    if len(selects) == 1:
        return ordered(selects[0])
    branches = [select(ordered(s).subquery()) for s in selects]
    union = union_all(*branches).subquery("items")
    columns = [union.c[name] for name in sort]
    return select(union).order_by(*(c.desc() if reverse else c for c in columns)).limit(limit)


def _count(selects: list[Any], ordered: list[str] | None = None) -> Any:
    """The bounded count (``bounded_count``) of the rows of branch selects. With ``ordered`` (the sort columns,
    which the selects must carry), the first rows in the list's own order: read as a page is read, walking an
    ordered index, which suits a filter of common values only (a window, kinds); without, the database gathers
    each selective filter's matches from its index (an actor, a tag, a rare search)."""
    if ordered is not None:
        return select(func.count()).select_from(ordered_union(selects, ordered, False, "count_limit").subquery())
    return bounded_count(selects[0] if len(selects) == 1 else select(union_all(*selects).subquery()))


def _cursor_way(page: Page, descending: bool) -> str | None:
    """Which rows a page's cursor lets through: ``later`` keys (ascending forward or descending backward),
    ``earlier`` ones, or None without a cursor."""
    if page.cursor is None:
        return None
    return "later" if descending == page.backward else "earlier"


def _page_shape(page: Page, descending: bool) -> tuple[str | None, bool]:
    """What a page's SQL depends on besides the filter: the cursor's way and whether rows come in reverse."""
    return _cursor_way(page, descending), descending != page.backward


def _after(key: Any, page: Page, descending: bool) -> list[Any]:
    """The condition for rows past the page's cursor (bound as ``c0``, ``c1``, …), if there is a cursor."""
    way = _cursor_way(page, descending)
    if way is None:
        return []
    bound = tuple_(*(bindparam(f"c{n}") for n in range(len(page.cursor or ()))))
    return [key > bound if way == "later" else key < bound]


def _page_values(page: Page) -> dict[str, Any]:
    return {"limit": page.size + 1, **{f"c{n}": value for n, value in enumerate(page.cursor or ())}}


async def _dated_list(
    info: Info,
    kind: str,
    filter: ItemFilter | None,
    order: SortOrder,
    first: int | None,
    after: str | None,
    last: int | None,
    before: str | None,
) -> Connection[Any]:
    context = info.context
    page = page_args(first, after, last, before, max_size=context.settings.max_page_size)
    resolved = await resolve(context, filter)
    table = BY_KEY[kind].table
    descending = order == SortOrder.DESC
    shape = (kind, filter_shape(resolved))
    values = filter_values(resolved)

    def statement(dialect: str) -> Any:
        where = conditions(kind, table, resolved, dialect)
        key = tuple_(table.c.date_start, table.c.day_order, table.c.id)
        selects = [
            select(table).where(*where, *_after(key, page, descending), *b) for b in window_branches(table, resolved)
        ]
        return ordered_union(selects, list(DATED_KEY), descending != page.backward)

    def count_statement(dialect: str) -> Any:
        where = conditions(kind, table, resolved, dialect)
        key = (table.c.date_start, table.c.day_order, table.c.id)
        selects = [select(*key).where(*where, *b) for b in window_branches(table, resolved)]
        return _count(selects, list(DATED_KEY) if walks(resolved) else None)

    rows = await context.prepared(
        ("list", shape, _page_shape(page, descending)), statement, **values, **_page_values(page)
    )
    build = BUILDERS[BY_KEY[kind].type_name]

    limit = context.settings.exact_count_limit

    async def count() -> int:
        return (await context.prepared(("list-count", shape), count_statement, **values, count_limit=limit + 1))[0][0]

    pairs = [((r.date_start, r.day_order, r.id), build(r)) for r in rows]
    connection = build_connection(pairs, page, count, limit)
    return connection


@strawberry.type
class ReadQuery:
    @strawberry.field(description="Any object by its global id; null if there is none.")
    async def node(self, info: Info, id: strawberry.ID) -> Node | None:
        pair = ids.decode_pair(id)
        if pair is not None:  # a relationship: its id names a pair of actors, not a row
            return (await pair_nodes(info.context, [pair])).get(pair)
        type_name, ident = ids.decode(id)
        rows = await rows_by_id(info.context, type_name, {ident})
        if not rows:
            return None
        obj = BUILDERS[type_name](rows[ident])
        return obj

    @strawberry.field(description="Objects by global id, in the order given; null where there is none (≤ 100).")
    async def nodes(
        self, info: Info, ids_: Annotated[list[strawberry.ID], strawberry.argument(name="ids")]
    ) -> list[Node | None] | None:
        if len(ids_) > info.context.settings.max_page_size:
            raise BadUserInput(f"at most {info.context.settings.max_page_size} ids at once", field="ids")
        pairs = [ids.decode_pair(i, field="ids") for i in ids_]
        by_pair = await pair_nodes(info.context, [p for p in pairs if p is not None])
        decoded = [ids.decode(i, field="ids") if p is None else None for i, p in zip(ids_, pairs, strict=True)]
        wanted: dict[str, set[int]] = defaultdict(set)
        for record in decoded:
            if record is not None:
                wanted[record[0]].add(record[1])
        found = {t: await rows_by_id(info.context, t, idents) for t, idents in wanted.items()}
        out: list[Node | None] = []
        for pair, record in zip(pairs, decoded, strict=True):
            if record is None:
                out.append(by_pair.get(pair) if pair is not None else None)
            else:
                row = found[record[0]].get(record[1])
                out.append(BUILDERS[record[0]](row) if row is not None else None)
        return out

    @strawberry.field(
        description='One actor, by id or slug (`ref: {slug: "israel"}`); null, with a NOT_FOUND error, if there is '
        "none."
    )
    async def actor(self, info: Info, ref: REF) -> Actor | None:
        return await _one(info, "Actor", ref)

    @strawberry.field(description="One event, by id or slug; null, with a NOT_FOUND error, if there is none.")
    async def event(self, info: Info, ref: REF) -> Event | None:
        return await _one(info, "Event", ref)

    @strawberry.field(description="One statement, by id or slug; null, with a NOT_FOUND error, if there is none.")
    async def statement(self, info: Info, ref: REF) -> Statement | None:
        return await _one(info, "Statement", ref)

    @strawberry.field(description="One reaction, by id or slug; null, with a NOT_FOUND error, if there is none.")
    async def reaction(self, info: Info, ref: REF) -> Reaction | None:
        return await _one(info, "Reaction", ref)

    @strawberry.field(description="Actors by name. " + PAGE)
    async def actors(
        self,
        info: Info,
        filter: ActorFilter | None = None,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
    ) -> Connection[Actor] | None:
        context = info.context
        page = page_args(first, after, last, before, max_size=context.settings.max_page_size, key="si")
        where: list[Any] = []
        if filter is not None:
            if filter.kinds:
                where.append(A.c.kind.in_([k.value for k in filter.kinds]))
            if filter.country is not None:
                where.append(A.c.country == check_country(filter.country, "filter.country"))
            if filter.updated_since is not None:
                where.append(A.c.updated_at >= utc(filter.updated_since))
            if filter.search is not None:
                term = filter.search.strip()
                if not term:
                    raise BadUserInput("`search` must not be blank", field="filter.search")
                if len(term) > 200:
                    raise BadUserInput("`search` may be at most 200 characters", field="filter.search")
                found = query_words(term)
                dialect = context.engine.dialect.name
                named = matching_ids(A, "search", dialect).params(search=query_string(found, dialect))
                where.append(A.c.id.in_(named) if found else false())
        statement = select(A).where(*where)
        if page.cursor is not None:
            key = tuple_(A.c.name, A.c.id)
            statement = statement.where(key < tuple_(*page.cursor) if page.backward else key > tuple_(*page.cursor))
        order = [A.c.name.desc(), A.c.id.desc()] if page.backward else [A.c.name, A.c.id]
        rows = await context.rows(statement.order_by(*order).limit(page.size + 1))

        limit = context.settings.exact_count_limit

        async def count() -> int:
            return (await context.rows(bounded_count(select(A.c.id).where(*where)), {"count_limit": limit + 1}))[0][0]

        connection = build_connection([((r.name, r.id), actor(r)) for r in rows], page, count, limit)
        return connection

    @strawberry.field(description="Events by date. " + PAGE)
    async def events(
        self,
        info: Info,
        filter: ItemFilter | None = None,
        order: SortOrder = SortOrder.ASC,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
    ) -> Connection[Event] | None:
        return await _dated_list(info, "event", filter, order, first, after, last, before)

    @strawberry.field(description="Statements by date. " + PAGE)
    async def statements(
        self,
        info: Info,
        filter: ItemFilter | None = None,
        order: SortOrder = SortOrder.ASC,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
    ) -> Connection[Statement] | None:
        return await _dated_list(info, "statement", filter, order, first, after, last, before)

    @strawberry.field(description="Reactions by date. " + PAGE)
    async def reactions(
        self,
        info: Info,
        filter: ItemFilter | None = None,
        order: SortOrder = SortOrder.ASC,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
    ) -> Connection[Reaction] | None:
        return await _dated_list(info, "reaction", filter, order, first, after, last, before)

    @strawberry.field(
        description="One chronological stream of events, statements and reactions — what a timeline renders. "
        "Sorted by earliest date, then order within the day, then events before statements before "
        "reactions, then id (stable when dates tie). " + PAGE
    )
    async def timeline(
        self,
        info: Info,
        filter: ItemFilter | None = None,
        order: SortOrder = SortOrder.ASC,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
    ) -> Connection[TimelineItem] | None:
        context = info.context
        page = page_args(first, after, last, before, max_size=context.settings.max_page_size, key="diii")
        resolved = await resolve(context, filter)
        descending = order == SortOrder.DESC
        kinds = [item.key for item in ITEMS if may_match(item.key, resolved)] or [TIMELINE[0]]
        shape = (tuple(kinds), filter_shape(resolved))
        values = filter_values(resolved)

        def selects(dialect: str, with_cursor: bool) -> list[Any]:
            out = []
            for kind in kinds:
                rank = BY_KEY[kind].rank
                table = BY_KEY[kind].table
                where = conditions(kind, table, resolved, dialect)
                key = tuple_(table.c.date_start, table.c.day_order, literal(rank), table.c.id)
                cursor = _after(key, page, descending) if with_cursor else []
                for branch in window_branches(table, resolved):
                    columns = (literal(rank).label("rank"), table.c.id, table.c.date_start, table.c.day_order)
                    out.append(select(*columns).where(*where, *branch, *cursor))
            return out

        reverse = descending != page.backward
        sort = ["date_start", "day_order", "rank", "id"]

        def page_statement(dialect: str) -> Any:
            """The page's keys, ordered and limited, with each item's whole row joined on (one statement)."""
            items = ordered_union(selects(dialect, True), sort, reverse).subquery("items")
            statement = select(items)
            for kind in kinds:
                table = BY_KEY[kind].table.alias(f"t_{kind}")
                statement = statement.add_columns(*(c.label(f"{kind}__{c.name}") for c in table.c))
                statement = statement.outerjoin(
                    table, and_(items.c.rank == BY_KEY[kind].rank, table.c.id == items.c.id)
                )
            return statement.order_by(*(items.c[n].desc() if reverse else items.c[n] for n in sort))

        rows = await context.prepared(
            ("timeline", shape, _page_shape(page, descending)),
            page_statement,
            **values,
            **_page_values(page),
        )
        # Per rank: where its row starts, where it ends, its row type and builder (each item type in turn).
        parts, start = {}, len(sort)
        for kind in kinds:
            item = BY_KEY[kind]
            end = start + len(item.table.c)
            parts[item.rank] = (start, end, ROW_TYPES[item.type_name], BUILDERS[item.type_name])
            start = end
        pairs = []
        for r in rows:
            first, last, row_type_, build = parts[r.rank]
            pairs.append(((r.date_start, r.day_order, r.rank, r.id), build(row_type_._make(r[first:last]))))

        limit = context.settings.exact_count_limit

        async def count() -> int:
            order = sort if walks(resolved) else None
            key, statement = ("timeline-count", shape), lambda dialect: _count(selects(dialect, False), order)
            return (await context.prepared(key, statement, **values, count_limit=limit + 1))[0][0]

        connection = build_connection(pairs, page, count, limit)
        return connection
