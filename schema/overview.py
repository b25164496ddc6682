"""Overview shapes for frontends: counts per time bucket (``timelineBuckets``) and directed dyads (``dyads``).

Both answer from the same filter as the timeline (``schema.filters``: ``resolve``, ``conditions``,
``window_branches``, ``filter_values``), each with one grouped SQL statement whatever the data's size: the
database counts, only the groups come back. An unfiltered ``timelineBuckets`` (item types and dates at most)
groups the span counts instead (``api.spans``: items per type and date span, kept by triggers), whose rows grow
with the distinct spans rather than the items.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Annotated, Any

import strawberry
from sqlalchemy import Date, Float, Integer, and_, bindparam, case, cast, func, literal, or_, select, tuple_, union_all
from strawberry.types import Info

from api.kinds import BY_KEY, ITEMS, TIMELINE
from api.spans import SPAN_COUNT as SPANS
from api.tables import EVENT_PARTICIPANT as EP
from api.tables import REACTION as R
from api.tables import STATEMENT as S
from api.tables import STATEMENT_ABOUT as SA
from api.vocabulary import QUAD_CLASSES
from schema.buckets import TimeUnit, as_date, bounds, bucket_of, following, greatest, label, least, window
from schema.filters import ItemFilter, Resolved, conditions, filter_shape, filter_values, may_match, resolve
from schema.filters import window_branches as branches_of
from schema.loaders import actor, rows_by_id
from schema.pagination import Connection, bounded_count, build_connection, page_args
from schema.refs import FuzzyDate
from schema.types.nodes import Actor

# --- timelineBuckets -----------------------------------------------------------------------------------------


@strawberry.type(description="How many items, per type and in all.")
class ItemCounts:
    events: int = strawberry.field(description="Events.")
    statements: int = strawberry.field(description="Statements.")
    reactions: int = strawberry.field(description="Reactions.")

    @strawberry.field(description="Events, statements and reactions together.")
    def total(self) -> int:
        return self.events + self.statements + self.reactions


def _counts(by_rank: dict[int, int] | None = None) -> ItemCounts:
    found = by_rank or {}
    return ItemCounts(events=found.get(0, 0), statements=found.get(1, 0), reactions=found.get(2, 0))


@strawberry.type(description="One calendar bucket of an overview: its days, its label and its items.")
class TimeBucket:
    start: dt.date = strawberry.field(description="The bucket's first day.")
    end: dt.date = strawberry.field(description="The bucket's last day.")
    label: str = strawberry.field(
        description='A display label: "4 August 2025", "week of 4 August 2025", "July 2025", "2025".'
    )
    count: ItemCounts = strawberry.field(
        description="The matching items whose whole date span lies inside this bucket (known to fall in it)."
    )
    overlapping: ItemCounts = strawberry.field(
        description="The matching items whose date span overlaps this bucket but does not lie inside it (a "
        '"2025" item in a month of 2025, an ongoing war in every bucket since it began): they may or may not '
        "fall in it, so they are not in `count`."
    )


@strawberry.type(
    description="Counts of the timeline per calendar bucket over a window, honest about fuzzy dates: an item "
    "counts in a bucket only when its whole date span lies inside it; one that spans several buckets counts in "
    "`overlapping` of each it touches and once in `spanning`. So `spanning.total` plus the sum of every bucket's "
    "`count.total` is the timeline's `totalCount` for the same filter over the window from `start` to `end`."
)
class TimelineBuckets:
    unit: TimeUnit = strawberry.field(description="The calendar unit of the buckets.")
    start: dt.date = strawberry.field(description="The window's first day: `from` widened to its bucket's start.")
    end: dt.date = strawberry.field(description="The window's last day: `to` widened to its bucket's end.")
    buckets: list[TimeBucket] = strawberry.field(description="Every bucket of the window in date order, empty too.")
    spanning: ItemCounts = strawberry.field(
        description="The matching items no bucket wholly holds (their date spans more than one bucket): each is in "
        "`overlapping` of the buckets it touches, in no `count`."
    )


def _union(parts: list[Any]) -> Any:
    """One select, or the UNION ALL of several."""
    if len(parts) == 1:
        return parts[0]
    return union_all(*parts)


def by_span_only(resolved: Resolved) -> bool:
    """Whether a filter keeps items by their type and date span alone (no condition but ``itemTypes`` and the
    window): then the span counts (``api.spans``) answer for it, a small table instead of every item."""
    unfiltered = Resolved(start=resolved.start, end=resolved.end, item_types=resolved.item_types)
    return resolved == unfiltered


def window_of(spans: Any) -> list[Any]:
    """The spans overlapping the window (bound as ``span_start`` and ``span_end``), as ``window_branches`` keeps
    items."""
    return [
        spans.c.date_start <= bindparam("span_end", type_=Date()),
        spans.c.date_end >= bindparam("span_start", type_=Date()),
    ]


def _narrowed(resolved: Resolved, start: dt.date, end: dt.date) -> bool:
    """Narrow a filter's window to ``start`` … ``end`` as well (an item must overlap both, so it overlaps their
    intersection: both are intervals); False when nothing can match (they do not meet)."""
    resolved.start = start if resolved.start is None else max(resolved.start, start)
    resolved.end = end if resolved.end is None else min(resolved.end, end)
    return bool(resolved.start <= resolved.end)


async def timeline_buckets(
    info: Info, filter: ItemFilter | None, unit: TimeUnit, start: str, end: str
) -> TimelineBuckets:
    context = info.context
    first, last = bounds(start, end)
    span = window(unit, first, last)
    resolved = await resolve(context, filter)
    held: dict[dt.date, dict[int, int]] = defaultdict(dict)
    steps: dict[dt.date, dict[int, int]] = defaultdict(lambda: defaultdict(int))
    spanning: dict[int, int] = defaultdict(int)
    if _narrowed(resolved, span.start, span.end):
        kinds = [item.key for item in ITEMS if may_match(item.key, resolved)] or [TIMELINE[0]]

        from_spans = by_span_only(resolved)

        def statement(dialect: str) -> Any:
            if from_spans:  # one row per distinct span of the types asked for, weighed by its count: one scan
                rank = case({kind: BY_KEY[kind].rank for kind in kinds}, value=SPANS.c.item_type).label("rank")
                types = [or_(*(SPANS.c.item_type == kind for kind in kinds))] if len(kinds) < len(ITEMS) else []
                spans = select(rank, SPANS.c.date_start, SPANS.c.date_end, SPANS.c.n).where(*types, *window_of(SPANS))
                items = spans.subquery("items")
            else:
                parts = []
                for kind in kinds:
                    table = BY_KEY[kind].table
                    where = conditions(kind, table, resolved, dialect)
                    rank = literal(BY_KEY[kind].rank).label("rank")
                    for branch in branches_of(table, resolved):
                        parts.append(select(rank, table.c.date_start, table.c.date_end).where(*where, *branch))
                items = _union(parts).subquery("items")
            # Each item's first and last bucket, clipped to the window (those before or after it are not listed),
            # and whether one bucket holds it whole; then grouped (by the columns of a subquery: PostgreSQL cannot
            # tell that two expressions with bound values are the same one).
            low = bucket_of(
                greatest(dialect)(items.c.date_start, bindparam("bucket_first", type_=Date())), unit, dialect
            )
            high = bucket_of(least(dialect)(items.c.date_end, bindparam("bucket_last", type_=Date())), unit, dialect)
            whole = bucket_of(items.c.date_start, unit, dialect) == bucket_of(items.c.date_end, unit, dialect)
            weight = [items.c.n] if from_spans else []
            placed = select(
                items.c.rank, low.label("low"), high.label("high"), case((whole, 1), else_=0).label("inside"), *weight
            ).subquery("placed")
            keys = (placed.c.rank, placed.c.low, placed.c.high, placed.c.inside)
            counted = cast(func.sum(placed.c.n), Integer()) if from_spans else func.count()
            return select(*keys, counted).group_by(*keys)

        shape = ("timeline-buckets", unit, tuple(kinds), "spans" if from_spans else filter_shape(resolved))
        values = {"span_start": resolved.start, "span_end": resolved.end} if from_spans else filter_values(resolved)
        rows = await context.prepared(shape, statement, bucket_first=span.start, bucket_last=span.end, **values)
        for rank, low, high, inside, n in rows:
            low, high = as_date(low), as_date(high)
            if inside:  # wholly held: its bucket's (then low = high)
                held[low][rank] = held[low].get(rank, 0) + n
            else:  # overlaps by a running sum: +n at its clipped range's first bucket, -n after its last
                spanning[rank] += n
                steps[low][rank] += n
                steps[following(high, unit)][rank] -= n
    buckets: list[TimeBucket] = []
    running: dict[int, int] = defaultdict(int)
    for bucket_start in span.starts:
        for kind, n in steps.get(bucket_start, {}).items():
            running[kind] += n
        buckets.append(
            TimeBucket(
                start=bucket_start,
                end=following(bucket_start, unit) - dt.timedelta(days=1),
                label=label(bucket_start, unit),
                count=_counts(held.get(bucket_start)),
                overlapping=_counts(dict(running)),
            )
        )
    return TimelineBuckets(unit=unit, start=span.start, end=span.end, buckets=buckets, spanning=_counts(spanning))


# --- dyads --------------------------------------------------------------------------------------------------

QUAD_NAMES = {q: q.lower().title().replace("_", "") for q in QUAD_CLASSES}


@strawberry.type(description="How many events of each PLOVER quad class.")
class QuadClassCounts:
    verbal_cooperation: int = strawberry.field(description="Verbal cooperation (agree, consult, support).")
    material_cooperation: int = strawberry.field(description="Material cooperation (aid, cooperate, yield).")
    verbal_conflict: int = strawberry.field(description="Verbal conflict (accuse, reject, threaten).")
    material_conflict: int = strawberry.field(description="Material conflict (sanction, mobilize, assault).")


@strawberry.type(
    description="A directed pair of actors over a window: what `from` did toward `to`. Events count from each "
    "initiator to each target; statements from the speaker to each actor it is about; reactions from the reactor "
    "to each actor of the item it answers (an event's participants, a statement's speaker, a reaction's reactor)."
)
class Dyad:
    from_actor: Actor = strawberry.field(name="from", description="Who acted.")
    to: Actor = strawberry.field(description="Toward whom.")
    events: int = strawberry.field(description="Events with `from` as an initiator and `to` as a target.")
    score_sum: float = strawberry.field(description="The sum of those events' scores (−10…+10 each).")
    score_mean: float | None = strawberry.field(description="Their mean score; null without events.")
    quad_classes: QuadClassCounts = strawberry.field(description="Those events by quad class.")
    statements: int = strawberry.field(description="Statements `from` made about `to`.")
    reactions: int = strawberry.field(description="Reactions of `from` to an item involving `to`.")

    @strawberry.field(description="Events, statements and reactions together (the order of the list).")
    def interactions(self) -> int:
        return self.events + self.statements + self.reactions


def _pair_rows(kind: str, resolved: Resolved, dialect: str) -> list[Any]:
    """Per item of a kind matching the filter, one row (rank, a, b, score, quad) per directed pair it holds."""
    table = BY_KEY[kind].table
    where = conditions(kind, table, resolved, dialect)
    rank = literal(BY_KEY[kind].rank)
    out: list[Any] = []
    for branch in branches_of(table, resolved):
        if kind == "event":
            by, at = EP.alias("by"), EP.alias("at")
            rows = (
                select(rank.label("rank"), by.c.actor_id.label("a"), at.c.actor_id.label("b"))
                .add_columns(table.c.score.label("score"), table.c.quad_class.label("quad"))
                .join_from(table, by, and_(by.c.event_id == table.c.id, by.c.role == "initiator"))
                .join(at, and_(at.c.event_id == table.c.id, at.c.role == "target"))
                .where(by.c.actor_id != at.c.actor_id)
            )
        elif kind == "statement":
            about = SA.alias("about")
            rows = (
                select(rank.label("rank"), table.c.speaker_id.label("a"), about.c.actor_id.label("b"))
                .add_columns(literal(0.0, Float()).label("score"), literal(None).label("quad"))
                .join_from(table, about, about.c.statement_id == table.c.id)
                .where(table.c.speaker_id != about.c.actor_id)
            )
        else:
            part, again = EP.alias("answered_ep"), EP.alias("again_ep")
            said, answered = S.alias("answered_s"), R.alias("answered_r")
            no_score = (literal(0.0, Float()).label("score"), literal(None).label("quad"))
            # An answered event's participants, each once (an actor in two roles is one): its first row only.
            twice = select(again.c.id).where(
                again.c.event_id == part.c.event_id, again.c.actor_id == part.c.actor_id, again.c.id < part.c.id
            )
            answers = [
                select(rank.label("rank"), table.c.reactor_id.label("a"), part.c.actor_id.label("b"), *no_score)
                .join_from(table, part, part.c.event_id == table.c.target_event_id)
                .where(~twice.exists(), table.c.reactor_id != part.c.actor_id),
                select(rank.label("rank"), table.c.reactor_id.label("a"), said.c.speaker_id.label("b"), *no_score)
                .join_from(table, said, said.c.id == table.c.target_statement_id)
                .where(table.c.reactor_id != said.c.speaker_id),
                select(rank.label("rank"), table.c.reactor_id.label("a"), answered.c.reactor_id.label("b"), *no_score)
                .join_from(table, answered, answered.c.id == table.c.target_reaction_id)
                .where(table.c.reactor_id != answered.c.reactor_id),
            ]
            out.extend(rows.where(*where, *branch) for rows in answers)
            continue
        out.append(rows.where(*where, *branch))
    return out


def _grouped(resolved: Resolved, dialect: str) -> Any:
    """Per directed pair: its counts, score sum and quad classes over every matching item (one grouped select)."""
    kinds = [item.key for item in ITEMS if may_match(item.key, resolved)] or [TIMELINE[0]]
    parts = [row for kind in kinds for row in _pair_rows(kind, resolved, dialect)]
    pairs = _union(parts).subquery("pairs")

    def tally(condition: Any, value: Any = 1) -> Any:
        return func.coalesce(func.sum(case((condition, value), else_=0)), 0)

    is_event = pairs.c.rank == 0
    columns = [
        pairs.c.a,
        pairs.c.b,
        func.count().label("total"),
        cast(tally(is_event), Integer()).label("events"),
        cast(tally(is_event, pairs.c.score), Float()).label("score_sum"),
        cast(tally(pairs.c.rank == 1), Integer()).label("statements"),
        cast(tally(pairs.c.rank == 2), Integer()).label("reactions"),
        *(cast(tally(and_(is_event, pairs.c.quad == q)), Integer()).label(q.lower()) for q in QUAD_CLASSES),
    ]
    return select(*columns).group_by(pairs.c.a, pairs.c.b)


async def dyad_page(info: Info, filter: ItemFilter | None, first: int | None, after: str | None) -> Connection[Dyad]:
    context = info.context
    page = page_args(first, after, None, None, max_size=context.settings.max_page_size, key="iii")
    resolved = await resolve(context, filter)
    has_cursor = page.cursor is not None
    shape = filter_shape(resolved)
    values = filter_values(resolved)

    def page_statement(dialect: str) -> Any:
        grouped = _grouped(resolved, dialect).subquery("dyads")
        # Busiest first, then by the actors' ids: (-total, a, b) ascending is the order and the cursor.
        key = tuple_(-grouped.c.total, grouped.c.a, grouped.c.b)
        where = [key > tuple_(bindparam("c0"), bindparam("c1"), bindparam("c2"))] if has_cursor else []
        return (
            select(grouped)
            .where(*where)
            .order_by(grouped.c.total.desc(), grouped.c.a, grouped.c.b)
            .limit(bindparam("limit", type_=Integer()))
        )

    cursor = dict(zip(("c0", "c1", "c2"), page.cursor or (), strict=False))
    rows = await context.prepared(("dyads", shape, has_cursor), page_statement, limit=page.size + 1, **values, **cursor)
    people = {
        i: actor(r) for i, r in (await rows_by_id(context, "Actor", {x for r in rows for x in (r.a, r.b)})).items()
    }
    pairs = []
    for r in rows:
        if r.a not in people or r.b not in people:  # an actor deleted between the two statements
            continue
        dyad = Dyad(
            from_actor=people[r.a],
            to=people[r.b],
            events=r.events,
            score_sum=float(r.score_sum),
            score_mean=float(r.score_sum) / r.events if r.events else None,
            quad_classes=QuadClassCounts(
                verbal_cooperation=r.verbal_cooperation,
                material_cooperation=r.material_cooperation,
                verbal_conflict=r.verbal_conflict,
                material_conflict=r.material_conflict,
            ),
            statements=r.statements,
            reactions=r.reactions,
        )
        pairs.append(((-r.total, r.a, r.b), dyad))
    limit = context.settings.exact_count_limit

    async def count() -> int:
        def count_statement(dialect: str) -> Any:
            return bounded_count(_grouped(resolved, dialect))

        found = await context.prepared(("dyads-count", shape), count_statement, **values, count_limit=limit + 1)
        return int(found[0][0])

    return build_connection(pairs, page, count, limit)


# --- the root fields ------------------------------------------------------------------------------------------


@strawberry.type
class OverviewQuery:
    @strawberry.field(
        description="Counts of the timeline's items per calendar bucket (day, ISO week, month or year) over a "
        "window, per item type, for an overview bar or a chart: the same `filter` as `timeline` (its own "
        "`from`/`to`, if given, narrow the window further). The window runs from the start of the bucket "
        "holding `from` to the end of the one holding `to`: at most 1000 buckets (BAD_USER_INPUT beyond). Fuzzy "
        "dates are kept honest: see `TimelineBuckets`. One grouped SQL statement however many items there are; with "
        "no filter but `itemTypes` and dates it groups stored counts per date span, kept exact by every write, "
        "instead of the items."
    )
    async def timeline_buckets(
        self,
        info: Info,
        unit: Annotated[TimeUnit, strawberry.argument(description="The calendar unit of a bucket.")],
        from_: Annotated[
            FuzzyDate, strawberry.argument(name="from", description="The window's start (its bucket's first day).")
        ],
        to: Annotated[FuzzyDate, strawberry.argument(description="The window's end (its bucket's last day).")],
        filter: Annotated[
            ItemFilter | None, strawberry.argument(description="Which items count, as for `timeline`.")
        ] = None,
    ) -> TimelineBuckets | None:
        return await timeline_buckets(info, filter, unit, from_, to)

    @strawberry.field(
        description="Directed pairs of actors over the items the `filter` keeps (its window: items overlapping it, "
        "as for `timeline`): per pair, the events from an initiator to a target (their count, score sum and mean, "
        "by quad class), the statements from a speaker about an actor and the reactions from a reactor to the "
        "answered item's actors. The busiest pairs first (then by the actors' creation). Page with "
        "`first`/`after`; 1–100 per page, 20 by default."
    )
    async def dyads(
        self,
        info: Info,
        filter: Annotated[
            ItemFilter | None, strawberry.argument(description="Which items count, as for `timeline`.")
        ] = None,
        first: int | None = None,
        after: str | None = None,
    ) -> Connection[Dyad] | None:
        return await dyad_page(info, filter, first, after)
