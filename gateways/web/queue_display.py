"""The queue board on the waiting room's screen (/antrian/layar/<token>): a public page, no staff login, reached with
the office's display token, showing queue numbers only (being served, waiting) and never a name. It polls itself
with htmx; a request that fails (the node restarting, too many requests) leaves the last numbers on the screen, and a
token no longer valid replaces them with a notice, so a rotated token stops an old screen.

The token is HELPDESK_QUEUE_DISPLAY_TOKEN (gateways/config.py) or, when that is empty, one derived from the node's
secret key, stable across restarts; setting another value (and restarting) rotates it. The staff's /antrian page
shows the address and its QR code. Every request counts against the address's limit, like the public FAQ page."""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from litestar import Controller, Request, get
from litestar.di import NamedDependency
from litestar.params import FromPath, SkipValidation
from litestar.response import Template

from domain.login_limits import minutes_to_wait
from gateways.edge.client_address import client_address
from gateways.edge.deps import ClockDep, FrontDeskDep, HereDep
from gateways.reports.dates import clock_time, long_date, today
from gateways.request_limit import RequestLimit
from gateways.web.i18n import translator
from gateways.web.render import language, page

DISPLAY_PATH = "/antrian/layar/"
PUBLIC_DISPLAY = [f"^{DISPLAY_PATH}"]  # no login (gateways/web/routes.py PUBLIC_PAGES)
DISPLAY_REQUESTS_PER_MINUTE = 30  # the screen asks every POLL_SECONDS; a few screens behind one address fit
POLL_SECONDS = 10
DISPLAY_NEXT = 8  # waiting numbers shown
_DERIVATION = b"helpdesk-sipol:queue-display"
Visitor = Request[Any, Any, Any]


@dataclass(frozen=True)
class QueueDisplay:
    """The office's display token and the limit on how often one address may ask the screen's page."""

    token: str
    limit: RequestLimit
    public_url: str = ""  # the node's address as people open it; "" when the request's own address will do

    def admits(self, candidate: str) -> bool:
        return hmac.compare_digest(candidate.encode(), self.token.encode())

    def url(self, request_base: str) -> str:
        return f"{(self.public_url or request_base).rstrip('/')}{DISPLAY_PATH}{self.token}"


def display_token(configured: str, secret_key: bytes) -> str:
    """The configured token, else one derived from the node's secret key (the key itself is never shown)."""
    if configured:
        return configured
    digest = hmac.new(secret_key, _DERIVATION, hashlib.sha256).digest()[:18]
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


def queue_display(configured: str, secret_key: bytes, clock: Callable[[], datetime], public_url: str) -> QueueDisplay:
    return QueueDisplay(display_token(configured, secret_key), RequestLimit(DISPLAY_REQUESTS_PER_MINUTE, clock),
                        public_url)


QueueDisplayDep = NamedDependency[SkipValidation[QueueDisplay]]  # queue_display


class QueueDisplayPages(Controller):
    path = "/"
    include_in_schema = False

    @get(f"{DISPLAY_PATH}{{token:str}}", sync_to_thread=True, exclude_from_auth=True)
    def display(self, request: Visitor, here: HereDep, frontdesk: FrontDeskDep, clock: ClockDep,
                queue_display: QueueDisplayDep, token: FromPath[str]) -> Template:
        _ = translator(language(request))
        seconds = queue_display.limit.seconds_to_wait(client_address(request))
        if seconds is not None:
            refused = _notice(request, here, 429, _("Terlalu banyak permintaan"),
                              _("Terlalu banyak permintaan dari alamat ini. Coba lagi dalam {minutes} menit.",
                                minutes=minutes_to_wait(seconds)))
            refused.headers["Retry-After"] = str(seconds)
            return refused
        if not queue_display.admits(token):
            return _notice(request, here, 404, _("Layar antrian tidak ditemukan"),
                           _("Alamat layar antrian ini tidak berlaku. Minta alamat yang baru kepada petugas helpdesk."))
        now = clock()
        view = frontdesk.queue(here.office.value, today(now, here.office))
        # Numbers only: a ticket's guest, and who called it, stay on the staff's pages.
        called = [ticket.number for ticket in view.called if ticket.number != view.now_serving]
        return page(request, here, "frontdesk/display.html", now_serving=view.now_serving, also_called=called,
                    next_numbers=[ticket.number for ticket in view.waiting[:DISPLAY_NEXT]],
                    waiting=len(view.waiting), day=long_date(view.day, language(request)),
                    updated=clock_time(now, here.office, language(request)),
                    mail_address=here.mail_address, poll_seconds=POLL_SECONDS, valid=True)


def _notice(request: Visitor, here: HereDep, status_code: int, title: str, text: str) -> Template:
    return page(request, here, "frontdesk/display.html", status_code=status_code, title=title, text=text,
                poll_seconds=POLL_SECONDS, valid=False)
