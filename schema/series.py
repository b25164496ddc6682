"""A relationship's history per calendar bucket (``Relationship.series``) and its score at a date
(``Relationship.scoreAsOf``), fetched for a whole level of relationships at a time: one grouped statement each.

The fuzzy-date rule is the buckets' (``schema.buckets``): a change is placed in a bucket only when its whole date
span lies inside it, and counts in a score only once its whole span has ended.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from graphql import FieldNode
from sqlalchemy import Date, bindparam, case, func, select

from api.dates import ONGOING_END, parse_when
from api.tables import RELATIONSHIP_CHANGE as RC
from schema.buckets import TimeUnit, as_date, bounds, bucket_of, following, label, window
from schema.prefetch import Walk, relation
from schema.relationships import _of_pairs, _pair_values
from schema.types.nodes import RelationshipBucket, ScoreAsOf


def time_unit(value: Any) -> TimeUnit:
    """A ``TimeUnit`` argument as a fetcher gets it (the member, its value or its name)."""
    if isinstance(value, TimeUnit):
        return value
    try:
        return TimeUnit(value)
    except ValueError:
        return TimeUnit[str(value)]


@relation("Relationship", "series")
async def relationship_series(
    walk: Walk, parents: list[Any], key: str, args: dict[str, Any], nodes: list[FieldNode]
) -> list[Any]:
    """Each relationship's buckets, from its changes grouped by (first bucket, last bucket) in the database."""
    unit = time_unit(args["unit"])
    first, last = bounds(args.get("from"), args.get("to"))
    pairs = {(p.from_id, p.to_id) for p in parents}

    def statement(dialect: str) -> Any:
        spans = select(
            RC.c.from_actor_id.label("a"),
            RC.c.to_actor_id.label("b"),
            bucket_of(RC.c.date_start, unit, dialect).label("low"),
            bucket_of(RC.c.date_end, unit, dialect).label("high"),
            RC.c.delta,
        ).where(_of_pairs(RC, dialect))
        spans_q = spans.subquery("spans")
        keys = (spans_q.c.a, spans_q.c.b, spans_q.c.low, spans_q.c.high)
        return select(*keys, func.sum(spans_q.c.delta).label("delta"), func.count().label("n")).group_by(*keys)

    rows = await walk.context.prepared(("relationship-series", unit), statement, **_pair_values(pairs))
    groups: dict[tuple[int, int], list[tuple[dt.date, dt.date, int, int]]] = defaultdict(list)
    for a, b, low, high, delta, n in rows:
        groups[(a, b)].append((as_date(low), as_date(high), int(delta), int(n)))
    for parent in parents:
        found = groups.get((parent.from_id, parent.to_id), [])
        parent._pre[key] = _buckets(unit, first, last, found)
    return []


def _buckets(
    unit: TimeUnit, first: dt.date | None, last: dt.date | None, found: list[tuple[dt.date, dt.date, int, int]]
) -> list[RelationshipBucket]:
    """The buckets of one relationship from its grouped changes (first bucket, last bucket, delta sum, count)."""
    if first is None:
        if not found:
            return []
        first = min(low for low, _, _, _ in found)
    if last is None:
        if not found:
            return []
        # The bucket where the latest change is known to have happened by (an ongoing one's: where it began).
        last = max(first, max(high if high.year < ONGOING_END.year else low for low, high, _, _ in found))
    span = window(unit, first, last, field="unit")
    held: dict[dt.date, tuple[int, int]] = {}
    ended: dict[dt.date, int] = defaultdict(int)  # deltas by the bucket in which a change's span ends
    steps: dict[dt.date, int] = defaultdict(int)  # overlaps, as a running sum over the buckets
    score = 0
    for low, high, delta, n in found:
        if high < span.start:
            score += delta  # ended before the window: part of its first score
        else:
            ended[high] += delta
        if low == high:
            before = held.get(low, (0, 0))
            held[low] = (before[0] + delta, before[1] + n)
        elif high >= span.start and low <= span.end:
            steps[max(low, span.start)] += n
            steps[following(high, unit)] -= n
    out, overlapping = [], 0
    for start in span.starts:
        score += ended.get(start, 0)
        overlapping += steps.get(start, 0)
        delta, count = held.get(start, (0, 0))
        out.append(
            RelationshipBucket(
                start=start,
                end=following(start, unit) - dt.timedelta(days=1),
                label=label(start, unit),
                score=score,
                delta=delta,
                change_count=count,
                overlapping=overlapping,
            )
        )
    return out


@relation("Relationship", "scoreAsOf")
async def relationship_score_as_of(
    walk: Walk, parents: list[Any], key: str, args: dict[str, Any], nodes: list[FieldNode]
) -> list[Any]:
    """Each relationship's score at a day, with its undecided changes: one grouped statement for the level."""
    day = parse_when(args["date"]).latest
    pairs = {(p.from_id, p.to_id) for p in parents}

    def statement(dialect: str) -> Any:
        at = bindparam("day", type_=Date())
        done = RC.c.date_end <= at
        open_ = (RC.c.date_start <= at) & (RC.c.date_end > at)
        return (
            select(
                RC.c.from_actor_id,
                RC.c.to_actor_id,
                func.coalesce(func.sum(case((done, RC.c.delta), else_=0)), 0).label("score"),
                func.coalesce(func.sum(case((open_, 1), else_=0)), 0).label("undecided"),
                func.coalesce(func.sum(case((open_ & (RC.c.delta < 0), RC.c.delta), else_=0)), 0).label("falls"),
                func.coalesce(func.sum(case((open_ & (RC.c.delta > 0), RC.c.delta), else_=0)), 0).label("rises"),
            )
            .where(_of_pairs(RC, dialect))
            .group_by(RC.c.from_actor_id, RC.c.to_actor_id)
        )

    rows = await walk.context.prepared(("relationship-score-as-of",), statement, day=day, **_pair_values(pairs))
    found = {(r[0], r[1]): r for r in rows}
    for parent in parents:
        row = found.get((parent.from_id, parent.to_id))
        score, undecided, falls, rises = (int(v) for v in row[2:]) if row is not None else (0, 0, 0, 0)
        parent._pre[key] = ScoreAsOf(day=day, score=score, undecided=undecided, low=score + falls, high=score + rises)
    return []
