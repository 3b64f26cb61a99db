"""The office's mailbox page (SOP C.a): its address for liaisons, when the inbox and the spam folder were last read
(an alert past the hourly standard), and the mail waiting for the desk — from the spam folder, or quarantined with
the reason — to take in as a consultation or to reject."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from litestar import Controller, Response, get, post
from litestar.params import FromPath
from litestar.response import Redirect, Template

from domain.errors import DomainError
from domain.roles import Permission, may
from gateways.edge.auth import requires
from gateways.edge.deps import Caller, Here, HereDep, MailDeskDep
from gateways.edge.errors import STATUS_OF_KIND
from gateways.edge.mail import MailDesk
from gateways.messages import label
from gateways.reports.dates import stamp
from gateways.web.forms import Form, field_errors
from gateways.web.render import language, page

FOLDERS = {"inbox": "Kotak masuk", "spam": "Spam"}


class MailPages(Controller):
    path = "/surel"
    include_in_schema = False
    guards = [requires(Permission.READ_CONSULTATIONS)]

    @get("/", sync_to_thread=True)
    def mailbox(self, request: Caller, here: HereDep, mail_desk: MailDeskDep) -> Template:
        return _page(request, here, mail_desk, {})

    @post("/{mail_id:uuid}/terima", guards=[requires(Permission.SERVE_CONSULTATIONS)], sync_to_thread=True)
    def release(self, request: Caller, here: HereDep, mail_desk: MailDeskDep, mail_id: FromPath[UUID]
                ) -> Response[Any] | Template:
        try:
            consultation = mail_desk.release(mail_id, request.user.username)
        except DomainError as error:
            if error.kind in ("not_found", "forbidden"):
                raise
            return _page(request, here, mail_desk, field_errors(error, language(request)),
                         status_code=STATUS_OF_KIND[error.kind])
        return Redirect(f"/konsultasi/{consultation}", status_code=303)

    @post("/{mail_id:uuid}/tolak", guards=[requires(Permission.SERVE_CONSULTATIONS)], sync_to_thread=True)
    def reject(self, request: Caller, here: HereDep, mail_desk: MailDeskDep, mail_id: FromPath[UUID], data: Form
               ) -> Response[Any] | Template:
        try:
            mail_desk.reject(mail_id, request.user.username, str(data.get("note", "") or ""))
        except DomainError as error:
            if error.kind in ("not_found", "forbidden"):
                raise
            return _page(request, here, mail_desk, field_errors(error, language(request)),
                         status_code=STATUS_OF_KIND[error.kind])
        return Redirect("/surel", status_code=303)


def _page(request: Caller, here: Here, mail_desk: MailDesk, errors: dict[str, str], status_code: int = 200
          ) -> Template:
    lang = language(request)
    waiting = mail_desk.waiting(request.user.office_id)
    reasons = {m.id: label("quarantine", m.reason, lang) if m.reason else "" for m in waiting}
    return page(request, here, "mail/index.html", status_code=status_code, status=mail_desk.status(),
                waiting=waiting, reasons=reasons, folders=FOLDERS, errors=errors,
                can_decide=may(request.user.role, Permission.SERVE_CONSULTATIONS),
                stamp=lambda moment: stamp(moment, here.office, lang))
