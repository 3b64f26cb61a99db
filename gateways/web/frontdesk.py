"""The front desk (SOP step 1, walk-in): queue numbers, calling the next one, the guest book (Daftar Hadir) with
a drawn signature, and the queue board for the screen in the waiting area.

Signing the guest book opens the walk-in consultation, arrived at the time the number was taken, and sends the
officer to its workspace. The signature is drawn on a canvas (static/signature.js) and posted as a PNG data URL.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from litestar import Controller, Response, get, post
from litestar.di import NamedDependency
from litestar.exceptions import NotFoundException
from litestar.params import FromPath, FromQuery, SkipValidation
from litestar.response import Redirect, Template

from domain.errors import DomainError, TextRequired, UnknownParty
from domain.frontdesk import (
    MAX_SIGNATURE_BYTES,
    InvalidSignature,
    QueueEmpty,
    SignatureRequired,
    TicketState,
    UnknownTicket,
    check_signature_png,
)
from domain.roles import Permission, may
from domain.values import MAX_NAME, clean_name, normalise_email, normalise_phone
from gateways.edge.auth import requires
from gateways.edge.deps import Caller, ClockDep, FilesDep, FrontDeskDep, HelpdeskDep, HereDep, PartyListDep
from gateways.messages import message
from gateways.reports import labels
from gateways.reports.dates import clock_time, long_date, today
from gateways.web.forms import Form, field_errors
from gateways.web.i18n import translator
from gateways.web.parties import party_choices
from gateways.web.queue_display import QueueDisplayDep
from gateways.web.render import language, page
from gateways.web.tracking import qr_svg
from projections.frontdesk_queries import TicketView
from services.consultations import IdentityInput

SERVE = [requires(Permission.SERVE_CONSULTATIONS)]
READ = [requires(Permission.READ_CONSULTATIONS)]

DATA_URL_PREFIX = "data:image/png;base64,"
# Base64 of the largest accepted PNG, with room for line breaks a client might add.
MAX_DATA_URL = len(DATA_URL_PREFIX) + (MAX_SIGNATURE_BYTES + 2) // 3 * 4 + 1024
GUEST_FIELDS = ("name", "phone", "email", "party_number", "party_name", "signature")
BOARD_NEXT = 6  # waiting numbers shown on the board


@dataclass(frozen=True)
class Desk:
    """What the front desk's pages use: the queue and guest book, the commands, the files, the office's day."""

    helpdesk: HelpdeskDep
    frontdesk: FrontDeskDep
    files: FilesDep
    clock: ClockDep
    here: HereDep
    party_list: PartyListDep


DeskDep = NamedDependency[SkipValidation[Desk]]  # desk (built from the ones above)


class FrontDeskPages(Controller):
    path = "/"
    include_in_schema = False

    # The desk's queue.

    @get("/meja-depan", guards=SERVE, sync_to_thread=True)
    def queue(self, request: Caller, desk: DeskDep, tiket: FromQuery[int | None] = None,
              dilewati: FromQuery[int | None] = None) -> Template:
        _ = translator(language(request))
        notice = _("Nomor antrian {number} dilewati.", number=dilewati) if dilewati is not None else ""
        return _queue_page(request, desk, ticket_number=tiket, notice=notice)

    @post("/meja-depan/tiket", guards=SERVE, sync_to_thread=True)
    def take_ticket(self, request: Caller, desk: DeskDep) -> Response[Any]:
        number = desk.helpdesk.take_ticket(request.user.office_id)
        return Redirect(f"/meja-depan?tiket={number}", status_code=303)

    @post("/meja-depan/panggil", guards=SERVE, sync_to_thread=True)
    def call_next(self, request: Caller, desk: DeskDep) -> Response[Any] | Template:
        user = request.user
        try:
            number = desk.helpdesk.call_next_ticket(user.office_id, user.username)
        except QueueEmpty as error:
            return _queue_page(request, desk, notice=field_errors(error, language(request))[""], status_code=422)
        return Redirect(f"/meja-depan/tamu/{number}", status_code=303)

    @post("/meja-depan/lewati/{number:int}", guards=SERVE, sync_to_thread=True)
    def skip(self, request: Caller, desk: DeskDep, number: FromPath[int]) -> Response[Any] | Template:
        user = request.user
        try:
            desk.helpdesk.skip_ticket(user.office_id, number, user.username)
        except UnknownTicket:
            raise NotFoundException() from None
        except DomainError as error:
            return _queue_page(request, desk, error=field_errors(error, language(request)).get("", ""),
                               status_code=422)
        return Redirect(f"/meja-depan?dilewati={number}", status_code=303)

    # The guest book of a called number.

    @get("/meja-depan/tamu/{number:int}", guards=SERVE, sync_to_thread=True)
    def guest_form(self, request: Caller, desk: DeskDep, number: FromPath[int]) -> Response[Any] | Template:
        ticket = _ticket(desk, request.user.office_id, number)
        if ticket.guest is not None:
            return Redirect(f"/konsultasi/{ticket.guest.consultation_id}", status_code=303)
        return _guest_page(request, desk, ticket, {}, {})

    @post("/meja-depan/tamu/{number:int}", guards=SERVE, sync_to_thread=True)
    def record_guest(self, request: Caller, desk: DeskDep, number: FromPath[int], data: Form
                     ) -> Response[Any] | Template:
        user, lang = request.user, language(request)
        ticket = _ticket(desk, user.office_id, number)
        values = {key: str(data.get(key, "") or "").strip() for key in GUEST_FIELDS}
        errors, signature = _check_guest(desk, user.office_id, values, lang)
        if not signature:
            values["signature"] = ""  # an unreadable drawing is not sent back to the canvas
        if errors:
            return _guest_page(request, desk, ticket, values, errors, status_code=422)
        who = IdentityInput(name=values["name"], party_number=_party_number(values["party_number"]),
                            party_name=values["party_name"] or None, phone=values["phone"],
                            email=values["email"] or None)
        try:
            consultation_id = desk.helpdesk.record_guest(user.office_id, number, who, signature, user.username,
                                                         desk.files.put)
        except DomainError as error:
            if error.kind == "not_found":
                raise NotFoundException() from None
            found = field_errors(error, lang)
            if not found.keys() & set(GUEST_FIELDS):
                found = {"": next(iter(found.values()))}
            ticket = _ticket(desk, user.office_id, number)
            return _guest_page(request, desk, ticket, values, found, status_code=422)
        return Redirect(f"/konsultasi/{consultation_id}", status_code=303)

    @get("/meja-depan/tanda-tangan/{key:path}", guards=READ, sync_to_thread=True)
    def signature(self, request: Caller, desk: DeskDep, key: FromPath[str]) -> Response[bytes]:
        wanted = key.lstrip("/")
        if desk.frontdesk.guest_by_signature(request.user.office_id, wanted) is None:
            raise NotFoundException()
        try:
            content = desk.files.get(wanted)
        except OSError:
            raise NotFoundException() from None
        return Response(content, media_type="image/png", headers={
            "X-Content-Type-Options": "nosniff",
            "Content-Disposition": f'inline; filename="{wanted.rsplit("/", 1)[-1]}"',
            "Cache-Control": "private, max-age=3600",
        })

    # The board for the waiting area.

    @get("/antrian", guards=READ, sync_to_thread=True)
    def board(self, request: Caller, desk: DeskDep, queue_display: QueueDisplayDep) -> Template:
        now = desk.clock()
        view = desk.frontdesk.queue(request.user.office_id, today(now, desk.here.office))
        # The waiting room's screen needs no login: its address (gateways/web/queue_display.py), to open on the TV.
        display_url = queue_display.url(str(request.base_url))
        return page(request, desk.here, "frontdesk/board.html", view=view, next_numbers=view.waiting[:BOARD_NEXT],
                    day=long_date(view.day), updated=clock_time(now, desk.here.office),
                    mail_address=desk.here.mail_address, display_url=display_url, display_qr=qr_svg(display_url))


def _ticket(desk: Desk, office_id: str, number: int) -> TicketView:
    try:
        return desk.frontdesk.ticket(office_id, today(desk.clock(), desk.here.office), number)
    except UnknownTicket:
        raise NotFoundException() from None


def _queue_page(request: Caller, desk: Desk, *, ticket_number: int | None = None, notice: str = "", error: str = "",
                status_code: int = 200) -> Template:
    now = desk.clock()
    view = desk.frontdesk.queue(request.user.office_id, today(now, desk.here.office))
    ticket = next((t for t in view.waiting + view.called + view.served + view.skipped if t.number == ticket_number),
                  None)
    return page(
        request, desk.here, "frontdesk/queue.html", status_code=status_code, view=view, ticket=ticket, notice=notice,
        error=error, day=long_date(view.day), time=lambda moment: clock_time(moment, desk.here.office),
        waited=lambda moment: max(0, int((now - moment).total_seconds() // 60)),
        can_read=may(request.user.role, Permission.READ_CONSULTATIONS), phone_label=labels.phone,
    )


def _guest_page(request: Caller, desk: Desk, ticket: TicketView, values: dict[str, str], errors: dict[str, str],
                status_code: int = 200) -> Template:
    now, office = desk.clock(), desk.here.office
    blocked = ""
    if ticket.state is TicketState.WAITING:
        blocked = message("ticket_not_called", language(request))
    elif ticket.state is TicketState.SKIPPED:
        blocked = message("ticket_already_skipped", language(request))
    return page(
        request, desk.here, "frontdesk/guest.html", status_code=status_code, ticket=ticket, values=values,
        errors=errors, **party_choices(desk.party_list, office, request.user.office_id), blocked=blocked,
        now_date=long_date(today(now, office)), now_time=clock_time(now, office),
        taken_time=clock_time(ticket.taken_at, office),
    )


def _check_guest(desk: Desk, office_id: str, values: dict[str, str], lang: str) -> tuple[dict[str, str], bytes | None]:
    """Every field checked by the domain at once, so the consultee corrects all of them in one go."""
    errors: dict[str, str] = {}
    signature: bytes | None = None

    def check(field: str, rule: Callable[[], Any]) -> Any:
        try:
            return rule()
        except DomainError as error:
            errors[error.field if error.field in GUEST_FIELDS else field] = message(error.code, lang)
            return None

    register = desk.party_list.register(office_id)
    check("name", lambda: clean_name(values["name"], "name", MAX_NAME))
    check("party_number", lambda: register.resolve(_party_number(values["party_number"]), values["party_name"]))
    check("phone", lambda: normalise_phone(values["phone"]) if values["phone"] else _required("phone"))
    check("email", lambda: normalise_email(values["email"]) if values["email"] else None)  # optional (C.d.2(d))
    signature = check("signature", lambda: signature_png(values["signature"]))
    return errors, signature


def _required(field: str) -> None:
    raise TextRequired(field=field)


def _party_number(text: str) -> int | None:
    """The ballot number picked; None when another party is typed in instead."""
    if not text:
        return None
    if not text.isdecimal() or len(text) > 3:  # ballot numbers have at most three digits
        raise UnknownParty(field="party_number")
    return int(text)


def signature_png(data_url: str) -> bytes:
    """The PNG inside `data:image/png;base64,…` (at most 500 KB); nothing drawn is a missing signature."""
    text = data_url.strip()
    if not text:
        raise SignatureRequired(field="signature")
    if not text.startswith(DATA_URL_PREFIX) or len(text) > MAX_DATA_URL:
        raise InvalidSignature(field="signature")
    try:
        content = base64.b64decode("".join(text[len(DATA_URL_PREFIX):].split()), validate=True)
    except (binascii.Error, ValueError):
        raise InvalidSignature(field="signature") from None
    return check_signature_png(content)
