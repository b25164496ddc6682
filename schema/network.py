"""The actor network of a window: who acts on whom, and how their relationships moved.

One statement gathers every directed interaction of the window from the four kinds of record that join two
actors, folds members into the actors asked for (``includeAffiliated``), groups them per ordered pair (a link) in
the database and keeps the ``maxLinks`` strongest (the greatest absolute weight, then the most interactions),
counting them all; one more reads the actors of the links kept. Neither grows with the data: the answer is bounded
by ``maxLinks``.

An interaction ``a → b`` is one of:

- a relationship change of ``a`` toward ``b`` (its delta is the interaction's weight);
- an event: each initiator toward each other participant; an event without an initiator joins every two of its
  participants, both ways;
- a statement: its speaker toward each actor it is about;
- a reaction: its reactor toward whoever it answers (the answered event's participants, statement's speaker or
  reaction's reactor).

The root field (``actorNetwork``) is the mixin ``NetworkQuery``; ``actor_network`` computes the same answer for the
downloads (``api.network``).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import Annotated, Any

import strawberry
from sqlalchemy import (
    Date,
    Integer,
    and_,
    bindparam,
    case,
    func,
    literal,
    literal_column,
    not_,
    or_,
    select,
    true,
    union_all,
)
from strawberry.types import Info

from api.dates import DateError, parse_when
from api.tables import ACTOR as A
from api.tables import AFFILIATION as AF
from api.tables import EVENT as E
from api.tables import EVENT_PARTICIPANT as EP
from api.tables import REACTION as R
from api.tables import RELATIONSHIP_CHANGE as RC
from api.tables import STATEMENT as S
from api.tables import STATEMENT_ABOUT as SA
from api.vocabulary import WIDENING_AFFILIATIONS
from schema.context import among
from schema.errors import BadUserInput
from schema.filters import INCLUDE_AFFILIATED, Resolved, actor_ref, filter_values, window_branches, window_shape
from schema.limits import ACTOR_NETWORK
from schema.loaders import actor, rows_by_id
from schema.refs import FuzzyDate, RecordRef
from schema.types.enums import Trend
from schema.types.nodes import Actor

# How many links a network may have unless the client asks for fewer, and at most (each link and its two ends
# count toward the node-cost limit: ``schema.limits``).
DEFAULT_MAX_LINKS = ACTOR_NETWORK.count
MAX_LINKS = 5000
# At most this many actors named in one network (as in ``ItemFilter.actors``).
MAX_ACTORS = 50
# An link's trend is the direction of this many of its latest changes in the window together (as a
# relationship's: ``schema.relationships.TREND_CHANGES``).
TREND_CHANGES = 3

# The kinds of interaction, as the statement numbers them.
CHANGE, EVENT, STATEMENT, REACTION = 0, 1, 2, 3

WINDOW = (
    "The window: `from`/`to` keep what overlaps `from`'s earliest day … `to`'s latest day (either end open when "
    "not given), as `ItemFilter` does; `asOf` instead keeps everything known to have happened by that date (an "
    "item whose whole date span ends by `asOf`'s latest day), so each link's weight is the relationship's score "
    "as of then. `asOf` cannot be combined with `from`/`to`."
)
INTERACTIONS = (
    "An interaction `a → b` is a relationship change of `a` toward `b` (its delta counts in the weight); an event, "
    "from each initiator to each other participant (with no initiator, between every two participants, both ways); a "
    "statement, from its speaker to each actor it is about; a reaction, from its reactor to whoever it answers "
    "(the answered event's participants, statement's speaker or reaction's reactor)."
)
ACTORS = (
    "Only the links with at least one end among these actors (each of them a node even without any link); at "
    f"most {MAX_ACTORS}. Not given: every actor."
)
FOLDING = (
    INCLUDE_AFFILIATED.split(" Default false")[0]
    + " Here each member's interactions count as the given actor's (the member is no node of its own); a member of "
    "several given actors' families counts for each, and an interaction between two members of the same family is left "
    "out. Without `actors`, nothing to fold. Default false."
)
STRONGEST = (
    "the strongest: the greatest absolute `weight` first, then the most interactions (`interactionCount`), then "
    "the ends' ids"
)
MAX_LINKS_TEXT = (
    f"At most this many links (1–{MAX_LINKS}, default {DEFAULT_MAX_LINKS}); a larger network answers with "
    f"{STRONGEST}, and `linkCount` says how many there are in all. Counts toward the node-cost limit as three "
    "nodes per link (the link and its two ends)."
)


@strawberry.type(description="An actor in a network, with its links summed.")
class NetworkNode:
    actor: Actor = strawberry.field(description="The actor.")
    degree: int = strawberry.field(description="How many links it is an end of (`inDegree + outDegree`).")
    in_degree: int = strawberry.field(description="How many links lead to it.")
    out_degree: int = strawberry.field(description="How many links leave it.")
    in_weight: int = strawberry.field(description="The sum of the weights of the links leading to it.")
    out_weight: int = strawberry.field(description="The sum of the weights of the links leaving it.")


@strawberry.type(
    description="A directed link: every interaction from one actor to another in the window, summed. " + INTERACTIONS
)
class NetworkLink:
    from_: Actor = strawberry.field(name="from", description="Whose interactions.")
    to: Actor = strawberry.field(description="Toward whom.")
    weight: int = strawberry.field(
        description="The sum of the deltas of `from`'s relationship changes toward `to` in the window (the same as "
        "`relationship(from:, to:) { changes(from:, to:) }` sums; with `asOf`, the score as of then); 0 when "
        "only other interactions join them."
    )
    interaction_count: int = strawberry.field(
        description="How many records join them in the window: `changeCount + eventCount + statementCount + "
        "reactionCount` (each record once, however many of its actors fold into the ends)."
    )
    change_count: int = strawberry.field(description="Relationship changes of `from` toward `to`.")
    event_count: int = strawberry.field(description="Events joining them (see the type).")
    statement_count: int = strawberry.field(description="Statements of `from` about `to`.")
    reaction_count: int = strawberry.field(description="Reactions of `from` answering `to`.")
    trend: Trend = strawberry.field(
        description=f"The direction of the latest {TREND_CHANGES} relationship changes of the link in the window "
        "together; STEADY when they cancel out or there are none."
    )


@strawberry.type(
    description="Who acts on whom in a window: actors as nodes and directed links between them, each link every "
    "interaction from one actor to another summed. Not paged: at most `maxLinks` links, past it "
    + STRONGEST
    + ". "
    + INTERACTIONS
)
class ActorNetwork:
    nodes: list[NetworkNode] = strawberry.field(
        description="Every actor at an end of a link in `links`, and every actor asked for; ordered by name, then "
        "slug. Degrees and weights count the links in `links` (the graph as drawn)."
    )
    links: list[NetworkLink] = strawberry.field(
        description="The links, ordered by `from`'s slug, then `to`'s: every link of the network, or past `maxLinks` "
        "the strongest (see the type)."
    )
    link_count: int = strawberry.field(
        description="How many links the network has in all: more than `links` holds when it has over `maxLinks`."
    )
    from_: FuzzyDate | None = strawberry.field(name="from", description="The window's start, as given.")
    to: FuzzyDate | None = strawberry.field(description="The window's end, as given.")
    as_of: FuzzyDate | None = strawberry.field(description="The date everything up to which counts, as given.")


@dataclass
class NetworkRequest:
    """What a network is asked for, as the client gave it (GraphQL arguments or query parameters)."""

    start: str | None = None
    end: str | None = None
    as_of: str | None = None
    actors: list[RecordRef] | None = None
    include_affiliated: bool = False
    max_links: int = DEFAULT_MAX_LINKS


def _window(request: NetworkRequest) -> tuple[Resolved, bool]:
    """The window as ``ItemFilter`` resolves one (``start``/``end``), and whether it is an ``asOf`` one."""
    window = Resolved()
    which = "from"
    try:
        if request.as_of is not None:
            if request.start is not None or request.end is not None:
                raise BadUserInput("give either `asOf` or a `from`/`to` window, not both", field="asOf")
            which = "asOf"
            window.end = parse_when(request.as_of).latest
            return window, True
        if request.start is not None:
            window.start = parse_when(request.start).earliest
        which = "to"
        if request.end is not None:
            window.end = parse_when(request.end).latest
    except DateError as exc:
        raise BadUserInput(f"bad date: {exc}", field=which) from None
    if window.start is not None and window.end is not None and window.start > window.end:
        raise BadUserInput("`from` is after `to`", field="from")
    return window, False


def _dated(table: Any, window: Resolved, as_of: bool) -> list[Any]:
    """The window's condition on a dated table: its items overlapping the window (the disjoint index ranges of
    ``filters.window_branches``), or with ``as_of`` those whose whole span ends by the bound ``end``."""
    if as_of:
        return [table.c.date_end <= bindparam("end")]
    branches = window_branches(table, window)
    return [] if branches == [[]] else [or_(*(and_(*branch) for branch in branches))]


def _interactions(window: Resolved, as_of: bool, touching: Callable[[Any], Any] | None = None) -> Any:
    """Every interaction of the window as rows (a, b, kind, item, delta, day, day_order, a_start, a_end, b_start,
    b_end): the dates each end is judged at when folding (a reaction's answered actors at the answered item's dates).
    ``touching``: only those with an end meeting this condition, each part read twice (from either end's actor
    index, so a few actors never read the whole window), the overlap removed later by the caller's DISTINCT."""

    def row(a: Any, b: Any, kind: int, table: Any, delta: Any, target: Any = None) -> Any:
        target = table if target is None else target
        return select(
            a.label("a"),
            b.label("b"),
            literal(kind, Integer()).label("kind"),
            table.c.id.label("item"),
            delta.label("delta"),
            table.c.date_start.label("day"),
            table.c.day_order.label("day_order"),
            table.c.date_start.label("a_start"),
            table.c.date_end.label("a_end"),
            target.c.date_start.label("b_start"),
            target.c.date_end.label("b_end"),
        )

    zero = literal(0, Integer())
    changes = row(RC.c.from_actor_id, RC.c.to_actor_id, CHANGE, RC, RC.c.delta).where(*_dated(RC, window, as_of))
    p, q, initiator = EP.alias("p"), EP.alias("q"), EP.alias("initiator")
    led = select(initiator.c.event_id).where(initiator.c.event_id == E.c.id, initiator.c.role == "initiator")
    events = (
        row(p.c.actor_id, q.c.actor_id, EVENT, E, zero)
        .join_from(E, p, p.c.event_id == E.c.id)
        .join(q, q.c.event_id == E.c.id)
        .where(
            p.c.actor_id != q.c.actor_id,
            or_(and_(p.c.role == "initiator", q.c.role != "initiator"), not_(led.exists())),
            *_dated(E, window, as_of),
        )
    )
    statements = (
        row(S.c.speaker_id, SA.c.actor_id, STATEMENT, S, zero)
        .join_from(S, SA, SA.c.statement_id == S.c.id)
        .where(S.c.speaker_id != SA.c.actor_id, *_dated(S, window, as_of))
    )
    answered_event, answered_statement, answered_reaction = E.alias("te"), S.alias("ts"), R.alias("tr")
    part = EP.alias("tp")
    reacted = _dated(R, window, as_of)
    to_events = (
        row(R.c.reactor_id, part.c.actor_id, REACTION, R, zero, answered_event)
        .join_from(R, answered_event, answered_event.c.id == R.c.target_event_id)
        .join(part, part.c.event_id == answered_event.c.id)
        .where(R.c.reactor_id != part.c.actor_id, *reacted)
    )
    to_statements = (
        row(R.c.reactor_id, answered_statement.c.speaker_id, REACTION, R, zero, answered_statement)
        .join_from(R, answered_statement, answered_statement.c.id == R.c.target_statement_id)
        .where(R.c.reactor_id != answered_statement.c.speaker_id, *reacted)
    )
    to_reactions = (
        row(R.c.reactor_id, answered_reaction.c.reactor_id, REACTION, R, zero, answered_reaction)
        .join_from(R, answered_reaction, answered_reaction.c.id == R.c.target_reaction_id)
        .where(R.c.reactor_id != answered_reaction.c.reactor_id, *reacted)
    )
    parts = [
        (changes, RC.c.from_actor_id, RC.c.to_actor_id),
        (events, p.c.actor_id, q.c.actor_id),
        (statements, S.c.speaker_id, SA.c.actor_id),
        (to_events, R.c.reactor_id, part.c.actor_id),
        (to_statements, R.c.reactor_id, answered_statement.c.speaker_id),
        (to_reactions, R.c.reactor_id, answered_reaction.c.reactor_id),
    ]
    if touching is None:
        return union_all(*(rows for rows, _, _ in parts)).subquery("interactions")
    either = [rows.where(touching(end)) for rows, a, b in parts for end in (a, b)]
    return union_all(*either).subquery("interactions")


def _by_key(found: Any, key: Any, outer: Any, name: str, dialect: str) -> tuple[Any, Any]:
    """``found`` (a select of one table) for each outer row whose ``outer`` column equals the table's ``key``, as a
    FROM clause and its join condition. On PostgreSQL a LATERAL subquery: a look-up of the key's index per outer row,
    planned from the outer rows' number, so neither a hash of the whole table (whose cost follows the data, not
    the window) nor a guess at how many keys an array holds. Elsewhere (SQLite walks indexes by itself) a plain
    join on the key."""
    if dialect == "postgresql":
        # OFFSET 0: PostgreSQL would otherwise pull the subquery up into a plain join, and may then merge-join
        # the whole index.
        return found.where(key == outer).offset(literal_column("0")).lateral(name), true()
    joined = found.add_columns(key.label("key")).subquery(name)
    return joined, joined.c.key == outer


def _in_window(table: Any, window: Resolved, as_of: bool, *names: str) -> Any:
    """The rows (id, date_start, day_order and ``names``) of a dated table in the window: a UNION ALL of the window's
    disjoint index ranges (``filters.window_branches``), each read from the index alone where one covers the columns
    (migration 0008: the items starting inside the window, most of them, from (date_start, day_order, id, ...))."""
    columns = [table.c.id, table.c.date_start, table.c.day_order, *(table.c[name] for name in names)]
    if as_of:
        return select(*columns).where(table.c.date_end <= bindparam("end"))
    branches = window_branches(table, window)
    if len(branches) == 1:
        return select(*columns).where(*branches[0])
    if table is RC:  # no index of long or short spans: the few rows begun before the window, by its date indexes
        inside, *before = branches
        return union_all(
            select(*columns).where(*inside), select(*columns).where(or_(*(and_(*branch) for branch in before)))
        )
    return union_all(*(select(*columns).where(*branch) for branch in branches))


def _whole_window(window: Resolved, as_of: bool, dialect: str) -> Any:
    """Every interaction of the window for a network of every actor, as rows (a, b, kind, item, delta, day,
    day_order), each once: the window's changes, events, statements and reactions are read by their date indexes
    and joined to their participants, the actors they are about and the items they answer by key, so the cost
    follows the window, never the whole tables. An actor in two roles of one event counts once, as ``_interactions``
    (with the caller's DISTINCT) counts it."""
    zero = literal(0, Integer())

    def row(a: Any, b: Any, kind: int, item: Any, delta: Any, dated: Any) -> Any:
        return select(
            a.label("a"),
            b.label("b"),
            literal(kind, Integer()).label("kind"),
            item.label("item"),
            delta.label("delta"),
            dated.c.date_start.label("day"),
            dated.c.day_order.label("day_order"),
        )

    changed = _in_window(RC, window, as_of, "from_actor_id", "to_actor_id", "delta").subquery("window_changes")
    changes = row(changed.c.from_actor_id, changed.c.to_actor_id, CHANGE, changed.c.id, changed.c.delta, changed)
    # Events: each actor once per event, whether it initiates and whether it takes another part.
    held = _in_window(E, window, as_of).subquery("window_events")
    parts, on = _by_key(select(EP.c.actor_id, EP.c.role), EP.c.event_id, held.c.id, "event_parts", dialect)
    taking = (
        select(held.c.id.label("event_id"), held.c.date_start, held.c.day_order, parts.c.actor_id, parts.c.role)
        .select_from(held.join(parts, on))
        .cte("window_participants")
    )
    p, q = taking.alias("p"), taking.alias("q")
    pair = and_(q.c.event_id == p.c.event_id, q.c.actor_id != p.c.actor_id)
    # Each initiator toward each actor taking another part (DISTINCT: one in two other roles counts once) ...
    led = (
        row(p.c.actor_id, q.c.actor_id, EVENT, p.c.event_id, zero, p)
        .join_from(p, q, pair)
        .where(p.c.role == "initiator", q.c.role != "initiator")
        .distinct()
    )
    # ... and in an event without an initiator, every two actors.
    leading = select(taking.c.event_id).where(taking.c.role == "initiator", taking.c.event_id == p.c.event_id)
    among_all = (
        row(p.c.actor_id, q.c.actor_id, EVENT, p.c.event_id, zero, p)
        .join_from(p, q, pair)
        .where(not_(leading.exists()))
        .distinct()
    )
    spoken = _in_window(S, window, as_of, "speaker_id").subquery("window_statements")
    about, on = _by_key(select(SA.c.actor_id), SA.c.statement_id, spoken.c.id, "about", dialect)
    statements = (
        row(spoken.c.speaker_id, about.c.actor_id, STATEMENT, spoken.c.id, zero, spoken)
        .select_from(spoken.join(about, on))
        .where(about.c.actor_id != spoken.c.speaker_id)
    )
    targets = ("reactor_id", "target_event_id", "target_statement_id", "target_reaction_id")
    reacting = _in_window(R, window, as_of, *targets).cte("window_reactions")
    # An answered event's participants, each actor once (DISTINCT: one in two roles).
    answered, on = _by_key(select(EP.c.actor_id), EP.c.event_id, reacting.c.target_event_id, "answered", dialect)
    to_events = (
        row(reacting.c.reactor_id, answered.c.actor_id, REACTION, reacting.c.id, zero, reacting)
        .select_from(reacting.join(answered, on))
        .where(answered.c.actor_id != reacting.c.reactor_id)
        .distinct()
    )
    ts, tr = S.alias("ts"), R.alias("tr")
    spoke, on_statement = _by_key(select(ts.c.speaker_id), ts.c.id, reacting.c.target_statement_id, "spoke", dialect)
    to_statements = (
        row(reacting.c.reactor_id, spoke.c.speaker_id, REACTION, reacting.c.id, zero, reacting)
        .select_from(reacting.join(spoke, on_statement))
        .where(spoke.c.speaker_id != reacting.c.reactor_id)
    )
    reacted, on_reaction = _by_key(select(tr.c.reactor_id), tr.c.id, reacting.c.target_reaction_id, "reacted", dialect)
    to_reactions = (
        row(reacting.c.reactor_id, reacted.c.reactor_id, REACTION, reacting.c.id, zero, reacting)
        .select_from(reacting.join(reacted, on_reaction))
        .where(reacted.c.reactor_id != reacting.c.reactor_id)
    )
    every = union_all(changes, led, among_all, statements, to_events, to_statements, to_reactions).subquery("pairs")
    # The changes again, apart (for the trend), so the interactions stream into their grouping, never stored.
    return every, changes.subquery("changes")


# Open ends of an affiliation's spell, as dates every item's bounds lie within (as ``filters.family``).
_EARLIEST, _LATEST = literal(dt.date.min, Date()), literal(dt.date.max, Date())


@cache
def _families(dialect: str) -> Any:
    """The recursive CTE of the families of the actors bound as ``actors``: rows (root, actor_id, valid_from,
    valid_to), ``actor_id`` acting for the actor ``root`` (an actor id, unlike ``filters.family``'s root numbers:
    here every given actor is a root of its own) from ``valid_from`` to ``valid_to``. The same affiliations widen
    as for ``includeAffiliated`` in filters."""
    anchor = select(
        A.c.id.label("root"),
        A.c.id.label("actor_id"),
        _EARLIEST.label("valid_from"),
        _LATEST.label("valid_to"),
    ).where(among(A.c.id, "actors", dialect))
    tree = anchor.cte("families", recursive=True)
    greatest, least = (func.greatest, func.least) if dialect == "postgresql" else (func.max, func.min)
    valid_from = greatest(tree.c.valid_from, func.coalesce(AF.c.start_date, _EARLIEST))
    valid_to = least(tree.c.valid_to, func.coalesce(AF.c.end_date, _LATEST))
    step = (
        select(tree.c.root, AF.c.member_id, valid_from, valid_to)
        .join_from(tree, AF, AF.c.organisation_id == tree.c.actor_id)
        .where(AF.c.kind.in_(WIDENING_AFFILIATIONS), valid_from <= valid_to)
    )
    return tree.union(step)  # UNION: a cycle of affiliations adds nothing new and so ends


def network_statement(window: Resolved, as_of: bool, actors: bool, folded: bool) -> Any:
    """The statement of a network's links: one row per ordered pair of (folded) actors with the link's sums, for
    the ``limit`` strongest (the greatest absolute weight, then the most interactions, then the ends' ids), each
    with how many links there are in all (``total``); bound: the window (``filter_values``), ``actors``, and
    ``limit``."""

    def build(dialect: str) -> Any:
        if folded:
            tree = _families(dialect)
            members = select(tree.c.actor_id)
            every = _interactions(window, as_of, lambda column: column.in_(members))
            fa, fb = tree.alias("fa"), tree.alias("fb")

            def covers(f: Any, end: str) -> Any:
                return and_(
                    f.c.actor_id == every.c[end],
                    f.c.valid_from <= every.c[f"{end}_start"],
                    f.c.valid_to >= every.c[f"{end}_end"],
                )

            a, b = func.coalesce(fa.c.root, every.c.a), func.coalesce(fb.c.root, every.c.b)
            # DISTINCT: a member reached along two paths, or two members of a family in one record: one interaction.
            folding = (
                select(
                    a.label("a"),
                    b.label("b"),
                    every.c.kind,
                    every.c.item,
                    every.c.delta,
                    every.c.day,
                    every.c.day_order,
                )
                .select_from(every.outerjoin(fa, covers(fa, "a")).outerjoin(fb, covers(fb, "b")))
                .where(or_(fa.c.root.is_not(None), fb.c.root.is_not(None)))
                .distinct()
                .subquery("folded")
            )
            pairs = select(folding).where(folding.c.a != folding.c.b).cte("pairs")
        elif not actors:
            pairs, changed = _whole_window(window, as_of, dialect)
        else:
            every = _interactions(window, as_of, lambda column: among(column, "actors", dialect))
            pairs = (
                select(every.c.a, every.c.b, every.c.kind, every.c.item, every.c.delta, every.c.day, every.c.day_order)
                .distinct()
                .cte("pairs")
            )

        def count(kind: int) -> Any:
            return func.sum(case((pairs.c.kind == kind, 1), else_=0))

        links = (
            select(
                pairs.c.a,
                pairs.c.b,
                func.sum(pairs.c.delta).label("weight"),
                count(CHANGE).label("changes"),
                count(EVENT).label("events"),
                count(STATEMENT).label("statements"),
                count(REACTION).label("reactions"),
                func.count().label("interactions"),
            )
            .group_by(pairs.c.a, pairs.c.b)
            .cte("links")
        )
        # The strongest links, and how many there are in all.
        total = select(func.count()).select_from(links).scalar_subquery()
        chosen = (
            select(links, total.label("total"))
            .order_by(func.abs(links.c.weight).desc(), links.c.interactions.desc(), links.c.a, links.c.b)
            .limit(bindparam("limit", type_=Integer()))
            .subquery("chosen")
        )
        # A link's trend: its latest TREND_CHANGES relationship changes (only changes are ranked: a few rows).
        if actors or folded:
            changed = select(pairs).where(pairs.c.kind == CHANGE).subquery("changes")
        back = func.row_number().over(
            partition_by=(changed.c.a, changed.c.b),
            order_by=(changed.c.day.desc(), changed.c.day_order.desc(), changed.c.item.desc()),
        )
        ranked = select(changed.c.a, changed.c.b, changed.c.delta, back.label("back"))
        ranked_ = ranked.subquery("ranked")
        recent = (
            select(ranked_.c.a, ranked_.c.b, func.sum(ranked_.c.delta).label("recent"))
            .where(ranked_.c.back <= TREND_CHANGES)
            .group_by(ranked_.c.a, ranked_.c.b)
            .subquery("recent")
        )
        return select(chosen, func.coalesce(recent.c.recent, 0).label("recent")).outerjoin_from(
            chosen, recent, and_(recent.c.a == chosen.c.a, recent.c.b == chosen.c.b)
        )

    return build


@dataclass
class Network:
    """A computed network: the actors (by id) and the links' rows, for GraphQL and the downloads alike."""

    actors: dict[int, Any]
    links: list[Any]
    given: list[int]
    request: NetworkRequest
    total: int  # every link of the network, ``links`` the strongest of them

    def trend(self, link: Any) -> Trend:
        return Trend.WARMING if link.recent > 0 else Trend.COOLING if link.recent < 0 else Trend.STEADY

    def degrees(self) -> dict[int, dict[str, int]]:
        """Per actor: degree in and out, weight in and out."""
        out: dict[int, dict[str, int]] = defaultdict(lambda: dict.fromkeys(("ind", "outd", "inw", "outw"), 0))
        for ident in self.given:
            out[ident]  # noqa: B018 - a given actor is a node even without links
        for link in self.links:
            out[link.a]["outd"] += 1
            out[link.a]["outw"] += int(link.weight)
            out[link.b]["ind"] += 1
            out[link.b]["inw"] += int(link.weight)
        return out

    def node_order(self) -> list[int]:
        ids = self.degrees().keys()
        return sorted(ids, key=lambda i: (self.actors[i].name, self.actors[i].slug))

    def link_order(self) -> list[Any]:
        return sorted(self.links, key=lambda e: (self.actors[e.a].slug, self.actors[e.b].slug))


async def actor_network(context: Any, request: NetworkRequest) -> Network:
    """The network asked for: BAD_USER_INPUT or NOT_FOUND naming the argument, or its actors and links (a
    statement per named actor, one for the links, one for their actors)."""
    if not 1 <= request.max_links <= MAX_LINKS:
        raise BadUserInput(f"`maxLinks` must be 1–{MAX_LINKS}", field="maxLinks")
    window, as_of = _window(request)
    given: list[int] = []
    if request.actors is not None:
        if len(request.actors) > MAX_ACTORS:
            raise BadUserInput(f"at most {MAX_ACTORS} actors in one network", field="actors")
        for n, ref in enumerate(request.actors):
            ident = await actor_ref(context, ref, field=f"actors[{n}]")
            if ident not in given:
                given.append(ident)
    folded = request.include_affiliated and request.actors is not None
    named = request.actors is not None
    shape = ("actor-network", window_shape(window), window.end is not None, as_of, named, folded)
    values: dict[str, Any] = {**filter_values(window), "limit": request.max_links}
    if named:
        values["actors"] = given
    links = await context.prepared(shape, network_statement(window, as_of, named, folded), **values)
    total = int(links[0].total) if links else 0
    wanted = set(given) | {e.a for e in links} | {e.b for e in links}
    actors = await rows_by_id(context, "Actor", wanted)
    # An actor deleted between the two statements leaves with its links.
    links = [e for e in links if e.a in actors and e.b in actors]
    return Network(actors, links, [i for i in given if i in actors], request, total)


def as_graphql(network: Network) -> ActorNetwork:
    """The GraphQL answer of a computed network."""
    objects = {ident: actor(row) for ident, row in network.actors.items()}
    degrees = network.degrees()
    nodes = [
        NetworkNode(
            actor=objects[i],
            degree=degrees[i]["ind"] + degrees[i]["outd"],
            in_degree=degrees[i]["ind"],
            out_degree=degrees[i]["outd"],
            in_weight=degrees[i]["inw"],
            out_weight=degrees[i]["outw"],
        )
        for i in network.node_order()
    ]
    links = [
        NetworkLink(
            from_=objects[e.a],
            to=objects[e.b],
            weight=int(e.weight),
            interaction_count=int(e.changes + e.events + e.statements + e.reactions),
            change_count=int(e.changes),
            event_count=int(e.events),
            statement_count=int(e.statements),
            reaction_count=int(e.reactions),
            trend=network.trend(e),
        )
        for e in network.link_order()
    ]
    request = network.request
    return ActorNetwork(
        nodes=nodes,
        links=links,
        link_count=network.total,
        from_=FuzzyDate(request.start) if request.start is not None else None,
        to=FuzzyDate(request.end) if request.end is not None else None,
        as_of=FuzzyDate(request.as_of) if request.as_of is not None else None,
    )


@strawberry.type
class NetworkQuery:
    @strawberry.field(
        description="The actor network of a window: actors as nodes (with degree and weights in and out) and "
        "directed links (each the sum of one actor's interactions to another: weight from relationship changes, counts "
        "of every kind of interaction, latest trend). "
        + WINDOW
        + " Not paged: at most `maxLinks` links, past it "
        + STRONGEST
        + " (`linkCount` counts them all). Also downloadable as GraphML (`GET /network.graphml`) and `Cytoscape.js` "
        "elements (`GET /network.cytoscape.json`), with these arguments as query parameters."
    )
    async def actor_network(
        self,
        info: Info,
        from_: Annotated[
            FuzzyDate | None, strawberry.argument(name="from", description="Window start (see the field).")
        ] = None,
        to: Annotated[FuzzyDate | None, strawberry.argument(description="Window end, inclusive.")] = None,
        as_of: Annotated[
            FuzzyDate | None,
            strawberry.argument(description="Everything known to have happened by this date, instead of a window."),
        ] = None,
        actors: Annotated[list[RecordRef] | None, strawberry.argument(description=ACTORS)] = None,
        include_affiliated: Annotated[bool, strawberry.argument(description=FOLDING)] = False,
        max_links: Annotated[int, strawberry.argument(description=MAX_LINKS_TEXT)] = DEFAULT_MAX_LINKS,
    ) -> ActorNetwork | None:
        request = NetworkRequest(
            start=from_,
            end=to,
            as_of=as_of,
            actors=actors,
            include_affiliated=include_affiliated,
            max_links=max_links,
        )
        return as_graphql(await actor_network(info.context, request))
