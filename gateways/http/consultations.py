"""The consultation API: one POST per step of the SOP script, each answering with the updated record."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import Annotated
from uuid import UUID
from zoneinfo import ZoneInfo

from litestar import Controller, Response, get, post
from litestar.params import FromPath, FromQuery, JSONBody, QueryParameter

from domain.consultation import Status
from domain.roles import Permission
from domain.values import Channel
from gateways.bootstrap import Node
from gateways.http.auth import requires, step_guard
from gateways.http.deps import NO_CONTROL_CHARACTERS, Caller, NodeDep
from gateways.http.dto import (
    AnswerRequest,
    ConsulteeIn,
    DocumentationRequest,
    HandoverRequest,
    NoteRequest,
    OpenConsultationRequest,
    RepeatRequest,
    TextRequest,
    UnderstandingRequest,
)
from projections.consultation_queries import ConsultationFilter
from projections.paging import MAX_OFFSET
from projections.views import ConsultationPage
from services.consultations import IdentityInput
from services.helpdesk import Helpdesk
from services.views import ConsultationView, HistoryEntry, UserView

ConsultationId = FromPath[UUID]
# The list's search and filters: what a person types, bounded, with no control character (PostgreSQL refuses NUL).
SearchText = Annotated[str | None, QueryParameter(max_length=200, pattern=NO_CONTROL_CHARACTERS)]
FilterText = Annotated[str | None, QueryParameter(max_length=150, pattern=NO_CONTROL_CHARACTERS)]




def _identity(consultee: ConsulteeIn) -> IdentityInput:
    return IdentityInput(
        name=consultee.name,
        party_number=consultee.party_number,
        party_name=consultee.party_name,
        phone=consultee.phone,
        email=consultee.email,
    )


def _step(node: Node, user: UserView, consultation_id: UUID, command: Callable[[Helpdesk, str, str], None]
          ) -> ConsultationView:
    """Runs one command as the caller, at the caller's office, and returns the record as it now is."""
    command(node.helpdesk, user.office_id, user.username)
    return node.helpdesk.get_consultation(user.office_id, consultation_id)


class ConsultationController(Controller):
    path = "/api/consultations"
    tags = ["Konsultasi"]
    guards = [requires(Permission.READ_CONSULTATIONS)]

    @post("/", guards=step_guard("open_consultation"), sync_to_thread=True, summary="Buka konsultasi (identitas pihak yang berkonsultasi)")
    def open_consultation(self, request: Caller, node: NodeDep, data: JSONBody[OpenConsultationRequest]
                          ) -> Response[ConsultationView]:
        user = request.user
        new_id = node.helpdesk.open_consultation(user.office_id, data.channel, _identity(data.consultee),
                                                 user.username, data.arrived_at)
        view = node.helpdesk.get_consultation(user.office_id, new_id)
        return Response(view, status_code=201, headers={"Location": f"{self.path}/{new_id}"})

    @get("/", sync_to_thread=True, summary="Daftar konsultasi kantor ini, terbaru dahulu: cari, saring, per halaman",
         description="`q`: kata yang dicari pada nama, partai, permasalahan, penegasan dan jawaban (awal kata cukup: "
                     "\"Ton\" menemukan \"Tono\"); `since`/`until`: hari kantor ini. Jawaban: `items` satu halaman, "
                     "`total` semua yang cocok.")
    def list_consultations(
        self,
        request: Caller,
        node: NodeDep,
        q: SearchText = None,
        status: FromQuery[Status | None] = None,
        channel: FromQuery[Channel | None] = None,
        opened_by: FilterText = None,
        party: FilterText = None,
        since: FromQuery[date | None] = None,
        until: FromQuery[date | None] = None,
        offset: Annotated[int, QueryParameter(ge=0, le=MAX_OFFSET)] = 0,
        limit: Annotated[int, QueryParameter(ge=1, le=200)] = 50,
    ) -> ConsultationPage:
        found = ConsultationFilter(text=q, status=status, channel=channel, opened_by=opened_by, party=party,
                                   since=since, until=until)
        return node.consultations.page(request.user.office_id, found, offset, limit)

    @get("/{consultation_id:uuid}", sync_to_thread=True, summary="Satu konsultasi")
    def get_consultation(self, request: Caller, node: NodeDep, consultation_id: ConsultationId) -> ConsultationView:
        return node.helpdesk.get_consultation(request.user.office_id, consultation_id)

    @get("/{consultation_id:uuid}/history", sync_to_thread=True, summary="Riwayat langkah konsultasi")
    def history(self, request: Caller, node: NodeDep, consultation_id: ConsultationId) -> list[HistoryEntry]:
        return node.helpdesk.history(request.user.office_id, consultation_id)

    @get("/{consultation_id:uuid}/state", sync_to_thread=True, summary="Keadaan konsultasi pada suatu saat (ISO 8601)")
    def state_at(self, request: Caller, node: NodeDep, consultation_id: ConsultationId, at: FromQuery[datetime]
                 ) -> ConsultationView:
        moment = at if at.tzinfo else at.replace(tzinfo=ZoneInfo(node.office.timezone))
        return node.helpdesk.consultation_at(request.user.office_id, consultation_id, moment)

    @post("/{consultation_id:uuid}/identity", guards=step_guard("correct_identity"), status_code=200, sync_to_thread=True,
          summary="Perbaiki identitas pihak yang berkonsultasi")
    def correct_identity(self, request: Caller, node: NodeDep, consultation_id: ConsultationId,
                         data: JSONBody[ConsulteeIn]) -> ConsultationView:
        return _step(node, request.user, consultation_id,
                     lambda s, o, a: s.correct_identity(o, consultation_id, _identity(data), a))

    @post("/{consultation_id:uuid}/problem", guards=step_guard("record_problem"), status_code=200, sync_to_thread=True,
          summary="Catat permasalahan yang disampaikan")
    def record_problem(self, request: Caller, node: NodeDep, consultation_id: ConsultationId,
                       data: JSONBody[TextRequest]) -> ConsultationView:
        return _step(node, request.user, consultation_id,
                     lambda s, o, a: s.record_problem(o, consultation_id, data.text, a))

    @post("/{consultation_id:uuid}/restatement", guards=step_guard("restate_problem"), status_code=200, sync_to_thread=True,
          summary="Ulangi permasalahan yang dicatat kepada pihak yang berkonsultasi")
    def restate_problem(self, request: Caller, node: NodeDep, consultation_id: ConsultationId,
                        data: JSONBody[TextRequest]) -> ConsultationView:
        return _step(node, request.user, consultation_id,
                     lambda s, o, a: s.restate_problem(o, consultation_id, data.text, a))

    @post("/{consultation_id:uuid}/confirmation", guards=step_guard("confirm_problem"), status_code=200, sync_to_thread=True,
          summary="Pihak yang berkonsultasi menyatakan permasalahan telah sesuai")
    def confirm_problem(self, request: Caller, node: NodeDep, consultation_id: ConsultationId) -> ConsultationView:
        return _step(node, request.user, consultation_id, lambda s, o, a: s.confirm_problem(o, consultation_id, a))

    @post("/{consultation_id:uuid}/correction", guards=step_guard("correct_problem"), status_code=200, sync_to_thread=True,
          summary="Pihak yang berkonsultasi mengoreksi permasalahan")
    def correct_problem(self, request: Caller, node: NodeDep, consultation_id: ConsultationId,
                        data: JSONBody[TextRequest]) -> ConsultationView:
        return _step(node, request.user, consultation_id,
                     lambda s, o, a: s.correct_problem(o, consultation_id, data.text, a))

    @post("/{consultation_id:uuid}/answer", guards=step_guard("answer_problem"), status_code=200, sync_to_thread=True,
          summary="Jawab dengan dasar (UU, PKPU, Keputusan KPU/juknis, juklak, FAQ Sipol)",
          description="Setelah dilaporkan kepada Anggota KPU, hanya Anggota KPU yang dapat menjawab.")
    def answer_problem(self, request: Caller, node: NodeDep, consultation_id: ConsultationId,
                       data: JSONBody[AnswerRequest]) -> ConsultationView:
        bases = [(b.kind.value, b.reference) for b in data.bases]
        role = request.user.role
        return _step(node, request.user, consultation_id,
                     lambda s, o, a: s.answer_problem(o, consultation_id, data.text, bases, a, role=role))

    @post("/{consultation_id:uuid}/handover", guards=step_guard("hand_to_commissioner"), status_code=200, sync_to_thread=True,
          summary="Laporkan kepada Anggota KPU (tidak tercakup FAQ Sipol)")
    def hand_to_commissioner(self, request: Caller, node: NodeDep, consultation_id: ConsultationId,
                             data: JSONBody[HandoverRequest]) -> ConsultationView:
        return _step(node, request.user, consultation_id,
                     lambda s, o, a: s.hand_to_commissioner(o, consultation_id, data.reason, a))

    @post("/{consultation_id:uuid}/forwarding", guards=step_guard("forward_up"), status_code=200, sync_to_thread=True,
          summary="Anggota KPU meneruskan ke Helpdesk tingkat di atasnya, dengan catatan")
    def forward_up(self, request: Caller, node: NodeDep, consultation_id: ConsultationId,
                   data: JSONBody[NoteRequest]) -> ConsultationView:
        return _step(node, request.user, consultation_id,
                     lambda s, o, a: s.forward_up(o, consultation_id, data.note, a))

    @post("/{consultation_id:uuid}/clarification", guards=step_guard("clarify"), status_code=200, sync_to_thread=True,
          summary="Jawab permintaan klarifikasi dari tingkat di atasnya")
    def clarify(self, request: Caller, node: NodeDep, consultation_id: ConsultationId,
                data: JSONBody[TextRequest]) -> ConsultationView:
        return _step(node, request.user, consultation_id,
                     lambda s, o, a: s.clarify_consultation(o, consultation_id, data.text, a))

    @post("/{consultation_id:uuid}/understanding", guards=step_guard("check_understanding"), status_code=200, sync_to_thread=True,
          summary="Apakah jawaban dipahami?")
    def check_understanding(self, request: Caller, node: NodeDep, consultation_id: ConsultationId,
                            data: JSONBody[UnderstandingRequest]) -> ConsultationView:
        return _step(node, request.user, consultation_id,
                     lambda s, o, a: s.check_understanding(o, consultation_id, data.understood, a))

    @post("/{consultation_id:uuid}/repetition", guards=step_guard("repeat_answer"), status_code=200, sync_to_thread=True,
          summary="Ulangi jawaban")
    def repeat_answer(self, request: Caller, node: NodeDep, consultation_id: ConsultationId,
                      data: JSONBody[RepeatRequest]) -> ConsultationView:
        return _step(node, request.user, consultation_id,
                     lambda s, o, a: s.repeat_answer(o, consultation_id, data.text, a))

    @post("/{consultation_id:uuid}/report-entry", guards=step_guard("log_in_report"), status_code=200, sync_to_thread=True,
          summary="Catat dalam laporan Helpdesk")
    def log_in_report(self, request: Caller, node: NodeDep, consultation_id: ConsultationId) -> ConsultationView:
        return _step(node, request.user, consultation_id, lambda s, o, a: s.log_in_report(o, consultation_id, a))

    @post("/{consultation_id:uuid}/documentation", guards=step_guard("attach_documentation"), status_code=200, sync_to_thread=True,
          summary="Rujukan dokumentasi (foto, rekaman, tangkapan layar)")
    def attach_documentation(self, request: Caller, node: NodeDep, consultation_id: ConsultationId,
                             data: JSONBody[DocumentationRequest]) -> ConsultationView:
        return _step(node, request.user, consultation_id, lambda s, o, a: s.attach_documentation(
            o, consultation_id, data.kind.value, data.storage_key, data.sha256, a))

    @post("/{consultation_id:uuid}/closure", guards=step_guard("close_consultation"), status_code=200, sync_to_thread=True,
          summary="Tutup konsultasi")
    def close_consultation(self, request: Caller, node: NodeDep, consultation_id: ConsultationId) -> ConsultationView:
        return _step(node, request.user, consultation_id,
                     lambda s, o, a: s.close_consultation(o, consultation_id, a))
