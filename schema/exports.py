"""Timeline exports in the libraries' own formats: TimelineJS 3 and vis-timeline, for any ``ItemFilter``.

One module builds them for both doors: the GraphQL fields (``ExportQuery``, answering the ``JSON`` scalar) and the
HTTP downloads (``api.exports``, ``GET /export/timelinejs.json`` and ``/export/vis-timeline.json``). The answer is
the library's own document, handed to it unchanged (``new TL.Timeline(el, data)``; ``new vis.Timeline(el,
data.items, data.groups)``): typed GraphQL objects would make a client list every field and rebuild the document,
and would answer an absent part (a month-precise date has no ``day``) as ``null``, which the format leaves out.

The rules, for both formats:

- **Size:** one filter's items, at most ``REALIGN_MAX_EXPORT_ITEMS`` (5 000 by default). Past it the export is
  refused (BAD_USER_INPUT, ``limit: "exportItems"``), never cut short: narrow the filter.
- **Dates claim no more than is known.** A TimelineJS date object carries only the parts the date as written
  gives (a month-precise date has no ``day``, a year- or decade-precise one only ``year``), at its earliest day
  (``circa 2025`` at 2025; ``between 2022 and 2025-08-08`` at 2022, a year), and ``display_date`` is the item's
  label ("late July 2025"). A vis item spans every day the date allows (from its earliest to its latest day).
- **Ongoing spans** (``2022/..``) end at the export's horizon: the filter's ``to`` (its last day) when given, else
  the last day any other exported item reaches, else the span's own start. The labels still say "ongoing" and
  vis items carry the class ``ongoing``; the horizon is fixed by the data, so an export's bytes (and its ETag)
  change only when the data do.
- **Text is HTML-escaped** everywhere the libraries render HTML (headlines, texts, tooltips, group names).
"""

from __future__ import annotations

import datetime as dt
import enum
import html
from collections import defaultdict
from dataclasses import dataclass, field
from functools import cached_property
from typing import Annotated, Any

import strawberry
from sqlalchemy import case, cast, literal, null, select
from strawberry.scalars import JSON
from strawberry.types import Info

from api.dates import FuzzyDate, When, parse_moment, parse_when
from api.kinds import BY_KEY, ITEMS, TIMELINE
from api.tables import ACTOR as A
from api.tables import CITATION as C
from api.tables import EVENT_PARTICIPANT as EP
from api.tables import SOURCE as SRC
from schema import ids
from schema.context import row_type
from schema.errors import BadUserInput
from schema.filters import (
    ItemFilter,
    Resolved,
    conditions,
    filter_shape,
    filter_values,
    may_match,
    resolve,
    window_branches,
)
from schema.queries import ordered_union

# What each item type is called in the exports: its group (TimelineJS `group`, vis group content).
TYPE_GROUPS = {"event": "Events", "statement": "Statements", "reaction": "Reactions"}
# The order of an event's participants when one must stand for the event (vis lanes by actor).
ROLE_ORDER = ("initiator", "host", "signatory", "participant", "subject", "target")


@strawberry.enum(description="How a vis-timeline export puts its items in groups (its lanes).")
class VisGroupBy(enum.Enum):
    ITEM_TYPE = strawberry.enum_value("item_type", description="One lane per item type: events, statements, reactions.")
    ACTOR = strawberry.enum_value(
        "actor",
        description="One lane per actor: an event's initiator (else its first participant), a statement's speaker, "
        "a reaction's reactor.",
    )


# The columns an export reads of each item type (``_rows``): not its JSON, search text or other fields.
COLUMNS = (
    "id",
    "when_text",
    "date_start",
    "day_order",
    "date_end",
    "date_ongoing",
    "date_long",
    "date_label",
    "summary",
    "updated_at",
)
TYPE_COLUMNS = {
    "event": ("title", "kind"),
    "statement": ("speaker_id", "channel", "quote"),
    "reaction": ("reactor_id", "kind"),
}
# Every type's columns, in the order the export statement selects them (NULL for a type without one), and their types.
EXTRA_COLUMNS = {name: BY_KEY[kind].table.c[name].type for kind, names in TYPE_COLUMNS.items() for name in names}
# The columns of a cited source the exports read (TimelineJS credits; every export's Last-Modified).
SOURCE_COLUMNS = ("id", "title", "publisher", "url", "updated_at")
ACTOR_COLUMNS = ("id", "slug", "name", "updated_at")


@dataclass
class Item:
    """One exported item with what the formats need of it."""

    kind: str  # event, statement, reaction
    row: Any
    global_id: str
    actor_ids: list[
        int
    ]  # the actor standing for it (its lane by actor): an event's (``_participants``), the speaker, the reactor
    citations: list[tuple[str | None, Any]] = field(default_factory=list)  # (passage, source row)

    @cached_property
    def when(self) -> When:
        """The date as written, read when a format needs its parts (TimelineJS; an ongoing span's start)."""
        return parse_when(self.row.when_text)


@dataclass
class Gathered:
    """A filter's items, in timeline order, with the actors and sources they name."""

    given: ItemFilter | None
    resolved: Resolved
    items: list[Item]
    actors: dict[int, Any]
    horizon: dt.date
    last_modified: dt.datetime | None


def _escape(text: str | None) -> str:
    return html.escape(text or "", quote=True)


def _words(value: str) -> str:
    return value.replace("_", " ").lower()


async def gather(context: Any, given: ItemFilter | None, *, cited: bool = True, standing: bool = True) -> Gathered:
    """The items of a filter, refused past the export limit; a fixed number of statements whatever the count.
    ``cited``: with each item's citations and sources (TimelineJS shows them); ``standing``: with the participant
    standing for each event (vis lanes by actor show it). What an export does not show is not read, and so does
    not count in its ``last_modified`` either."""
    limit = context.settings.max_export_items
    resolved = await resolve(context, given)
    kinds = [item.key for item in ITEMS if may_match(item.key, resolved)] or [TIMELINE[0]]
    sort = ["date_start", "day_order", "rank", "id"]

    def statement(dialect: str) -> Any:
        selects: list[Any] = []
        for kind in kinds:
            table, rank = BY_KEY[kind].table, BY_KEY[kind].rank
            where = conditions(kind, table, resolved, dialect)
            columns = (literal(rank).label("rank"), *_columns(kind, standing))
            selects.extend(select(*columns).where(*where, *b) for b in window_branches(table, resolved))
        # Each branch ordered and limited, then together: the same statement shape as the timeline's pages.
        return ordered_union(selects, sort, False)

    keys = await context.prepared(
        ("export", tuple(kinds), standing, filter_shape(resolved)),
        statement,
        **filter_values(resolved),
        limit=limit + 1,
    )
    if len(keys) > limit:
        raise BadUserInput(
            f"this export would hold more than {limit} items, the most one export may hold "
            "(REALIGN_MAX_EXPORT_ITEMS): narrow the filter (a shorter window, fewer actors or kinds)",
            field="filter",
            limit="exportItems",
            max=limit,
        )
    wanted: dict[str, set[int]] = defaultdict(set)
    for key in keys:
        wanted[TIMELINE[key.rank]].add(key.id)
    citations = {kind: await _citations(context, kind, ids_) if cited else {} for kind, ids_ in wanted.items()}

    items: list[Item] = []
    encode = ids.encode
    for row in keys:
        kind = TIMELINE[row.rank]
        if kind == "event":
            actor_ids = [row.standing_id] if row.standing_id is not None else []
        elif kind == "statement":
            actor_ids = [row.speaker_id]
        else:
            actor_ids = [row.reactor_id]
        items.append(
            Item(kind, row, encode(BY_KEY[kind].type_name, row.id), actor_ids, citations[kind].get(row.id, []))
        )
    named = {a for item in items for a in item.actor_ids} | set(resolved.actor_ids or ())
    actors = await _actors(context, named)
    changed = [item.row.updated_at for item in items]
    changed += [source.updated_at for found in citations.values() for cited in found.values() for _, source in cited]
    changed += [actor.updated_at for actor in actors.values()]
    return Gathered(given, resolved, items, actors, _horizon(resolved, items), max(changed, default=None))


def _columns(kind: str, standing: bool) -> list[Any]:
    """What an export reads of an item of one type (``COLUMNS``, then every type's ``TYPE_COLUMNS``, NULL where this
    type has none, then an event's standing participant when ``standing``), selected with the items themselves: one
    statement finds them and reads them."""
    table = BY_KEY[kind].table
    out: list[Any] = [table.c[name] for name in COLUMNS]
    for name, type_ in EXTRA_COLUMNS.items():
        out.append(table.c[name] if name in TYPE_COLUMNS[kind] else cast(null(), type_).label(name))
    stands = _standing(table) if standing and kind == "event" else cast(null(), EP.c.actor_id.type)
    out.append(stands.label("standing_id"))
    return out


def _horizon(resolved: Resolved, items: list[Item]) -> dt.date:
    """Where ongoing spans end in this export (see the module's rules)."""
    if resolved.end is not None:
        return resolved.end
    ends = [item.row.date_end for item in items if not item.row.date_ongoing]
    # With no item, no span needs an end: the minimum is never used.
    return max(ends, default=max((item.row.date_start for item in items), default=dt.date.min))


async def _citations(context: Any, kind: str, wanted: set[int]) -> dict[int, list[tuple[str | None, Any]]]:
    """Each item's citations, in order, with the source cited."""
    column = C.c[f"{kind}_id"]

    def build(match: Any) -> Any:
        return (
            select(column.label("item_id"), C.c.passage, *(SRC.c[c].label(f"source__{c}") for c in SOURCE_COLUMNS))
            .join_from(C, SRC, SRC.c.id == C.c.source_id)
            .where(match(column))
            .order_by(column, C.c.position, C.c.id)
        )

    out: dict[int, list[tuple[str | None, Any]]] = defaultdict(list)
    make = row_type(SOURCE_COLUMNS)._make
    sources: dict[int, Any] = {}  # one row per source, however many items cite it
    for row in await context.by_ids(("export-citations", kind), build, wanted):
        source = sources.get(row[2])
        if source is None:
            source = sources[row[2]] = make(row[2:])
        out[row.item_id].append((row.passage, source))
    return out


def _standing(event: Any) -> Any:
    """The participant standing for an event (its initiator, else the first by ``ROLE_ORDER`` and position): the one
    actor an export shows for an event (its lane by actor), as a subquery of the export's statement."""
    rank = case(*((EP.c.role == role, n) for n, role in enumerate(ROLE_ORDER)), else_=len(ROLE_ORDER))
    return (
        select(EP.c.actor_id)
        .where(EP.c.event_id == event.c.id)
        .order_by(rank, EP.c.position, EP.c.id)
        .limit(1)
        .scalar_subquery()
    )


async def _actors(context: Any, wanted: set[int]) -> dict[int, Any]:
    """The actors an export names, with the columns it reads (``ACTOR_COLUMNS``)."""
    if not wanted:
        return {}
    columns = [A.c[name] for name in ACTOR_COLUMNS]
    rows = await context.by_ids("export-actors", lambda match: select(*columns).where(match(A.c.id)), wanted)
    return {row.id: row for row in rows}


# --- what an item says --------------------------------------------------------------------------------------


def headline(item: Item, actors: dict[int, Any]) -> str:
    """The item in a few words (plain text): an event's title, who said or answered what."""
    row = item.row
    if item.kind == "event":
        return str(row.title)
    who = actors[item.actor_ids[0]].name if item.actor_ids and item.actor_ids[0] in actors else "?"
    if item.kind == "statement":
        return f"{who}: {_words(row.channel)}"
    return f"{who}: {_words(row.kind)}"


def body(item: Item) -> str:
    """The item's text (plain): a statement's quote, then the summary."""
    parts = []
    if item.kind == "statement":
        parts.append(f"“{item.row.quote}”")
    if item.row.summary:
        parts.append(item.row.summary)
    return " ".join(parts)


def subkind(item: Item) -> str:
    """An event's PLOVER kind, a statement's channel, a reaction's kind (lower case, hyphens)."""
    value = item.row.channel if item.kind == "statement" else item.row.kind
    return str(value).lower().replace("_", "-")


def describe(gathered: Gathered) -> tuple[str, str]:
    """The title slide: what the filter shows (headline, text), plain text."""
    given, resolved = gathered.given, gathered.resolved
    names = [gathered.actors[a].name for a in dict.fromkeys(resolved.actor_ids or ()) if a in gathered.actors]
    if names:
        joined = ", ".join(names[:-1]) + (" and " if len(names) > 1 else "") + names[-1]
        if len(names) > 1 and not resolved.match_all:
            joined = "any of " + joined
        headline_ = f"Timeline: {joined}" + (" (and those acting for them)" if resolved.affiliated else "")
    else:
        headline_ = "Timeline"
    lines = []
    if given is not None:
        if given.from_ is not None or given.to is not None:
            start = parse_when(given.from_).label if given.from_ is not None else "the beginning"
            end = parse_when(given.to).label if given.to is not None else "now"
            lines.append(f"From {start} to {end}.")
        kinds = [
            _words(v.value)
            for values in (given.event_kinds, given.channels, given.reaction_kinds)
            for v in values or ()
        ]
        if kinds:
            lines.append("Kinds: " + ", ".join(kinds) + ".")
        if given.item_types:
            lines.append("Only " + ", ".join(TYPE_GROUPS[t.value].lower() for t in given.item_types) + ".")
        if given.tags:
            lines.append("Tagged " + ", ".join(given.tags) + ".")
        if resolved.country:
            lines.append(f"Involving {resolved.country}.")
        if given.search:
            lines.append(f"Matching “{given.search.strip()}”.")
        if given.updated_since is not None:
            lines.append(f"Changed since {given.updated_since.isoformat()}.")
    count = len(gathered.items)
    lines.append(f"{count} item{'' if count == 1 else 's'}. Dates claim no more than the sources say.")
    return headline_, " ".join(lines)


# --- TimelineJS 3 -------------------------------------------------------------------------------------------

# The date parts each precision gives (TimelineJS reads a date object's parts from the year down).
_PARTS = {"day": ("year", "month", "day"), "month": ("year", "month"), "year": ("year",), "decade": ("year",)}


def _tl_date(day: dt.date, precision: str) -> dict[str, int]:
    return {part: getattr(day, part) for part in _PARTS[precision]}


def _as_written(moment: FuzzyDate, *, end: bool = False) -> dict[str, int]:
    """A TimelineJS date for one moment, at its earliest day (``end``: its latest), as precise as the date as
    written: ``circa 2025`` is placed at 2025 (not at 2024, its earliest bound) and ``between 2022 and
    2025-08-08`` at 2022 as a year, since its first bound is a year (its precision, the finer of the two, is
    the day's)."""
    if moment.qualifier == "circa":
        moment = parse_moment(moment.text.split(" ", 1)[1])
    elif moment.qualifier == "between":
        low, high = moment.text[len("between ") :].split(" and ")
        moment = parse_moment(high if end else low)
    return _tl_date(moment.latest if end else moment.earliest, moment.precision)


def _credit(item: Item) -> dict[str, str] | None:
    """The cited passages as a TimelineJS quote (`media.url` starting with `<blockquote>`), the sources as its
    credit; None for an item that cites nothing."""
    if not item.citations:
        return None
    passages = [f"<p>{_escape(p)}</p>" for p, _ in item.citations if p]
    sources = []
    for _, source in dict.fromkeys((s.id, s) for _, s in item.citations).keys():
        name = _escape(source.title) + (f", {_escape(source.publisher)}" if source.publisher else "")
        sources.append(f'<a href="{_escape(source.url)}">{name}</a>' if source.url else name)
    quote = "<blockquote>" + ("".join(passages) or _escape("(cited without a passage)")) + "</blockquote>"
    return {"url": quote, "credit": "; ".join(sources), "caption": "From the cited source"}


def timelinejs(gathered: Gathered) -> dict[str, Any]:
    """The TimelineJS 3 document: a title slide describing the filter, then one slide per item."""
    title, text = describe(gathered)
    events = []
    for item in gathered.items:
        when = item.when
        slide: dict[str, Any] = {
            "start_date": _as_written(when.start),
            "display_date": _escape(item.row.date_label),
            "text": {"headline": _escape(headline(item, gathered.actors)), "text": _escape(body(item))},
            "group": TYPE_GROUPS[item.kind],
            "unique_id": item.global_id,
        }
        if when.ongoing:
            slide["end_date"] = _tl_date(max(gathered.horizon, when.start.latest), "day")
        elif when.end is not None:
            slide["end_date"] = _as_written(when.end, end=True)
        media = _credit(item)
        if media is not None:
            slide["media"] = media
        events.append(slide)
    return {"title": {"text": {"headline": _escape(title), "text": _escape(text)}}, "events": events}


# --- vis-timeline -------------------------------------------------------------------------------------------


def vis_type(item: Item) -> str:
    """``point``: one known day; ``background``: a long span (``api.dates.is_long``, an ongoing one always);
    ``range``: any other span or a coarse date (a month, late July, between two days)."""
    if item.row.date_long:
        return "background"
    if item.row.date_start == item.row.date_end:
        return "point"
    return "range"


def vis_timeline(gathered: Gathered, group_by: VisGroupBy) -> dict[str, Any]:
    """vis-timeline's items and groups (a ``DataSet`` each): ``{"items": [...], "groups": [...]}``."""
    items = []
    lanes: dict[str, str] = {}
    for item in gathered.items:
        kind = vis_type(item)
        if group_by == VisGroupBy.ACTOR:
            actor = gathered.actors.get(item.actor_ids[0]) if item.actor_ids else None
            group = actor.slug if actor is not None else "no-actor"
            lanes[group] = actor.name if actor is not None else "No actor"
        else:
            group = item.kind
            lanes[group] = TYPE_GROUPS[item.kind]
        row = item.row
        said = headline(item, gathered.actors)
        classes = f"{item.kind} {item.kind}-{subkind(item)}" + (" ongoing" if row.date_ongoing else "")
        entry: dict[str, Any] = {
            "id": item.global_id,
            "content": _escape(said),
            "start": row.date_start.isoformat(),
            "type": kind,
            "group": group,
            "title": _escape(f"{row.date_label} — {said}. {body(item)}".strip()),
            "className": classes,
        }
        if kind != "point":
            last = max(gathered.horizon, item.when.start.latest) if row.date_ongoing else row.date_end
            entry["end"] = (last + dt.timedelta(days=1)).isoformat()  # vis ends are exclusive: the day after
        items.append(entry)
    if group_by == VisGroupBy.ACTOR:
        order = sorted(lanes, key=lambda g: (lanes[g].lower(), g))
    else:
        order = [k for k in TIMELINE if k in lanes]
    groups = [{"id": g, "content": _escape(lanes[g])} for g in order]
    return {"items": items, "groups": groups}


# --- GraphQL ---

# The export fields: each counts toward the node limit as its most items (``schema.limits.cost``).
EXPORT_FIELDS = ("timelineJsExport", "visTimelineExport")

FILTER = Annotated[ItemFilter | None, strawberry.argument(description="Which items: the same filter as `timeline`.")]
LIMIT = (
    "One filter's items, at most REALIGN_MAX_EXPORT_ITEMS (5000 by default); past it the export is refused "
    "(BAD_USER_INPUT, `limit: exportItems`), never cut short. Also a download: "
)


@strawberry.type
class ExportQuery:
    @strawberry.field(
        description="The timeline as a TimelineJS 3 document, to hand to `new TL.Timeline(element, data)`: a title "
        "slide saying what the filter shows, then one slide per item with `start_date`/`end_date` carrying only "
        "the parts the date's precision gives (a month-precise item has no `day`), `display_date` from the date's "
        "label, HTML-escaped `text`, `group` (the item type), `unique_id` (the global id) and the cited passages "
        "as a quote whose `credit` names the source. Ongoing spans end at the export's horizon (the filter's `to`, "
        "else the last day another item reaches). " + LIMIT + "`GET /export/timelinejs.json`."
    )
    async def timeline_js_export(self, info: Info, filter: FILTER = None) -> JSON | None:
        return JSON(timelinejs(await gather(info.context, filter, standing=False)))

    @strawberry.field(
        description="The timeline as vis-timeline data: `{items, groups}`, each to load into a `DataSet`. Items "
        "have `id` (the global id), `content` and `title` (tooltip; HTML-escaped), `start`, `end` (exclusive), "
        "`type` (`point` for one known day, `background` for a span over a year or an ongoing one, `range` "
        "otherwise: a span or a coarse date), `group` and `className` (the item type and its kind, with "
        "`ongoing` for an ongoing span). " + LIMIT + "`GET /export/vis-timeline.json`."
    )
    async def vis_timeline_export(
        self,
        info: Info,
        filter: FILTER = None,
        group_by: Annotated[
            VisGroupBy, strawberry.argument(description="The lanes: by item type (default) or by actor.")
        ] = VisGroupBy.ITEM_TYPE,
    ) -> JSON | None:
        gathered = await gather(info.context, filter, cited=False, standing=group_by == VisGroupBy.ACTOR)
        return JSON(vis_timeline(gathered, group_by))
