"""Errors on pages: a person is sent to the login form or shown a page in their language, never JSON."""

from __future__ import annotations

from collections.abc import Callable
from html import escape
from typing import Any
from urllib.parse import quote

from litestar import Request, Response
from litestar.exceptions import NotAuthorizedException
from litestar.response import Redirect

from gateways.edge.errors import ErrorBody
from gateways.web.i18n import translator
from gateways.web.render import language

Handler = Callable[[Request[Any, Any, Any], Any], Response[Any]]
MESSAGES = {403: "Anda tidak berhak membuka halaman ini.", 404: "Halaman tidak ditemukan.",
            503: "Basis data kantor sedang tidak dapat dihubungi. Tidak ada data yang berubah; "
                 "coba lagi sebentar lagi."}
# For these the API's own message is what the person needs on the page too: why the request was refused, and for a
# file too large, the largest one kept.
FROM_CATALOGUE = {400, 405, 413}
# Refusals whose own message says what happened better than their status's (the file store: gateways/storage.py).
CATALOGUE_CODES = {"file_store_unavailable", "file_store_refused"}
KEPT_HEADERS = ("allow", "retry-after")
# Fragments a page polls in the background (the menu's notification badge): an ended session answers the API's 401,
# which htmx does not swap in, rather than the login page, which it would put inside the badge.
POLLED_FRAGMENTS = ("/notifikasi/lencana",)


def is_page(request: Request[Any, Any, Any]) -> bool:
    path = request.url.path
    return not (path.startswith("/api") or path.startswith("/health") or path.startswith("/schema")
                or path.startswith("/openapi") or path.startswith("/webhook/"))


def for_pages(api_handler: Handler) -> Handler:
    """Keeps the API's JSON errors; on a page, a 401 goes to the login form and other errors render a page."""

    def handle(request: Request[Any, Any, Any], error: Any) -> Response[Any]:
        if not is_page(request):
            return api_handler(request, error)
        if isinstance(error, NotAuthorizedException) and request.url.path in POLLED_FRAGMENTS:
            return api_handler(request, error)
        if isinstance(error, NotAuthorizedException):
            return Redirect(f"/masuk?lanjut={quote(request.url.path)}", status_code=303)
        response = api_handler(request, error)  # logs unexpected errors, as for the API
        status = response.status_code
        _ = translator(language(request))
        text = _(MESSAGES.get(status, "Terjadi kesalahan. Tidak ada data yang berubah."))
        if isinstance(response.content, ErrorBody) and (status in FROM_CATALOGUE
                                                        or response.content.code in CATALOGUE_CODES):
            text = response.content.message_en if language(request) == "en" else response.content.message
        body = (
            f'<!doctype html><html lang="{language(request)}"><head><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width, initial-scale=1"><title>{status}</title>'
            '<link rel="icon" href="data:,"><link rel="stylesheet" href="/static/app.css"></head>'
            '<body><main class="narrow">'
            f'<h1>{status}</h1><p>{escape(text)}</p><p><a href="/">{_("Kembali ke beranda")}</a></p>'
            '</main></body></html>'
        )
        headers = {name: value for name, value in response.headers.items() if name.lower() in KEPT_HEADERS}
        return Response(body, status_code=response.status_code, media_type="text/html", headers=headers)

    return handle
