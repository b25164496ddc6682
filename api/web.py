"""The HTTP layer around GraphQL: the self-hosted playground page, CORS and the request body limit.

The playground is GraphiQL built from npm packages in ``web/`` into ``api/playground/`` (committed, shipped as
package data), so serving it needs neither Node nor the internet. Its Content-Security-Policy allows nothing
but this server, which is also how the browser tests prove the page loads nothing from outside.
"""

from __future__ import annotations

import os
import re
from importlib.resources import files
from pathlib import Path

from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.logs import REQUEST_ID

PLAYGROUND = Path(str(files("api") / "playground"))
"""The built playground: index.html, build.json (the sources' hash) and assets/ (hashed file names)."""
ASSETS_URL = "/playground/assets"
"""Where the assets are served; web/vite.config.ts builds with base ``/playground/`` to match."""

# A Host header is echoed into the policy only if it looks like a host[:port]; anything else gets 'self' alone.
_HOST = re.compile(r"^[A-Za-z0-9.\-]+(:[0-9]{1,5})?$|^\[[0-9A-Fa-f:.]+\](:[0-9]{1,5})?$")


def playground_page() -> str:
    """The playground's index.html; a missing build is a broken checkout, said plainly."""
    index = PLAYGROUND / "index.html"
    if not index.is_file():
        raise RuntimeError(
            f"the playground is not built ({index} is missing): run `npm --prefix web ci && npm --prefix web run "
            "build`, or set REALIGN_GRAPHIQL=false"
        )
    return index.read_text(encoding="utf-8")


def content_security_policy(host: str | None) -> str:
    """Only this server: scripts, Monaco's workers, styles, fonts and requests, plus WebSockets to this host.

    - 'unsafe-inline' styles: Monaco and GraphiQL's React components set style attributes and inject
      <style> elements at run time (no inline *scripts* are allowed);
    - data: fonts and images: GraphiQL's stylesheet embeds its fonts and icons as data: URLs;
    - ws:/wss: to the same host, spelled out because older browsers do not let 'self' cover WebSockets —
      GraphiQL's fetcher sends subscriptions over graphql-ws to this server's /graphql.
    """
    connect = ["'self'"]
    if host and _HOST.match(host):
        connect += [f"ws://{host}", f"wss://{host}"]
    return "; ".join(
        [
            "default-src 'none'",
            "script-src 'self'",
            "worker-src 'self'",
            "style-src 'self' 'unsafe-inline'",
            "font-src 'self' data:",
            "img-src 'self' data:",
            f"connect-src {' '.join(connect)}",
            "manifest-src 'self'",
            "base-uri 'none'",
            "form-action 'none'",
            "frame-ancestors 'none'",
        ]
    )


class Playground:
    """Renders the built page for GET /graphql with Accept: text/html (Strawberry's IDE hook)."""

    def __init__(self) -> None:
        self.html = playground_page()  # read once: the build does not change under a running server

    def response(self, request: Request) -> Response:
        return HTMLResponse(
            self.html,
            headers={
                "Content-Security-Policy": content_security_policy(request.headers.get("host")),
                "X-Content-Type-Options": "nosniff",
                "Referrer-Policy": "no-referrer",
                # The page names the current hashed assets: always revalidate it, so a new build shows at once.
                "Cache-Control": "no-cache",
            },
        )


class PlaygroundAssets(StaticFiles):
    """The hashed build assets: a file's name changes with its content, so browsers may keep it for a year."""

    def __init__(self) -> None:
        super().__init__(directory=PLAYGROUND / "assets")

    def file_response(
        self, full_path: str | os.PathLike[str], stat_result: os.stat_result, scope: Scope, status_code: int = 200
    ) -> Response:
        response = super().file_response(full_path, stat_result, scope, status_code)
        response.headers["Cache-Control"] = "public, max-age=31536000, immutable"
        response.headers["X-Content-Type-Options"] = "nosniff"
        return response


CORS_METHODS = ("GET", "POST")
CORS_MAX_AGE = 600
"""Seconds a browser may cache a preflight answer: short, so removing an origin takes effect within minutes."""
CORS_EXPOSE = ("X-Request-ID",)
"""Response headers a cross-origin page may read: the request id, to quote when reporting an error."""


class Cors:
    """Starlette's CORSMiddleware, twice: listed origins may send ``Authorization`` (writes); ``*`` may not.

    ``*`` in REALIGN_CORS_ORIGINS opens anonymous reads to every site (``Access-Control-Allow-Origin: *``)
    but keeps ``Authorization`` out of the allowed headers, so a browser never sends a token cross-origin
    except from a listed origin. Credentials (cookies) are never allowed: Realign authenticates with bearer
    tokens. Requests without an Origin header (same origin, curl, servers) pass straight through.
    """

    def __init__(self, app: ASGIApp, *, origins: list[str]) -> None:
        self.app = app
        listed = [o for o in origins if o != "*"]
        self.listed = set(listed)
        self.for_listed = CORSMiddleware(
            app,
            allow_origins=listed,
            allow_methods=CORS_METHODS,
            allow_headers=("Authorization", "Content-Type"),
            allow_credentials=False,
            expose_headers=CORS_EXPOSE,
            max_age=CORS_MAX_AGE,
        )
        self.for_anyone = (
            CORSMiddleware(
                app,
                allow_origins=("*",),
                allow_methods=CORS_METHODS,
                allow_headers=("Content-Type",),
                allow_credentials=False,
                expose_headers=CORS_EXPOSE,
                max_age=CORS_MAX_AGE,
            )
            if "*" in origins
            else None
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        origin = next((v.decode("latin-1") for k, v in scope.get("headers") or () if k == b"origin"), None)
        if origin is None:
            await self.app(scope, receive, send)
        elif origin in self.listed or self.for_anyone is None:
            # An unlisted origin goes here too when there is no `*`: the middleware refuses its preflight
            # (400) and adds no Access-Control-Allow-Origin to its responses, so the browser blocks them.
            await self.for_listed(scope, receive, send)
        else:
            await self.for_anyone(scope, receive, send)


class BodyLimit:
    """ASGI middleware: a request body of more than ``max_body_bytes`` (``REALIGN_MAX_BODY_BYTES``) is answered
    with HTTP 413 and the code PAYLOAD_TOO_LARGE. A declared ``Content-Length`` over the limit is refused before
    anything runs; a body without one (chunked) is counted as it streams in and stopped once it passes."""

    def __init__(self, app: ASGIApp, *, max_body_bytes: int) -> None:
        self.app = app
        self.max_body_bytes = max_body_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        length = dict(scope.get("headers") or ()).get(b"content-length")
        if length is not None and length.isdigit() and int(length) > self.max_body_bytes:
            await self.refuse(scope, receive, send)
            return
        received = 0

        async def limited_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_body_bytes:
                    raise BodyTooLarge
            return message

        try:
            await self.app(scope, limited_receive, send)
        except BodyTooLarge:
            await self.refuse(scope, receive, send)

    async def refuse(self, scope: Scope, receive: Receive, send: Send) -> None:
        """The 413 answer, noted for the request log (``api.logs.RequestLog``, outside this middleware)."""
        scope.setdefault("state", {})["outcome"] = "body too large"
        extensions = {"code": "PAYLOAD_TOO_LARGE"}
        request_id = REQUEST_ID.get()
        if request_id is not None:
            extensions["requestId"] = request_id
        error = {"message": f"the request body is larger than {self.max_body_bytes} bytes", "extensions": extensions}
        await JSONResponse({"errors": [error]}, status_code=413)(scope, receive, send)


class BodyTooLarge(Exception):
    """The request body passed the limit while streaming in."""
