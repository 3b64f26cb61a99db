"""My notifications over the API: the list newest first with read/unread, the counts of what waits for me, marking
read, and my choice of what reaches me by e-mail or the office's Telegram bot. Every caller sees only their own."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated
from uuid import UUID

import msgspec
from litestar import Controller, get, post, put
from litestar.params import JSONBody, Parameter, QueryParameter

from domain.errors import NotFound
from domain.notification_values import Choices, DeliveryChannel, Kind, Subject
from gateways.edge.deps import Caller, HelpdeskDep, NotificationsDep, NotifyChannelsDep
from gateways.notify.words import kind_label, link_of, notice_text
from projections.notification_queries import NotificationQueries, NotificationView
from projections.paging import MAX_OFFSET
from services.notifications import ChoicesInput

MAX_POSITION = 2**62
Position = Annotated[int, Parameter(ge=1, le=MAX_POSITION)]  # a log position (a BIGINT in the read store)
KindName = Annotated[str, msgspec.Meta(max_length=40)]


class NotificationItem(msgspec.Struct, frozen=True):
    position: int
    kind: Kind
    kind_label: str
    subject: Subject
    subject_id: UUID | None
    number: str
    text: str  # Bahasa Indonesia; text_en beside it
    text_en: str
    link: str | None  # the page of the consultation or case
    at: datetime
    settled: bool
    read: bool


class NotificationList(msgspec.Struct, frozen=True):
    total: int
    unread: int
    items: list[NotificationItem]


class Counts(msgspec.Struct, frozen=True):
    unread: int
    unread_by_kind: dict[str, int]
    waiting_by_kind: dict[str, int]


class ChoicesRequest(msgspec.Struct, forbid_unknown_fields=True):
    """My address and chat id (empty or null: none), and the kinds that reach me by each."""

    email: Annotated[str, msgspec.Meta(max_length=254)] | None = None
    telegram_chat_id: Annotated[str, msgspec.Meta(max_length=21)] | None = None
    email_kinds: Annotated[list[KindName], msgspec.Meta(max_length=20)] = []
    telegram_kinds: Annotated[list[KindName], msgspec.Meta(max_length=20)] = []


class ChoicesView(msgspec.Struct, frozen=True):
    email: str | None
    telegram_chat_id: str | None
    email_kinds: list[Kind]
    telegram_kinds: list[Kind]
    offered: list[DeliveryChannel]  # the ways out this office has set up


class NotificationController(Controller):
    path = "/api/notifications"
    tags = ["Notifikasi"]

    @get("/", sync_to_thread=True, summary="Notifikasi saya, terbaru dahulu")
    def mine(self, request: Caller, notifications: NotificationsDep,
             offset: Annotated[int, QueryParameter(ge=0, le=MAX_OFFSET)] = 0,
             limit: Annotated[int, QueryParameter(ge=1, le=200)] = 50) -> NotificationList:
        found = notifications.mine(request.user.id, offset, limit)
        return NotificationList(found.total, found.unread, [_item(view) for view in found.items])

    @get("/counts", sync_to_thread=True, summary="Jumlah notifikasi belum dibaca dan yang menunggu, per jenis")
    def counts(self, request: Caller, notifications: NotificationsDep) -> Counts:
        return _counts(notifications, request.user.id)

    @post("/{position:int}/read", sync_to_thread=True, status_code=200, summary="Tandai satu notifikasi dibaca")
    def read(self, request: Caller, notifications: NotificationsDep, position: Position) -> NotificationItem:
        view = notifications.mark_read(request.user.id, position)
        if view is None:
            raise NotFound()  # none of mine at that position: another's is not mine to see
        return _item(view)

    @post("/read-all", sync_to_thread=True, status_code=200, summary="Tandai semua notifikasi saya dibaca")
    def read_all(self, request: Caller, notifications: NotificationsDep) -> Counts:
        notifications.mark_all_read(request.user.id)
        return _counts(notifications, request.user.id)

    @get("/choices", sync_to_thread=True, summary="Pilihan notifikasi saya lewat surel dan Telegram")
    def choices(self, request: Caller, helpdesk: HelpdeskDep, notify_channels: NotifyChannelsDep) -> ChoicesView:
        return _choices(helpdesk.notification_choices(request.user), notify_channels)

    @put("/choices", sync_to_thread=True, summary="Ubah pilihan notifikasi saya")
    def choose(self, request: Caller, helpdesk: HelpdeskDep, notify_channels: NotifyChannelsDep,
               data: JSONBody[ChoicesRequest]) -> ChoicesView:
        chosen = helpdesk.choose_notifications(request.user, ChoicesInput(
            email=data.email, telegram_chat_id=data.telegram_chat_id, email_kinds=data.email_kinds,
            telegram_kinds=data.telegram_kinds))
        return _choices(chosen, notify_channels)


def _counts(notifications: NotificationQueries, user_id: UUID) -> Counts:
    waiting = notifications.waiting(user_id)
    return Counts(waiting.unread, {k.value: n for k, n in waiting.unread_by_kind.items()},
                  {k.value: n for k, n in waiting.waiting_by_kind.items()})


def _item(view: NotificationView) -> NotificationItem:
    return NotificationItem(
        position=view.position, kind=view.kind, kind_label=kind_label(view.kind), subject=view.subject,
        subject_id=view.subject_id, number=view.number, text=notice_text(view.code, view.values),
        text_en=notice_text(view.code, view.values, "en"), link=link_of(view.subject, view.subject_id), at=view.at,
        settled=view.settled, read=view.read)


def _choices(choices: Choices, offered: frozenset[DeliveryChannel]) -> ChoicesView:
    return ChoicesView(choices.email, choices.telegram_chat_id, sorted(choices.email_kinds),
                       sorted(choices.telegram_kinds), sorted(offered))
