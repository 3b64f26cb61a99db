"""OPTIONS on any route: 405 Method Not Allowed, with the route's methods in Allow, before login and guards.

The node serves its pages and its API from one origin and sends no CORS headers, so no browser ever needs a
preflight; an OPTIONS request is a client asking what it may send. Litestar answers it with a handler of its own that
still runs the route's guards — which read a user the authentication middleware never looked for on OPTIONS, a 500.
A 405 with Allow says exactly what the route takes and nothing a caller could not read in the public OpenAPI
document, login or not; a cross-origin preflight it answers gets no Access-Control-* header, so the browser keeps
the foreign page out, as it should.
"""

from __future__ import annotations

from litestar.exceptions import MethodNotAllowedException
from litestar.routes import HTTPRoute
from litestar.types import ASGIApp, Receive, Scope, Send


def refuse_options(app: ASGIApp) -> ASGIApp:
    async def middleware(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] == "OPTIONS":
            raise MethodNotAllowedException(headers={"Allow": _allowed(scope)})
        await app(scope, receive, send)

    return middleware


def _allowed(scope: Scope) -> str:
    template = scope.get("path_template")
    for route in scope["litestar_app"].routes:
        if isinstance(route, HTTPRoute) and route.path_format == template:
            return ", ".join(sorted(set(route.methods) - {"OPTIONS"}))
    return ""
