"""The front desk (SOP step 1, walk-in): queue numbers, calling the next one, the guest book (Daftar Hadir) with
a drawn signature, and the queue board for the screen in the waiting area.

Signing the guest book opens the walk-in consultation, arrived at the time the number was taken, and sends the
officer to its workspace. The signature is drawn on a canvas (static/signature.js) and posted as a PNG data URL.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from litestar import Controller, Response, get, post
from litestar.di import NamedDependency
from litestar.exceptions import NotFoundException
from litestar.params import FromPath, FromQuery, SkipValidation
from litestar.response import Redirect, Template

from domain.errors import DomainError
from domain.frontdesk import QueueEmpty, TicketState, UnknownTicket
from domain.roles import Permission, may
from gateways.edge.auth import requires
from gateways.edge.deps import (
    Caller,
    ClockDep,
    FilesDep,
    FrontDeskDep,
    HelpdeskDep,
    HereDep,
    PartyListDep,
    UsersDep,
)
from gateways.messages import message
from gateways.reports import labels
from gateways.reports.dates import clock_time, long_date, today
from gateways.web.forms import Form, field_errors
from gateways.web.guest_form import GUEST_FIELDS, check_guest, party_number
from gateways.web.i18n import translator
from gateways.web.parties import party_choices
from gateways.web.queue_display import QueueDisplayDep
from gateways.web.render import language, page
from gateways.web.tracking import qr_svg
from projections.frontdesk_queries import TicketView
from services.consultations import IdentityInput

SERVE = [requires(Permission.SERVE_CONSULTATIONS)]
READ = [requires(Permission.READ_CONSULTATIONS)]

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
    users: UsersDep  # who called a number, by full name


DeskDep = NamedDependency[SkipValidation[Desk]]  # desk (built from the ones above)


class FrontDeskPages(Controller):
    path = "/"
    include_in_schema = False

    # The desk's queue.

    @get("/meja-depan", guards=SERVE, sync_to_thread=True)
    def queue(self, request: Caller, desk: DeskDep, tiket: FromQuery[int | None] = None,
              dilewati: FromQuery[int | None] = None, kembali: FromQuery[int | None] = None) -> Template:
        _ = translator(language(request))
        notice = ""
        if dilewati is not None:  # just skipped: said, with the undo beside it (while the number stays skipped)
            notice = _("Nomor antrian {number} dilewati.", number=dilewati)
        elif kembali is not None:
            notice = _("Nomor antrian {number} tidak jadi dilewati.", number=kembali)
        return _queue_page(request, desk, ticket_number=tiket, notice=notice, skipped_now=dilewati)

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
        return _on_ticket(request, desk, desk.helpdesk.skip_ticket, number, f"/meja-depan?dilewati={number}")

    @post("/meja-depan/lewati/{number:int}/batal", guards=SERVE, sync_to_thread=True)
    def undo_skip(self, request: Caller, desk: DeskDep, number: FromPath[int]) -> Response[Any] | Template:
        """A number skipped by mistake is called back (QueueDay.undo_skip: only a skipped one, the same day)."""
        return _on_ticket(request, desk, desk.helpdesk.undo_skip, number, f"/meja-depan?kembali={number}")

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
        errors, signature = check_guest(desk.party_list.register(user.office_id), values, lang)
        if not signature:
            values["signature"] = ""  # an unreadable drawing is not sent back to the canvas
        if errors:
            return _guest_page(request, desk, ticket, values, errors, status_code=422)
        who = IdentityInput(name=values["name"], party_number=party_number(values["party_number"]),
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
                    day=long_date(view.day, language(request)),
                    updated=clock_time(now, desk.here.office, language(request)),
                    mail_address=desk.here.mail_address, display_url=display_url, display_qr=qr_svg(display_url))


def _ticket(desk: Desk, office_id: str, number: int) -> TicketView:
    try:
        return desk.frontdesk.ticket(office_id, today(desk.clock(), desk.here.office), number)
    except UnknownTicket:
        raise NotFoundException() from None


def _on_ticket(request: Caller, desk: Desk, command: Callable[[str, int, str], object], number: int,
               done: str) -> Response[Any] | Template:
    """A command on one queue number (skip, undo a skip): on to `done`, or the queue again with the refusal."""
    user = request.user
    try:
        command(user.office_id, number, user.username)
    except UnknownTicket:
        raise NotFoundException() from None
    except DomainError as error:
        return _queue_page(request, desk, error=field_errors(error, language(request)).get("", ""), status_code=422)
    return Redirect(done, status_code=303)


def _queue_page(request: Caller, desk: Desk, *, ticket_number: int | None = None, notice: str = "", error: str = "",
                skipped_now: int | None = None, status_code: int = 200) -> Template:
    now = desk.clock()
    view = desk.frontdesk.queue(request.user.office_id, today(now, desk.here.office))
    lang = language(request)
    ticket = next((t for t in view.waiting + view.called + view.served + view.skipped if t.number == ticket_number),
                  None)
    # The undo is offered beside the notice of a skip only while that number is still skipped.
    undo = skipped_now if any(t.number == skipped_now for t in view.skipped) else None
    return page(
        request, desk.here, "frontdesk/queue.html", status_code=status_code, view=view, ticket=ticket, notice=notice,
        error=error, undo=undo, day=long_date(view.day, lang),
        time=lambda moment: clock_time(moment, desk.here.office, lang),
        waited=lambda moment: max(0, int((now - moment).total_seconds() // 60)),
        can_read=may(request.user.role, Permission.READ_CONSULTATIONS), phone_label=labels.phone,
        staff_names=desk.users.full_names(request.user.office_id),
    )


def _guest_page(request: Caller, desk: Desk, ticket: TicketView, values: dict[str, str], errors: dict[str, str],
                status_code: int = 200) -> Template:
    now, office, lang = desk.clock(), desk.here.office, language(request)
    blocked = ""
    if ticket.state is TicketState.WAITING:
        blocked = message("ticket_not_called", language(request))
    elif ticket.state is TicketState.SKIPPED:
        blocked = message("ticket_already_skipped", language(request))
    return page(
        request, desk.here, "frontdesk/guest.html", status_code=status_code, ticket=ticket, values=values,
        errors=errors, **party_choices(desk.party_list, office, request.user.office_id), blocked=blocked,
        now_date=long_date(today(now, office), lang), now_time=clock_time(now, office, lang),
        taken_time=clock_time(ticket.taken_at, office, lang),
    )
