"""The online meetings' forms on the consultation workspace (SOP C.c.1–2): schedule a meeting in the office's local
time, move or cancel it, say whether the liaison joined (hadir / tidak hadir), download the invitation (.ics).

Each form posts here and comes back to the workspace (post/redirect/get); a refusal re-renders the workspace with
status 422 and the message beside the field it concerns, as the script's steps do (gateways/web/consultations.py).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, time
from typing import Any
from uuid import UUID

from litestar import Controller, Response, get, post
from litestar.params import FromPath
from litestar.response import Redirect, Template

from domain.errors import DomainError
from domain.roles import Permission
from gateways.edge.auth import requires
from gateways.edge.deps import Caller
from gateways.edge.meetings import MeetingDeskDep
from gateways.web.consultations import workspace_page
from gateways.web.forms import Form, field_errors
from gateways.web.i18n import translator
from gateways.web.render import language
from gateways.web.workspace_view import Workspace, WorkspaceDep

ConsultationId = FromPath[UUID]
MeetingId = FromPath[UUID]
SERVE = [requires(Permission.SERVE_CONSULTATIONS)]
SLOT_FIELDS = ("day", "starts_at", "ends_at", "host")


class MeetingPages(Controller):
    path = "/konsultasi/{consultation_id:uuid}/pertemuan"
    include_in_schema = False
    guards = [requires(Permission.READ_CONSULTATIONS)]

    @post("/", guards=SERVE, sync_to_thread=True)
    def schedule(self, request: Caller, meeting_desk: MeetingDeskDep, workspace: WorkspaceDep,
                 consultation_id: ConsultationId, data: Form) -> Response[Any] | Template:
        values = _values(data, SLOT_FIELDS)
        return _slot_form(request, workspace, consultation_id, "schedule_meeting", values,
                          lambda start, end: meeting_desk.schedule(consultation_id, start, end, values["host"]))

    @post("/{meeting_id:uuid}/jadwal-ulang", guards=SERVE, sync_to_thread=True)
    def reschedule(self, request: Caller, meeting_desk: MeetingDeskDep, workspace: WorkspaceDep,
                   consultation_id: ConsultationId, meeting_id: MeetingId, data: Form) -> Response[Any] | Template:
        values = _values(data, SLOT_FIELDS)
        return _slot_form(request, workspace, consultation_id, f"reschedule_meeting-{meeting_id}", values,
                          lambda start, end: meeting_desk.reschedule(consultation_id, meeting_id, start, end,
                                                                     values["host"]))

    @post("/{meeting_id:uuid}/batal", guards=SERVE, sync_to_thread=True)
    def cancel(self, request: Caller, meeting_desk: MeetingDeskDep, workspace: WorkspaceDep,
               consultation_id: ConsultationId, meeting_id: MeetingId, data: Form) -> Response[Any] | Template:
        values = _values(data, ("reason",))
        return _run(request, workspace, consultation_id, f"cancel_meeting-{meeting_id}", values,
                    lambda: meeting_desk.cancel(consultation_id, meeting_id, values["reason"]))

    @post("/{meeting_id:uuid}/kehadiran", guards=SERVE, sync_to_thread=True)
    def attendance(self, request: Caller, meeting_desk: MeetingDeskDep, workspace: WorkspaceDep,
                   consultation_id: ConsultationId, meeting_id: MeetingId, data: Form) -> Response[Any] | Template:
        said = _values(data, ("hadir",))["hadir"]
        step = f"attendance-{meeting_id}"
        if said not in ("ya", "tidak"):
            _ = translator(language(request))
            return workspace_page(request, workspace, consultation_id, status_code=422, failed=step,
                                  errors={"hadir": _("Pilih hadir atau tidak hadir.")})
        return _run(request, workspace, consultation_id, step, {},
                    lambda: meeting_desk.record_attendance(consultation_id, meeting_id, said == "ya"))

    @get("/{meeting_id:uuid}/undangan.ics", sync_to_thread=True)
    def invitation(self, meeting_desk: MeetingDeskDep, consultation_id: ConsultationId, meeting_id: MeetingId
                   ) -> Response[bytes]:
        name, method, content = meeting_desk.invitation(consultation_id, meeting_id)
        return Response(content, media_type=f"text/calendar; charset=utf-8; method={method}",
                        headers={"Content-Disposition": f'attachment; filename="{name}"'})


def _values(data: dict[str, Any], keys: tuple[str, ...]) -> dict[str, str]:
    return {key: value.strip() if isinstance(value := data.get(key, ""), str) else "" for key in keys}


def _slot_form(request: Caller, workspace: Workspace, consultation_id: UUID, step: str, values: dict[str, str],
               command: Callable[[datetime, datetime], object]) -> Response[Any] | Template:
    """A day and two times typed in the office's local time; a value that is no date or time is said beside its
    field before anything is asked of the domain."""
    _ = translator(language(request))
    day = _parsed(values["day"], date.fromisoformat)
    start, end = _parsed(values["starts_at"], time.fromisoformat), _parsed(values["ends_at"], time.fromisoformat)
    errors = {name: _("Isi tanggal dan jam yang benar.") for name, value in
              (("day", day), ("starts_at", start), ("ends_at", end)) if value is None}
    if errors or day is None or start is None or end is None:
        return workspace_page(request, workspace, consultation_id, status_code=422, failed=step, values=values,
                              errors=errors)
    # Without a zone: the meeting desk reads them in the office's own (WIB, WITA or WIT).
    return _run(request, workspace, consultation_id, step, values,
                lambda: command(datetime.combine(day, start), datetime.combine(day, end)))


def _parsed(text: str, parse: Callable[[str], Any]) -> Any:
    try:
        return parse(text) if text else None
    except ValueError:
        return None


def _run(request: Caller, workspace: Workspace, consultation_id: UUID, step: str, values: dict[str, str],
         command: Callable[[], object]) -> Response[Any] | Template:
    """Back to the workspace's meetings, or the workspace again with the refusal beside its field. A missing record
    (404) and a refused role (403) are answered as the API answers them."""
    try:
        command()
    except DomainError as error:
        if error.kind in ("not_found", "forbidden"):
            raise
        return workspace_page(request, workspace, consultation_id, status_code=422, failed=step, values=values,
                              errors=field_errors(error, language(request)))
    return Redirect(f"/konsultasi/{consultation_id}#pertemuan", status_code=303)
