"""Rows to objects, and the batch fetchers behind every relation field (one SQL statement per relation).

Builders make a fresh, complete object from a row; fetchers take all parents of one level of a page and
store each parent's share in its ``_pre`` (``schema.prefetch.Prefetchable``).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from graphql import FieldNode
from sqlalchemy import Date, Select, Table, bindparam, distinct, func, literal, null, select, tuple_
from strawberry.scalars import JSON

from api.dates import parse_when
from api.kinds import BY_KEY, BY_TYPE_NAME, KINDS, TIMELINE
from api.tables import ACTOR as A
from api.tables import AFFILIATION as AF
from api.tables import CITATION as CIT
from api.tables import EVENT as E
from api.tables import EVENT_PARTICIPANT as EP
from api.tables import REACTION as R
from api.tables import RELATIONSHIP_CHANGE as RC
from api.tables import STATEMENT as S
from api.tables import STATEMENT_ABOUT as SA
from api.vocabulary import REACTION_KINDS
from schema import ids
from schema.context import among, row_type
from schema.filters import conditions, filter_shape, filter_values, item_filter, resolve, window_condition
from schema.pagination import SortKey, build_connection, page_args
from schema.prefetch import JOINED, Walk, relation
from schema.refs import FuzzyDate
from schema.types import enums
from schema.types.enums import SortOrder
from schema.types.nodes import (
    Actor,
    Affiliation,
    Citation,
    DateInfo,
    Event,
    Participation,
    Place,
    Reaction,
    RelationshipChange,
    Source,
    Statement,
)

# --- rows to objects -------------------------------------------------------------------------------------


def _members(enum_type: Any) -> dict[str, Any]:
    """Stored value → enum member, as a plain dict (calling an Enum class to look one up costs ~1 µs)."""
    return {m.value: m for m in enum_type}


_PRECISION = _members(enums.DatePrecision)
_QUALIFIER = _members(enums.DateQualifier)
_ACTOR_KIND = _members(enums.ActorKind)
_AFFILIATION_KIND = _members(enums.AffiliationKind)
_EVENT_KIND = _members(enums.EventKind)
_QUAD_CLASS = _members(enums.QuadClass)
_MODALITY = _members(enums.Modality)
_CHANNEL = _members(enums.Channel)
_STANCE = _members(enums.Stance)
_REACTION_KIND = _members(enums.ReactionKind)
_ROLE = _members(enums.ParticipantRole)


def aware(value: dt.datetime) -> dt.datetime:
    """A stored time with its zone (SQLite gives them back without one; they are all UTC)."""
    return value if value.tzinfo is not None else value.replace(tzinfo=dt.UTC)


def date_info(row: Any) -> DateInfo:
    """The date of a dated row."""
    return DateInfo(
        text=FuzzyDate(row.when_text),
        label=row.date_label,
        start=row.date_start,
        end=None if row.date_ongoing else row.date_end,
        precision=_PRECISION[row.date_precision],
        qualifier=_QUALIFIER[row.date_qualifier] if row.date_qualifier else None,
        ongoing=bool(row.date_ongoing),
        day_order=row.day_order,
    )


def text_date(text: str | None, label: str | None) -> DateInfo | None:
    """A date kept as text only (affiliations, sources)."""
    if not text:
        return None
    when = parse_when(text)
    return DateInfo(
        text=FuzzyDate(when.text),
        label=label or when.label,
        start=when.earliest,
        end=None if when.ongoing else when.latest,
        precision=_PRECISION[when.start.precision],
        qualifier=_QUALIFIER[when.start.qualifier] if when.start.qualifier else None,
        ongoing=when.ongoing,
        day_order=0,
    )


def actor(row: Any) -> Actor:
    return Actor(
        id=ids.encode("Actor", row.id),
        slug=row.slug,
        name=row.name,
        kind=_ACTOR_KIND[row.kind],
        country=row.country,
        sectors=row.sectors or [],
        aliases=row.aliases or [],
        wikidata=row.wikidata,
        external_ids=row.external_ids or JSON({}),
        description=row.description,
        created_at=aware(row.created_at),
        updated_at=aware(row.updated_at),
        version=row.version,
        db_id=row.id,
    )


def source(row: Any) -> Source:
    return Source(
        id=ids.encode("Source", row.id),
        slug=row.slug,
        title=row.title,
        publisher=row.publisher,
        author=row.author,
        url=row.url,
        language=row.language,
        published=text_date(row.published_text, row.published_label),
        created_at=aware(row.created_at),
        updated_at=aware(row.updated_at),
        version=row.version,
        db_id=row.id,
    )


def affiliation(row: Any) -> Affiliation:
    return Affiliation(
        id=ids.encode("Affiliation", row.id),
        slug=row.slug,
        kind=_AFFILIATION_KIND[row.kind],
        role=row.role,
        start=text_date(row.start_text, row.start_label),
        end=text_date(row.end_text, row.end_label),
        member_id=row.member_id,
        organisation_id=row.organisation_id,
        created_at=aware(row.created_at),
        updated_at=aware(row.updated_at),
        version=row.version,
        db_id=row.id,
    )


def event(row: Any) -> Event:
    place = None
    if row.place_name or row.place_country or row.place_lat is not None:
        place = Place(name=row.place_name, country=row.place_country, latitude=row.place_lat, longitude=row.place_lon)
    return Event(
        id=ids.encode("Event", row.id),
        slug=row.slug,
        title=row.title,
        summary=row.summary,
        kind=_EVENT_KIND[row.kind],
        mode=row.mode,
        contexts=row.contexts or [],
        quad_class=_QUAD_CLASS[row.quad_class],
        score=row.score,
        modality=_MODALITY[row.modality],
        cameo=row.cameo,
        date=date_info(row),
        place=place,
        created_at=aware(row.created_at),
        updated_at=aware(row.updated_at),
        version=row.version,
        db_id=row.id,
    )


def statement(row: Any) -> Statement:
    return Statement(
        id=ids.encode("Statement", row.id),
        slug=row.slug,
        channel=_CHANNEL[row.channel],
        quote=row.quote,
        language=row.language,
        translation=row.translation,
        stance=_STANCE[row.stance] if row.stance else None,
        summary=row.summary,
        date=date_info(row),
        created_at=aware(row.created_at),
        updated_at=aware(row.updated_at),
        version=row.version,
        speaker_id=row.speaker_id,
        venue_id=row.venue_event_id,
        db_id=row.id,
    )


def _ref(row: Any, prefix: str) -> tuple[str, int]:
    for kind in TIMELINE:
        value = getattr(row, f"{prefix}_{kind}_id")
        if value is not None:
            return BY_KEY[kind].type_name, value
    raise AssertionError(f"row {row.id} has no {prefix}")


def reaction(row: Any) -> Reaction:
    return Reaction(
        id=ids.encode("Reaction", row.id),
        slug=row.slug,
        kind=_REACTION_KIND[row.kind],
        plover_type=_EVENT_KIND[REACTION_KINDS[row.kind][0]],
        score=row.score,
        summary=row.summary,
        date=date_info(row),
        created_at=aware(row.created_at),
        updated_at=aware(row.updated_at),
        version=row.version,
        reactor_id=row.reactor_id,
        target_ref=_ref(row, "target"),
        statement_id=row.statement_id,
        db_id=row.id,
    )


def change(row: Any, score_after: int | None = None) -> RelationshipChange:
    return RelationshipChange(
        id=ids.encode("RelationshipChange", row.id),
        slug=row.slug,
        delta=row.delta,
        explanation=row.explanation,
        date=date_info(row),
        known_score=score_after,
        created_at=aware(row.created_at),
        updated_at=aware(row.updated_at),
        version=row.version,
        from_id=row.from_actor_id,
        to_id=row.to_actor_id,
        cause_ref=_ref(row, "cause"),
        db_id=row.id,
    )


BUILDERS: dict[str, Callable[[Any], Any]] = {
    "Actor": actor,
    "Affiliation": affiliation,
    "Event": event,
    "Statement": statement,
    "Reaction": reaction,
    "RelationshipChange": change,
    "Source": source,
}


async def rows_by_id(walk: Walk | Any, type_name: str, wanted: set[int]) -> dict[int, Any]:
    """Rows of one type by id, in one statement."""
    if not wanted:
        return {}
    table = BY_TYPE_NAME[type_name].table
    context = walk.context if isinstance(walk, Walk) else walk
    rows = await context.by_ids(("by_id", type_name), lambda match: select(table).where(match(table.c.id)), wanted)
    return {row.id: row for row in rows}


# --- to-one relations ------------------------------------------------------------------------------------


def _to_one(type_name: str, field_name: str, target: str, attribute: str) -> None:
    build = BUILDERS[target]

    @relation(type_name, field_name)
    async def fetch(
        walk: Walk, parents: list[Any], key: str, args: dict[str, Any], nodes: list[FieldNode]
    ) -> list[Any]:
        found = await rows_by_id(walk, target, {getattr(p, attribute) for p in parents} - {None})
        out = []
        for parent in parents:
            row = found.get(getattr(parent, attribute))
            child = build(row) if row is not None else None
            parent._pre[key] = child
            if child is not None:
                out.append(child)
        return out

    del fetch


# Every to-one relation: (parent type, field, target type, the parent object's attribute holding the target's
# id, the column holding it in the parent's table or link table, as fetched).
TO_ONE = (
    ("Citation", "source", "Source", "source_id", "source_id"),
    ("Participation", "actor", "Actor", "actor_id", "actor_id"),
    ("Statement", "speaker", "Actor", "speaker_id", "speaker_id"),
    ("Statement", "venue", "Event", "venue_id", "venue_event_id"),
    ("Reaction", "reactor", "Actor", "reactor_id", "reactor_id"),
    ("Reaction", "statement", "Statement", "statement_id", "statement_id"),
    ("RelationshipChange", "from", "Actor", "from_id", "from_actor_id"),
    ("RelationshipChange", "to", "Actor", "to_id", "to_actor_id"),
    ("Affiliation", "member", "Actor", "member_id", "member_id"),
    ("Affiliation", "organisation", "Actor", "organisation_id", "organisation_id"),
)
# (parent type, field) → (target type, foreign-key column): to-one relations that can ride along, as a join,
# in the statement that fetches their parents (``Joins``) instead of costing a statement of their own.
JOINABLE = {(parent, field): (target, column) for parent, field, target, _, column in TO_ONE}
for _parent, _field, _target, _attr, _ in TO_ONE:
    _to_one(_parent, _field, _target, _attr)
JOINED.update(JOINABLE)


class Joins:
    """The joinable to-one fields selected on a type, added to the statement that fetches objects of it.

    ``add`` puts each field's target columns (labelled, after the statement's own) on a LEFT JOIN; ``fill``
    builds the targets from each row and stores them in the object's ``_pre`` under every response key, so
    the walk finds them there and skips the fetch.
    """

    def __init__(self, walk: Walk, type_name: str, nodes: list[FieldNode]) -> None:
        self.keys: dict[str, list[str]] = defaultdict(list)  # field name → response keys
        selected: dict[str, set[str]] = defaultdict(set)  # field name → fields selected on its target
        for key, key_nodes in walk.subfields(type_name, nodes).items():
            field_name = key_nodes[0].name.value
            if (type_name, field_name) in JOINABLE:
                self.keys[field_name].append(key)
                target = JOINABLE[(type_name, field_name)][0]
                selected[field_name] |= {n[0].name.value for n in walk.subfields(target, key_nodes).values()}
        self.type_name = type_name
        targets = {name: JOINABLE[(type_name, name)][0] for name in self.keys}
        # JSON columns no selected field needs are left out (read as NULL): decoding them is the costly part.
        self.fields = tuple(
            (name, frozenset(c for c, f in JSON_FIELDS.get(targets[name], {}).items() if f not in selected[name]))
            for name in sorted(self.keys)
        )
        # Per joined field, for ``fill``: its response keys, the target's builder, row type and column count.
        self._fill = [
            (self.keys[name], BUILDERS[targets[name]], ROW_TYPES[targets[name]], len(_COLUMNS[targets[name]]))
            for name, _ in self.fields
        ]

    def add(self, statement: Select, fk_source: Any) -> Select:
        """The statement with the selected to-one targets joined on; ``fk_source`` holds the foreign keys."""
        for field_name, unread in self.fields:
            target, fk = JOINABLE[(self.type_name, field_name)]
            joined = BY_TYPE_NAME[target].table.alias(f"j_{field_name}")
            columns = (null() if c.name in unread else c for c in joined.c)
            statement = statement.add_columns(
                *(c.label(f"j_{field_name}__{name}") for c, name in zip(columns, _COLUMNS[target], strict=True))
            )
            statement = statement.outerjoin(joined, joined.c.id == fk_source.c[fk])
        return statement

    def fill(self, obj: Any, row: Any, width: int) -> None:
        """Build the joined targets of one row (whose own columns are the first ``width``) into ``obj._pre``."""
        offset = width
        for keys, build, row_type_, count in self._fill:
            part = row[offset : offset + count]
            offset += count
            for key in keys:
                obj._pre[key] = build(row_type_._make(part)) if part[0] is not None else None


_COLUMNS = {kind.type_name: tuple(c.name for c in kind.table.c) for kind in KINDS}
# JSON columns by type, with the GraphQL field that shows each (the builders read a NULL one as empty).
JSON_FIELDS = {
    "Actor": {"sectors": "sectors", "aliases": "aliases", "external_ids": "externalIds"},
    "Event": {"contexts": "contexts"},
}
ROW_TYPES = {name: row_type(columns) for name, columns in _COLUMNS.items()}


async def _polymorphic(walk: Walk, parents: list[Any], key: str, attribute: str) -> list[Any]:
    wanted: dict[str, set[int]] = defaultdict(set)
    for parent in parents:
        type_name, ident = getattr(parent, attribute)
        wanted[type_name].add(ident)
    found = {t: await rows_by_id(walk, t, idents) for t, idents in wanted.items()}
    out = []
    for parent in parents:
        type_name, ident = getattr(parent, attribute)
        child = BUILDERS[type_name](found[type_name][ident])
        parent._pre[key] = child
        out.append(child)
    return out


@relation("Reaction", "target")
async def reaction_target(
    walk: Walk, parents: list[Any], key: str, args: dict[str, Any], nodes: list[FieldNode]
) -> list[Any]:
    return await _polymorphic(walk, parents, key, "target_ref")


@relation("RelationshipChange", "cause")
async def change_cause(
    walk: Walk, parents: list[Any], key: str, args: dict[str, Any], nodes: list[FieldNode]
) -> list[Any]:
    return await _polymorphic(walk, parents, key, "cause_ref")


# --- to-many lists ---------------------------------------------------------------------------------------


def _citations(type_name: str, column: str) -> None:
    fk = CIT.c[column]

    @relation(type_name, "citations")
    async def fetch(
        walk: Walk, parents: list[Any], key: str, args: dict[str, Any], nodes: list[FieldNode]
    ) -> list[Any]:
        rows = await walk.context.by_ids(
            ("citations", type_name),
            lambda match: (
                select(fk.label("parent"), CIT.c.source_id, CIT.c.passage)
                .where(match(fk))
                .order_by(fk, CIT.c.position, CIT.c.id)
            ),
            [p.db_id for p in parents],
        )
        grouped: dict[int, list[Citation]] = defaultdict(list)
        for row in rows:
            grouped[row.parent].append(Citation(passage=row.passage, source_id=row.source_id))
        out = []
        for parent in parents:
            parent._pre[key] = grouped.get(parent.db_id, [])
            out.extend(parent._pre[key])
        return out

    del fetch


for _kind in KINDS:
    if _kind.citation_column is not None:
        _citations(_kind.type_name, _kind.citation_column)


def _tags(type_name: str, table: Table, column: str) -> None:

    @relation(type_name, "tags")
    async def fetch(
        walk: Walk, parents: list[Any], key: str, args: dict[str, Any], nodes: list[FieldNode]
    ) -> list[Any]:
        rows = await walk.context.by_ids(
            ("tags", type_name),
            lambda match: (
                select(table.c[column], table.c.tag)
                .where(match(table.c[column]))
                .order_by(table.c[column], table.c.tag)
            ),
            [p.db_id for p in parents],
        )
        grouped: dict[int, list[str]] = defaultdict(list)
        for parent_id, tag in rows:
            grouped[parent_id].append(tag)
        for parent in parents:
            parent._pre[key] = grouped.get(parent.db_id, [])
        return []

    del fetch


for _kind in KINDS:
    if _kind.tags is not None:
        _tags(_kind.type_name, _kind.tags.table, _kind.tags.parent)


@relation("Event", "participants")
async def event_participants(
    walk: Walk, parents: list[Any], key: str, args: dict[str, Any], nodes: list[FieldNode]
) -> list[Any]:
    joins = Joins(walk, "Participation", nodes)
    rows = await walk.context.by_ids(
        ("participants", joins.fields),
        lambda match: joins.add(
            select(EP.c.event_id, EP.c.actor_id, EP.c.role)
            .where(match(EP.c.event_id))
            .order_by(EP.c.event_id, EP.c.position, EP.c.id),
            EP,
        ),
        [p.db_id for p in parents],
    )
    grouped: dict[int, list[Participation]] = defaultdict(list)
    for row in rows:
        participation = Participation(role=_ROLE[row.role], actor_id=row.actor_id)
        joins.fill(participation, row, 3)
        grouped[row.event_id].append(participation)
    out = []
    for parent in parents:
        parent._pre[key] = grouped.get(parent.db_id, [])
        out.extend(parent._pre[key])
    return out


@relation("Statement", "about")
async def statement_about(
    walk: Walk, parents: list[Any], key: str, args: dict[str, Any], nodes: list[FieldNode]
) -> list[Any]:
    rows = await walk.context.by_ids(
        "about",
        lambda match: (
            select(SA.c.statement_id.label("parent"), A)
            .join(A, A.c.id == SA.c.actor_id)
            .where(match(SA.c.statement_id))
            .order_by(SA.c.statement_id, A.c.name)
        ),
        [p.db_id for p in parents],
    )
    grouped: dict[int, list[Actor]] = defaultdict(list)
    for row in rows:
        grouped[row.parent].append(actor(row))
    out = []
    for parent in parents:
        parent._pre[key] = grouped.get(parent.db_id, [])
        out.extend(parent._pre[key])
    return out


# --- nested connections (a page per parent, all parents in one statement) --------------------------------

DATED_KEY = ("date_start", "day_order", "id")


def sort_columns(table: Any, backward: bool) -> list[Any]:
    """The date sort key (earliest bound, order within the day, id), reversed for backward pages."""
    columns = [table.c.date_start, table.c.day_order, table.c.id]
    return [c.desc() for c in columns] if backward else columns


def _selects_total(walk: Walk, type_name: str, nodes: list[FieldNode]) -> bool:
    return any(n[0].name.value == "totalCount" for n in walk.subfields(type_name, nodes).values())


@dataclass(frozen=True)
class Sort:
    """A nested list's order: its key columns on the target table (the last one unique, so a key is a cursor), how
    a cursor spells their types (``page_args``' ``key``) and the key of a fetched row."""

    columns: Callable[[Any], list[Any]]
    cursor: str
    of_row: Callable[[Any], SortKey]


BY_DATE = Sort(lambda t: [t.c.date_start, t.c.day_order, t.c.id], "dii", lambda r: (r.date_start, r.day_order, r.id))
# A spell with no known start sorts first, as if it began on the calendar's first day: the key needs a value.
_NO_START = dt.date.min
BY_START = Sort(
    lambda t: [func.coalesce(t.c.start_date, literal(_NO_START, Date())), t.c.id],
    "di",
    lambda r: (r.start_date or _NO_START, r.id),
)


def _nested_connection(
    type_name: str,
    field_name: str,
    target: str,
    parent_column: Callable[[], Any],
    source: Callable[[Any], Any],
    *,
    sort: Sort = BY_DATE,
    item: str | None = None,
) -> None:
    """Register a per-parent page of ``target`` rows related through ``parent_column``, in ``sort``'s order. With
    ``item`` (an item kind), the field takes ``filter`` and ``order`` as the root list of that kind does: the
    filter's conditions (``schema.filters``) narrow the rows inside the one statement of the level."""
    build = BUILDERS[target]
    table = BY_TYPE_NAME[target].table

    @relation(type_name, field_name)
    async def fetch(
        walk: Walk, parents: list[Any], key: str, args: dict[str, Any], nodes: list[FieldNode]
    ) -> list[Any]:
        context = walk.context
        page = page_args(
            args.get("first"),
            args.get("after"),
            args.get("last"),
            args.get("before"),
            max_size=context.settings.max_page_size,
            key=sort.cursor,
        )
        resolved = await resolve(context, item_filter(args.get("filter"))) if item is not None else None
        descending = args.get("order") == SortOrder.DESC
        later = descending == page.backward  # the cursor lets later keys through (else earlier ones)
        reverse = descending != page.backward  # rows come newest first
        parent_ids = [p.db_id for p in parents]
        pages: dict[int, list[Any]] = defaultdict(list)
        has_cursor = page.cursor is not None
        joins = Joins(walk, target, walk.connection_nodes(f"{target}Connection", nodes))
        width = len(table.c) + 2  # the table's columns, parent, rn

        def narrowed(dialect: str) -> list[Any]:
            """The filter's conditions, the window's included (its branches joined: one statement pages all)."""
            if resolved is None or item is None:
                return []
            return [*conditions(item, table, resolved, dialect), *window_condition(table, resolved)]

        def page_statement(dialect: str) -> Any:
            column = parent_column()
            columns = sort.columns(table)
            number = func.row_number().over(
                partition_by=column, order_by=[c.desc() for c in columns] if reverse else columns
            )
            inner = source(select(table, column.label("parent"), number.label("rn")))
            inner = inner.where(among(column, "ids", dialect), *narrowed(dialect))
            if has_cursor:
                bound = tuple_(*(bindparam(f"c{n}") for n in range(len(columns))))
                inner = inner.where(tuple_(*columns) > bound if later else tuple_(*columns) < bound)
            sub = inner.subquery()
            outer = select(sub).where(sub.c.rn <= bindparam("size")).order_by(sub.c.parent, sub.c.rn)
            return joins.add(outer, sub)

        shape = filter_shape(resolved) if resolved is not None else None
        values = filter_values(resolved) if resolved is not None else {}
        cursor = {f"c{n}": value for n, value in enumerate(page.cursor or ())}
        rows = await context.prepared(
            ("page", type_name, field_name, reverse, has_cursor and later, has_cursor, joins.fields, shape),
            page_statement,
            ids=parent_ids,
            size=page.size + 1,
            **values,
            **cursor,
        )
        for row in rows:
            child = build(row)
            joins.fill(child, row, width)
            pages[row.parent].append((sort.of_row(row), child))
        counts: dict[int, int] = {}
        if _selects_total(walk, f"{target}Connection", nodes):

            def count_statement(dialect: str) -> Any:
                column = parent_column()
                return (
                    source(select(column.label("parent"), func.count(distinct(table.c.id))))
                    .where(among(column, "ids", dialect), *narrowed(dialect))
                    .group_by(column)
                )

            count_rows = await context.prepared(
                ("count", type_name, field_name, shape), count_statement, ids=parent_ids, **values
            )
            counts = {row[0]: row[1] for row in count_rows}
        out = []
        for parent in parents:
            connection = build_connection(pages.get(parent.db_id, []), page, counts.get(parent.db_id, 0))
            parent._pre[key] = connection
            out.append(connection)
        return out

    del fetch


def _plain(select_: Select) -> Select:
    return select_


# An actor may play two roles in one event: page over distinct (actor, event) pairs.
_PAIRS = select(EP.c.event_id, EP.c.actor_id).distinct().subquery("pairs")
_nested_connection(
    "Actor",
    "events",
    "Event",
    lambda: _PAIRS.c.actor_id,
    lambda q: q.join(_PAIRS, _PAIRS.c.event_id == E.c.id),
    item="event",
)
_nested_connection("Actor", "statements", "Statement", lambda: S.c.speaker_id, _plain, item="statement")
_nested_connection("Actor", "reactions", "Reaction", lambda: R.c.reactor_id, _plain, item="reaction")
_nested_connection("Actor", "affiliations", "Affiliation", lambda: AF.c.member_id, _plain, sort=BY_START)
_nested_connection("Actor", "members", "Affiliation", lambda: AF.c.organisation_id, _plain, sort=BY_START)
_nested_connection("Event", "statements", "Statement", lambda: S.c.venue_event_id, _plain)
_nested_connection("Event", "reactions", "Reaction", lambda: R.c.target_event_id, _plain)
_nested_connection("Statement", "reactions", "Reaction", lambda: R.c.target_statement_id, _plain)
_nested_connection("Reaction", "reactions", "Reaction", lambda: R.c.target_reaction_id, _plain)


# What each timeline item moved: the relationship changes naming it as their cause.
def _cause_column(item: str) -> Callable[[], Any]:
    """The column of a change naming an item of this kind as its cause."""
    return lambda: RC.c[f"cause_{item}_id"]


for _item in TIMELINE:
    _nested_connection(BY_KEY[_item].type_name, "causedChanges", "RelationshipChange", _cause_column(_item), _plain)
