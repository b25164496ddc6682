"""Downloads of the actor network (``schema.network``) in the formats graph tools read.

- ``GET /network.graphml``: GraphML (Gephi, Cytoscape, NetworkX, yEd): every node and edge attribute declared
  with a typed ``<key>``; nodes are named by the actor's slug, edges ``from->to``.
- ``GET /network.cytoscape.json``: Cytoscape.js elements, ``{"nodes": [{"data": {...}}], "edges": [...]}``, for
  ``cytoscape({elements: ...})`` or ``cy.add(...)``.

Query parameters, as ``actorNetwork``'s arguments: ``from``, ``to``, ``asOf`` (fuzzy dates), ``actors`` (slugs
or global ids, repeated or comma-separated), ``includeAffiliated`` (``true``/``false``), ``maxLinks`` (past it, the
strongest links, as ``actorNetwork`` keeps them). A bad one is a 400 (an unknown actor a 404) with ``{"error":
{"code", "message", "parameter"}}``. Answers carry ``Content-Disposition``, an ``ETag`` computed from the body
(``If-None-Match`` gets a 304) and ``Realign-Link-Count``, how many links the network has in all (GraphML also
says it as the graph's ``linkCount``).
"""

from __future__ import annotations

import asyncio
import hashlib
import re
from collections.abc import Awaitable, Callable
from typing import Any

import orjson
import strawberry
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from schema import ids
from schema.context import Context
from schema.errors import BadUserInput, PublicError
from schema.network import DEFAULT_MAX_LINKS, Network, NetworkRequest, actor_network
from schema.refs import RecordRef

PARAMETERS = ("from", "to", "asOf", "actors", "includeAffiliated", "maxLinks")
STATUS = {"BAD_USER_INPUT": 400, "NOT_FOUND": 404, "TIMEOUT": 503, "SERVICE_UNAVAILABLE": 503}
# Downloads may be cached briefly and then revalidated by their ETag (writes change the network).
CACHE_CONTROL = "public, max-age=60"

# Node and edge attributes: (GraphML key id, attribute name, GraphML type), in the order they are written.
NODE_KEYS = (
    ("label", "label", "string"),
    ("slug", "slug", "string"),
    ("kind", "kind", "string"),
    ("country", "country", "string"),
    ("gid", "globalId", "string"),
    ("degree", "degree", "int"),
    ("in_degree", "inDegree", "int"),
    ("out_degree", "outDegree", "int"),
    ("in_weight", "inWeight", "int"),
    ("out_weight", "outWeight", "int"),
)
EDGE_KEYS = (
    ("weight", "weight", "int"),
    ("interactions", "interactionCount", "int"),
    ("changes", "changeCount", "int"),
    ("events", "eventCount", "int"),
    ("statements", "statementCount", "int"),
    ("reactions", "reactionCount", "int"),
    ("trend", "trend", "string"),
)
GRAPHML = "http://graphml.graphdrawing.org/xmlns"


def _nodes(network: Network) -> list[dict[str, Any]]:
    """Each node's attributes, by attribute name (``NODE_KEYS``)."""
    degrees = network.degrees()
    out = []
    for ident in network.node_order():
        row, d = network.actors[ident], degrees[ident]
        out.append(
            {
                "label": row.name,
                "slug": row.slug,
                "kind": row.kind,
                "country": row.country,
                "globalId": str(ids.encode("Actor", ident)),
                "degree": d["ind"] + d["outd"],
                "inDegree": d["ind"],
                "outDegree": d["outd"],
                "inWeight": d["inw"],
                "outWeight": d["outw"],
            }
        )
    return out


def _edges(network: Network) -> list[dict[str, Any]]:
    """Each edge's ends (slugs) and attributes, by attribute name (``EDGE_KEYS``)."""
    slug = {ident: row.slug for ident, row in network.actors.items()}
    return [
        {
            "id": f"{slug[e.a]}->{slug[e.b]}",
            "source": slug[e.a],
            "target": slug[e.b],
            "weight": int(e.weight),
            "interactionCount": int(e.changes + e.events + e.statements + e.reactions),
            "changeCount": int(e.changes),
            "eventCount": int(e.events),
            "statementCount": int(e.statements),
            "reactionCount": int(e.reactions),
            "trend": network.trend(e).name,
        }
        for e in network.link_order()
    ]


def _text(value: object) -> str:
    """Character data as ElementTree writes it (a number as it stands)."""
    if not isinstance(value, str):
        return str(value)
    if "&" not in value and "<" not in value and ">" not in value:
        return value
    return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _attribute(value: object) -> str:
    """An attribute value as ElementTree writes it (double-quoted)."""
    text = _text(value).replace('"', "&quot;")
    return text.replace("\r", "&#13;").replace("\n", "&#10;").replace("\t", "&#09;")


def graphml(network: Network) -> bytes:
    """The network as a GraphML document (directed): the bytes ElementTree would write (indented by two spaces),
    written directly, as a network of thousands of links would take ElementTree longer than the database."""
    out = ["<?xml version='1.0' encoding='utf-8'?>", f'<graphml xmlns="{GRAPHML}">']
    keys = [("node", key, name, kind) for key, name, kind in NODE_KEYS]
    keys += [("edge", key, name, kind) for key, name, kind in EDGE_KEYS]
    keys.append(("graph", "link_count", "linkCount", "int"))
    for target, key, name, kind in keys:
        out.append(f'  <key id="{key}" for="{target}" attr.name="{name}" attr.type="{kind}" />')
    out.append('  <graph id="actor-network" edgedefault="directed">')
    out.append(f'    <data key="link_count">{network.total}</data>')
    for node in _nodes(network):
        # an absent value (no country) is no <data>, as GraphML means it
        data = [(key, node[name]) for key, name, _ in NODE_KEYS if node[name] is not None]
        out.append(f'    <node id="{_attribute(node["slug"])}">')
        out.extend(f'      <data key="{key}">{_text(value)}</data>' for key, value in data)
        out.append("    </node>")
    edge_keys = [(f'      <data key="{key}">', name) for key, name, _ in EDGE_KEYS]
    for edge in _edges(network):
        ends = (
            f'id="{_attribute(edge["id"])}" source="{_attribute(edge["source"])}" target="{_attribute(edge["target"])}"'
        )
        out.append(f"    <edge {ends}>")
        for start, name in edge_keys:
            out.append(f"{start}{_text(edge[name])}</data>")
        out.append("    </edge>")
    out.append("  </graph>")
    out.append("</graphml>")
    return ("\n".join(out) + "\n").encode()


def cytoscape(network: Network) -> bytes:
    """The network as Cytoscape.js elements: nodes named by slug (``label`` the actor's name), edges ``from->to``."""
    nodes = [{"data": {"id": node["slug"], **node}} for node in _nodes(network)]
    edges = [{"data": edge} for edge in _edges(network)]
    return orjson.dumps({"nodes": nodes, "edges": edges})


FORMATS: dict[str, tuple[Callable[[Network], bytes], str, str]] = {
    "graphml": (graphml, "application/graphml+xml; charset=utf-8", "graphml"),
    "cytoscape": (cytoscape, "application/json", "cytoscape.json"),
}


def _ref(text: str) -> RecordRef:
    """An actor named by slug or by global id."""
    return RecordRef(id=strawberry.ID(text)) if ids.try_decode(text) is not None else RecordRef(slug=text)


def network_request(request: Request) -> NetworkRequest:
    """The query parameters as a network request; BAD_USER_INPUT naming the parameter."""
    params = request.query_params
    for name in params:
        if name not in PARAMETERS:
            raise BadUserInput(f"unknown parameter {name!r}: use {', '.join(PARAMETERS)}", field=name)
    for name in PARAMETERS:
        if name != "actors" and len(params.getlist(name)) > 1:
            raise BadUserInput(f"give {name!r} once", field=name)
    actors = [part.strip() for value in params.getlist("actors") for part in value.split(",") if part.strip()]
    affiliated = params.get("includeAffiliated", "false").lower()
    if affiliated not in ("true", "false", "1", "0"):
        raise BadUserInput("`includeAffiliated` is `true` or `false`", field="includeAffiliated")
    limit = params.get("maxLinks")
    if limit is not None and not limit.strip().isdigit():
        raise BadUserInput("`maxLinks` is a whole number", field="maxLinks")
    return NetworkRequest(
        start=params.get("from"),
        end=params.get("to"),
        as_of=params.get("asOf"),
        actors=[_ref(a) for a in actors] if "actors" in params else None,
        include_affiliated=affiliated in ("true", "1"),
        max_links=int(limit) if limit is not None else DEFAULT_MAX_LINKS,
    )


def _error(error: PublicError) -> JSONResponse:
    code = str(error.extensions.get("code"))
    field = error.extensions.get("field")
    parameter = re.split(r"[\[.]", str(field))[0] if field is not None else None
    body = {"error": {"code": code, "message": str(error), "parameter": parameter}}
    return JSONResponse(body, status_code=STATUS.get(code, 500))


def _filename(given: NetworkRequest, extension: str) -> str:
    """``actor-network`` and the window, in characters safe in any file name."""
    parts = ["actor-network"]
    if given.as_of is not None:
        parts.append(f"as-of-{given.as_of}")
    elif given.start is not None or given.end is not None:
        parts.append(f"{given.start or 'start'}-to-{given.end or 'now'}")
    return re.sub(r"[^A-Za-z0-9._-]+", "_", "_".join(parts)) + "." + extension


async def download(request: Request, name: str) -> Response:
    """One network download in the format ``name`` (of ``FORMATS``)."""
    render, media_type, extension = FORMATS[name]
    settings = request.app.state.settings
    context = Context(
        engine=request.app.state.engine, settings=settings, request=request, tally=request.app.state.statements
    )
    try:
        given = network_request(request)
        async with asyncio.timeout(settings.execution_timeout):
            network = await actor_network(context, given)
    except PublicError as error:
        return _error(error)
    except TimeoutError:
        return _error(PublicError.of("TIMEOUT", f"the download took longer than {settings.execution_timeout:g} s"))
    finally:
        await context.close()
    body = render(network)
    etag = '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
    headers = {"ETag": etag, "Cache-Control": CACHE_CONTROL, "Realign-Link-Count": str(network.total)}
    if etag in [t.strip() for t in request.headers.get("if-none-match", "").split(",")]:
        return Response(status_code=304, headers=headers)
    headers["Content-Disposition"] = f'attachment; filename="{_filename(given, extension)}"'
    return Response(body, media_type=media_type, headers=headers)


def network_routes() -> list[Route]:
    """The download routes, for ``create_app``."""
    return [
        Route("/network.graphml", _endpoint("graphml"), methods=["GET"]),
        Route("/network.cytoscape.json", _endpoint("cytoscape"), methods=["GET"]),
    ]


def _endpoint(name: str) -> Callable[[Request], Awaitable[Response]]:
    async def endpoint(request: Request) -> Response:
        return await download(request, name)

    return endpoint
