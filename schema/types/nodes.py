"""The object types of the graph. Plain fields are attributes filled from a row; relation fields read what
the selection-driven prefetcher (``schema.prefetch``) already loaded for the whole page, in batches."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

import strawberry
from strawberry.scalars import JSON

from schema.buckets import TimeUnit
from schema.filters import ItemFilter
from schema.pagination import Connection
from schema.prefetch import Prefetchable, relation_field
from schema.refs import FuzzyDate, RecordRef
from schema.types.enums import (
    ActorKind,
    AffiliationKind,
    Channel,
    DatePrecision,
    DateQualifier,
    EventKind,
    Modality,
    ParticipantRole,
    QuadClass,
    ReactionKind,
    SortOrder,
    Stance,
    Trend,
)
from seeds.format import MAX_ABOUT, MAX_CITATIONS, MAX_PARTICIPANTS

PAGE_ARGS = "Page with `first`/`after` (forward) or `last`/`before` (backward); at most 100 per page."
CITATIONS = (
    f"The sources this record cites, in the order recorded: all of them (at most {MAX_CITATIONS}, so not paged)."
)
ACTOR_ITEMS = (
    "`filter` and `order` work as on the root list, narrowed to this actor's own items (a filter naming `actors` "
    "narrows them further). " + PAGE_ARGS
)
ACTOR_FILTER = Annotated[
    ItemFilter | None,
    strawberry.argument(description="Only this actor's items that match (as the root list's `filter`); omitted, all."),
]
ACTOR_ORDER = Annotated[SortOrder, strawberry.argument(description="ASC (default): oldest first; DESC: newest first.")]


@strawberry.interface(description="An object with an opaque global id, fetchable with `node(id:)`.")
class Node:
    id: strawberry.ID = strawberry.field(description="The opaque global id; pass it to `node(id:)`.")


@strawberry.interface(
    description="A record kept with bookkeeping: when it was created and changed here, and its version (pass the "
    "version to updates and deletes; they fail with CONFLICT if it moved on)."
)
class Versioned:
    created_at: dt.datetime = strawberry.field(description="When this record was created here.")
    updated_at: dt.datetime = strawberry.field(description="When this record last changed here.")
    version: int = strawberry.field(description="Record version, for optimistic concurrency.")


@strawberry.type(description="When something happened, as precisely as it is known, with a display label.")
class DateInfo:
    text: FuzzyDate = strawberry.field(
        description="The canonical date text, e.g. `late 2025-07` or `2022-02-24/..` (give it back as it is)."
    )
    label: str = strawberry.field(description="A display label that claims no more than is known.")
    start: dt.date = strawberry.field(description="The earliest day it may have happened (the sort key).")
    end: dt.date | None = strawberry.field(
        description="The latest day it may have happened or lasted to; null while it is ongoing."
    )
    precision: DatePrecision = strawberry.field(description="How precisely the (start) date is known.")
    qualifier: DateQualifier | None = strawberry.field(description="circa / early / mid / late / …, if any.")
    ongoing: bool = strawberry.field(description="True for something that began and has not ended.")
    day_order: int = strawberry.field(description="Order among items on the same day (lower first).")


@strawberry.type(description="Where an event took place.")
class Place:
    name: str | None = strawberry.field(description="The place's name, e.g. a city.")
    country: str | None = strawberry.field(description="ISO 3166-1 alpha-3 country code.")
    latitude: float | None = strawberry.field(description="Latitude in degrees, if known.")
    longitude: float | None = strawberry.field(description="Longitude in degrees, if known.")


@strawberry.type(description="Where facts come from: an article, a report, a post.")
class Source(Node, Versioned):
    slug: str = strawberry.field(description="Stable human-readable key.")
    title: str = strawberry.field(description="The source's title.")
    publisher: str | None = strawberry.field(description="Who published it.")
    author: str | None = strawberry.field(description="Who wrote it, if known.")
    url: str | None = strawberry.field(description="Where to read it, if known.")
    language: str = strawberry.field(description="Language code of the source, e.g. `en`.")
    published: DateInfo | None = strawberry.field(description="When it was published, as precisely as known.")
    db_id: strawberry.Private[int]


@strawberry.type(description="A record citing a source, with the passage that supports it.")
class Citation(Prefetchable):
    passage: str | None = strawberry.field(description="The supporting passage, quoted from the source.")
    source_id: strawberry.Private[int]

    @relation_field("The source cited.")
    def source(self) -> Source: ...


@strawberry.type(description="Anyone who acts or is acted upon: a state, body, party, person, organisation.")
class Actor(Node, Versioned, Prefetchable):
    slug: str = strawberry.field(description="Stable human-readable key, e.g. `israel`.")
    name: str = strawberry.field(description="The actor's name.")
    kind: ActorKind = strawberry.field(description="What sort of actor this is.")
    country: str | None = strawberry.field(description="ISO 3166-1 alpha-3 country code, where it applies.")
    sectors: list[str] = strawberry.field(description="PLOVER-style sector codes (GOV, LEG, MIL, JRN, …).")
    aliases: list[str] = strawberry.field(description="Other names that reach this actor (e.g. `Beijing`).")
    wikidata: str | None = strawberry.field(description="The Wikidata QID, e.g. `Q801`.")
    external_ids: JSON = strawberry.field(description="Other external identifiers by scheme.")
    description: str | None = strawberry.field(description="Who or what this is.")
    db_id: strawberry.Private[int]

    @relation_field(
        "The spells in which this actor belongs to an organisation (its roles, the bodies it is part of), by start "
        "(an unknown start first), then creation: the cursor. " + PAGE_ARGS,
        paged=True,
    )
    def affiliations(self) -> Connection[Affiliation]: ...

    @relation_field(
        "The spells in which others belong to this actor (people in roles, bodies that are part of it), by start "
        "(an unknown start first), then creation: the cursor. " + PAGE_ARGS,
        paged=True,
    )
    def members(self) -> Connection[Affiliation]: ...

    @relation_field("Events this actor took part in, by date. " + ACTOR_ITEMS, paged=True)
    def events(self, filter: ACTOR_FILTER = None, order: ACTOR_ORDER = SortOrder.ASC) -> Connection[Event]: ...

    @relation_field("Statements this actor made, by date. " + ACTOR_ITEMS, paged=True)
    def statements(self, filter: ACTOR_FILTER = None, order: ACTOR_ORDER = SortOrder.ASC) -> Connection[Statement]: ...

    @relation_field("Reactions this actor made, by date. " + ACTOR_ITEMS, paged=True)
    def reactions(self, filter: ACTOR_FILTER = None, order: ACTOR_ORDER = SortOrder.ASC) -> Connection[Reaction]: ...

    @relation_field(CITATIONS)
    def citations(self) -> list[Citation]: ...

    @relation_field(
        "Every directed relationship this actor is part of, either way, the most recently moved first (then by "
        "the latest change's order within the day and creation). With `counterpart`, only the two between this "
        "actor and that one. " + PAGE_ARGS,
        paged=True,
    )
    def relationships(
        self,
        counterpart: Annotated[
            RecordRef | None, strawberry.argument(description="Only the relationships with this actor, either way.")
        ] = None,
    ) -> Connection[Relationship]: ...


@strawberry.type(description="A spell in which a member belongs to an organisation (a role, or a part of a body).")
class Affiliation(Node, Versioned, Prefetchable):
    slug: str = strawberry.field(description="Stable human-readable key.")
    kind: AffiliationKind = strawberry.field(description="How the member belongs.")
    role: str | None = strawberry.field(description="The role held, e.g. `Foreign Minister`.")
    start: DateInfo | None = strawberry.field(description="When the spell began, if known.")
    end: DateInfo | None = strawberry.field(description="When it ended; null if ongoing or unknown.")
    member_id: strawberry.Private[int]
    organisation_id: strawberry.Private[int]
    db_id: strawberry.Private[int]

    @relation_field("The person or body that belongs.")
    def member(self) -> Actor: ...

    @relation_field("The organisation or body it belongs to.")
    def organisation(self) -> Actor: ...

    @relation_field(CITATIONS)
    def citations(self) -> list[Citation]: ...


@strawberry.type(description="An actor taking part in an event, in a role.")
class Participation(Prefetchable):
    role: ParticipantRole = strawberry.field(description="The part the actor played.")
    actor_id: strawberry.Private[int]

    @relation_field("The actor.")
    def actor(self) -> Actor: ...


@strawberry.interface(
    description="One item of a timeline: an event, a statement or a reaction. The fields every item has, so one "
    "fragment on `TimelineItem` serves them all; each type adds its own (`... on Event { title eventKind }`)."
)
class TimelineItem(Node, Versioned):
    slug: str = strawberry.field(description="Stable human-readable key.")
    summary: str | None = strawberry.field(description="The item, in a line or a few sentences.")
    date: DateInfo = strawberry.field(description="When it happened, was said or came.")

    @relation_field("Tags, lower case.")
    def tags(self) -> list[str]: ...

    @relation_field("Reactions to this item, by date; each has its own `reactions`. " + PAGE_ARGS, paged=True)
    def reactions(self) -> Connection[Reaction]: ...

    @relation_field(
        "The relationship changes this item caused (what it moved, and by how much), by date. " + PAGE_ARGS,
        paged=True,
        name="causedChanges",
    )
    def caused_changes(self) -> Connection[RelationshipChange]: ...

    @relation_field(CITATIONS)
    def citations(self) -> list[Citation]: ...


@strawberry.type(description="Something that happened: a meeting, visit, petition, agreement, sanction, strike.")
class Event(TimelineItem, Prefetchable):
    slug: str = strawberry.field(description="Stable human-readable key.")
    title: str = strawberry.field(description="A short title.")
    summary: str | None = strawberry.field(description="What happened, in a few sentences.")
    kind: EventKind = strawberry.field(
        name="eventKind",
        description="The PLOVER event type (named apart from `Reaction.reactionKind`, so one "
        "document may ask for both).",
    )
    mode: str | None = strawberry.field(description="A finer mode within the type, e.g. `visit`.")
    contexts: list[str] = strawberry.field(description="PLOVER-style contexts, e.g. `diplomatic`.")
    quad_class: QuadClass = strawberry.field(description="Verbal/material cooperation/conflict.")
    score: float = strawberry.field(description="Cooperation (+10) to conflict (−10) score.")
    modality: Modality = strawberry.field(description="Whether it happened, is planned, hypothetical or denied.")
    cameo: str | None = strawberry.field(description="CAMEO event code, if assigned.")
    date: DateInfo = strawberry.field(description="When it happened (or from when to when).")
    place: Place | None = strawberry.field(description="Where it happened, if known.")
    db_id: strawberry.Private[int]

    @relation_field(
        f"Who took part, in which role, in the order recorded: all of them (at most {MAX_PARTICIPANTS}: not paged)."
    )
    def participants(self) -> list[Participation]: ...

    @relation_field("Tags, lower case.")
    def tags(self) -> list[str]: ...

    @relation_field("Statements made at this event (its venue), by date. " + PAGE_ARGS, paged=True)
    def statements(self) -> Connection[Statement]: ...

    @relation_field("Reactions to this event, by date; each has its own `reactions`. " + PAGE_ARGS, paged=True)
    def reactions(self) -> Connection[Reaction]: ...

    @relation_field(CITATIONS)
    def citations(self) -> list[Citation]: ...


@strawberry.type(description="Words an actor said or wrote, quoted verbatim.")
class Statement(TimelineItem, Prefetchable):
    slug: str = strawberry.field(description="Stable human-readable key.")
    channel: Channel = strawberry.field(description="How it was said: speech, press release, post, …")
    quote: str = strawberry.field(description="The words, verbatim (runs joined by ` … `).")
    language: str = strawberry.field(description="Language code of the quote.")
    translation: str | None = strawberry.field(description="An English translation, if the quote is not English.")
    stance: Stance | None = strawberry.field(description="Overall stance toward the actors it is about.")
    summary: str | None = strawberry.field(description="What was said, in a line.")
    date: DateInfo = strawberry.field(description="When it was said.")
    speaker_id: strawberry.Private[int]
    venue_id: strawberry.Private[int | None]
    db_id: strawberry.Private[int]

    @relation_field("Who said it.")
    def speaker(self) -> Actor: ...

    @relation_field("The event at which it was said, if any (e.g. a Security Council session).")
    def venue(self) -> Event | None: ...

    @relation_field(f"The actors the statement is about, by name: all of them (at most {MAX_ABOUT}: not paged).")
    def about(self) -> list[Actor]: ...

    @relation_field("Tags, lower case.")
    def tags(self) -> list[str]: ...

    @relation_field("Reactions to this statement, by date; each has its own `reactions`. " + PAGE_ARGS, paged=True)
    def reactions(self) -> Connection[Reaction]: ...

    @relation_field(CITATIONS)
    def citations(self) -> list[Citation]: ...


@strawberry.type(description="One actor's response to an event, a statement or another reaction.")
class Reaction(TimelineItem, Prefetchable):
    slug: str = strawberry.field(description="Stable human-readable key.")
    kind: ReactionKind = strawberry.field(
        name="reactionKind", description="What kind of response (thanks, condemn, ridicule, …)."
    )
    plover_type: EventKind = strawberry.field(description="The PLOVER event type the reaction kind belongs to.")
    score: float = strawberry.field(description="Cooperation (+10) to conflict (−10) score.")
    summary: str | None = strawberry.field(description="The reaction, in a line.")
    date: DateInfo = strawberry.field(description="When the reaction came.")
    reactor_id: strawberry.Private[int]
    target_ref: strawberry.Private[tuple[str, int]]
    statement_id: strawberry.Private[int | None]
    db_id: strawberry.Private[int]

    @relation_field("Who reacted.")
    def reactor(self) -> Actor: ...

    @relation_field("What the reaction answers.")
    def target(self) -> TimelineItem: ...

    @relation_field("The words of the reaction, if it was made in words.")
    def statement(self) -> Statement | None: ...

    @relation_field("Tags, lower case.")
    def tags(self) -> list[str]: ...

    @relation_field("Reactions to this reaction (the thread goes on), by date. " + PAGE_ARGS, paged=True)
    def reactions(self) -> Connection[Reaction]: ...

    @relation_field(CITATIONS)
    def citations(self) -> list[Citation]: ...


@strawberry.type(description="A directed relationship moving: `from`'s stance toward `to` warms or cools.")
class RelationshipChange(Node, Versioned, Prefetchable):
    slug: str = strawberry.field(description="Stable human-readable key.")
    delta: int = strawberry.field(description="The signed move on the −10…+10 scale (positive: warming).")
    explanation: str = strawberry.field(description="Why it moved, in a line.")
    date: DateInfo = strawberry.field(description="When it moved.")
    # The running score when the statement that built the change already summed it (a relationship's changes);
    # None when it did not: ``scoreAfter`` then sums it for the whole level in one statement.
    known_score: strawberry.Private[int | None]
    from_id: strawberry.Private[int]
    to_id: strawberry.Private[int]
    cause_ref: strawberry.Private[tuple[str, int]]
    db_id: strawberry.Private[int]

    @relation_field(
        "The relationship's running score just after this change: the sum of the deltas of `from` toward `to` up "
        "to and including this one, in date order (start, order within the day, then creation). The same on every "
        "path to the change (a relationship's `changes`, `node(id:)`, `relationshipChanges`, `causedChanges`)."
    )
    def score_after(self) -> int: ...

    @relation_field("Whose stance moved.", name="from")
    def from_actor(self) -> Actor: ...

    @relation_field("Toward whom.")
    def to(self) -> Actor: ...

    @relation_field("The event, statement or reaction that moved it.")
    def cause(self) -> TimelineItem: ...

    @relation_field(CITATIONS)
    def citations(self) -> list[Citation]: ...


@strawberry.type(description="One calendar bucket of a relationship's history (see `Relationship.series`).")
class RelationshipBucket:
    start: dt.date = strawberry.field(description="The bucket's first day.")
    end: dt.date = strawberry.field(description="The bucket's last day.")
    label: str = strawberry.field(description='A display label: "July 2025", "week of 4 August 2025", "2025".')
    score: int = strawberry.field(
        description="The running score at the bucket's end: the sum of every change whose whole date span ended "
        "by then (a change that may still fall later is not in it yet)."
    )
    delta: int = strawberry.field(description="The sum of the changes whose whole date span lies inside the bucket.")
    change_count: int = strawberry.field(description="How many changes lie wholly inside the bucket.")
    overlapping: int = strawberry.field(
        description="How many changes overlap the bucket without lying inside it (a change dated `2025` in a month "
        "of 2025): they may or may not fall in it, so they are in neither `delta` nor `changeCount`."
    )


@strawberry.type(description="A relationship's score at a date, with what the fuzzy dates leave open.")
class ScoreAsOf:
    day: dt.date = strawberry.field(description="The day judged: the last day of the date given.")
    score: int = strawberry.field(
        description="The sum of the changes whose whole date span ended by `day` (known to have happened)."
    )
    undecided: int = strawberry.field(
        description="How many changes may have happened by `day` or after it (their span began by `day` and ends "
        "after it): not in `score`."
    )
    low: int = strawberry.field(description="The lowest score possible at `day`: `score` plus the undecided falls.")
    high: int = strawberry.field(description="The highest score possible at `day`: `score` plus the undecided rises.")


WINDOW_FROM = "Window start: changes whose dates overlap the window match (as `ItemFilter.from`)."
WINDOW_TO = "Window end, inclusive: `2025` means up to 31 December 2025 (as `ItemFilter.to`)."


@strawberry.type(
    description="A directed dyad over time: `from`'s stance toward `to`, its changes in date order with the running "
    "score, the current score and the trend. Every ordered pair of two different actors is one, even one that never "
    "moved (score 0, STEADY, no changes). Its id names the ordered pair; `node(id:)` finds it (null once either "
    "actor is deleted)."
)
class Relationship(Node, Prefetchable):
    from_actor: Actor = strawberry.field(name="from", description="Whose stance this is.")
    to: Actor = strawberry.field(description="Toward whom.")
    score: int = strawberry.field(description="The current score: the sum of all changes (0 = neutral).")
    trend: Trend = strawberry.field(
        description="The direction of the last three changes together (WARMING, COOLING or STEADY)."
    )
    change_count: int = strawberry.field(description="How many changes there are (all of them, not a window).")
    first_change: DateInfo | None = strawberry.field(description="When the first change happened.")
    last_change: DateInfo | None = strawberry.field(description="When the latest change happened.")
    from_id: strawberry.Private[int]
    to_id: strawberry.Private[int]

    @relation_field(
        "The changes in date order (start, order within the day, then creation), each with its cause and "
        "`scoreAfter` (the running score over the whole history, a window or not). " + PAGE_ARGS,
        paged=True,
    )
    def changes(
        self,
        from_: Annotated[
            str | None, strawberry.argument(name="from", description=WINDOW_FROM, graphql_type=FuzzyDate | None)
        ] = None,
        to: Annotated[str | None, strawberry.argument(description=WINDOW_TO, graphql_type=FuzzyDate | None)] = None,
    ) -> Connection[RelationshipChange]: ...

    @relation_field("The opposite direction, `to`'s stance toward `from` (score 0 and STEADY if it never moved).")
    def reverse(self) -> Relationship: ...

    @relation_field(
        "The history per calendar bucket, for a chart: each bucket's running score at its end, the sum and count "
        "of the changes inside it and those only overlapping it. A change counts in a bucket only when its whole "
        "date span lies inside it (`late 2025-07` is July's; `2025` is no month's, it overlaps each). The window "
        "runs from the bucket holding `from` (by default the first change's start) to the one holding `to` (by "
        "default the end of the change that ends last, or the start of an ongoing one); at most 1000 buckets "
        "(BAD_USER_INPUT beyond)."
    )
    def series(
        self,
        unit: Annotated[TimeUnit, strawberry.argument(description="The calendar unit of a bucket.")],
        from_: Annotated[
            str | None,
            strawberry.argument(name="from", description="The window's start.", graphql_type=FuzzyDate | None),
        ] = None,
        to: Annotated[
            str | None, strawberry.argument(description="The window's end.", graphql_type=FuzzyDate | None)
        ] = None,
    ) -> list[RelationshipBucket]: ...

    @relation_field(
        "The score as of a date: the sum of the changes whose whole date span ended by the date's last day "
        "(`2025-07`: by 31 July 2025). A change whose span overlaps that day without having ended is left out of "
        "`score` and counted in `undecided`, with the range it leaves open (`low`…`high`)."
    )
    def score_as_of(
        self,
        date: Annotated[str, strawberry.argument(description="The date.", graphql_type=FuzzyDate)],
    ) -> ScoreAsOf: ...
