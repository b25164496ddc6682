"""Small generated worlds for the filter property test, and a brute-force reference of every `ItemFilter` field.

A world is a handful of actors (names, aliases, countries), affiliations between them (every kind, optional
fuzzy start and end, chains and sometimes a cycle) and a stream of events, statements and reactions with fuzzy
dates of every form, participants, about-lists, reactions answering earlier items, tags, kinds, channels and texts
made of a small vocabulary (accented words included). ``Reference`` answers a filter by testing every item in
Python against the documented semantics (the field descriptions of ``schema/filters.py``), with no SQL at all.

The search rule is one function, ``search_matches``, so that a change from substring to word or prefix matching
changes one place; the generator only searches for whole vocabulary words (or a word found nowhere), for which
substring and word-prefix matching agree (``test_vocabulary_words_are_not_inside_each_other`` keeps it so).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from hypothesis import strategies as st

from api.dates import parse_moment, parse_when
from api.vocabulary import ACTOR_KINDS, AFFILIATION_KINDS, PARTICIPANT_ROLES, WIDENING_AFFILIATIONS
from schema import ids
from tests.hardening.test_properties import date_texts, moment_texts

D = dt.date
EARLIEST, LATEST = dt.date.min, dt.date.max
RANKS = {"event": 0, "statement": 1, "reaction": 2}
PREFIX = {"event": "e", "statement": "s", "reaction": "r"}

# --- vocabulary --------------------------------------------------------------------------------------------------
# Words of item texts (titles, summaries, quotes, translations, place names), of actor names and of aliases. No
# word lies inside another, nor inside a reaction kind, a slug or "draft" (see the check in the test module), so a
# whole-word search means the same under substring, word and word-prefix matching.
TEXT_WORDS = ("harbour", "treaty", "café", "ceasefire", "bridge", "petition", "grain", "drone", "naïve", "tribunal")
PLACE_WORDS = ("Kraków", "Zürich", "Bogotá", "Tromsø")
NAME_WORDS = ("Syldavia", "Borduria", "Qurac", "Élysée", "Ümitköy", "Wakanda")
ALIAS_WORDS = ("Klow", "Szohôd", "Señorío", "Genovia")
EVENT_KINDS = ("AGREE", "ACCUSE", "AID", "REJECT", "THREATEN", "CONSULT")
CHANNELS = ("speech", "remarks", "interview", "press_release")
REACTION_KINDS = ("thanks", "condemn", "agree", "accuse", "reject", "warn")
TAGS = ("war", "trade", "élan", "aid-2025", "ukraine")
COUNTRIES = ("ISR", "UKR", "TWN", "CHN")
NOWHERE = "xylophone"  # in no text, name or alias
SEARCH_TERMS = (*TEXT_WORDS, *PLACE_WORDS, *NAME_WORDS, *ALIAS_WORDS, "thanks", "condemn", NOWHERE)
DRAFT = "draft"  # the summary of a first version later replaced (see ``World.batches``)

# Dates near one another so that windows cut the world and items tie on their first day.
ITEM_LOW, ITEM_HIGH = D(2019, 1, 1), D(2026, 12, 31)
TIED_DATES = ("2025-07", "2025-07-01", "2025", "early 2025", "between 2025-07-01 and 2025-07-31", "2025-07-01/..")


@dataclass
class Actor:
    slug: str
    name: str
    kind: str
    country: str | None
    aliases: list[str]

    def record(self) -> dict[str, Any]:
        return {"slug": self.slug, "name": self.name, "kind": self.kind, "country": self.country,
                "aliases": self.aliases}  # fmt: skip

    @property
    def search_text(self) -> str:
        """What the loader indexes for an actor (seeds.format._actor): name, slug with spaces, aliases."""
        return " ".join([self.name, self.slug.replace("-", " "), *self.aliases]).lower()


@dataclass
class Affiliation:
    slug: str
    member: str
    organisation: str
    kind: str
    start: str | None
    end: str | None

    def record(self) -> dict[str, Any]:
        return {"slug": self.slug, "member": self.member, "organisation": self.organisation, "kind": self.kind,
                "start": self.start, "end": self.end}  # fmt: skip

    @property
    def spell(self) -> tuple[dt.date, dt.date]:
        """The days it covers: from the start's earliest to the end's latest; an open end counts as open."""
        start = parse_when(self.start).earliest if self.start else EARLIEST
        end = parse_when(self.end).latest if self.end else LATEST
        return start, end


@dataclass
class Item:
    kind: str  # event, statement, reaction
    slug: str
    date: str
    day_order: int
    tags: list[str]
    label: str  # event kind, statement channel or reaction kind
    title: str | None = None  # events
    summary: str | None = None
    quote: str | None = None  # statements
    translation: str | None = None  # statements
    place_name: str | None = None  # events
    place_country: str | None = None  # events
    participants: list[tuple[str, str]] = field(default_factory=list)  # events: (role, actor)
    speaker: str | None = None  # statements
    about: list[str] = field(default_factory=list)  # statements
    reactor: str | None = None  # reactions
    target: Item | None = None  # reactions
    batch: int = 1  # 2: written (or last changed) by the second load

    @property
    def span(self) -> tuple[dt.date, dt.date]:
        when = parse_when(self.date)
        return when.earliest, when.latest

    def record(self, *, draft: bool = False) -> dict[str, Any]:
        """The seed-format line; ``draft``: the first version of an item the second load changes."""
        summary = (DRAFT if self.summary is None else None) if draft else self.summary
        out: dict[str, Any] = {"slug": self.slug, "date": self.date, "day_order": self.day_order, "tags": self.tags,
                               "summary": summary}  # fmt: skip
        if self.kind == "event":
            participants: dict[str, list[str]] = {}
            for role, actor in self.participants:
                participants.setdefault(role, []).append(actor)
            place = {"name": self.place_name, "country": self.place_country}
            out.update(title=self.title, kind=self.label, participants=participants, place=place)
        elif self.kind == "statement":
            out.update(speaker=self.speaker, channel=self.label, quote=self.quote, translation=self.translation,
                       about=self.about)  # fmt: skip
        else:
            assert self.target is not None
            out.update(reactor=self.reactor, kind=self.label, target={self.target.kind: self.target.slug})
        return out

    @property
    def texts(self) -> list[str | None]:
        """The item's own searchable texts as the loader indexes them (seeds.format: ``search_text``): an event's
        title, summary and place name; a statement's quote, translation and summary; a reaction's summary and
        its kind (so `thanks` finds every reaction of kind thanks)."""
        if self.kind == "event":
            return [self.title, self.summary, self.place_name]
        if self.kind == "statement":
            return [self.quote, self.translation, self.summary]
        return [self.summary, self.label]


@dataclass
class World:
    actors: list[Actor]
    affiliations: list[Affiliation]
    items: list[Item]
    split: int  # items[:split] come with the first load, the rest with the second
    touched: list[Item]  # items of the first load changed by the second

    def batches(self) -> tuple[list[tuple[str, dict[str, Any]]], list[tuple[str, dict[str, Any]]]]:
        """The two loads as (record type, seed line): actors, affiliations and the first items (touched ones in a
        draft version), then the other items and the touched ones' final version."""
        touched = {item.slug for item in self.touched}
        first = [("actor", a.record()) for a in self.actors] + [("affiliation", f.record()) for f in self.affiliations]
        first += [(i.kind, i.record(draft=i.slug in touched)) for i in self.items[: self.split]]
        second = [(i.kind, i.record()) for i in self.items[self.split :]] + [(i.kind, i.record()) for i in self.touched]
        return first, second

    def describe(self) -> str:
        """The world as seed lines, for a failure message."""
        first, second = self.batches()
        lines = [f"{kind}: {line}" for kind, line in first] + ["-- second load --"]
        return "\n".join(lines + [f"{kind}: {line}" for kind, line in second])


# --- generation --------------------------------------------------------------------------------------------------


def cased(word: str) -> st.SearchStrategy[str]:
    """A word as given, in capitals or in lower case."""
    return st.sampled_from([word, word.upper(), word.lower()])


def words(pool: tuple[str, ...], low: int, high: int) -> st.SearchStrategy[str]:
    return st.lists(st.sampled_from(pool).flatmap(cased), min_size=low, max_size=high).map(" ".join)


def optional_words(pool: tuple[str, ...], high: int) -> st.SearchStrategy[str | None]:
    return st.one_of(st.none(), words(pool, 1, high))


item_dates = st.one_of(st.sampled_from(TIED_DATES), date_texts(ITEM_LOW, ITEM_HIGH))
spell_ends = st.one_of(st.none(), st.none(), moment_texts(D(2019, 1, 1), D(2026, 12, 31)))


@st.composite
def actors(draw: st.DrawFn) -> list[Actor]:
    count = draw(st.integers(5, 12))
    return [
        Actor(
            slug=f"p{n}",
            name=draw(words(NAME_WORDS, 1, 2)),
            kind=draw(st.sampled_from(ACTOR_KINDS)),
            country=draw(st.one_of(st.none(), st.sampled_from(COUNTRIES))),
            aliases=draw(st.lists(st.sampled_from(ALIAS_WORDS), max_size=2, unique=True)),
        )
        for n in range(count)
    ]


@st.composite
def affiliations(draw: st.DrawFn, people: list[Actor]) -> list[Affiliation]:
    slugs = [a.slug for a in people]
    out: list[Affiliation] = []
    for n in range(draw(st.integers(0, 10))):
        member, organisation = draw(st.lists(st.sampled_from(slugs), min_size=2, max_size=2, unique=True))
        if out and draw(st.integers(0, 5)) == 0:  # sometimes close a loop: the organisation of the last one joins
            member, organisation = out[-1].organisation, out[-1].member
        start, end = draw(spell_ends), draw(spell_ends)
        if start and end and parse_moment(end).latest < parse_moment(start).earliest:
            start, end = end, start  # then the new end's latest is after the new start's earliest
        kind = draw(st.sampled_from(AFFILIATION_KINDS))
        out.append(Affiliation(f"f{n}", member, organisation, kind, start, end))
    return out


@st.composite
def items(draw: st.DrawFn, people: list[Actor]) -> list[Item]:
    slugs = [a.slug for a in people]
    some_actors = st.lists(st.sampled_from(slugs), max_size=3, unique=True)
    out: list[Item] = []
    for n in range(draw(st.integers(10, 40))):
        kind = draw(st.sampled_from(["event", "statement", "reaction"] if out else ["event", "statement"]))
        common = {
            "kind": kind,
            "slug": f"{PREFIX[kind]}{n}",
            "date": draw(item_dates),
            "day_order": draw(st.integers(0, 2)),
            "tags": draw(st.lists(st.sampled_from(TAGS).flatmap(cased), max_size=3)),
            "summary": draw(optional_words(TEXT_WORDS, 3)),
        }
        if kind == "event":
            roles = st.tuples(st.sampled_from(PARTICIPANT_ROLES), st.sampled_from(slugs))
            item = Item(
                **common,
                label=draw(st.sampled_from(EVENT_KINDS)),
                title=draw(words(TEXT_WORDS, 1, 3)),
                place_name=draw(st.one_of(st.none(), st.sampled_from(PLACE_WORDS))),
                place_country=draw(st.one_of(st.none(), st.sampled_from(COUNTRIES))),
                participants=draw(st.lists(roles, max_size=4, unique=True)),
            )
        elif kind == "statement":
            item = Item(
                **common,
                label=draw(st.sampled_from(CHANNELS)),
                quote=draw(words(TEXT_WORDS, 1, 3)),
                translation=draw(optional_words(TEXT_WORDS, 2)),
                speaker=draw(st.sampled_from(slugs)),
                about=draw(some_actors),
            )
        else:
            item = Item(
                **common,
                label=draw(st.sampled_from(REACTION_KINDS)),
                reactor=draw(st.sampled_from(slugs)),
                target=draw(st.sampled_from(out)),
            )
        out.append(item)
    return out


@st.composite
def worlds(draw: st.DrawFn) -> World:
    people = draw(actors())
    links = draw(affiliations(people))
    stream = draw(items(people))
    split = draw(st.integers(0, len(stream)))
    touched = draw(st.lists(st.sampled_from(stream[:split]), unique_by=lambda i: i.slug, max_size=3)) if split else []
    for item in stream[split:] + touched:
        item.batch = 2
    return World(people, links, stream, split, touched)


# --- the reference -----------------------------------------------------------------------------------------------


def search_matches(term: str, item: Item, named: set[str]) -> bool:
    """The `search` rule as documented and built today: the term (trimmed), case-insensitively, as a substring of
    the item's own texts (``Item.texts``: beyond the description's "titles, summaries and quotes", an event's
    place name, a statement's translation and a reaction's kind count too), or an involved actor is ``named``
    (see ``Reference.named``: its name, slug or aliases hold the term, or it is part of or represents such an
    actor). Change this one function if search becomes word or prefix matching."""
    needle = term.strip().lower()
    if any(needle in text.lower() for text in item.texts if text):
        return True
    return any(actor in named for actor, _ in involved(item))


def involved(item: Item) -> list[tuple[str, tuple[dt.date, dt.date]]]:
    """Each actor an item involves, with the dates its involvement is judged at: an event's participants; a
    statement's speaker and the actors it is about; a reaction's reactor and the answered item's participants,
    speaker (not its about-list) or reactor (not further up), at the answered item's dates."""
    if item.kind == "event":
        return [(actor, item.span) for _, actor in item.participants]
    if item.kind == "statement":
        assert item.speaker is not None
        return [(actor, item.span) for actor in [item.speaker, *item.about]]
    target = item.target
    assert target is not None and item.reactor is not None
    if target.kind == "event":
        answered = [actor for _, actor in target.participants]
    elif target.kind == "statement":
        answered = [target.speaker]
    else:
        answered = [target.reactor]
    return [(item.reactor, item.span)] + [(actor, target.span) for actor in answered if actor is not None]


class Reference:
    """A world's filters computed in Python from all its items."""

    def __init__(self, world: World, idents: dict[tuple[str, str], int], times: dict[str, dt.datetime]) -> None:
        self.world = world
        self.ids = idents  # (record type, slug) -> database id: the last tie-break of the order
        self.times = times
        self.actors = {a.slug: a for a in world.actors}
        self.edges: dict[str, list[tuple[str, dt.date, dt.date]]] = {}
        for link in world.affiliations:
            if link.kind in WIDENING_AFFILIATIONS:
                self.edges.setdefault(link.organisation, []).append((link.member, *link.spell))

    def actor_slug(self, ref: dict[str, str]) -> str:
        """An actor given as a `RecordRef`: ``{"slug": ...}`` or ``{"id": ...}``."""
        if "slug" in ref:
            return ref["slug"]
        by_id = {ident: slug for (kind, slug), ident in self.ids.items() if kind == "actor"}
        return by_id[ids.decode(ref["id"])[1]]

    def family(self, root: str) -> set[tuple[str, dt.date, dt.date]]:
        """(actor, from, to): the actor acts for ``root`` from..to along a chain of widening affiliations (each
        link's spell intersected); the root acts for itself always. A cycle adds nothing new and so ends."""
        found = {(root, EARLIEST, LATEST)}
        frontier = list(found)
        while frontier:
            actor, start, end = frontier.pop()
            for member, spell_start, spell_end in self.edges.get(actor, ()):
                entry = (member, max(start, spell_start), min(end, spell_end))
                if entry[1] <= entry[2] and entry not in found:
                    found.add(entry)
                    frontier.append(entry)
        return found

    def named(self, term: str) -> set[str]:
        """Actors a search term names: whose name, slug or aliases hold it, and the actors that are `part_of` or
        `represent` one of those (one step, whatever the affiliation's dates; `role` and `member` do not count)."""
        needle = term.strip().lower()
        direct = {a.slug for a in self.world.actors if needle in a.search_text}
        parts = {
            f.member
            for f in self.world.affiliations
            if f.organisation in direct and f.kind in ("part_of", "represents")
        }
        return direct | parts

    def involves(self, item: Item, roots: Iterable[str], match_all: bool, affiliated: bool) -> bool:
        roots = list(dict.fromkeys(roots))
        people = involved(item)

        def one(root: str) -> bool:
            if not affiliated:
                return any(actor == root for actor, _ in people)
            return any(
                actor == member and start <= begins and ends <= end
                for actor, (begins, ends) in people
                for member, start, end in self.family(root)
            )

        return (all if match_all else any)(one(root) for root in roots)

    def matches(self, item: Item, f: dict[str, Any], *, listed: str | None) -> bool:
        """Whether ``item`` passes filter ``f`` (GraphQL variables) on the timeline (``listed`` None) or on the list
        of one record type (the list of another type never shows it; `itemTypes` narrows the lists too)."""
        if listed is not None and item.kind != listed:
            return False
        if "itemTypes" in f and item.kind.upper() not in f["itemTypes"]:
            return False
        first, last = item.span
        if "from" in f and last < parse_moment(f["from"]).earliest:
            return False
        if "to" in f and first > parse_moment(f["to"]).latest:
            return False
        if "actors" in f:
            roots = [self.actor_slug(ref) for ref in f["actors"]]
            match_all = f.get("actorsMatch", "ANY") == "ALL"
            if not self.involves(item, roots, match_all, bool(f.get("includeAffiliated"))):
                return False
        chosen = {kind: f.get(field) for kind, field in KIND_FIELDS.items()}
        if any(v is not None for v in chosen.values()):
            if item.label.upper() not in {k.upper() for k in chosen[item.kind] or ()}:
                return False
        if "tags" in f and not {t.lower() for t in item.tags} & {t.lower() for t in f["tags"]}:
            return False
        if "country" in f:
            code = f["country"].upper()
            held_there = item.kind == "event" and item.place_country == code
            of_country = any(self.actors[actor].country == code for actor, _ in involved(item))
            if not (held_there or of_country):
                return False
        if "search" in f and not search_matches(f["search"], item, self.named(f["search"])):
            return False
        if "updatedSince" in f:
            since = dt.datetime.fromisoformat(f["updatedSince"])
            since = since.replace(tzinfo=dt.UTC) if since.tzinfo is None else since
            changed = self.times["second"] if item.batch == 2 else self.times["first"]
            if changed < since:
                return False
        return True

    def expected(self, f: dict[str, Any], *, listed: str | None, descending: bool) -> list[str]:
        """The slugs of the matching items in the API's order: earliest date, order within the day, (timeline:)
        events before statements before reactions, id; descending reverses all of it."""

        def key(item: Item) -> tuple[Any, ...]:
            rank = (RANKS[item.kind],) if listed is None else ()
            return (item.span[0], item.day_order, *rank, self.ids[(item.kind, item.slug)])

        chosen = [item for item in self.world.items if self.matches(item, f, listed=listed)]
        return [item.slug for item in sorted(chosen, key=key, reverse=descending)]


# The filter field holding each item type's kinds (its own enum each).
KIND_FIELDS = {"event": "eventKinds", "statement": "channels", "reaction": "reactionKinds"}

WEIGHTED = (
    *("actors", "actors", "actors", "search", "search", "country", "country"),
    *("from", "to", *KIND_FIELDS.values(), "tags", "itemTypes", "updatedSince"),
)


@st.composite
def filters(draw: st.DrawFn, reference: Reference) -> dict[str, Any]:
    """Filters naming any subset of the fields (none included), every value of this world's (or matching
    nothing: an unknown tag, a country no one has, a word found nowhere)."""
    world = reference.world
    actor_ids = {slug: ident for (kind, slug), ident in reference.ids.items() if kind == "actor"}
    actor_ref = st.sampled_from([a.slug for a in world.actors]).flatmap(
        lambda slug: st.sampled_from([{"slug": slug}, {"id": ids.encode("Actor", actor_ids[slug])}])
    )
    windows = st.one_of(moment_texts(D(2018, 1, 1), D(2027, 12, 31)), st.sampled_from(["0001", "0001-06", "9998"]))
    times = reference.times
    since = st.sampled_from([times["before"], times["between"], times["after"]]).flatmap(
        lambda moment: st.sampled_from(
            [
                moment.isoformat(),
                moment.astimezone(dt.timezone(dt.timedelta(hours=2))).isoformat(),
                moment.replace(tzinfo=None).isoformat(),  # no zone: taken as UTC
            ]
        )
    )
    options: dict[str, st.SearchStrategy[Any]] = {
        "from": windows,
        "to": windows,
        "actors": st.integers(0, 9).flatmap(lambda n: st.lists(actor_ref, min_size=n < 9, max_size=3 if n < 9 else 0)),
        "actorsMatch": st.sampled_from(["ANY", "ALL"]),
        "includeAffiliated": st.booleans(),
        "eventKinds": st.lists(st.sampled_from(sorted(EVENT_KINDS)), max_size=3),
        "channels": st.lists(st.sampled_from(sorted(c.upper() for c in CHANNELS)), max_size=3),
        "reactionKinds": st.lists(st.sampled_from(sorted(k.upper() for k in REACTION_KINDS)), max_size=3),
        "tags": st.lists(st.sampled_from((*TAGS, "peace")).flatmap(cased), max_size=3),
        "country": st.sampled_from((*COUNTRIES, "FRA")).flatmap(cased),
        "search": st.sampled_from(SEARCH_TERMS)
        .flatmap(cased)
        .flatmap(lambda word: st.sampled_from([word, f" {word} "])),
        "itemTypes": st.lists(st.sampled_from(["EVENT", "STATEMENT", "REACTION"]), unique=True, max_size=3),
        "updatedSince": since,
    }
    # Mostly one to three fields (more rarely leaves anything); actors, search and country (which follow the
    # actors an item involves, the subtlest part) more often than the others.
    count = 0 if draw(st.integers(0, 9)) == 9 else draw(st.integers(1, 3))
    keys = draw(st.lists(st.sampled_from(WEIGHTED), min_size=count, max_size=count, unique=True))
    if "actors" in keys:  # ANY/ALL and the family only mean something with actors
        keys += [key for key in ("actorsMatch", "includeAffiliated") if draw(st.booleans())]
    out = {key: draw(options[key]) for key in sorted(set(keys))}
    if "from" in out and "to" in out and parse_moment(out["from"]).earliest > parse_moment(out["to"]).latest:
        out["from"], out["to"] = out["to"], out["from"]  # a window that ends before it starts is refused
    return out
