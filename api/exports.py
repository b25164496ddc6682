"""Timeline exports as plain downloads: ``GET /export/timelinejs.json`` and ``GET /export/vis-timeline.json``.

The filter is given in query parameters, one per ``ItemFilter`` field under its GraphQL name: ``from``, ``to``
(fuzzy dates), ``actors`` (slugs or global ids), ``actorsMatch`` (``any``/``all``), ``includeAffiliated``
(``true``/``false``), ``eventKinds``, ``channels``, ``reactionKinds``, ``itemTypes`` (enum names, any case),
``tags``, ``country``, ``search``, ``updatedSince`` (ISO 8601); the vis export also takes ``groupBy``
(``item_type``/``actor``). A list is the parameter repeated or comma-separated (``actors=israel,taiwan``). So
``/export/timelinejs.json?actors=israel&from=2025-07`` is the GraphQL field ``timelineJsExport(filter: {actors:
[{slug: "israel"}], from: "2025-07"})``, answered with the same document (``schema.exports`` builds both).

The answer is a file (``Content-Disposition: attachment``) that caches: a strong ``ETag`` (a hash of the bytes;
``If-None-Match`` answers 304), ``Last-Modified`` (the latest change among what the file shows: the items, the
actors it names — speakers, reactors, the filter's actors, an event's standing participant in vis lanes by actor —
and, in TimelineJS, the cited sources) and ``Cache-Control: public, max-age=60``. A 304 answers ``If-None-Match``
only: a deleted item, or one changed so that it left the filter, does not move ``Last-Modified``, so
``If-Modified-Since`` could not be trusted.

A bad parameter (unknown, repeated, malformed, naming no actor) is a 400 with ``{"error": {"code", "message",
"parameter"}}``; an export past the item limit a 400 with ``limit: "exportItems"`` (never a cut-short file).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import enum
import hashlib
import logging
import uuid
from collections.abc import Callable
from email.utils import format_datetime
from typing import Any

import orjson
from sqlalchemy.ext.asyncio import AsyncEngine
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from api.dates import DateError
from api.logs import REQUEST_ID
from api.settings import Settings
from schema import ids
from schema.context import Context, StatementTally
from schema.errors import PublicError
from schema.exports import VisGroupBy, gather, timelinejs, vis_timeline
from schema.filters import ItemFilter, utc
from schema.refs import RecordRef, canonical_date
from schema.types.enums import ActorMatch, Channel, EventKind, ReactionKind, TimelineItemType

log = logging.getLogger("realign.errors")

CACHE_CONTROL = "public, max-age=60"
FORMATS = {"timelinejs.json": "timelinejs", "vis-timeline.json": "vis-timeline"}


class BadParameter(Exception):
    """A query parameter that cannot be read; the message says why."""


def _enum(kind: type[enum.Enum]) -> Callable[[str], Any]:
    def read(value: str) -> Any:
        name = value.strip().upper()
        if name not in kind.__members__:
            choices = ", ".join(m.lower() for m in kind.__members__)
            raise BadParameter(f"{value!r} is not one of {choices}")
        return kind[name]

    return read


def _bool(value: str) -> bool:
    text = value.strip().lower()
    if text not in ("true", "false", "1", "0"):
        raise BadParameter(f"{value!r} is not true or false")
    return text in ("true", "1")


def _date(value: str) -> str:
    try:
        return canonical_date(value)
    except DateError as error:
        raise BadParameter(str(error)) from None


def _time(value: str) -> dt.datetime:
    try:
        return dt.datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        raise BadParameter(f"{value!r} is not an ISO 8601 time (like 2025-08-01T00:00:00Z)") from None


def _actor(value: str) -> RecordRef:
    text = value.strip()
    return RecordRef(id=text) if ids.try_decode(text) is not None else RecordRef(slug=text)  # type: ignore[arg-type]


def _text(value: str) -> str:
    return value


# Each ItemFilter field: its parameter (the GraphQL name), its Python name, how one value reads, whether a list.
FILTER_PARAMETERS: dict[str, tuple[str, Callable[[str], Any], bool]] = {
    "from": ("from_", _date, False),
    "to": ("to", _date, False),
    "actors": ("actors", _actor, True),
    "actorsMatch": ("actors_match", _enum(ActorMatch), False),
    "includeAffiliated": ("include_affiliated", _bool, False),
    "eventKinds": ("event_kinds", _enum(EventKind), True),
    "channels": ("channels", _enum(Channel), True),
    "reactionKinds": ("reaction_kinds", _enum(ReactionKind), True),
    "tags": ("tags", _text, True),
    "country": ("country", _text, False),
    "search": ("search", _text, False),
    "itemTypes": ("item_types", _enum(TimelineItemType), True),
    "updatedSince": ("updated_since", _time, False),
}
# Every filter field has its parameter: a field added to ItemFilter without one fails here, at import.
_FIELDS = {f.python_name for f in ItemFilter.__strawberry_definition__.fields}  # type: ignore[attr-defined]
assert _FIELDS == {python for python, _, _ in FILTER_PARAMETERS.values()}, _FIELDS


def read_filter(params: list[tuple[str, str]], extra: dict[str, Callable[[str], Any]]) -> tuple[Any, dict[str, Any]]:
    """The ``ItemFilter`` (None when no filter parameter is given) and the other arguments (``extra``) of a
    request's query parameters; ``BadParameter`` naming the parameter when one cannot be read."""
    given: dict[str, list[str]] = {}
    for name, value in params:
        given.setdefault(name, []).append(value)
    fields: dict[str, Any] = {}
    others: dict[str, Any] = {}
    for name, values in given.items():
        if name in FILTER_PARAMETERS:
            python, read, many = FILTER_PARAMETERS[name]
        elif name in extra:
            python, read, many = name, extra[name], False
        else:
            known = ", ".join([*FILTER_PARAMETERS, *extra])
            raise _named(name, f"unknown parameter {name!r}; the parameters are: {known}")
        if not many and len(values) > 1:
            raise _named(name, f"`{name}` is given {len(values)} times; give it once")
        try:
            if many:
                read_value: Any = [read(part) for value in values for part in value.split(",") if part.strip()]
            else:
                read_value = read(values[0])
        except BadParameter as error:
            raise _named(name, f"`{name}`: {error}") from None
        (fields if name in FILTER_PARAMETERS else others)[python] = read_value
    return (ItemFilter(**fields) if fields else None), others


class _Refusal(Exception):
    def __init__(self, status: int, error: dict[str, Any]) -> None:
        super().__init__(error["message"])
        self.status, self.error = status, error


def _named(parameter: str, message: str) -> _Refusal:
    return _Refusal(400, {"code": "BAD_USER_INPUT", "message": message, "parameter": parameter})


def _parameter(field: object) -> str | None:
    """The query parameter an error's field names: ``filter.actors[1].slug`` → ``actors``."""
    if not isinstance(field, str) or not field.startswith("filter."):
        return None
    return field[len("filter.") :].split(".")[0].split("[")[0]


def _refusal(error: PublicError) -> _Refusal:
    """A public error as an HTTP answer: a bad parameter or one naming nothing 400; otherwise (the only other
    public errors a read raises: a busy, unreachable or slow database) 503."""
    extensions = dict(error.extensions)
    code = str(extensions.pop("code"))
    body: dict[str, Any] = {"code": code, "message": str(error), "parameter": _parameter(extensions.pop("field", None))}
    body.update(extensions)
    return _Refusal(400 if code in ("BAD_USER_INPUT", "NOT_FOUND") else 503, body)


def _etag(body: bytes) -> str:
    return '"' + hashlib.sha256(body).hexdigest()[:32] + '"'


def _matches(header: str | None, etag: str) -> bool:
    """Whether an If-None-Match header names this ETag (weak comparison, as RFC 9110 asks for this header)."""
    if header is None:
        return False
    tags = [t.strip().removeprefix("W/") for t in header.split(",")]
    return "*" in tags or etag in tags


def export_route(settings: Settings, engine: AsyncEngine, tally: StatementTally | None = None) -> Route:
    """The route of the downloads, ``/export/{name}``, reading with its own per-request context."""

    async def download(request: Request) -> Response:
        name = request.path_params["name"]
        if name not in FORMATS:
            formats = ", ".join(f"/export/{f}" for f in FORMATS)
            error = {
                "code": "NOT_FOUND",
                "message": f"no export {name!r}; the exports are {formats}",
                "parameter": None,
            }
            return JSONResponse({"error": error}, status_code=404)
        context = Context(engine=engine, settings=settings, request=request, tally=tally)
        request.scope.setdefault("state", {})["context"] = context  # the request log reports its statements
        try:
            extra = {"groupBy": _enum(VisGroupBy)} if FORMATS[name] == "vis-timeline" else {}
            filter_, others = read_filter(list(request.query_params.multi_items()), extra)
            group_by = others.get("groupBy", VisGroupBy.ITEM_TYPE)
            async with asyncio.timeout(settings.execution_timeout):
                if FORMATS[name] == "timelinejs":
                    gathered = await gather(context, filter_, standing=False)
                else:
                    gathered = await gather(context, filter_, cited=False, standing=group_by == VisGroupBy.ACTOR)
            if FORMATS[name] == "timelinejs":
                document = timelinejs(gathered)
            else:
                document = vis_timeline(gathered, group_by)
        except _Refusal as refusal:
            return JSONResponse({"error": refusal.error}, status_code=refusal.status)
        except PublicError as error:
            answer = _refusal(error)
            return JSONResponse({"error": answer.error}, status_code=answer.status)
        except TimeoutError:
            seconds = f"{settings.execution_timeout:g}"
            error_ = {"code": "TIMEOUT", "message": f"the export took longer than {seconds} s and was stopped"}
            return JSONResponse({"error": {**error_, "parameter": None}}, status_code=503)
        except Exception:
            reference = REQUEST_ID.get() or uuid.uuid4().hex
            log.error("internal error in an export", exc_info=True)
            internal = {"code": "INTERNAL", "message": "internal error", "requestId": reference, "parameter": None}
            return JSONResponse({"error": internal}, status_code=500)
        finally:
            await context.close()
        body = orjson.dumps(document)
        etag = _etag(body)
        headers = {"ETag": etag, "Cache-Control": CACHE_CONTROL}
        if gathered.last_modified is not None:
            headers["Last-Modified"] = format_datetime(utc(gathered.last_modified), usegmt=True)
        if _matches(request.headers.get("if-none-match"), etag):
            return Response(status_code=304, headers=headers)
        headers["Content-Disposition"] = f'attachment; filename="realign-{name}"'
        return Response(body, media_type="application/json", headers=headers)

    return Route("/export/{name}", download, methods=["GET"])
