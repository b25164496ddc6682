"""Filter inputs and the SQL conditions they become, shared by the timeline and the item lists."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from typing import Any, overload

import strawberry
from sqlalchemy import (
    ARRAY,
    BindParameter,
    Date,
    Integer,
    and_,
    bindparam,
    case,
    false,
    func,
    literal,
    or_,
    select,
    union,
    union_all,
)
from strawberry.types import get_object_definition

from api.dates import LONG_SPAN, SHORT_SPAN, DateError, parse_moment
from api.kinds import BY_KEY, ITEMS, Tags
from api.search import matching_ids, query_string, query_words, row_matches, word_pattern
from api.tables import ACTOR as A
from api.tables import AFFILIATION as AF
from api.tables import EVENT as E
from api.tables import EVENT_PARTICIPANT as EP
from api.tables import REACTION as R
from api.tables import STATEMENT as S
from api.tables import STATEMENT_ABOUT as SA
from api.vocabulary import WIDENING_AFFILIATIONS
from schema.context import among
from schema.errors import BadUserInput, NotFound
from schema.prefetch import camel
from schema.refs import FuzzyDate, RecordRef
from schema.types.enums import ActorKind, ActorMatch, Channel, EventKind, ReactionKind, TimelineItemType

INCLUDE_AFFILIATED = (
    "Widen each of `actors` to its family: the actors affiliated with it, transitively, at the item's date. "
    "Affiliations of kind `part_of`, `represents` and `role` widen (the Knesset is part of Israel, so are the "
    "members of the Knesset through their role in it; the PRC's embassy is part of the PRC; Sa'ar holds the role "
    "of Israel's foreign minister); `member` does not (a party in a coalition, a person in a party: belonging, "
    "not acting for it). Each affiliation on the way must cover the item's whole date span (open ends count as "
    "open), so a person who left office no longer counts. For a reaction, the actors it answers count at the "
    "answered item's date. Default false: an actor means itself."
)


@strawberry.input(description="Narrows a list of events, statements or reactions (or the timeline).")
class ItemFilter:
    from_: FuzzyDate | None = strawberry.field(
        name="from",
        default=None,
        description="Window start: a day, month or year (`2025-07`); items whose dates overlap the window match.",
    )
    to: FuzzyDate | None = strawberry.field(
        default=None, description="Window end, inclusive: `2025` means up to 31 December 2025."
    )
    actors: list[RecordRef] | None = strawberry.field(
        default=None,
        description='Actors (`[{slug: "israel"}]`): items involving them (see `actorsMatch`); at most 50.',
    )
    actors_match: ActorMatch = strawberry.field(
        default=ActorMatch.ANY,
        description="ANY (default): involving any of `actors`; ALL: involving all of them.",
    )
    include_affiliated: bool = strawberry.field(
        default=False,
        description=INCLUDE_AFFILIATED,
    )
    event_kinds: list[EventKind] | None = strawberry.field(
        default=None,
        description="Events of any of these PLOVER types. Given any of `eventKinds`, `channels` and "
        "`reactionKinds`, only the item types given one are kept (`eventKinds: [AGREE]` alone: agreements only).",
    )
    channels: list[Channel] | None = strawberry.field(
        default=None, description="Statements made through any of these channels (see `eventKinds`)."
    )
    reaction_kinds: list[ReactionKind] | None = strawberry.field(
        default=None, description="Reactions of any of these kinds (see `eventKinds`)."
    )
    tags: list[str] | None = strawberry.field(default=None, description="Any of these tags.")
    country: str | None = strawberry.field(
        default=None,
        description="ISO alpha-3: items involving an actor of this country, or events held there.",
    )
    search: str | None = strawberry.field(
        default=None,
        description="Words, each matched as the start of a word (`Beij` finds Beijing; no stemming: `sanction` "
        "finds sanctions, `sanctions` does not find sanction), all required, ignoring case and accents (`kyiv`, "
        "`Élysée` = `elysee`). An item matches when its own text (title, summary, quote, translation, place) holds "
        "every word, or when one actor it involves holds every word in its name, slug or aliases — that actor or "
        "the body it is part of or represents (`Beijing` finds what the People's Republic of China and its "
        "embassy did); the words are not split between the item and an actor, nor between actors. An apostrophe "
        "joins a word: `Sa’ar`, `Sa'ar` and `saar` are the same; the parts count too (`Elysee` finds "
        "l'Élysée). Any other punctuation separates words, and a search with no letters or digits matches "
        "nothing.",
    )
    item_types: list[TimelineItemType] | None = strawberry.field(
        default=None, description="Only these kinds of item (timeline only)."
    )
    updated_since: dt.datetime | None = strawberry.field(
        default=None,
        description="Only items created or changed at or after this time (for syncing; see `deletedSince`).",
    )


@strawberry.input(description="Narrows a list of actors.")
class ActorFilter:
    kinds: list[ActorKind] | None = strawberry.field(default=None, description="Any of these actor kinds.")
    country: str | None = strawberry.field(default=None, description="ISO 3166-1 alpha-3 country code.")
    search: str | None = strawberry.field(
        default=None,
        description="Words, each matched as the start of a word and all required, in the name, slug or aliases, "
        "ignoring case and accents (`beij` finds the People's Republic of China by its alias Beijing; `saar` and "
        "`Sa’ar` find Gideon Sa'ar). As for items (see `ItemFilter.search`): no stemming, an apostrophe joins a "
        "word, other punctuation separates words, and a search with no letters or digits matches nothing.",
    )
    updated_since: dt.datetime | None = strawberry.field(
        default=None, description="Only actors created or changed at or after this time (for syncing)."
    )


@dataclass
class Resolved:
    """A filter with dates parsed and actors looked up: ready to become SQL."""

    start: Any = None
    end: Any = None
    actor_ids: list[int] | None = None
    match_all: bool = False
    affiliated: bool = False
    kinds: dict[str, list[str]] | None = None  # per item type, its kinds (event kinds, channels, reaction kinds)
    tags: list[str] | None = None
    country: str | None = None
    country_is_common: bool = False
    tags_common: dict[str, bool] = field(default_factory=dict)
    search_is_common: bool = False
    search_actor_ids: list[int] | None = None
    search_ids: dict[str, list[int]] | None = None
    search_words: list[str] | None = None
    updated_is_common: bool = False
    search: str | None = None
    item_types: set[str] | None = None
    updated_since: Any = None


@overload
def utc(value: dt.datetime) -> dt.datetime: ...
@overload
def utc(value: None) -> None: ...
def utc(value: dt.datetime | None) -> dt.datetime | None:
    """A time in UTC (a time without zone is taken as UTC), as the database keeps them."""
    if value is None:
        return None
    return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value.astimezone(dt.UTC)


def check_country(value: str | None, field: str) -> str | None:
    """An alpha-3 code in capitals, or BAD_USER_INPUT."""
    if value is None:
        return None
    code = value.strip().upper()
    if len(code) != 3 or not code.isalpha():
        raise BadUserInput(f"{value!r} is not an ISO 3166-1 alpha-3 country code (like `ISR`)", field=field)
    return code


async def actor_ref(context: Any, ref: RecordRef, *, field: str) -> int:
    """The database id of the actor a ``RecordRef`` names; NOT_FOUND (at ``field``) if there is none."""
    from schema.loaders import rows_by_id  # here: the loaders import this module (an actor's lists filter)

    ident, slug = ref.key("Actor", field)
    if ident is not None:
        if await rows_by_id(context, "Actor", {ident}):
            return ident
        raise NotFound(f"no actor with id {ref.id!r}", field=f"{field}.id")
    rows = await context.rows(select(A.c.id).where(A.c.slug == slug))
    if rows:
        return int(rows[0][0])
    raise NotFound(f"no actor with slug {slug!r}", field=f"{field}.slug")


# A search naming more actors than this matches their items through a subquery rather than a bound list.
NAMED_ACTORS = 5000


# How many of a table's rows a search's commonness is judged on (see ``_search_is_common``).
SEARCH_SAMPLE = 5000


async def _search_is_common(context: Any, words: list[str]) -> bool:
    """Whether a search is common: judged on a sample (the events' first ``SEARCH_SAMPLE`` rows, each tested with
    ``row_matches``), scaled to the table's size. Asking the text index costs as much as there are matches (on
    PostgreSQL every match of a common word is collected before a limit applies), a sample costs the same for
    any search; a wrong judgement costs time, never a wrong answer."""
    patterns = {f"w{n}": word_pattern(word) for n, word in enumerate(words)}
    names = list(patterns)
    sample = select(E.c.search_text.label("search_text")).limit(SEARCH_SAMPLE).subquery()
    matches = select(func.count()).select_from(sample).where(row_matches(sample, names))
    size = select(func.count()).select_from(select(E.c.id).limit(SEARCH_SAMPLE).subquery())
    statement = select(matches.scalar_subquery(), size.scalar_subquery(), select(func.max(E.c.id)).scalar_subquery())
    found, sampled, top = (await context.rows(statement, patterns))[0]
    if not sampled:  # no events: nothing is common (and ``top`` is NULL)
        return False
    return found * max(top, sampled) / sampled >= context.settings.common_value


async def _is_common(context: Any, matches: Any) -> bool:
    """Whether a filter value is common: its index entries (``matches``) reach the setting ``common_value`` (read
    no further). A common value's items are found by walking the date index and testing each (a page needs only
    a few rows), a rare one's by gathering its few matches first (walking would read the whole table)."""
    common = context.settings.common_value
    # pragma below: the limit bounds what is read, not the answer (any count past `common` is common alike)
    probe = select(func.count()).select_from(matches.limit(common).subquery())  # pragma: no mutate
    return (await context.rows(probe))[0][0] >= common


def _country_involvements(country: str) -> Any:
    """The participations of a country's actors: how often the country takes part, as an index range."""
    # pragma below: the join's condition is the one foreign key SQLAlchemy would infer without it
    return select(EP.c.event_id).join(A, A.c.id == EP.c.actor_id).where(A.c.country == country)  # pragma: no mutate


async def resolve(context: Any, given: ItemFilter | None) -> Resolved:
    """Check a filter and look up what it names; BAD_USER_INPUT or NOT_FOUND with the field."""
    out = Resolved()
    if given is None:
        return out
    which = "filter.from"  # the bound being parsed, which the error names
    try:
        if given.from_ is not None:
            out.start = parse_moment(given.from_).earliest
        which = "filter.to"
        if given.to is not None:
            out.end = parse_moment(given.to).latest
    except DateError as exc:
        raise BadUserInput(f"bad date: {exc}", field=which) from None
    if out.start and out.end and out.start > out.end:
        raise BadUserInput("`from` is after `to`", field="filter.from")
    if given.actors is not None:
        if len(given.actors) > 50:
            raise BadUserInput("at most 50 actors in one filter", field="filter.actors")
        out.actor_ids = [await actor_ref(context, v, field=f"filter.actors[{n}]") for n, v in enumerate(given.actors)]
    out.match_all = given.actors_match == ActorMatch.ALL
    out.affiliated = given.include_affiliated and given.actors is not None
    chosen = {"event": given.event_kinds, "statement": given.channels, "reaction": given.reaction_kinds}
    if any(values is not None for values in chosen.values()):
        out.kinds = {kind: [v.value for v in values or ()] for kind, values in chosen.items()}
    if given.tags is not None:
        out.tags = [t.lower() for t in given.tags]
        for item in ITEMS:  # each item type on its own: one may have no tags at all
            tagged, fk = _tags(item.key).table, _tags(item.key).parent
            matches = select(tagged.c[fk]).where(tagged.c.tag.in_(out.tags))
            out.tags_common[item.key] = await _is_common(context, matches)
    out.country = check_country(given.country, "filter.country")
    if out.country is not None:
        out.country_is_common = await _is_common(context, _country_involvements(out.country))
    if given.search is not None:
        term = given.search.strip()
        if not term:
            raise BadUserInput("`search` must not be blank", field="filter.search")
        if len(term) > 200:
            raise BadUserInput("`search` may be at most 200 characters", field="filter.search")
        dialect = context.engine.dialect.name
        out.search_words = query_words(term)
        out.search = query_string(out.search_words, dialect)  # "": no words, no match
        if out.search:
            # The items whose text matches, looked up first while they are few (bound as lists the planner can
            # count: an IN over the text index it would have to guess, and a wrong guess walks every item).
            out.search_is_common = await _search_is_common(context, out.search_words)
            if not out.search_is_common:
                common = context.settings.common_value
                texts = union_all(
                    *(select(literal(item.key).label("kind"), *matching_ids(item.table, "search", dialect).subquery().c)
                      for item in ITEMS)
                )  # fmt: skip
                rows = await context.rows(select(texts.subquery()).limit(common), {"search": out.search})
                out.search_is_common = len(rows) >= common
                if not out.search_is_common:
                    out.search_ids = {item.key: [i for k, i in rows if k == item.key] for item in ITEMS}
            # The actors the words name, looked up first: usually a handful, bound as a list the planner can
            # count (a subquery it would have to guess, and a wrong guess reads every participation).
            named = select(_with_parts(matching_ids(A, "search", dialect)).subquery()).limit(NAMED_ACTORS + 1)
            found = [row[0] for row in await context.rows(named, {"search": out.search})]
            out.search_actor_ids = found if len(found) <= NAMED_ACTORS else None
    if given.item_types is not None:
        out.item_types = {t.value for t in given.item_types}
    out.updated_since = utc(given.updated_since)
    if out.updated_since is not None:
        changed = union_all(*(select(i.table.c.id).where(i.table.c.updated_at >= out.updated_since) for i in ITEMS))
        out.updated_is_common = await _is_common(context, select(changed.subquery()))
    return out


class Actors:
    """Which actors an actor condition accepts: ``accept`` narrows a select reading an actor-id ``column``, judged
    at the dates of ``dated`` (a table in the select, or an alias joined to it by ``link``)."""

    def __init__(self, condition: Callable[[Any], Any]) -> None:
        self.condition = condition

    def accept(self, statement: Any, column: Any, dated: Any, link: Any = None) -> Any:
        """An undated set of actors (bound ids, a country's actors): the dates play no part."""
        return statement.where(self.condition(column))


def _among(name: str, dialect: str) -> Callable[[Any], Any]:
    """The condition that an actor-id column holds one of the ids bound as ``name``."""
    return lambda column: among(column, name, dialect)


def _tags(kind: str) -> Tags:
    """The tag table of an item kind (the `tags` filter applies to every item kind, so each has one)."""
    tags = BY_KEY[kind].tags
    assert tags is not None, f"{kind} has no tags"
    return tags


def involves(kind: str, table: Any, actors: Actors) -> Any:
    """Items of a kind (in ``table``) that involve the ``actors``: ``id IN`` their ``involved_ids``."""
    return table.c.id.in_(involved_ids(kind, actors))


def involves_each(kind: str, table: Any, condition: Callable[[Any], Any]) -> Any:
    """Items of a kind that involve an actor meeting ``condition``, tested item by item: the plan for a common
    value, where walking the items in date order finds a page's worth after a few rows."""
    if kind == "event":
        return _some(select(EP.c.event_id).where(EP.c.event_id == table.c.id, condition(EP.c.actor_id)))
    if kind == "statement":
        return or_(
            condition(table.c.speaker_id),
            _some(select(SA.c.statement_id).where(SA.c.statement_id == table.c.id, condition(SA.c.actor_id))),
        )
    # pragma below: alias names only label the SQL
    target_s, target_r = S.alias("each_ts"), R.alias("each_tr")  # pragma: no mutate
    return or_(
        condition(table.c.reactor_id),
        _some(select(EP.c.event_id).where(EP.c.event_id == table.c.target_event_id, condition(EP.c.actor_id))),
        _some(
            select(target_s.c.id).where(target_s.c.id == table.c.target_statement_id, condition(target_s.c.speaker_id))
        ),
        _some(
            select(target_r.c.id).where(target_r.c.id == table.c.target_reaction_id, condition(target_r.c.reactor_id))
        ),
    )


def _of_country(column: Any) -> Any:
    """Whether the actor in ``column`` is of the bound ``country``, read by its key (not ``IN`` the country's
    actors: SQLite would try each of them against every item)."""
    return _some(select(A.c.id).where(A.c.id == column, A.c.country == bindparam("country")))


def _some(rows: Any) -> Any:
    """Whether a correlated select finds a row, as ``(first row) IS NOT NULL``: unlike EXISTS, PostgreSQL cannot
    turn it into a hash of every match built up front, so it stays a probe per item (cheap while paging)."""
    return rows.limit(1).scalar_subquery().is_not(None)


def involved_ids(kind: str, actors: Actors) -> Any:
    """The ids of the items of a kind that involve the ``actors``, gathered from the actor side.

    An event involves its participants; a statement its speaker and the actors it is about; a reaction its
    reactor and whoever it answers (the target's speaker, participants or reactor). The id set is one
    uncorrelated UNION that starts from the actors (each part an index lookup by actor), so the database computes
    it once per statement instead of testing every item in date order.
    """
    if kind == "event":
        # pragma below: alias names only label the SQL
        part, events = EP.alias("inv_ep"), E.alias("inv_e")  # pragma: no mutate
        return actors.accept(select(part.c.event_id), part.c.actor_id, events, events.c.id == part.c.event_id)
    if kind == "statement":
        # pragma below: alias names only label the SQL
        said, about, about_s = S.alias("inv_s"), SA.alias("inv_sa"), S.alias("inv_sa_s")  # pragma: no mutate
        return union(
            actors.accept(select(said.c.id), said.c.speaker_id, said),
            actors.accept(
                select(about.c.statement_id), about.c.actor_id, about_s, about_s.c.id == about.c.statement_id
            ),
        )
    # pragma on the next two lines: alias names only label the SQL
    reacted, part, event = R.alias("inv_r"), EP.alias("inv_ep"), E.alias("inv_e")  # pragma: no mutate
    target_s, target_r = S.alias("inv_ts"), R.alias("inv_tr")  # pragma: no mutate
    return union(
        actors.accept(select(reacted.c.id), reacted.c.reactor_id, reacted),
        actors.accept(
            select(reacted.c.id).where(reacted.c.target_event_id == part.c.event_id),
            part.c.actor_id,
            event,
            event.c.id == part.c.event_id,
        ),
        actors.accept(
            select(reacted.c.id).where(reacted.c.target_statement_id == target_s.c.id), target_s.c.speaker_id, target_s
        ),
        actors.accept(
            select(reacted.c.id).where(reacted.c.target_reaction_id == target_r.c.id), target_r.c.reactor_id, target_r
        ),
    )


# Open ends of an affiliation's spell, as dates every item's bounds lie within.
_EARLIEST, _LATEST = dt.date.min, dt.date.max


@cache
def family(dialect: str, roots: int | None) -> Any:
    """The recursive CTE of the bound actors' families: rows (root, actor_id, valid_from, valid_to), one per path,
    meaning ``actor_id`` acts for root actor number ``root`` from ``valid_from`` to ``valid_to`` (the intersection
    of the spells on the way). ``roots`` None: the actors bound as ``actors``, all root 0; a number n: the actors
    bound as ``actor_0`` ... ``actor_{n-1}`` (root i for ``actor_i``). Built once per shape and dialect, so every
    use in one statement is the same CTE (rendered once) and the recursion runs once per statement."""
    if roots is None:
        root: Any = literal(0)
        seeds = among(A.c.id, "actors", dialect)
    else:
        names = [f"actor_{n}" for n in range(roots)]
        root = case(*((among(A.c.id, name, dialect), n) for n, name in enumerate(names)), else_=-1)
        seeds = or_(*(among(A.c.id, name, dialect) for name in names))
    anchor = select(
        root.label("root"),
        A.c.id.label("actor_id"),
        literal(_EARLIEST, Date()).label("valid_from"),
        literal(_LATEST, Date()).label("valid_to"),
    ).where(seeds)
    tree = anchor.cte("family", recursive=True)
    greatest, least = (func.greatest, func.least) if dialect == "postgresql" else (func.max, func.min)
    valid_from = greatest(tree.c.valid_from, func.coalesce(AF.c.start_date, literal(_EARLIEST, Date())))
    valid_to = least(tree.c.valid_to, func.coalesce(AF.c.end_date, literal(_LATEST, Date())))
    step = (
        select(tree.c.root, AF.c.member_id, valid_from, valid_to)
        .join_from(tree, AF, AF.c.organisation_id == tree.c.actor_id)
        .where(AF.c.kind.in_(WIDENING_AFFILIATIONS), valid_from <= valid_to)
    )
    return tree.union(step)  # UNION, not UNION ALL: a cycle of affiliations adds nothing new and so ends


class Family(Actors):
    """The actors acting for root actor ``root`` of the ``family`` CTE, each over the spell it does so."""

    def __init__(self, dialect: str, roots: int | None, root: int) -> None:
        self.tree, self.root = family(dialect, roots), root

    def accept(self, statement: Any, column: Any, dated: Any, link: Any = None) -> Any:
        """Joined to the family's rows: the actor acts for the root over the whole date span of ``dated``."""
        tree = self.tree
        return statement.where(
            tree.c.actor_id == column,
            tree.c.root == self.root,
            tree.c.valid_from <= dated.c.date_start,
            tree.c.valid_to >= dated.c.date_end,
            *([] if link is None else [link]),
        )


def window_shape(f: Resolved) -> str:
    """Which branches the date window needs (see ``window_branches``)."""
    if f.start is None:
        return "end" if f.end is not None else "all"
    if f.start - dt.date.min <= LONG_SPAN:  # nothing can begin long before the first years of the calendar
        return "start"
    return "near+far"


def window_branches(table: Any, f: Resolved) -> list[list[Any]]:
    """The date window as disjoint branches to UNION, each an ordered index range: the items starting inside the
    window; the short items (spanning at most ``SHORT_SPAN``) that began up to that long before it; the longer
    ones that began up to ``LONG_SPAN`` before it; and the long ones (spanning more) that began earlier still.
    Bound as ``start``, ``end``, ``short_horizon`` and ``horizon`` (see ``filter_values``)."""
    shape = window_shape(f)
    if shape == "all":
        return [[]]
    upper = [table.c.date_start <= bindparam("end")] if f.end is not None else []
    if shape == "end":
        return [upper]
    if shape == "start":
        return [[table.c.date_end >= bindparam("start"), *upper]]
    start: BindParameter[dt.date] = bindparam("start")
    inside = [table.c.date_start >= start, *upper]
    crossing = [table.c.date_start < start, table.c.date_end >= start]
    short = [table.c.date_short.is_(True), table.c.date_start >= bindparam("short_horizon"), *crossing]
    longer = [table.c.date_short.is_(False), table.c.date_start >= bindparam("horizon"), *crossing]
    far = [table.c.date_long.is_(True), table.c.date_start < bindparam("horizon"), table.c.date_end >= start]
    return [inside, short, longer, far]


def window_condition(table: Any, f: Resolved) -> list[Any]:
    """The window as one condition on ``table`` (``window_branches`` joined by OR), for a statement that cannot be
    a UNION of them (a nested page of every parent of a level); none without a window."""
    branches = window_branches(table, f)
    return [] if branches == [[]] else [or_(*(and_(*branch) for branch in branches))]


def item_filter(value: Any) -> ItemFilter | None:
    """An ``ItemFilter`` argument as a relation's fetcher gets it (coerced by graphql-core: a dict by GraphQL names,
    its actors dicts too), as the resolver of a root field gets it."""
    if value is None or isinstance(value, ItemFilter):
        return value
    definition = get_object_definition(ItemFilter, strict=True)
    names = {f.graphql_name or camel(f.python_name): f.python_name for f in definition.fields}
    given = {names[name]: v for name, v in value.items()}
    if given.get("actors") is not None:
        given["actors"] = [a if isinstance(a, RecordRef) else RecordRef(**a) for a in given["actors"]]
    return ItemFilter(**given)


def _with_parts(actor_ids: Any) -> Any:
    """Actors and the bodies that are part of them or represent them (the PRC and its embassy)."""
    return union(
        actor_ids,
        select(AF.c.member_id).where(AF.c.organisation_id.in_(actor_ids), AF.c.kind.in_(("part_of", "represents"))),
    )


def may_match(kind: str, f: Resolved) -> bool:
    """Whether items of a kind can match the filter at all: the timeline leaves out the types that cannot (SQLite
    would otherwise read a whole index to test a condition that is always false)."""
    if f.item_types is not None and kind not in f.item_types:
        return False
    return f.kinds is None or bool(f.kinds[kind])


def walks(f: Resolved) -> bool:
    """Whether every condition of a filter is cheap to test while walking the items in date order (a window, kinds,
    item types, a common search or sync time), none better answered by gathering matches from an index (actors,
    tags, a country, rare values): then a bounded count walks too (measured at 1 M events)."""
    gathered = (
        f.actor_ids is not None
        or (f.tags is not None and not all(f.tags_common.values()))
        or f.country is not None  # even a common country: testing its involvement costs more per row than a hash
        or (bool(f.search) and not f.search_is_common)
        or (f.updated_since is not None and not f.updated_is_common)
    )
    return not gathered


def filter_shape(f: Resolved) -> tuple[Any, ...]:
    """What the SQL of a resolved filter depends on (its cache key); the values are bound (``filter_values``)."""
    actors: int | str | tuple[str, int | str] | None
    actors = None if f.actor_ids is None else len(dict.fromkeys(f.actor_ids)) if f.match_all else "any"
    if actors is not None and f.affiliated:
        actors = ("family", actors)
    tags = None if f.tags is None else tuple(sorted(kind for kind, common in f.tags_common.items() if common))
    updated = None if f.updated_since is None else f.updated_is_common
    kinds = None if f.kinds is None else tuple((kind, len(v) == 1) for kind, v in f.kinds.items() if v)
    searched: bool | tuple[int | str, str]
    searched = f.search is not None and f.search != ""  # a search of no words (only punctuation) matches nothing
    country = None if f.country is None else "common" if f.country_is_common else "rare"
    if searched:
        named = "many" if f.search_actor_ids is None else "some" if f.search_actor_ids else "none"
        searched = (len(f.search_words or ()) if f.search_is_common else "rare", named)
    search = None if f.search is None else searched  # None, False (no words), or (common or rare, named actors)
    return (window_shape(f), f.end is not None, actors, country, kinds, updated, tags, search, _frozen(f.item_types))


def _frozen(values: set[str] | None) -> tuple[str, ...] | None:
    return None if values is None else tuple(sorted(values))


def filter_values(f: Resolved) -> dict[str, Any]:
    """The values the SQL of ``conditions`` and ``window_branches`` binds."""
    out: dict[str, Any] = {}
    if f.start is not None:
        out["start"] = f.start
        if window_shape(f) == "near+far":
            out["horizon"] = f.start - LONG_SPAN
            out["short_horizon"] = f.start - SHORT_SPAN
    if f.end is not None:
        out["end"] = f.end
    if f.actor_ids is not None:
        if f.match_all:
            out.update({f"actor_{n}": [i] for n, i in enumerate(dict.fromkeys(f.actor_ids))})
        else:
            out["actors"] = list(f.actor_ids)
    if f.updated_since is not None:
        out["updated_since"] = f.updated_since
    if f.kinds is not None:
        for kind, values in f.kinds.items():
            out[f"{kind}_kinds"] = values
            if len(values) == 1:
                out[f"{kind}_kind"] = values[0]
    if f.tags is not None:
        out["tags"] = f.tags
    if f.country is not None:
        out["country"] = f.country
    if f.search:
        out["search"] = f.search
        if f.search_actor_ids:
            out["search_actors"] = f.search_actor_ids
        for kind, found in (f.search_ids or {}).items():
            out[f"search_{kind}_ids"] = found
        if f.search_is_common:
            out.update({f"search_word_{n}": word_pattern(word) for n, word in enumerate(f.search_words or ())})
    return out


def conditions(kind: str, table: Any, f: Resolved, dialect: str) -> list[Any]:
    """The WHERE conditions a resolved filter puts on one kind of item, except the window (``window_branches``),
    with every value bound by name (``filter_values``), so one statement serves every filter of the same shape."""
    out: list[Any] = []
    if f.item_types is not None and kind not in f.item_types:
        return [false()]
    if f.actor_ids is not None:
        distinct = len(dict.fromkeys(f.actor_ids))
        if f.affiliated:
            roots = distinct if f.match_all else None
            for root in range(distinct if f.match_all else 1):
                out.append(involves(kind, table, Family(dialect, roots, root)))
        elif f.match_all:
            for n in range(distinct):
                out.append(involves(kind, table, Actors(_among(f"actor_{n}", dialect))))
        else:
            out.append(involves(kind, table, Actors(_among("actors", dialect))))
    if f.updated_since is not None:
        if f.updated_is_common:
            out.append(table.c.updated_at >= bindparam("updated_since"))
        else:  # the few changed items, gathered from the updated_at index (walking the dates would read them all)
            # pragma below: alias names only label the SQL
            changed = table.alias("changed")  # pragma: no mutate
            out.append(table.c.id.in_(select(changed.c.id).where(changed.c.updated_at >= bindparam("updated_since"))))
    if f.kinds is not None:
        values = f.kinds[kind]
        column = table.c.channel if kind == "statement" else table.c.kind
        if dialect == "sqlite" and window_shape(f) == "near+far":
            # Kept off the (kind, date) index in a window: SQLite's statistics (averages, no histogram) would take
            # it over the long-items index for the items that began long before the window, and read them all.
            column = column + ""
        if len(values) == 1:  # `=` one value: the (kind, date) index then reads in date order (`ANY` cannot)
            out.append(column == bindparam(f"{kind}_kind"))
        elif values:
            out.append(among(column, f"{kind}_kinds", dialect))
        else:  # none of the kinds is this type's: nothing to read (an empty list would read every row)
            # pragma below: None (SQL NULL) would match nothing too
            out.append(false())  # pragma: no mutate
    if f.tags is not None:
        tags, fk = _tags(kind).table, _tags(kind).parent
        tagged = select(tags.c[fk]).where(among(tags.c.tag, "tags", dialect))
        if f.tags_common.get(kind):  # tested per item on its (item, tag) key while walking the dates
            out.append(_some(tagged.where(tags.c[fk] == table.c.id)))
        else:  # gathered from the tag index (tag, item), as the actor conditions are: the database starts from it
            out.append(table.c.id.in_(tagged))
    if f.country is not None:
        in_country = select(A.c.id).where(A.c.country == bindparam("country"))
        if f.country_is_common:
            held = [table.c.place_country == bindparam("country")] if kind == "event" else []
            out.append(or_(*held, involves_each(kind, table, _of_country)))
        else:
            ids = involved_ids(kind, Actors(lambda column: column.in_(in_country)))
            if kind == "event":  # one id set, so the database can start from it (an OR would walk every event)
                # pragma below: alias names only label the SQL
                held_there = E.alias("held")  # pragma: no mutate
                ids = union(ids, select(held_there.c.id).where(held_there.c.place_country == bindparam("country")))
            out.append(table.c.id.in_(ids))
    if f.search is not None:
        if not f.search:
            # pragma below: None (SQL NULL) would match nothing too
            out.append(false())  # pragma: no mutate
        elif f.search_is_common:
            by_name = _named_actors(f, dialect)
            # `+ 0`: tested per item, an involved actor is looked up by the item's key and then checked against
            # the named ones; SQLite would otherwise try each named actor's index entry against every item
            by_actor = [involves_each(kind, table, lambda c: by_name.condition(c + 0))] if by_name is not None else []
            words = [f"search_word_{n}" for n in range(len(f.search_words or ()))]
            out.append(or_(row_matches(table, words), *by_actor))
        else:
            out.append(_searched(kind, table, f, dialect))
    return out


def _named_actors(f: Resolved, dialect: str) -> Actors | None:
    """The actors a search names (and the bodies part of them or representing them): the list looked up by
    ``resolve``, or a subquery when it named too many; None when it names none."""
    if f.search_actor_ids is None:
        named = _with_parts(matching_ids(A, "search", dialect))
        return Actors(lambda column: column.in_(named))
    if not f.search_actor_ids:
        return None
    return Actors(lambda column: among(column, "search_actors", dialect))


def _searched(kind: str, table: Any, f: Resolved, dialect: str) -> Any:
    """Items whose own text holds every word of the search, or that involve an actor whose name, slug or aliases
    hold every word (or a body part of it or representing it): one id set, each half answered from an index
    (``api.search``): the database starts from the matches, and no match costs no more than a few."""
    texts = f"search_{kind}_ids"  # the ids ``resolve`` found
    by_name = _named_actors(f, dialect)
    if by_name is None:
        return among(table.c.id, texts, dialect)
    if dialect != "postgresql":  # SQLite answers each side of an OR from its own index ("MULTI-INDEX OR")
        return or_(among(table.c.id, texts, dialect), involves(kind, table, by_name))
    # PostgreSQL walks every item for an OR of two id sets: give it one set
    listed = select(func.unnest(bindparam(texts, type_=ARRAY(Integer()))).label("id"))
    return table.c.id.in_(union_all(listed, select(involved_ids(kind, by_name).subquery())))
