"""The web edge: headers on every response, and writes refused unless they come from the node's own pages.

Cross-site request forgery. A browser attaches the session cookie to whatever page makes the request, so a write
authenticated by the cookie must prove it came from this node's own pages. Every browser since 2020 sends `Origin`
on a POST, PUT, PATCH or DELETE — from a form or a script, "null" when the page hides it — and `Sec-Fetch-Site`;
`Referer` stands in where an older one sends no Origin. A write carrying a foreign (or "null") Origin, a foreign
Referer, or `Sec-Fetch-Site: cross-site` is refused with 403 before login is even looked at, so a forged login
(login CSRF) is refused too. A request with none of these headers comes from no browser page (curl, a script, the
test client) and cannot have been forged by one. A bearer token is never sent by a browser on its own, so calls
carrying one are left alone. The JSON API, called with the cookie, also takes only the body type each route
declares (JSON; multipart for the file upload): `text/plain` is what a foreign form or a simple cross-site fetch can
send without asking first. The session cookie is SameSite=Strict besides; these checks do not rely on it.

The node's own origin is `public_url` when set (the address people type, behind a proxy); otherwise the request's
Host header, compared by host (and port, when the Host names one) whatever the scheme, since a proxy terminating
TLS forwards plain HTTP.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from litestar.enums import RequestEncodingType
from litestar.exceptions import HTTPException
from litestar.types import ASGIApp, Message, Receive, Scope, Send

from gateways.edge.sessions import COOKIE_NAME

UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
STATIC_PREFIX = "/static/"

# No inline script or style anywhere (htmx is told not to add its indicator style, templates carry none); images
# may be data: URLs because the signature pad redraws a signature from one and the favicon is `data:,`.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none'; "
    "frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
)
HEADERS = {
    "content-security-policy": CONTENT_SECURITY_POLICY,
    "referrer-policy": "same-origin",
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",  # frame-ancestors for browsers that predate it
}
# Pages and API answers carry names and phone numbers, and front-desk tablets are shared: nothing kept. The static
# files (style sheets, htmx) are the same for everyone: an hour, so an upgrade reaches every tablet the same day.
NO_STORE = "no-store"
STATIC_CACHE = "public, max-age=3600"
# The public FAQ Sipol (gateways/web/faq_public.py) holds nobody's data and is the same for every visitor of a
# language: it may say how long it keeps (a phone on a slow line reads it again from its cache).
OWN_CACHE_PAGES = ("/faq",)


def keeps_own_cache(path: str) -> bool:
    """A public page that sets its own Cache-Control: `/faq` and below, never `/faq-sipol` (the staff's)."""
    return any(path == page or path.startswith(f"{page}/") for page in OWN_CACHE_PAGES)


class CrossSiteRequest(HTTPException):
    """A write that did not come from this node's own pages."""

    status_code = 403
    catalogue_code = "cross_site_request"


class BodyTypeRefused(HTTPException):
    """A cookie-authenticated API write whose body is not the type the route takes."""

    status_code = 415
    catalogue_code = "body_type_refused"


async def add_security_headers(message: Message, scope: Scope) -> None:
    """An app-wide `before_send` hook: every response, 404s and errors included, gets the headers above."""
    if message["type"] != "http.response.start":
        return
    path = scope.get("path", "")
    static = path.startswith(STATIC_PREFIX) or keeps_own_cache(path)
    ours = set(HEADERS) if static else {*HEADERS, "cache-control"}
    headers = [(name, value) for name, value in message.get("headers", []) if name.decode("latin-1").lower()
               not in ours]
    headers += [(name.encode(), value.encode()) for name, value in HEADERS.items()]
    if not static:
        headers.append((b"cache-control", NO_STORE.encode()))
    elif not any(name.lower() == b"cache-control" for name, _ in headers):
        headers.append((b"cache-control", STATIC_CACHE.encode()))
    message["headers"] = headers


def refuse_cross_site(public_url: str) -> Any:
    """A route middleware: refuses unsafe requests from another site (see the module's docstring)."""
    own = _origin(public_url) if public_url else None
    if public_url and own is None:
        raise ValueError(f"HELPDESK_PUBLIC_URL: '{public_url}' is not an origin")  # the settings check it first

    def middleware(app: ASGIApp) -> ASGIApp:
        async def check(scope: Scope, receive: Receive, send: Send) -> None:
            if scope["type"] == "http" and scope["method"] in UNSAFE_METHODS:
                headers = _headers(scope)
                if not _bearer(headers):
                    if not _same_origin(headers, own):
                        raise CrossSiteRequest()
                    if _with_cookie(headers) and scope["path"].startswith("/api/") and not _declared_body(scope,
                                                                                                        headers):
                        raise BodyTypeRefused()
            await app(scope, receive, send)

        return check

    return middleware


def _headers(scope: Scope) -> dict[str, str]:
    # The first of each name, as a browser sends each of these once; latin-1 reads any byte (never a 500).
    found: dict[str, str] = {}
    for name, value in scope["headers"]:
        found.setdefault(name.decode("latin-1").lower(), value.decode("latin-1"))
    return found


def _bearer(headers: dict[str, str]) -> bool:
    return headers.get("authorization", "")[:7].lower() == "bearer "


def _with_cookie(headers: dict[str, str]) -> bool:
    return f"{COOKIE_NAME}=" in headers.get("cookie", "")


def _same_origin(headers: dict[str, str], own: tuple[str, str, int] | None) -> bool:
    if headers.get("sec-fetch-site") == "cross-site":
        return False
    source = headers.get("origin") or headers.get("referer")
    if source is None:
        return True  # no browser page sent this (see the module's docstring)
    claimed = _origin(source)
    if claimed is None:
        return False  # "null" (a sandboxed or privacy-hidden page) or garbage: not one of ours
    if own is not None:
        return claimed == own
    return _matches_host(claimed, headers.get("host", ""))


def _origin(url: str) -> tuple[str, str, int] | None:
    """(scheme, host, port) of an absolute http(s) URL; None for anything else."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        return None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return None
    return parts.scheme, parts.hostname.lower(), port or (443 if parts.scheme == "https" else 80)


def _matches_host(claimed: tuple[str, str, int], host_header: str) -> bool:
    """The Host names a port when the node is reached directly (127.0.0.1:8000): host and port must match. Behind a
    proxy it names none, and the scheme the browser used is not the one the node sees: the host must match, on the
    default port of the page's scheme (another port of the same host is another origin, and SameSite lets it)."""
    try:
        parts = urlsplit(f"//{host_header.strip()}")
        port = parts.port
    except ValueError:
        return False
    if not parts.hostname or parts.hostname.lower() != claimed[1]:
        return False
    scheme, _, claimed_port = claimed
    return claimed_port == (port or (443 if scheme == "https" else 80))


def _declared_body(scope: Scope, headers: dict[str, str]) -> bool:
    """A route without a body takes any (it reads none); one with a body takes the type it declares."""
    handler = scope.get("route_handler")
    data = handler.parsed_fn_signature.parameters.get("data") if handler is not None else None
    if data is None:
        return True
    declared = getattr(data.kwarg_definition, "media_type", None) or RequestEncodingType.JSON
    sent = headers.get("content-type", "").split(";")[0].strip().lower()
    return sent == str(getattr(declared, "value", declared)).lower()
