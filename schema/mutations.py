"""Mutations: create, update and delete each kind of record. Editors write; admins also delete.

Each answers a payload (``schema.payloads``): the record written, or the ``userErrors`` that refused it. Every
input field is optional in the schema; what a record needs is checked by the same validation as the seed files,
and every problem found comes back at once, each with its path from the mutation's arguments
(``["input", "participants", "1", "actor"]``) and a code. A refused write writes nothing: each write is one
transaction, rolled back whole. A create without a slug gets one made from its title or name
(``api.services.slugs``). An update names its record by ``ref`` and the ``version`` it read; the fields given
replace the stored ones (``null`` clears an optional field). Records are named by ``RecordRef``, timeline items by
``ItemRef``, dates by ``FuzzyDate`` (``schema.refs``).
"""

from __future__ import annotations

import dataclasses
import enum
from dataclasses import dataclass
from typing import Annotated, Any

import strawberry
from strawberry.scalars import JSON
from strawberry.types import Info, get_object_definition

from api import kinds
from api.kinds import BY_KEY, BY_TYPE_NAME, KINDS, REFERENCES, TIMELINE, PerKind
from api.services import mutations as service
from schema import ids
from schema.audit import DeletedItem
from schema.errors import PublicError, article
from schema.loaders import BUILDERS, aware, rows_by_id
from schema.payloads import (
    REFERENCES_SHOWN,
    UserError,
    UserErrorCode,
    delete_payload,
    lower_camel,
    record_payload,
)
from schema.prefetch import camel
from schema.refs import FuzzyDate, ItemRef, RecordRef
from schema.types import nodes
from schema.types.enums import (
    ActorKind,
    AffiliationKind,
    Channel,
    EventKind,
    Modality,
    ParticipantRole,
    ReactionKind,
    Stance,
)
from seeds.format import Problem

UNSET: Any = strawberry.UNSET


@strawberry.input(description="A citation of a source, with the passage that supports the record.")
class CitationInput:
    source: RecordRef = strawberry.field(description="The source cited.")
    passage: str | None = strawberry.field(default=None, description="The supporting passage, quoted.")


@strawberry.input(description="An actor taking part in an event, in a role.")
class ParticipantInput:
    actor: RecordRef = strawberry.field(description="The actor.")
    role: ParticipantRole = strawberry.field(description="The part they played.")


@strawberry.input(description="Where an event happened.")
class PlaceInput:
    name: str | None = strawberry.field(default=None, description="The place's name.")
    country: str | None = strawberry.field(default=None, description="ISO 3166-1 alpha-3 code.")
    latitude: float | None = strawberry.field(default=None, description="Latitude, −90…90.")
    longitude: float | None = strawberry.field(default=None, description="Longitude, −180…180.")


def _f(description: str) -> Any:
    return strawberry.field(default=UNSET, description=description)


SLUG_RULE = (
    " Left out, it is made from {made}: lower-case ASCII with accents transliterated, apostrophes dropped and every"
    " other run of characters a hyphen (`Sa'ar meets Lin` → `saar-meets-lin`), cut to 120 characters at a word;"
    " when taken, `-2`, `-3`, … is appended. It never changes afterwards."
)


def _slug_field(made: str) -> Any:
    return _f("Stable key: lowercase letters, digits and hyphens, at most 120." + SLUG_RULE.format(made=made))


# The update input and the create input of each record kind, by key. An update input holds what may change (all
# but the slug); the create input is the update input and the slug.
UPDATE_INPUTS: PerKind[type] = PerKind()
INPUTS: PerKind[type] = PerKind()

UPDATE = (
    "Changes to {a}: the fields given replace the stored ones, `null` clears an optional one, those left out stay as "
    "they are. The slug never changes."
)
CREATE = "A new {kind}'s fields (required: {required}); those left out take their defaults."


@UPDATE_INPUTS.of(kinds.SOURCE)
@strawberry.input(name="SourceUpdateInput", description=UPDATE.format(a="a source"))
class SourceUpdateInput:
    title: str | None = _f("The source's title.")
    publisher: str | None = _f("Who published it.")
    author: str | None = _f("Who wrote it.")
    url: str | None = _f("Where to read it.")
    language: str | None = _f("Language code, default `en`.")
    published: FuzzyDate | None = _f("When it was published.")


@INPUTS.of(kinds.SOURCE)
@strawberry.input(name="SourceCreateInput", description=CREATE.format(kind="source", required="title"))
class SourceCreateInput(SourceUpdateInput):
    slug: str | None = _slug_field("the title")


@UPDATE_INPUTS.of(kinds.ACTOR)
@strawberry.input(name="ActorUpdateInput", description=UPDATE.format(a="an actor"))
class ActorUpdateInput:
    name: str | None = _f("The actor's name.")
    kind: ActorKind | None = _f("What sort of actor.")
    country: str | None = _f("ISO 3166-1 alpha-3 country code.")
    sectors: list[str] | None = _f("PLOVER-style sector codes.")
    aliases: list[str] | None = _f("Other names that should find this actor.")
    wikidata: str | None = _f("Wikidata QID, e.g. `Q801`.")
    external_ids: JSON | None = _f("Other identifiers by scheme.")
    description: str | None = _f("Who or what this is.")
    sources: list[CitationInput] | None = _f("Citations.")


@INPUTS.of(kinds.ACTOR)
@strawberry.input(name="ActorCreateInput", description=CREATE.format(kind="actor", required="name, kind"))
class ActorCreateInput(ActorUpdateInput):
    slug: str | None = _slug_field("the name")


@UPDATE_INPUTS.of(kinds.AFFILIATION)
@strawberry.input(name="AffiliationUpdateInput", description=UPDATE.format(a="an affiliation"))
class AffiliationUpdateInput:
    member: RecordRef | None = _f("The member, an actor.")
    organisation: RecordRef | None = _f("The organisation, an actor.")
    kind: AffiliationKind | None = _f("How the member belongs.")
    role: str | None = _f("The role held.")
    start: FuzzyDate | None = _f("When it began.")
    end: FuzzyDate | None = _f("When it ended.")
    sources: list[CitationInput] | None = _f("Citations.")


@INPUTS.of(kinds.AFFILIATION)
@strawberry.input(
    name="AffiliationCreateInput",
    description=CREATE.format(kind="affiliation", required="member, organisation, kind"),
)
class AffiliationCreateInput(AffiliationUpdateInput):
    slug: str | None = _slug_field("the member and the organisation (`gideon-saar-knesset`)")


@UPDATE_INPUTS.of(kinds.EVENT)
@strawberry.input(name="EventUpdateInput", description=UPDATE.format(a="an event"))
class EventUpdateInput:
    title: str | None = _f("A short title.")
    summary: str | None = _f("What happened, in your own words.")
    kind: EventKind | None = strawberry.field(
        name="eventKind", default=UNSET, description="The PLOVER event type (`Event.eventKind`)."
    )
    mode: str | None = _f("A finer mode, e.g. `visit`.")
    contexts: list[str] | None = _f("PLOVER-style contexts.")
    score: float | None = _f("−10…+10; defaults from the kind.")
    modality: Modality | None = _f("Default ACTUAL.")
    cameo: str | None = _f("CAMEO code.")
    date: FuzzyDate | None = _f("When it happened.")
    date_label: str | None = _f("A display label, if the generated one will not do.")
    day_order: int | None = _f("Order among items of the same day.")
    place: PlaceInput | None = _f("Where it happened.")
    participants: list[ParticipantInput] | None = _f("Who took part, in which role.")
    tags: list[str] | None = _f("Tags.")
    sources: list[CitationInput] | None = _f("Citations.")


@INPUTS.of(kinds.EVENT)
@strawberry.input(name="EventCreateInput", description=CREATE.format(kind="event", required="title, kind, date"))
class EventCreateInput(EventUpdateInput):
    slug: str | None = _slug_field("the title")


@UPDATE_INPUTS.of(kinds.STATEMENT)
@strawberry.input(name="StatementUpdateInput", description=UPDATE.format(a="a statement"))
class StatementUpdateInput:
    speaker: RecordRef | None = _f("Who said it, an actor.")
    channel: Channel | None = _f("How it was said.")
    venue: RecordRef | None = _f("The event where it was said.")
    quote: str | None = _f("The words, verbatim.")
    language: str | None = _f("Language code, default `en`.")
    translation: str | None = _f("An English translation.")
    about: list[RecordRef] | None = _f("The actors it is about.")
    stance: Stance | None = _f("Overall stance toward them.")
    summary: str | None = _f("What was said, in a line.")
    tags: list[str] | None = _f("Tags.")
    date: FuzzyDate | None = _f("When it was said.")
    date_label: str | None = _f("A display label, if the generated one will not do.")
    day_order: int | None = _f("Order among items of the same day.")
    sources: list[CitationInput] | None = _f("Citations.")


@INPUTS.of(kinds.STATEMENT)
@strawberry.input(
    name="StatementCreateInput", description=CREATE.format(kind="statement", required="speaker, channel, quote, date")
)
class StatementCreateInput(StatementUpdateInput):
    slug: str | None = _slug_field(
        "the speaker and the first five words of the quote (`gideon-saar-we-will-not-be`), or the date if the"
        " quote has no Latin letters or digits"
    )


@UPDATE_INPUTS.of(kinds.REACTION)
@strawberry.input(name="ReactionUpdateInput", description=UPDATE.format(a="a reaction"))
class ReactionUpdateInput:
    reactor: RecordRef | None = _f("Who reacted, an actor.")
    kind: ReactionKind | None = strawberry.field(
        name="reactionKind", default=UNSET, description="What kind of response (`Reaction.reactionKind`)."
    )
    target: ItemRef | None = _f("What it answers: an event, a statement or another reaction.")
    statement: RecordRef | None = _f("The reacting words, a statement.")
    score: float | None = _f("−10…+10; defaults from the kind.")
    summary: str | None = _f("The reaction, in a line.")
    tags: list[str] | None = _f("Tags.")
    date: FuzzyDate | None = _f("When.")
    date_label: str | None = _f("A display label, if the generated one will not do.")
    day_order: int | None = _f("Order among items of the same day.")
    sources: list[CitationInput] | None = _f("Citations.")


@INPUTS.of(kinds.REACTION)
@strawberry.input(
    name="ReactionCreateInput", description=CREATE.format(kind="reaction", required="reactor, kind, target, date")
)
class ReactionCreateInput(ReactionUpdateInput):
    slug: str | None = _slug_field("the reactor, the kind and what it answers (`taiwan-thanks-gaza-war`)")


@UPDATE_INPUTS.of(kinds.RELATIONSHIP_CHANGE)
@strawberry.input(name="RelationshipChangeUpdateInput", description=UPDATE.format(a="a relationship change"))
class RelationshipChangeUpdateInput:
    from_: RecordRef | None = strawberry.field(name="from", default=UNSET, description="Whose stance moved, an actor.")
    to: RecordRef | None = _f("Toward whom, an actor.")
    delta: int | None = _f("The signed move, −10…+10, not 0.")
    cause: ItemRef | None = _f("What moved it: an event, a statement or a reaction.")
    explanation: str | None = _f("Why, in a line.")
    date: FuzzyDate | None = _f("When.")
    date_label: str | None = _f("A display label, if the generated one will not do.")
    day_order: int | None = _f("Order among items of the same day.")
    sources: list[CitationInput] | None = _f("Citations.")


@INPUTS.of(kinds.RELATIONSHIP_CHANGE)
@strawberry.input(
    name="RelationshipChangeCreateInput",
    description=CREATE.format(kind="relationship change", required="from, to, delta, cause, date, explanation"),
)
class RelationshipChangeCreateInput(RelationshipChangeUpdateInput):
    slug: str | None = _slug_field("`from`, `to` and the date (`israel-taiwan-2025-08-06`)")


# Input fields naming one record, with the key of its kind; targets and causes are `ItemRef`s.
REF_FIELDS = {ref.field: ref.target for _, ref in REFERENCES if not ref.one_of}

Path = list[str]


@dataclass
class Given:
    """An input object as seed-format data, the problems met while reading it (ids that name nothing), and
    where each participant sat in the input's list (the seed format groups them by role)."""

    data: dict[str, Any] = dataclasses.field(default_factory=dict)
    problems: list[Problem] = dataclasses.field(default_factory=list)
    # (role, position among that role's actors) -> position in `participants`
    participants: dict[tuple[str, int], int] = dataclasses.field(default_factory=dict)
    # Seed-format keys whose input field is named otherwise (`kind` is an event's `eventKind`)
    renamed: dict[str, str] = dataclasses.field(default_factory=dict)

    def path(self, problem: Problem) -> Path:
        """Where a problem is in the GraphQL input: ``["participants", "1", "actor"]``, ``["place", "latitude"]``."""
        name, index = problem.field, problem.index
        if name.startswith("participants."):
            at = self.participants.get((name.removeprefix("participants."), index if index is not None else -1))
            return ["participants"] if at is None else ["participants", str(at), "actor"]
        if name in self.renamed:
            name = self.renamed[name]
        if index is None:
            return camel_path(name)
        if name == "sources":
            return ["sources", str(index), "source"]
        return [*camel_path(name), str(index)]

    def _in_input_order(self, problems: list[Problem]) -> list[Problem]:
        """The seed format groups participants by role: put their problems in the order the client wrote them."""
        theirs = [p for p in problems if p.field.startswith("participants.")]
        if not theirs:
            return problems
        first = next(i for i, p in enumerate(problems) if p.field.startswith("participants."))
        rest = [p for p in problems if not p.field.startswith("participants.")]
        role = len("participants.")
        theirs.sort(key=lambda p: self.participants.get((p.field[role:], -1 if p.index is None else p.index), -1))
        return rest[:first] + theirs + rest[first:]

    def user_errors(self, problems: list[Problem]) -> list[UserError]:
        """The problems with the input, in the order the client wrote the fields, as user errors."""
        out = []
        for problem in self._in_input_order(problems):
            path = ["input", *self.path(problem)]
            out.append(UserError(field=path, message=f"{dotted(path)}: {problem.message}", code=CODES[problem.code]))
        return out


CODES = {code.name: code for code in UserErrorCode}  # each named by its code


def camel_path(name: str) -> Path:
    """A seed-format field path as the GraphQL input's (``day_order`` → ``["dayOrder"]``, ``place.lat``)."""
    name = {"place.lat": "place.latitude", "place.lon": "place.longitude"}.get(name, name)
    return [camel(part) for part in name.split(".")]


def dotted(path: Path) -> str:
    """A path as text, for messages: ``input.participants[1].actor``."""
    return "".join(f"[{part}]" if part.isdigit() else f".{part}" for part in path).lstrip(".")


async def _slug_of(info: Info, given: Given, kind: str, global_id: str, field: str, index: int | None) -> str:
    """The slug of the record a global id names (of ``kind``); a problem if it names none, and the id meanwhile."""
    type_name = BY_KEY[kind].type_name
    decoded = ids.try_decode(global_id)
    if decoded is None:
        given.problems.append(Problem(field, f"{global_id!r} is not a valid id", index))
        return global_id
    found, ident = decoded
    if found != type_name:
        message = f"{global_id!r} is the id of {article(found)}, not of {article(type_name)}"
        given.problems.append(Problem(field, message, index))
        return global_id
    rows = await rows_by_id(info.context, type_name, {ident})
    if not rows:
        given.problems.append(Problem(field, f"no {type_name} with id {global_id!r}", index, "NOT_FOUND"))
        return global_id
    slug: str = rows[ident].slug
    return slug


async def _slug(info: Info, given: Given, kind: str, ref: RecordRef, field: str, index: int | None = None) -> str:
    """The slug a ``RecordRef`` names (a slug as given; an id looked up)."""
    if isinstance(ref.id, str):
        return await _slug_of(info, given, kind, ref.id, field, index)
    return str(ref.slug)


async def _item(info: Info, given: Given, ref: ItemRef, field: str) -> dict[str, str]:
    """The seed format's ``{kind: slug}`` of an ``ItemRef``; an id of anything but a timeline item is a problem."""
    if isinstance(ref.id, str):
        decoded = ids.try_decode(ref.id)
        kind = BY_TYPE_NAME[decoded[0]].key if decoded is not None else None
        if decoded is not None and kind not in TIMELINE:
            given.problems.append(Problem(field, f"{ref.id!r} is the id of {article(decoded[0])}, not of an item"))
            return {}
        # An id that is not valid is reported by the look-up (as an event's: any timeline kind would do).
        key = kind or TIMELINE[0]
        return {key: await _slug_of(info, given, key, ref.id, field, None)}
    return {key: value for key in TIMELINE if isinstance(value := getattr(ref, key), str)}


async def to_data(info: Info, given: Any) -> Given:
    """An input object as a seed-format dict (only the fields given; references as slugs)."""
    out = Given()
    names = {field.python_name: field.graphql_name for field in get_object_definition(given, strict=True).fields}
    for item in dataclasses.fields(given):
        value = getattr(given, item.name)
        if value is UNSET:
            continue
        key = "from" if item.name == "from_" else item.name
        if names.get(item.name) not in (None, key):
            out.renamed[key] = str(names[item.name])
        out.data[key] = await _convert(info, out, key, value)
    return out


async def _convert(info: Info, out: Given, key: str, value: Any) -> Any:
    if value is None:
        return None
    if isinstance(value, enum.Enum):
        return value.value
    if key in REF_FIELDS:
        return await _slug(info, out, REF_FIELDS[key], value, key)
    if key == "about":
        return [await _slug(info, out, "actor", v, key, i) for i, v in enumerate(value)]
    if key == "sources":
        return [
            {
                "source": await _slug(info, out, "source", c.source, key, i),
                **({"passage": c.passage} if c.passage else {}),
            }
            for i, c in enumerate(value)
        ]
    if key == "participants":
        grouped: dict[str, list[str]] = {}
        for position, p in enumerate(value):
            role = p.role.value
            actors = grouped.setdefault(role, [])
            out.participants[(role, len(actors))] = position
            actors.append(await _slug(info, out, "actor", p.actor, f"participants.{role}", len(actors)))
        return grouped
    if key == "place":
        place = {"name": value.name, "country": value.country, "lat": value.latitude, "lon": value.longitude}
        return {k: v for k, v in place.items() if v is not None}
    if key in ("target", "cause"):
        return await _item(info, out, value, key)
    return value


class Refused(Exception):
    """A write the service refused, carried out of its transaction (which rolls back) to be answered as user
    errors. (Not a ``WriteError``: the context would turn that into a GraphQL error.)"""

    def __init__(self, error: service.WriteError) -> None:
        super().__init__(error.message)
        self.error = error


def _refusing(work: Any) -> Any:
    """``work`` with the service's refusals turned into ``Refused``."""

    def run(conn: Any) -> Any:
        try:
            return work(conn)
        except service.WriteError as error:
            raise Refused(error) from None

    return run


async def _write(info: Info, work: Any, *, retries: int = 0) -> Any:
    """Run a write in its own transaction; a refusal or a collision with a concurrent write comes back as a
    ``service.WriteError`` (nothing written), anything else (a timeout, an unavailable database) raises."""
    try:
        return await info.context.write(_refusing(work), retries=retries)
    except Refused as refused:
        return refused.error
    except PublicError as error:
        # The public errors a write raises that are about what it asks rather than the server
        # (schema.context.Context.write): a unique key taken by a concurrent write after its retries (CONFLICT),
        # text the database refuses (a NUL character: BAD_USER_INPUT). The rest (TIMEOUT, SERVICE_UNAVAILABLE) stay.
        code = error.extensions.get("code")
        if code not in ("CONFLICT", "BAD_USER_INPUT"):
            raise
        return service.WriteError(str(code), str(error))


async def _user_errors(info: Info, read: Given | None, error: service.WriteError) -> list[UserError]:
    """A refusal as user errors: every problem with the input, or the one thing that stopped the write."""
    if error.problems and read is not None:
        return read.user_errors(error.problems)
    if error.code == "NOT_FOUND":
        return [UserError(field=["ref"], message=error.message, code=UserErrorCode.NOT_FOUND)]
    if error.code == "CONFLICT":
        current = error.extra.get("currentVersion")
        field = ["version"] if current is not None else None
        return [UserError(field=field, message=error.message, code=UserErrorCode.CONFLICT, current_version=current)]
    if error.code == "REFERENCED":
        listed = error.extra["references"][:REFERENCES_SHOWN]
        return [
            UserError(
                field=["cascade"],
                message=error.message,
                code=UserErrorCode.REFERENCED,
                references=await _nodes(info, [(BY_KEY[r["type"]].type_name, r["id"]) for r in listed]),
            )
        ]
    field = [error.field] if error.field else None
    return [UserError(field=field, message=error.message, code=UserErrorCode.INVALID)]


async def _nodes(info: Info, wanted: list[tuple[str, int]]) -> list[Any]:
    """Records as GraphQL objects, in the order given (one statement per type)."""
    by_type: dict[str, set[int]] = {}
    for type_name, ident in wanted:
        by_type.setdefault(type_name, set()).add(ident)
    rows = {type_name: await rows_by_id(info.context, type_name, idents) for type_name, idents in by_type.items()}
    return [BUILDERS[t](rows[t][i]) for t, i in wanted if i in rows[t]]


async def _record(info: Info, kind: str, ident: int) -> Any:
    type_name = BY_KEY[kind].type_name
    rows = await rows_by_id(info.context, type_name, {ident})
    return BUILDERS[type_name](rows[ident])


def _target(ref: RecordRef, kind: str) -> tuple[int | None, str | None] | UserError:
    """The (id, slug) of the record an update or delete names, or why the ``ref`` names none."""
    try:
        return ref.key(BY_KEY[kind].type_name, "ref")
    except PublicError as error:
        return UserError(field=["ref", "id"], message=str(error), code=UserErrorCode.INVALID)


async def create(info: Info, kind: str, payload: Any, given: Any) -> Any:
    who = await info.context.require("editor")
    read = await to_data(info, given)

    def work(conn: Any) -> int:
        return service.create(conn, kind=kind, data=read.data, who=who, problems=read.problems)

    # A slug made up here may be taken by a concurrent create between our look and our insert: try again,
    # the next look sees it taken (each round, one of the creates racing for a slug gets it).
    retries = 5 if read.data.get("slug") is None else 0
    done = await _write(info, work, retries=retries)
    if isinstance(done, service.WriteError):
        return payload(user_errors=await _user_errors(info, read, done))
    return payload(**{kind: await _record(info, kind, done)})


async def update(info: Info, kind: str, payload: Any, ref: RecordRef, version: int, given: Any) -> Any:
    who = await info.context.require("editor")
    target = _target(ref, kind)
    if isinstance(target, UserError):
        return payload(user_errors=[target])
    ident, slug = target
    read = await to_data(info, given)

    def work(conn: Any) -> int:
        row = service.find(conn, kind, ident=ident, slug=slug)
        return service.update_record(
            conn, kind=kind, row=row, version=version, patch=read.data, who=who, problems=read.problems
        )

    done = await _write(info, work)
    if isinstance(done, service.WriteError):
        return payload(user_errors=await _user_errors(info, read, done))
    return payload(**{kind: await _record(info, kind, done)})


async def remove(info: Info, kind: str, payload: Any, ref: RecordRef, version: int, cascade: bool) -> Any:
    who = await info.context.require("admin")
    target = _target(ref, kind)
    if isinstance(target, UserError):
        return payload(user_errors=[target])
    ident, slug = target

    def work(conn: Any) -> Any:
        row = service.find(conn, kind, ident=ident, slug=slug)
        return service.delete_record(conn, kind=kind, row=row, version=version, cascade=cascade, who=who)

    done = await _write(info, work)
    if isinstance(done, service.WriteError):
        return payload(user_errors=await _user_errors(info, None, done))
    return payload(
        deleted=[
            DeletedItem(type=BY_KEY[k].type_name, id=ids.encode(BY_KEY[k].type_name, i), slug=s, deleted_at=aware(when))
            for k, i, s, when in done
        ]
    )


REF = "The {label} to {action}: by `id` or by `slug`."
VERSION = (
    "The version you read; if the record changed since, nothing is written and a CONFLICT user error says its version "
    "now."
)
CASCADE = (
    "Also delete the records that refer to this one, and unlink it from those that only link to it (default false: "
    "refuse with a REFERENCED user error listing them)."
)


def _resolvers(kind: kinds.RecordKind) -> tuple[Any, Any, Any]:
    """The create, update and delete resolvers of one record kind, each answering its payload."""
    key, label = kind.key, kind.label
    created = record_payload(kind, getattr(nodes, kind.type_name), "Create")
    updated = record_payload(kind, getattr(nodes, kind.type_name), "Update")
    deleted = delete_payload(kind)
    create_input, update_input = INPUTS[key], UPDATE_INPUTS[key]

    async def create_(info: Info, input: Any) -> Any:
        return await create(info, key, created, input)

    async def update_(info: Info, ref: RecordRef, version: int, input: Any) -> Any:
        return await update(info, key, updated, ref, version, input)

    async def delete_(info: Info, ref: RecordRef, version: int, cascade: bool = False) -> Any:
        return await remove(info, key, deleted, ref, version, cascade)

    def argument(annotation: Any, description: str) -> Any:
        return Annotated[annotation, strawberry.argument(description=description)]

    # Real types, not the strings `from __future__ import annotations` leaves behind.
    create_.__annotations__ = {
        "info": Info,
        "input": argument(
            create_input,
            f"The new {label}'s fields. What it requires is checked with the rest: every problem comes back in "
            "`userErrors`.",
        ),
        "return": created | None,
    }
    update_.__annotations__ = {
        "info": Info,
        "ref": argument(RecordRef, REF.format(label=label, action="change")),
        "version": argument(int, VERSION),
        "input": argument(
            update_input,
            "The fields to change: those given replace the stored ones, `null` clears an optional one, those left "
            "out stay as they are.",
        ),
        "return": updated | None,
    }
    delete_.__annotations__ = {
        "info": Info,
        "ref": argument(RecordRef, REF.format(label=label, action="delete")),
        "version": argument(int, VERSION),
        "cascade": argument(bool, CASCADE),
        "return": deleted | None,
    }
    return create_, update_, delete_


AUTH = (
    " Without a token, or with one of a lesser role, this field is null with one GraphQL error at its path "
    "(UNAUTHENTICATED, FORBIDDEN); the rest of the document still runs."
)


def _mutations() -> type:
    """Build `<type>Create`, `<type>Update` and `<type>Delete` for every record kind."""
    namespace: dict[str, Any] = {}
    for kind in KINDS:
        name = lower_camel(kind.type_name)
        label = article(kind.label)
        create_, update_, delete_ = _resolvers(kind)
        namespace[f"{name}_create"] = strawberry.mutation(
            resolver=create_,
            description=f"Create {label} (editor role): its payload holds it as stored, or the `userErrors` that "
            "refused it (then nothing is written)." + AUTH,
        )
        namespace[f"{name}_update"] = strawberry.mutation(
            resolver=update_,
            description=f"Change {label} (editor role), named by `ref`, at the `version` you read: its payload holds "
            "it as stored, or the `userErrors` that refused the change (then nothing is written)." + AUTH,
        )
        namespace[f"{name}_delete"] = strawberry.mutation(
            resolver=delete_,
            description=f"Delete {label} (admin role), named by `ref`, at the `version` you read. If other records "
            "refer to it the delete is refused with a REFERENCED user error listing them, unless `cascade: true` "
            "deletes them too (links such as participations and citations go with it)." + AUTH,
        )
    cls = type("Mutation", (), namespace)
    return strawberry.type(cls, description="Write the story (needs `Authorization: Bearer <token>`).")


Mutation = _mutations()
