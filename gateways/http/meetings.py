"""The online meetings API (SOP C.c.1–2): a consultation's meetings scheduled, moved, cancelled and attended, and the
invitation as an iCalendar file."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated
from uuid import UUID

import msgspec
from litestar import Controller, Response, get, post
from litestar.params import FromPath, JSONBody

from domain.meeting import MAX_REASON, MeetingView
from domain.roles import Permission
from gateways.edge.auth import requires
from gateways.edge.meetings import MeetingDeskDep

ConsultationId = FromPath[UUID]
MeetingId = FromPath[UUID]
Username = Annotated[str, msgspec.Meta(max_length=64)]
SERVE = [requires(Permission.SERVE_CONSULTATIONS)]


class SlotRequest(msgspec.Struct, forbid_unknown_fields=True):
    """A slot: ISO 8601 times; one without a zone is the office's local time (WIB, WITA or WIT). The host is a
    staff username (the caller when left out)."""

    starts_at: datetime
    ends_at: datetime
    host: Username | None = None


class CancelRequest(msgspec.Struct, forbid_unknown_fields=True):
    reason: Annotated[str, msgspec.Meta(max_length=MAX_REASON)]


class AttendanceRequest(msgspec.Struct, forbid_unknown_fields=True):
    joined: bool  # hadir (true) / tidak hadir (false)


class MeetingController(Controller):
    path = "/api/consultations/{consultation_id:uuid}/meetings"
    tags = ["Pertemuan daring"]
    guards = [requires(Permission.READ_CONSULTATIONS)]

    @get("/", sync_to_thread=True, summary="Pertemuan daring suatu konsultasi, yang paling awal dahulu")
    def list_meetings(self, meeting_desk: MeetingDeskDep, consultation_id: ConsultationId) -> list[MeetingView]:
        return meeting_desk.of_consultation(consultation_id)

    @post("/", guards=SERVE, sync_to_thread=True, summary="Jadwalkan pertemuan daring (jadwal dan tautan)",
          description="Hanya untuk konsultasi saluran pertemuan online yang belum ditutup; paling lama 3 jam.")
    def schedule(self, meeting_desk: MeetingDeskDep, consultation_id: ConsultationId, data: JSONBody[SlotRequest]
                 ) -> Response[MeetingView]:
        new_id = meeting_desk.schedule(consultation_id, data.starts_at, data.ends_at, data.host)
        view = meeting_desk.meeting(consultation_id, new_id)
        return Response(view, status_code=201, headers={"Location": f"/api/consultations/{consultation_id}/meetings/"
                                                                    f"{new_id}"})

    @get("/{meeting_id:uuid}", sync_to_thread=True, summary="Satu pertemuan daring")
    def get_meeting(self, meeting_desk: MeetingDeskDep, consultation_id: ConsultationId, meeting_id: MeetingId
                    ) -> MeetingView:
        return meeting_desk.meeting(consultation_id, meeting_id)

    @post("/{meeting_id:uuid}/reschedule", guards=SERVE, status_code=200, sync_to_thread=True,
          summary="Jadwalkan ulang (nomor urut undangan naik)")
    def reschedule(self, meeting_desk: MeetingDeskDep, consultation_id: ConsultationId, meeting_id: MeetingId,
                   data: JSONBody[SlotRequest]) -> MeetingView:
        meeting_desk.reschedule(consultation_id, meeting_id, data.starts_at, data.ends_at, data.host)
        return meeting_desk.meeting(consultation_id, meeting_id)

    @post("/{meeting_id:uuid}/cancellation", guards=SERVE, status_code=200, sync_to_thread=True,
          summary="Batalkan pertemuan (dengan alasan)")
    def cancel(self, meeting_desk: MeetingDeskDep, consultation_id: ConsultationId, meeting_id: MeetingId,
               data: JSONBody[CancelRequest]) -> MeetingView:
        meeting_desk.cancel(consultation_id, meeting_id, data.reason)
        return meeting_desk.meeting(consultation_id, meeting_id)

    @post("/{meeting_id:uuid}/attendance", guards=SERVE, status_code=200, sync_to_thread=True,
          summary="Catat kehadiran petugas penghubung (hadir / tidak hadir)")
    def attendance(self, meeting_desk: MeetingDeskDep, consultation_id: ConsultationId, meeting_id: MeetingId,
                   data: JSONBody[AttendanceRequest]) -> MeetingView:
        meeting_desk.record_attendance(consultation_id, meeting_id, data.joined)
        return meeting_desk.meeting(consultation_id, meeting_id)

    @get("/{meeting_id:uuid}/invitation.ics", sync_to_thread=True, media_type="text/calendar",
         summary="Undangan iCalendar (METHOD:REQUEST, atau CANCEL setelah dibatalkan)")
    def invitation(self, meeting_desk: MeetingDeskDep, consultation_id: ConsultationId, meeting_id: MeetingId
                   ) -> Response[bytes]:
        name, method, content = meeting_desk.invitation(consultation_id, meeting_id)
        return Response(content, media_type=f"text/calendar; charset=utf-8; method={method}",
                        headers={"Content-Disposition": f'attachment; filename="{name}"'})
