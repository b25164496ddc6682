"""Relationships: directed dyads of actors over time, read from their changes.

A relationship is no row of its own: it is the ordered pair (``from``, ``to``) of two different actors, and what
it says (score, trend, changes) is read from the ``relationship_change`` rows of that pair, in date order (start,
order within the day, id). Every pair of two existing actors is one, a pair that never moved too (score 0).

The root fields (``relationship``, ``relationships``) are the mixin ``RelationshipQuery``; the relation fields
(``Relationship.changes``, ``Relationship.reverse``, ``RelationshipChange.scoreAfter``, ``Actor.relationships``)
are fetched here for a whole level at a time, like every relation (``schema.prefetch``), so none of them costs a
statement per object.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from typing import Annotated, Any

import strawberry
from graphql import FieldNode
from sqlalchemy import Integer, String, and_, bindparam, cast, func, literal, or_, select, tuple_, union
from strawberry.types import Info

from api.dates import parse_when
from api.tables import RELATIONSHIP_CHANGE as RC
from schema import ids
from schema.context import among
from schema.errors import BadUserInput, NotFound
from schema.filters import (
    INCLUDE_AFFILIATED,
    Family,
    Resolved,
    actor_ref,
    filter_values,
    window_condition,
    window_shape,
)
from schema.loaders import Joins, actor, change, date_info, rows_by_id, sort_columns
from schema.pagination import Connection, Page, SortKey, build_connection, page_args
from schema.prefetch import Walk, relation
from schema.refs import RecordRef
from schema.types.enums import Trend
from schema.types.nodes import Actor, Relationship

# The trend is the direction of this many latest changes together.
TREND_CHANGES = 3


def _key(table: Any) -> tuple[Any, Any, Any]:
    """A change's place in its dyad's history: start date, order within the day, id."""
    return table.c.date_start, table.c.day_order, table.c.id


def _dyad(table: Any) -> tuple[Any, Any]:
    return table.c.from_actor_id, table.c.to_actor_id


def _of_pairs(table: Any, dialect: str) -> Any:
    """The rows of the pairs bound as ``froms``, ``tos`` and ``pairs`` (``_pair_values``): the first two narrow on
    the dyad index, the third (``"from:to"`` as text) keeps exactly the pairs asked for, not every from × to."""
    text = cast(table.c.from_actor_id, String) + literal(":") + cast(table.c.to_actor_id, String)
    return and_(
        among(table.c.from_actor_id, "froms", dialect),
        among(table.c.to_actor_id, "tos", dialect),
        among(text, "pairs", dialect),
    )


def _pair_values(pairs: Iterable[tuple[int, int]]) -> dict[str, Any]:
    pairs = sorted(set(pairs))
    return {
        "froms": sorted({a for a, _ in pairs}),
        "tos": sorted({b for _, b in pairs}),
        "pairs": [f"{a}:{b}" for a, b in pairs],
    }


# --- relationships from pairs ----------------------------------------------------------------------------


def _summary_statement(dialect: str) -> Any:
    """Per pair, the rows a relationship's summary needs (its first change and its ``TREND_CHANGES`` latest),
    each with the pair's total and count: one statement for any number of pairs."""
    dyad, key = _dyad(RC), _key(RC)
    ranked = (
        select(
            RC,
            func.row_number().over(partition_by=dyad, order_by=[c.desc() for c in key]).label("back"),
            func.row_number().over(partition_by=dyad, order_by=key).label("ahead"),
            func.sum(RC.c.delta).over(partition_by=dyad).label("total"),
            func.count().over(partition_by=dyad).label("n"),
        )
        .where(_of_pairs(RC, dialect))
        .subquery("ranked")
    )
    return select(ranked).where(or_(ranked.c.back <= TREND_CHANGES, ranked.c.ahead == 1))


async def relationships_of(
    context: Any, pairs: Iterable[tuple[int, int]], actors: dict[int, Actor] | None = None
) -> dict[tuple[int, int], Relationship]:
    """The relationships of ordered pairs of actor ids, by pair; a pair with an actor that does not exist is left
    out. ``actors``: actor objects already at hand (then no statement reads them)."""
    wanted = set(pairs)
    if not wanted:
        return {}
    known = dict(actors or {})
    missing = {i for pair in wanted for i in pair} - set(known)
    if missing:
        known.update({i: actor(row) for i, row in (await rows_by_id(context, "Actor", missing)).items()})
    wanted = {(a, b) for a, b in wanted if a in known and b in known and a != b}
    if not wanted:
        return {}
    rows = await context.prepared(("relationship-summaries",), _summary_statement, **_pair_values(wanted))
    by_pair: dict[tuple[int, int], list[Any]] = defaultdict(list)
    for row in rows:
        by_pair[(row.from_actor_id, row.to_actor_id)].append(row)
    out = {}
    for a, b in wanted:
        found = by_pair.get((a, b), [])
        latest = sum(row.delta for row in found if row.back <= TREND_CHANGES)
        first = next((row for row in found if row.ahead == 1), None)
        last = next((row for row in found if row.back == 1), None)
        out[(a, b)] = Relationship(
            id=ids.encode_pair("Relationship", a, b),
            from_actor=known[a],
            to=known[b],
            score=found[0].total if found else 0,
            trend=Trend.WARMING if latest > 0 else Trend.COOLING if latest < 0 else Trend.STEADY,
            change_count=found[0].n if found else 0,
            first_change=date_info(first) if first is not None else None,
            last_change=date_info(last) if last is not None else None,
            from_id=a,
            to_id=b,
        )
    return out


async def pair_nodes(context: Any, pairs: list[tuple[str, int, int]]) -> dict[tuple[str, int, int], Any]:
    """The objects behind pair ids (``ids.decode_pair``) for ``node(id:)``/``nodes(ids:)``; a pair of actors that
    do not both exist (any more) is left out, so its node is null, as for a deleted record."""
    found = await relationships_of(context, {(a, b) for type_name, a, b in pairs if type_name == "Relationship"})
    return {("Relationship", a, b): value for (a, b), value in found.items()}


# --- Relationship.changes, Relationship.reverse, RelationshipChange.scoreAfter ----------------------------


def date_window(start: str | None, end: str | None) -> Resolved:
    """The window of a ``from``/``to`` pair of fuzzy dates, as ``ItemFilter`` has it: an item matches when its date
    span overlaps ``from``'s earliest day … ``to``'s latest day (either end open when not given)."""
    window = Resolved()
    if start is not None:
        window.start = parse_when(start).earliest
    if end is not None:
        window.end = parse_when(end).latest
    if window.start is not None and window.end is not None and window.start > window.end:
        raise BadUserInput("`from` is after `to`", field="from")
    return window


def _selects(walk: Walk, type_name: str, nodes: list[FieldNode], field: str) -> bool:
    return any(n[0].name.value == field for n in walk.subfields(type_name, nodes).values())


@relation("Relationship", "changes")
async def relationship_changes(
    walk: Walk, parents: list[Any], key: str, args: dict[str, Any], nodes: list[FieldNode]
) -> list[Any]:
    """A page of each relationship's changes in date order, each with its running score over the whole history
    (summed before the window and the page narrow the rows): one statement for every relationship of the level."""
    context = walk.context
    page = page_args(
        args.get("first"),
        args.get("after"),
        args.get("last"),
        args.get("before"),
        max_size=context.settings.max_page_size,
    )
    window = date_window(args.get("from"), args.get("to"))
    pairs = {(p.from_id, p.to_id) for p in parents}
    has_cursor = page.cursor is not None
    joins = Joins(walk, "RelationshipChange", walk.connection_nodes("RelationshipChangeConnection", nodes))
    width = len(RC.c) + 2  # the table's columns, score_after, rn

    def page_statement(dialect: str) -> Any:
        running = func.sum(RC.c.delta).over(partition_by=_dyad(RC), order_by=_key(RC), rows=(None, 0))
        scored = select(RC, running.label("score_after")).where(_of_pairs(RC, dialect)).subquery("scored")
        where = window_condition(scored, window)
        if has_cursor:
            after = tuple_(bindparam("c0"), bindparam("c1"), bindparam("c2"))
            where.append(tuple_(*_key(scored)) < after if page.backward else tuple_(*_key(scored)) > after)
        number = func.row_number().over(partition_by=_dyad(scored), order_by=sort_columns(scored, page.backward))
        paged = select(scored, number.label("rn")).where(*where).subquery("paged")
        outer = (
            select(paged)
            .where(paged.c.rn <= bindparam("size", type_=Integer()))
            .order_by(paged.c.from_actor_id, paged.c.to_actor_id, paged.c.rn)
        )
        return joins.add(outer, paged)

    shape = (window_shape(window), window.end is not None)
    cursor = dict(zip(("c0", "c1", "c2"), page.cursor, strict=True)) if page.cursor is not None else {}
    values = {**_pair_values(pairs), **filter_values(window)}
    rows = await context.prepared(
        ("relationship-changes", shape, page.backward, has_cursor, joins.fields),
        page_statement,
        size=page.size + 1,
        **values,
        **cursor,
    )
    pages: dict[tuple[int, int], list[tuple[SortKey, Any]]] = defaultdict(list)
    for row in rows:
        child = change(row, score_after=row.score_after)
        joins.fill(child, row, width)
        pages[(row.from_actor_id, row.to_actor_id)].append(((row.date_start, row.day_order, row.id), child))
    counts: dict[tuple[int, int], int] = {}
    if _selects(walk, "RelationshipChangeConnection", nodes, "totalCount"):

        def count_statement(dialect: str) -> Any:
            where = [_of_pairs(RC, dialect), *window_condition(RC, window)]
            return select(*_dyad(RC), func.count()).where(*where).group_by(*_dyad(RC))

        found = await context.prepared(("relationship-changes-count", shape), count_statement, **values)
        counts = {(a, b): n for a, b, n in found}
    out = []
    for parent in parents:
        pair = (parent.from_id, parent.to_id)
        connection = build_connection(pages.get(pair, []), page, counts.get(pair, 0))
        parent._pre[key] = connection
        out.append(connection)
    return out


@relation("Relationship", "reverse")
async def relationship_reverse(
    walk: Walk, parents: list[Any], key: str, args: dict[str, Any], nodes: list[FieldNode]
) -> list[Any]:
    """Each relationship's opposite direction, from the actors it already holds: one statement for the level."""
    actors = {p.from_id: p.from_actor for p in parents} | {p.to_id: p.to for p in parents}
    found = await relationships_of(walk.context, {(p.to_id, p.from_id) for p in parents}, actors)
    for parent in parents:
        parent._pre[key] = found[(parent.to_id, parent.from_id)]
    return list(found.values())


def _score_statement(match: Callable[[Any], Any]) -> Any:
    """Each asked-for change's running score: the sum of its dyad's deltas up to and including it."""
    mine, earlier = RC.alias("mine"), RC.alias("earlier")
    return (
        select(mine.c.id, func.sum(earlier.c.delta))
        .join(
            earlier,
            and_(
                earlier.c.from_actor_id == mine.c.from_actor_id,
                earlier.c.to_actor_id == mine.c.to_actor_id,
                tuple_(*_key(earlier)) <= tuple_(*_key(mine)),
            ),
        )
        .where(match(mine.c.id))
        .group_by(mine.c.id)
    )


@relation("RelationshipChange", "scoreAfter")
async def change_score_after(
    walk: Walk, parents: list[Any], key: str, args: dict[str, Any], nodes: list[FieldNode]
) -> list[Any]:
    """The running score of changes reached any way; those a relationship's ``changes`` built know it already."""
    unknown = {p.db_id for p in parents if p.known_score is None}
    found = dict(await walk.context.by_ids("score-after", _score_statement, unknown)) if unknown else {}
    for parent in parents:
        score = parent.known_score if parent.known_score is not None else found.get(parent.db_id)
        if score is None:  # deleted by another client between this request's statements
            raise NotFound(f"relationship change {parent.slug!r} was deleted meanwhile")
        parent._pre[key] = score
    return []


# --- lists of relationships (Query.relationships, Actor.relationships) -----------------------------------


def _dyads(dialect: str, *, family: bool, counterpart: bool) -> Any:
    """The dyads to list, as rows (root, a, b): ``a`` toward ``b``, listed for root actor ``root`` (one of those
    bound as ``ids``). With ``family``, those of the family of the one actor bound as ``actors`` (root 0) that
    moved at least once while the member acted for it; with ``counterpart``, only those whose other side is the
    actor bound as ``counterpart``."""
    if family:
        tree, moved = Family(dialect, None, 0), RC.alias("moved")
        dyad = select(literal(0).label("root"), moved.c.from_actor_id.label("a"), moved.c.to_actor_id.label("b"))
        if counterpart:
            dyad = dyad.where(
                or_(moved.c.from_actor_id == bindparam("counterpart"), moved.c.to_actor_id == bindparam("counterpart"))
            )
        return union(tree.accept(dyad, moved.c.from_actor_id, moved), tree.accept(dyad, moved.c.to_actor_id, moved))
    other = [RC.c.to_actor_id == bindparam("counterpart")] if counterpart else []
    mine = [RC.c.from_actor_id == bindparam("counterpart")] if counterpart else []
    return union(
        select(RC.c.from_actor_id.label("root"), RC.c.from_actor_id.label("a"), RC.c.to_actor_id.label("b")).where(
            among(RC.c.from_actor_id, "ids", dialect), *other
        ),
        select(RC.c.to_actor_id.label("root"), RC.c.from_actor_id.label("a"), RC.c.to_actor_id.label("b")).where(
            among(RC.c.to_actor_id, "ids", dialect), *mine
        ),
    )


async def relationship_pages(
    context: Any,
    roots: list[int],
    page: Page,
    *,
    counterpart: int | None = None,
    family: bool = False,
) -> dict[int, list[tuple[SortKey, Relationship]]]:
    """A page of relationships per root actor, the most recently moved first: ordered by their latest change's
    place (start date, order within the day, id), which is also the cursor (unique: a change is of one dyad).
    ``family``: of one root's family (see ``_dyads``)."""
    has_cursor = page.cursor is not None
    shape = (family, counterpart is not None)

    def page_statement(dialect: str) -> Any:
        dyads = _dyads(dialect, family=family, counterpart=counterpart is not None).subquery("dyads")
        newest = [c.desc() for c in _key(RC)]
        back = func.row_number().over(partition_by=(dyads.c.root, *_dyad(RC)), order_by=newest)
        history = (
            select(dyads.c.root, *_dyad(RC), *_key(RC), back.label("back"))
            .join_from(dyads, RC, and_(RC.c.from_actor_id == dyads.c.a, RC.c.to_actor_id == dyads.c.b))
            .subquery("history")
        )
        where = [history.c.back == 1]
        if has_cursor:
            before = tuple_(bindparam("c0"), bindparam("c1"), bindparam("c2"))
            where.append(tuple_(*_key(history)) > before if page.backward else tuple_(*_key(history)) < before)
        latest = select(history).where(*where).subquery("latest")
        order = list(_key(latest)) if page.backward else [c.desc() for c in _key(latest)]
        number = func.row_number().over(partition_by=latest.c.root, order_by=order)
        numbered = select(latest, number.label("rn")).subquery("numbered")
        return (
            select(numbered)
            .where(numbered.c.rn <= bindparam("size", type_=Integer()))
            .order_by(numbered.c.root, numbered.c.rn)
        )

    values = _list_values(roots, counterpart, family)
    cursor = dict(zip(("c0", "c1", "c2"), page.cursor, strict=True)) if page.cursor is not None else {}
    rows = await context.prepared(
        ("relationship-pages", shape, page.backward, has_cursor), page_statement, size=page.size + 1, **values, **cursor
    )
    root_of = (lambda n: roots[0]) if family else (lambda n: n)
    found = await relationships_of(context, {(row.from_actor_id, row.to_actor_id) for row in rows})
    pages: dict[int, list[tuple[SortKey, Relationship]]] = defaultdict(list)
    for row in rows:
        pair = (row.from_actor_id, row.to_actor_id)
        if pair in found:
            pages[root_of(row.root)].append(((row.date_start, row.day_order, row.id), found[pair]))
    return pages


def _list_values(roots: list[int], counterpart: int | None, family: bool) -> dict[str, Any]:
    values: dict[str, Any] = {"actors": roots} if family else {"ids": roots}
    if counterpart is not None:
        values["counterpart"] = counterpart
    return values


async def relationship_counts(
    context: Any, roots: list[int], *, counterpart: int | None = None, family: bool = False
) -> dict[int, int]:
    """How many relationships each root actor's list holds (``relationship_pages``)."""

    def count_statement(dialect: str) -> Any:
        dyads = _dyads(dialect, family=family, counterpart=counterpart is not None).subquery("dyads")
        return select(dyads.c.root, func.count()).group_by(dyads.c.root)

    values = _list_values(roots, counterpart, family)
    found = await context.prepared(("relationship-count", family, counterpart is not None), count_statement, **values)
    return {roots[0] if family else n: c for n, c in found}


def _ref(value: Any) -> RecordRef | None:
    """A ``RecordRef`` argument as a fetcher gets it (coerced by graphql-core: a dict of its given fields)."""
    if value is None or isinstance(value, RecordRef):
        return value
    return RecordRef(**value)


@relation("Actor", "relationships")
async def actor_relationships(
    walk: Walk, parents: list[Any], key: str, args: dict[str, Any], nodes: list[FieldNode]
) -> list[Any]:
    """A page of each actor's relationships: one statement for every actor of the level (and two for the page's
    relationships: their actors and their summaries)."""
    context = walk.context
    page = page_args(
        args.get("first"),
        args.get("after"),
        args.get("last"),
        args.get("before"),
        max_size=context.settings.max_page_size,
    )
    ref = _ref(args.get("counterpart"))
    counterpart = await actor_ref(context, ref, field="counterpart") if ref is not None else None
    counted = _selects(walk, "RelationshipConnection", nodes, "totalCount")
    roots = sorted({p.db_id for p in parents})
    pages = await relationship_pages(context, roots, page, counterpart=counterpart)
    counts = await relationship_counts(context, roots, counterpart=counterpart) if counted else {}
    out = []
    for parent in parents:
        connection = build_connection(pages.get(parent.db_id, []), page, counts.get(parent.db_id, 0))
        parent._pre[key] = connection
        out.append(connection)
    return out


# --- the root fields ---------------------------------------------------------------------------------------


PAGE = "Page with `first`/`after` (forward) or `last`/`before` (backward); 1–100 per page, 20 by default."


@strawberry.type
class RelationshipQuery:
    @strawberry.field(
        description="The directed relationship `from` → `to`: its changes in date order with causes and running "
        "score, the current score and the trend; `reverse` is the other direction. Two actors that never moved "
        "still have one (score 0, STEADY). NOT_FOUND if either actor does not exist; BAD_USER_INPUT if they are "
        "the same actor."
    )
    async def relationship(
        self,
        info: Info,
        from_: Annotated[RecordRef, strawberry.argument(name="from", description="Whose stance.")],
        to: Annotated[RecordRef, strawberry.argument(description="Toward whom.")],
    ) -> Relationship | None:
        context = info.context
        source = await actor_ref(context, from_, field="from")
        target = await actor_ref(context, to, field="to")
        if source == target:
            raise BadUserInput("`from` and `to` must be different actors", field="to")
        return (await relationships_of(context, {(source, target)})).get((source, target))

    @strawberry.field(
        description="Every directed relationship an actor is part of, either way, with its latest score and trend; "
        "the most recently moved first (then by the latest change's order within the day and creation: the "
        "cursor). With `counterpart`, only those between the actor (or, with `includeAffiliated`, its family) and "
        "that actor, either way. With `includeAffiliated`, also every relationship of its family (each with its "
        "whole history) that moved at least once while the member acted for the actor. " + PAGE
    )
    async def relationships(
        self,
        info: Info,
        actor_: Annotated[RecordRef, strawberry.argument(name="actor", description="The actor.")],
        counterpart: Annotated[
            RecordRef | None, strawberry.argument(description="Only the relationships with this actor, either way.")
        ] = None,
        include_affiliated: Annotated[bool, strawberry.argument(description=INCLUDE_AFFILIATED)] = False,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
    ) -> Connection[Relationship] | None:
        context = info.context
        page = page_args(first, after, last, before, max_size=context.settings.max_page_size)
        ident = await actor_ref(context, actor_, field="actor")
        other = await actor_ref(context, counterpart, field="counterpart") if counterpart is not None else None
        pages = await relationship_pages(context, [ident], page, counterpart=other, family=include_affiliated)

        async def count() -> int:
            counts = await relationship_counts(context, [ident], counterpart=other, family=include_affiliated)
            return counts.get(ident, 0)

        return build_connection(pages.get(ident, []), page, count)
