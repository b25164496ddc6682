"""What browsers need beyond GraphQL itself: the self-hosted playground page and CORS.

The playground is GraphiQL built from npm packages in ``web/`` into ``api/playground/`` (committed, shipped as
package data), so serving it needs neither Node nor the internet. Its Content-Security-Policy allows nothing
but this server, which is also how the browser tests prove the page loads nothing from outside.
"""

from __future__ import annotations

import re
from importlib.resources import files
from pathlib import Path
from typing import Any

from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Receive, Scope, Send

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

    def file_response(self, *args: Any, **kwargs: Any) -> Response:
        response = super().file_response(*args, **kwargs)
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
