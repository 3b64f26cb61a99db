"""Notifikasi: my notifications, newest first, read or not, each linking to its consultation or case; the menu's badge
(polled by htmx; an ended session answers 401, see gateways/web/errors.py); and my choice of what reaches me by
e-mail or the office's Telegram bot (shown on my account page too)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from litestar import Controller, Request, Response, get, post
from litestar.params import FromPath, FromQuery, Parameter
from litestar.response import Redirect, Template

from domain.errors import DomainError
from domain.notification_values import Choices, DeliveryChannel, Kind
from gateways.edge.deps import HelpdeskDep, Here, HereDep, NotificationsDep, NotifyChannelsDep
from gateways.edge.errors import STATUS_OF_KIND
from gateways.notify.words import kind_label, link_of, notice_text
from gateways.web.forms import Form, field_errors
from gateways.web.paging import PAGE_SIZE, offset_of, page_number, pager
from gateways.web.render import language, page
from gateways.web.workspace_view import template_helpers
from projections.notification_queries import NotificationQueries, NotificationView
from services.notifications import ChoicesInput

MAX_TITLE = 300  # the longest page title the badge's poll may send back (longer: 400, nothing swapped)
# Which home tile shows what waits of each kind (the menu's pages); a kind not named here counts on "Notifikasi".
TILE_OF_KIND: dict[Kind, str] = {
    Kind.HANDOVER_WAITING: "/eskalasi", Kind.CASE_RECEIVED: "/eskalasi", Kind.CLARIFICATION_ASKED: "/eskalasi",
    Kind.CLARIFICATION_ANSWERED: "/eskalasi", Kind.ANSWER_RETURNED: "/konsultasi", Kind.NEAR_BREACH: "/konsultasi",
    Kind.REPORT_MISSED: "/pemantauan", Kind.INCIDENT: "/kejadian-khusus", Kind.REPORT_RETURNED: "/laporan-harian",
    Kind.COVERAGE_GAP: "/jadwal-piket", Kind.MONITORING_DUE: "/pemantauan",
}


class NotificationPages(Controller):
    path = "/notifikasi"
    include_in_schema = False

    @get("/", sync_to_thread=True)
    def index(self, request: Request[Any, Any, Any], here: HereDep, notifications: NotificationsDep,
              halaman: FromQuery[str | None] = None) -> Template:
        number = page_number(halaman)
        mine = notifications.mine(request.user.id, offset_of(number), PAGE_SIZE)
        lang = language(request)
        items = [_item(view, lang) for view in mine.items]
        return page(request, here, "notifications/index.html", items=items, unread=mine.unread,
                    pager=pager("/notifikasi", {}, number, len(items), mine.total), **template_helpers(here.office))

    @get("/lencana", sync_to_thread=True)
    def badge(self, request: Request[Any, Any, Any], here: HereDep, notifications: NotificationsDep,
              judul: str | None = Parameter(default=None, max_length=MAX_TITLE)) -> Template:
        """Only the badge (and the page's title with the count before it), for htmx to swap in every few seconds."""
        return page(request, here, "notifications/_badge.html", unread=notifications.unread_count(request.user.id),
                    title=judul or "")

    @post("/{position:int}/baca", sync_to_thread=True)
    def read(self, request: Request[Any, Any, Any], notifications: NotificationsDep, position: FromPath[int]
             ) -> Response[Any]:
        """Marks it read and opens what it is about (the list again for a notice about the day)."""
        view = notifications.mark_read(request.user.id, position)
        if view is None:
            return Redirect("/notifikasi", status_code=303)
        return Redirect(link_of(view.subject, view.subject_id) or "/notifikasi", status_code=303)

    @post("/baca-semua", sync_to_thread=True)
    def read_all(self, request: Request[Any, Any, Any], notifications: NotificationsDep) -> Response[Any]:
        notifications.mark_all_read(request.user.id)
        return Redirect("/notifikasi", status_code=303)

    @get("/pengaturan", sync_to_thread=True)
    def choices(self, request: Request[Any, Any, Any], here: HereDep, helpdesk: HelpdeskDep,
                notify_channels: NotifyChannelsDep) -> Template:
        return _choices_page(request, here, helpdesk.notification_choices(request.user), notify_channels)

    @post("/pengaturan", sync_to_thread=True)
    def choose(self, request: Request[Any, Any, Any], here: HereDep, helpdesk: HelpdeskDep,
               notify_channels: NotifyChannelsDep, data: Form) -> Template:
        given = ChoicesInput(email=_text(data.get("email")), telegram_chat_id=_text(data.get("telegram_chat_id")),
                             email_kinds=_many(data.get("email_kinds")),
                             telegram_kinds=_many(data.get("telegram_kinds")))
        try:
            chosen = helpdesk.choose_notifications(request.user, given)
        except DomainError as error:
            typed = Choices(email=given.email, telegram_chat_id=given.telegram_chat_id)
            return _choices_page(request, here, typed, notify_channels, status_code=STATUS_OF_KIND[error.kind],
                                 errors=field_errors(error, language(request)),
                                 ticked={"email": set(given.email_kinds), "telegram": set(given.telegram_kinds)})
        return _choices_page(request, here, chosen, notify_channels, done="Pilihan notifikasi disimpan.")


def _choices_page(request: Request[Any, Any, Any], here: Here, choices: Choices, channels: frozenset[DeliveryChannel],
                  status_code: int = 200, errors: dict[str, str] | None = None, done: str = "",
                  ticked: dict[str, set[str]] | None = None) -> Template:
    lang = language(request)
    ticked = ticked or {"email": {k.value for k in choices.email_kinds},
                        "telegram": {k.value for k in choices.telegram_kinds}}
    kinds = [(kind.value, kind_label(kind, lang)) for kind in Kind]
    # The account page loads the form alone in place (htmx); its own page shows it whole.
    template = "notifications/_choices_form.html" if request.headers.get("hx-request") == "true" else \
        "notifications/choices.html"
    shown = page(request, here, template, status_code=status_code, choices=choices, kinds=kinds,
                 ticked=ticked, errors=errors or {}, done=done, offers_email=DeliveryChannel.EMAIL in channels,
                 offers_telegram=DeliveryChannel.TELEGRAM in channels)
    shown.headers["Cache-Control"] = "no-store"
    return shown


def _item(view: NotificationView, lang: str) -> dict[str, Any]:
    return {"view": view, "kind": kind_label(view.kind, lang), "text": notice_text(view.code, view.values, lang),
            "link": link_of(view.subject, view.subject_id)}


def _text(value: Any) -> str | None:
    if isinstance(value, list):
        value = value[0] if value else None
    return str(value) if value is not None else None


def _many(value: Any) -> list[str]:
    if value is None:
        return []
    return [str(v) for v in value] if isinstance(value, list) else [str(value)]


def waiting_summary(notifications: NotificationQueries) -> Callable[[Any], dict[str, Any]]:
    """For every page's menu badge, title and home tiles (gateways/web/render.py): the caller's counts."""

    def summary(user: Any) -> dict[str, Any]:
        waiting = notifications.waiting(user.id)
        tiles: dict[str, int] = {}
        for kind, count in waiting.waiting_by_kind.items():
            tile = TILE_OF_KIND.get(kind, "/notifikasi")
            tiles[tile] = tiles.get(tile, 0) + count
        return {"unread": waiting.unread, "tiles": tiles}

    return summary
