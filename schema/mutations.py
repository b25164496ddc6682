"""Mutations: create, update and delete each kind of record. Editors write; admins also delete.

Every input field is optional in the schema; what a record needs is checked by the same validation as the
seed files. An input with problems comes back as one BAD_USER_INPUT listing all of them in
``extensions.problems`` (``{field, message}``, the field a path from the arguments: ``input.participants[1].actor``)
and naming the first in ``extensions.field`` (``participants.target``, as it always has). A create without a
slug gets one made from its title or name (``api.services.slugs``). On update, the fields given replace the
stored ones (``null`` clears an optional field); ``version`` must be the current one.
"""

from __future__ import annotations

import dataclasses
import enum
from dataclasses import dataclass
from typing import Any

import strawberry
from strawberry.scalars import JSON
from strawberry.types import Info

from api import kinds
from api.kinds import BY_KEY, KINDS, REFERENCES, TIMELINE, PerKind
from api.services import mutations as service
from schema import ids
from schema.errors import article
from schema.loaders import BUILDERS, rows_by_id
from schema.prefetch import camel
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
REF = "A slug or a global id."
DATE = "A date in Realign's date grammar: `2025-08-05`, `2025-07`, `late 2025-07`, `circa 2025`, `2022-02-24/..` …"


@strawberry.input(description="A citation of a source, with the passage that supports the record.")
class CitationInput:
    source: str = strawberry.field(description="The source: " + REF)
    passage: str | None = strawberry.field(default=None, description="The supporting passage, quoted.")


@strawberry.input(description="An actor taking part in an event, in a role.")
class ParticipantInput:
    actor: str = strawberry.field(description="The actor: " + REF)
    role: ParticipantRole = strawberry.field(description="The part they played.")


@strawberry.input(description="Where an event happened.")
class PlaceInput:
    name: str | None = strawberry.field(default=None, description="The place's name.")
    country: str | None = strawberry.field(default=None, description="ISO 3166-1 alpha-3 code.")
    latitude: float | None = strawberry.field(default=None, description="Latitude, −90…90.")
    longitude: float | None = strawberry.field(default=None, description="Longitude, −180…180.")


@strawberry.input(description="Exactly one of an event, a statement or a reaction (each a slug or global id).")
class ItemRefInput:
    event: str | None = strawberry.field(default=None, description="An event: " + REF)
    statement: str | None = strawberry.field(default=None, description="A statement: " + REF)
    reaction: str | None = strawberry.field(default=None, description="A reaction: " + REF)


def _f(description: str) -> Any:
    return strawberry.field(default=UNSET, description=description)


SLUG_RULE = (
    " Left out on create, it is made from {made}: lower-case ASCII with accents transliterated, apostrophes"
    " dropped and every other run of characters a hyphen (`Sa'ar meets Lin` → `saar-meets-lin`), cut to 120"
    " characters at a word; when taken, `-2`, `-3`, … is appended. It cannot change on update."
)


def _slug_field(made: str) -> Any:
    return _f("Stable key: lowercase letters, digits and hyphens, at most 120." + SLUG_RULE.format(made=made))


# The input type of each record kind, by key.
INPUTS: PerKind[type] = PerKind()


@INPUTS.of(kinds.SOURCE)
@strawberry.input(description="A source's fields (required on create: title).")
class SourceInput:
    slug: str | None = _slug_field("the title")
    title: str | None = _f("The source's title.")
    publisher: str | None = _f("Who published it.")
    author: str | None = _f("Who wrote it.")
    url: str | None = _f("Where to read it.")
    language: str | None = _f("Language code, default `en`.")
    published: str | None = _f("When it was published. " + DATE)


@INPUTS.of(kinds.ACTOR)
@strawberry.input(description="An actor's fields (required on create: name, kind).")
class ActorInput:
    slug: str | None = _slug_field("the name")
    name: str | None = _f("The actor's name.")
    kind: ActorKind | None = _f("What sort of actor.")
    country: str | None = _f("ISO 3166-1 alpha-3 country code.")
    sectors: list[str] | None = _f("PLOVER-style sector codes.")
    aliases: list[str] | None = _f("Other names that should find this actor.")
    wikidata: str | None = _f("Wikidata QID, e.g. `Q801`.")
    external_ids: JSON | None = _f("Other identifiers by scheme.")
    description: str | None = _f("Who or what this is.")
    sources: list[CitationInput] | None = _f("Citations.")


@INPUTS.of(kinds.AFFILIATION)
@strawberry.input(description="An affiliation's fields (required on create: member, organisation, kind).")
class AffiliationInput:
    slug: str | None = _slug_field("the member and the organisation (`gideon-saar-knesset`)")
    member: str | None = _f("The member: " + REF)
    organisation: str | None = _f("The organisation: " + REF)
    kind: AffiliationKind | None = _f("How the member belongs.")
    role: str | None = _f("The role held.")
    start: str | None = _f("When it began. " + DATE)
    end: str | None = _f("When it ended. " + DATE)
    sources: list[CitationInput] | None = _f("Citations.")


@INPUTS.of(kinds.EVENT)
@strawberry.input(description="An event's fields (required on create: title, kind, date).")
class EventInput:
    slug: str | None = _slug_field("the title")
    title: str | None = _f("A short title.")
    summary: str | None = _f("What happened, in your own words.")
    kind: EventKind | None = _f("The PLOVER event type.")
    mode: str | None = _f("A finer mode, e.g. `visit`.")
    contexts: list[str] | None = _f("PLOVER-style contexts.")
    score: float | None = _f("−10…+10; defaults from the kind.")
    modality: Modality | None = _f("Default ACTUAL.")
    cameo: str | None = _f("CAMEO code.")
    date: str | None = _f("When it happened. " + DATE)
    date_label: str | None = _f("A display label, if the generated one will not do.")
    day_order: int | None = _f("Order among items of the same day.")
    place: PlaceInput | None = _f("Where it happened.")
    participants: list[ParticipantInput] | None = _f("Who took part, in which role.")
    tags: list[str] | None = _f("Tags.")
    sources: list[CitationInput] | None = _f("Citations.")


@INPUTS.of(kinds.STATEMENT)
@strawberry.input(description="A statement's fields (required on create: speaker, channel, quote, date).")
class StatementInput:
    slug: str | None = _slug_field(
        "the speaker and the first five words of the quote (`gideon-saar-we-will-not-be`), or the date if the"
        " quote has no Latin letters or digits"
    )
    speaker: str | None = _f("Who said it: " + REF)
    channel: Channel | None = _f("How it was said.")
    venue: str | None = _f("The event where it was said: " + REF)
    quote: str | None = _f("The words, verbatim.")
    language: str | None = _f("Language code, default `en`.")
    translation: str | None = _f("An English translation.")
    about: list[str] | None = _f("The actors it is about: slugs or ids.")
    stance: Stance | None = _f("Overall stance toward them.")
    summary: str | None = _f("What was said, in a line.")
    tags: list[str] | None = _f("Tags.")
    date: str | None = _f("When it was said. " + DATE)
    date_label: str | None = _f("A display label, if the generated one will not do.")
    day_order: int | None = _f("Order among items of the same day.")
    sources: list[CitationInput] | None = _f("Citations.")


@INPUTS.of(kinds.REACTION)
@strawberry.input(description="A reaction's fields (required on create: reactor, kind, target, date).")
class ReactionInput:
    slug: str | None = _slug_field("the reactor, the kind and what it answers (`taiwan-thanks-gaza-war`)")
    reactor: str | None = _f("Who reacted: " + REF)
    kind: ReactionKind | None = _f("What kind of response.")
    target: ItemRefInput | None = _f("What it answers: exactly one event, statement or reaction.")
    statement: str | None = _f("The reacting words, a statement: " + REF)
    score: float | None = _f("−10…+10; defaults from the kind.")
    summary: str | None = _f("The reaction, in a line.")
    tags: list[str] | None = _f("Tags.")
    date: str | None = _f("When. " + DATE)
    date_label: str | None = _f("A display label, if the generated one will not do.")
    day_order: int | None = _f("Order among items of the same day.")
    sources: list[CitationInput] | None = _f("Citations.")


@INPUTS.of(kinds.RELATIONSHIP_CHANGE)
@strawberry.input(
    description="A relationship change's fields (required on create: from, to, delta, cause, date, explanation)."
)
class RelationshipChangeInput:
    slug: str | None = _slug_field("from, to and the date (`israel-taiwan-2025-08-06`)")
    from_: str | None = strawberry.field(name="from", default=UNSET, description="Whose stance moved: " + REF)
    to: str | None = _f("Toward whom: " + REF)
    delta: int | None = _f("The signed move, −10…+10, not 0.")
    cause: ItemRefInput | None = _f("What moved it: exactly one event, statement or reaction.")
    explanation: str | None = _f("Why, in a line.")
    date: str | None = _f("When. " + DATE)
    date_label: str | None = _f("A display label, if the generated one will not do.")
    day_order: int | None = _f("Order among items of the same day.")
    sources: list[CitationInput] | None = _f("Citations.")


@strawberry.type(description="What a delete removed.")
class DeletedRecord:
    type: str = strawberry.field(description="The record type, e.g. `Event`.")
    id: strawberry.ID = strawberry.field(description="Its former global id.")
    slug: str = strawberry.field(description="Its former slug.")


@strawberry.type(description="The result of a delete: the record and whatever went with it (cascade).")
class DeletePayload:
    deleted: list[DeletedRecord] = strawberry.field(description="Every record removed, the one asked for last.")


# Input fields naming one record (a slug or an id), with the key of its kind; targets and causes are `ItemRefInput`.
REF_FIELDS = {ref.field: ref.target for _, ref in REFERENCES if not ref.one_of}


@dataclass
class Given:
    """An input object as seed-format data, the problems met while reading it (ids that name nothing), and
    where each participant sat in the input's list (the seed format groups them by role)."""

    data: dict[str, Any] = dataclasses.field(default_factory=dict)
    problems: list[Problem] = dataclasses.field(default_factory=list)
    # (role, position among that role's actors) -> position in `participants`
    participants: dict[tuple[str, int], int] = dataclasses.field(default_factory=dict)

    def path(self, problem: Problem) -> str:
        """Where a problem is in the GraphQL input (``participants[1].actor``, ``place.latitude``, ``dayOrder``)."""
        name, index = problem.field, problem.index
        if name.startswith("participants."):
            at = self.participants.get((name.removeprefix("participants."), index if index is not None else -1))
            return "participants" if at is None else f"participants[{at}].actor"
        if index is None:
            return camel_path(name)
        if name == "sources":
            return f"sources[{index}].source"
        return f"{camel_path(name)}[{index}]"

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

    def refusal(self, error: service.WriteError) -> service.WriteError:
        """A refused input's error with its problems named as the GraphQL input's fields."""
        if not error.problems:
            return error
        paths = [(f"input.{self.path(p)}", p.message) for p in self._in_input_order(error.problems)]
        return service.WriteError(
            error.code,
            service.summary(paths),
            # As it always was: the first problem's field, without the position in a list (`sources`).
            camel_path(error.problems[0].field),
            {**error.extra, "problems": [{"field": f, "message": m} for f, m in paths]},
        )


def camel_path(name: str) -> str:
    """A seed-format field path as the GraphQL input's (``day_order`` → ``dayOrder``, ``place.lat``)."""
    name = {"place.lat": "place.latitude", "place.lon": "place.longitude"}.get(name, name)
    return ".".join(camel(part) for part in name.split("."))


async def _slug(info: Info, given: Given, kind: str, value: str, field: str, index: int | None = None) -> str:
    """The slug a reference names; an id that names nothing is a problem, and stays as given meanwhile."""
    decoded = ids.try_decode(value)
    if decoded is None:
        return value
    type_name, ident = decoded
    if type_name != BY_KEY[kind].type_name:
        message = f"{value!r} is the id of {article(type_name)}, not of {article(BY_KEY[kind].type_name)}"
        given.problems.append(Problem(field, message, index))
        return value
    rows = await rows_by_id(info.context, type_name, {ident})
    if not rows:
        given.problems.append(Problem(field, f"no {BY_KEY[kind].type_name} with id {value!r}", index))
        return value
    return rows[ident].slug


async def to_data(info: Info, kind: str, given: Any) -> Given:
    """An input object as a seed-format dict (only the fields given; ids turned into slugs)."""
    out = Given()
    for item in dataclasses.fields(given):
        value = getattr(given, item.name)
        if value is UNSET:
            continue
        key = "from" if item.name == "from_" else item.name
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
        given = {k: getattr(value, k) for k in TIMELINE if getattr(value, k) is not None}
        return {k: await _slug(info, out, k, v, key) for k, v in given.items()}
    return value


async def _result(info: Info, kind: str, ident: int) -> Any:
    type_name = BY_KEY[kind].type_name
    rows = await rows_by_id(info.context, type_name, {ident})
    obj = BUILDERS[type_name](rows[ident])
    return obj


async def create(info: Info, kind: str, given: Any) -> Any:
    who = await info.context.require("editor")
    read = await to_data(info, kind, given)

    def work(conn: Any) -> int:
        try:
            return service.create(conn, kind=kind, data=read.data, who=who, problems=read.problems)
        except service.WriteError as error:
            raise read.refusal(error) from None

    # A slug made up here may be taken by a concurrent create between our look and our insert: try again,
    # the next look sees it taken (each round, one of the creates racing for a slug gets it).
    retries = 5 if read.data.get("slug") is None else 0
    ident = await info.context.write(work, retries=retries)
    return await _result(info, kind, ident)


async def update(info: Info, kind: str, id: Any, slug: Any, version: int, given: Any) -> Any:
    who = await info.context.require("editor")
    ident, key = ids.id_or_slug(BY_KEY[kind].type_name, id, slug)
    read = await to_data(info, kind, given)

    def work(conn: Any) -> int:
        row = service.find(conn, kind, ident=ident, slug=key)
        try:
            return service.update_record(
                conn, kind=kind, row=row, version=version, patch=read.data, who=who, problems=read.problems
            )
        except service.WriteError as error:
            raise read.refusal(error) from None

    done = await info.context.write(work)
    return await _result(info, kind, done)


async def remove(info: Info, kind: str, id: Any, slug: Any, version: int, cascade: bool) -> DeletePayload:
    who = await info.context.require("admin")
    ident, key = ids.id_or_slug(BY_KEY[kind].type_name, id, slug)

    def work(conn: Any) -> list[tuple[str, int, str]]:
        row = service.find(conn, kind, ident=ident, slug=key)
        return service.delete_record(conn, kind=kind, row=row, version=version, cascade=cascade, who=who)

    deleted = await info.context.write(work)
    return DeletePayload(
        deleted=[
            DeletedRecord(type=BY_KEY[k].type_name, id=ids.encode(BY_KEY[k].type_name, i), slug=s)
            for k, i, s in deleted
        ]
    )


VERSION = "The version you read; the write fails with CONFLICT if the record changed since."


def _resolvers(kind: str, output: Any, input_type: Any) -> tuple[Any, Any, Any]:
    """The create, update and delete resolvers of one record type."""

    async def create_(info: Info, input: input_type) -> output:
        return await create(info, kind, input)

    async def update_(
        info: Info,
        version: int,
        input: input_type,
        id: strawberry.ID | None = None,
        slug: str | None = None,
    ) -> output:
        return await update(info, kind, id, slug, version, input)

    async def delete_(
        info: Info,
        version: int,
        id: strawberry.ID | None = None,
        slug: str | None = None,
        cascade: bool = False,
    ) -> DeletePayload:
        return await remove(info, kind, id, slug, version, cascade)

    # Real types, not the strings `from __future__ import annotations` leaves behind.
    create_.__annotations__ = {"info": Info, "input": input_type, "return": output}
    update_.__annotations__ = {
        "info": Info,
        "version": int,
        "input": input_type,
        "id": strawberry.ID | None,
        "slug": str | None,
        "return": output,
    }
    delete_.__annotations__ = {
        "info": Info,
        "version": int,
        "id": strawberry.ID | None,
        "slug": str | None,
        "cascade": bool,
        "return": DeletePayload,
    }
    return create_, update_, delete_


def _mutations() -> type:
    """Build `<type>Create`, `<type>Update` and `<type>Delete` for every record type."""
    namespace: dict[str, Any] = {}
    for kind in KINDS:
        name = kind.type_name[0].lower() + kind.type_name[1:]
        label = article(kind.label)
        output = getattr(nodes, kind.type_name)  # Strawberry names an object type after its class

        create_, update_, delete_ = _resolvers(kind.key, output, INPUTS[kind.key])
        namespace[f"{name}_create"] = strawberry.mutation(
            resolver=create_, description=f"Create {label} (editor role). Returns it as stored."
        )
        namespace[f"{name}_update"] = strawberry.mutation(
            resolver=update_,
            description=f"Change {label} given by `id` or `slug` (editor role): the fields given "
            f"replace the stored ones, `null` clears one. `version`: {VERSION}",
        )
        namespace[f"{name}_delete"] = strawberry.mutation(
            resolver=delete_,
            description=f"Delete {label} (admin role). If other records refer to it the "
            "delete fails with CONFLICT listing them, unless `cascade: true` deletes them too (links such as "
            f"participations and citations go with it). `version`: {VERSION}",
        )
    cls = type("Mutation", (), namespace)
    return strawberry.type(cls, description="Write the story (needs `Authorization: Bearer <token>`).")


Mutation = _mutations()
