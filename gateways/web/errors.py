"""Errors on pages: a person is sent to the login form or shown a page in their language, never JSON: the office's
usual frame, what happened and what to do next (gateways/web/error_page.py). A step's address opened by GET leads to
the record the step belongs to."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any
from urllib.parse import quote

from litestar import Request, Response
from litestar.exceptions import MethodNotAllowedException, NotAuthorizedException
from litestar.response import Redirect

from gateways.edge.errors import ErrorBody
from gateways.web.error_page import GENERIC, MESSAGES, error_page, same_site_referer
from gateways.web.i18n import translator
from gateways.web.render import language

__all__ = ["MESSAGES", "for_pages", "is_page", "return_path"]

Handler = Callable[[Request[Any, Any, Any], Any], Response[Any]]
# For these the API's own message is what the person needs on the page too: why the request was refused, and for a
# file too large, the largest one kept. A 405 on a GET is a person opening a form's address, told so in their words
# (MESSAGES); another method is a program, told the method is not allowed. A 429 says how long to wait below.
FROM_CATALOGUE = {400, 413}
# Refusals whose own message says what happened better than their status's (the file store: gateways/storage.py).
CATALOGUE_CODES = {"file_store_unavailable", "file_store_refused"}
KEPT_HEADERS = ("allow", "retry-after")
# Fragments a page polls in the background (the menu's notification badge): an ended session answers the API's 401,
# which htmx does not swap in, rather than the login page, which it would put inside the badge.
POLLED_FRAGMENTS = ("/notifikasi/lencana",)
# A step of a consultation or an escalated case is a form's address (POST). Opened by GET (a bookmark, the browser's
# history, the address kept across a login) it leads to the record's page, where the step's form is, not to a 405.
STEP_OF_RECORD = re.compile(r"^(/konsultasi/[0-9a-fA-F-]{36}|/eskalasi/kasus/[0-9a-fA-F-]{36})/[^?#]+$")


def return_path(request: Request[Any, Any, Any]) -> str:
    """Where to come back after logging in again: the page itself, or for a form sent (a POST, which a GET after the
    login could only answer 405) the page the form was on, when the browser says it and it is this node's."""
    if request.method == "GET":
        return request.url.path
    return same_site_referer(request) or "/"


def is_page(request: Request[Any, Any, Any]) -> bool:
    path = request.url.path
    return not (path.startswith("/api") or path.startswith("/health") or path.startswith("/schema")
                or path.startswith("/openapi") or path.startswith("/webhook/"))


def for_pages(api_handler: Handler) -> Handler:
    """Keeps the API's JSON errors; on a page, a 401 goes to the login form and other errors render a page."""

    def handle(request: Request[Any, Any, Any], error: Any) -> Response[Any]:
        if not is_page(request):
            return api_handler(request, error)
        if isinstance(error, NotAuthorizedException) and (request.url.path in POLLED_FRAGMENTS
                                                          or request.headers.get("hx-request") == "true"):
            # htmx swaps no 401 in: the page asks to log in again and keeps what was typed (static/session.js).
            return api_handler(request, error)
        if isinstance(error, NotAuthorizedException):
            return Redirect(f"/masuk?lanjut={quote(return_path(request))}", status_code=303)
        if isinstance(error, MethodNotAllowedException) and request.method == "GET" and (
                step := STEP_OF_RECORD.match(request.url.path)):
            return Redirect(step.group(1), status_code=303)
        response = api_handler(request, error)  # logs unexpected errors, as for the API
        status = response.status_code
        _ = translator(language(request))
        text = _(MESSAGES.get(status, GENERIC))
        if isinstance(response.content, ErrorBody) and (status in FROM_CATALOGUE
                                                        or (status == 405 and request.method != "GET")
                                                        or response.content.code in CATALOGUE_CODES):
            text = response.content.message_en if language(request) == "en" else response.content.message
        kept = {name.lower(): value for name, value in response.headers.items() if name.lower() in KEPT_HEADERS}
        shown = error_page(request, status, text, kept.get("retry-after"))
        shown.headers.update(kept)
        return shown

    return handle
