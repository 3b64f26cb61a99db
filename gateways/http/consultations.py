"""The consultation API: one POST per step of the SOP script, each answering with the updated record (as the step
saved it: no second load)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated
from uuid import UUID
from zoneinfo import ZoneInfo

import msgspec
from litestar import Controller, Response, get, post
from litestar.params import FromPath, FromQuery, JSONBody, QueryParameter

from domain.consultation import Status
from domain.faq_values import Citation
from domain.roles import Permission
from domain.values import Channel
from gateways.edge.auth import requires, step_guard
from gateways.edge.deps import (
    NO_CONTROL_CHARACTERS,
    Caller,
    ConsultationsDep,
    ConsultationStepsDep,
    HelpdeskDep,
    HereDep,
)
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
from services.views import ConsultationView, HistoryEntry

ConsultationId = FromPath[UUID]
# The list's search and filters: what a person types, bounded, with no control character (PostgreSQL refuses NUL).
SearchText = Annotated[str | None, QueryParameter(max_length=200, pattern=NO_CONTROL_CHARACTERS)]
FilterText = Annotated[str | None, QueryParameter(max_length=150, pattern=NO_CONTROL_CHARACTERS)]



def _identity(consultee: ConsulteeIn) -> IdentityInput:
    return msgspec.convert(consultee, IdentityInput, from_attributes=True)


class ConsultationController(Controller):
    path = "/api/consultations"
    tags = ["Konsultasi"]
    guards = [requires(Permission.READ_CONSULTATIONS)]

    @post("/", guards=step_guard("open_consultation"), sync_to_thread=True,
          summary="Buka konsultasi (identitas pihak yang berkonsultasi)")
    def open_consultation(self, consultation_steps: ConsultationStepsDep, data: JSONBody[OpenConsultationRequest]
                          ) -> Response[ConsultationView]:
        view = consultation_steps.open_view(data.channel, _identity(data.consultee), data.arrived_at)
        return Response(view, status_code=201, headers={"Location": f"{self.path}/{view.id}"})

    @get("/", sync_to_thread=True, summary="Daftar konsultasi kantor ini, terbaru dahulu: cari, saring, per halaman",
         description="`q`: kata yang dicari pada nama, partai, permasalahan, penegasan dan jawaban (awal kata cukup: "
                     "\"Ton\" menemukan \"Tono\"); `since`/`until`: hari kantor ini. Jawaban: `items` satu halaman, "
                     "`total` semua yang cocok.")
    def list_consultations(
        self,
        request: Caller,
        consultations: ConsultationsDep,
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
        return consultations.page(request.user.office_id, found, offset, limit)

    @get("/{consultation_id:uuid}", sync_to_thread=True, summary="Satu konsultasi")
    def get_consultation(self, consultation_steps: ConsultationStepsDep, consultation_id: ConsultationId
                         ) -> ConsultationView:
        return consultation_steps.consultation(consultation_id)

    @get("/{consultation_id:uuid}/history", sync_to_thread=True, summary="Riwayat langkah konsultasi")
    def history(self, request: Caller, helpdesk: HelpdeskDep, consultation_id: ConsultationId) -> list[HistoryEntry]:
        return helpdesk.history(request.user.office_id, consultation_id)

    @get("/{consultation_id:uuid}/state", sync_to_thread=True, summary="Keadaan konsultasi pada suatu saat (ISO 8601)")
    def state_at(self, request: Caller, helpdesk: HelpdeskDep, here: HereDep, consultation_id: ConsultationId,
                 at: FromQuery[datetime]) -> ConsultationView:
        moment = at if at.tzinfo else at.replace(tzinfo=ZoneInfo(here.office.timezone))
        return helpdesk.consultation_at(request.user.office_id, consultation_id, moment)

    @post("/{consultation_id:uuid}/identity", guards=step_guard("correct_identity"),
          status_code=200, sync_to_thread=True,
          summary="Perbaiki identitas pihak yang berkonsultasi")
    def correct_identity(self, consultation_steps: ConsultationStepsDep, consultation_id: ConsultationId,
                         data: JSONBody[ConsulteeIn]) -> ConsultationView:
        return consultation_steps.correct_identity(consultation_id, _identity(data))

    @post("/{consultation_id:uuid}/problem", guards=step_guard("record_problem"), status_code=200, sync_to_thread=True,
          summary="Catat permasalahan yang disampaikan")
    def record_problem(self, consultation_steps: ConsultationStepsDep, consultation_id: ConsultationId,
                       data: JSONBody[TextRequest]) -> ConsultationView:
        return consultation_steps.record_problem(consultation_id, data.text)

    @post("/{consultation_id:uuid}/restatement", guards=step_guard("restate_problem"),
          status_code=200, sync_to_thread=True,
          summary="Ulangi permasalahan yang dicatat kepada pihak yang berkonsultasi")
    def restate_problem(self, consultation_steps: ConsultationStepsDep, consultation_id: ConsultationId,
                        data: JSONBody[TextRequest]) -> ConsultationView:
        return consultation_steps.restate_problem(consultation_id, data.text)

    @post("/{consultation_id:uuid}/confirmation", guards=step_guard("confirm_problem"),
          status_code=200, sync_to_thread=True,
          summary="Pihak yang berkonsultasi menyatakan permasalahan telah sesuai")
    def confirm_problem(self, consultation_steps: ConsultationStepsDep, consultation_id: ConsultationId
                        ) -> ConsultationView:
        return consultation_steps.confirm_problem(consultation_id)

    @post("/{consultation_id:uuid}/correction", guards=step_guard("correct_problem"),
          status_code=200, sync_to_thread=True,
          summary="Pihak yang berkonsultasi mengoreksi permasalahan")
    def correct_problem(self, consultation_steps: ConsultationStepsDep, consultation_id: ConsultationId,
                        data: JSONBody[TextRequest]) -> ConsultationView:
        return consultation_steps.correct_problem(consultation_id, data.text)

    @post("/{consultation_id:uuid}/answer", guards=step_guard("answer_problem"), status_code=200, sync_to_thread=True,
          summary="Jawab dengan dasar (UU, PKPU, Keputusan KPU/juknis, juklak, FAQ Sipol)",
          description="Setelah dilaporkan kepada Anggota KPU, hanya Anggota KPU yang dapat menjawab.")
    def answer_problem(self, consultation_steps: ConsultationStepsDep, consultation_id: ConsultationId,
                       data: JSONBody[AnswerRequest]) -> ConsultationView:
        bases = [(b.kind.value, b.reference) for b in data.bases]
        return consultation_steps.answer_problem(consultation_id, data.text, bases, faq=data.faq_cited)

    @post("/{consultation_id:uuid}/handover", guards=step_guard("hand_to_commissioner"),
          status_code=200, sync_to_thread=True,
          summary="Laporkan kepada Anggota KPU (tidak tercakup FAQ Sipol)")
    def hand_to_commissioner(self, consultation_steps: ConsultationStepsDep, consultation_id: ConsultationId,
                             data: JSONBody[HandoverRequest]) -> ConsultationView:
        shown = [Citation(item.entry_id, item.version) for item in data.faq_shown]
        return consultation_steps.hand_to_commissioner(consultation_id, data.reason, faq_shown=shown)

    @post("/{consultation_id:uuid}/forwarding", guards=step_guard("forward_up"), status_code=200, sync_to_thread=True,
          summary="Anggota KPU meneruskan ke Helpdesk tingkat di atasnya, dengan catatan")
    def forward_up(self, consultation_steps: ConsultationStepsDep, consultation_id: ConsultationId,
                   data: JSONBody[NoteRequest]) -> ConsultationView:
        consultation_steps.forward_up(consultation_id, data.note)
        return consultation_steps.consultation(consultation_id)

    @post("/{consultation_id:uuid}/clarification", guards=step_guard("clarify"), status_code=200, sync_to_thread=True,
          summary="Jawab permintaan klarifikasi dari tingkat di atasnya")
    def clarify(self, consultation_steps: ConsultationStepsDep, consultation_id: ConsultationId,
                data: JSONBody[TextRequest]) -> ConsultationView:
        consultation_steps.clarify(consultation_id, data.text)
        return consultation_steps.consultation(consultation_id)

    @post("/{consultation_id:uuid}/understanding", guards=step_guard("check_understanding"),
          status_code=200, sync_to_thread=True,
          summary="Apakah jawaban dipahami?")
    def check_understanding(self, consultation_steps: ConsultationStepsDep, consultation_id: ConsultationId,
                            data: JSONBody[UnderstandingRequest]) -> ConsultationView:
        return consultation_steps.check_understanding(consultation_id, data.understood)

    @post("/{consultation_id:uuid}/repetition", guards=step_guard("repeat_answer"),
          status_code=200, sync_to_thread=True,
          summary="Ulangi jawaban")
    def repeat_answer(self, consultation_steps: ConsultationStepsDep, consultation_id: ConsultationId,
                      data: JSONBody[RepeatRequest]) -> ConsultationView:
        return consultation_steps.repeat_answer(consultation_id, data.text)

    @post("/{consultation_id:uuid}/report-entry", guards=step_guard("log_in_report"),
          status_code=200, sync_to_thread=True,
          summary="Catat dalam laporan Helpdesk")
    def log_in_report(self, consultation_steps: ConsultationStepsDep, consultation_id: ConsultationId
                      ) -> ConsultationView:
        return consultation_steps.log_in_report(consultation_id)

    @post("/{consultation_id:uuid}/documentation", guards=step_guard("attach_documentation"),
          status_code=200, sync_to_thread=True,
          summary="Rujukan dokumentasi (foto, rekaman, tangkapan layar)")
    def attach_documentation(self, consultation_steps: ConsultationStepsDep, consultation_id: ConsultationId,
                             data: JSONBody[DocumentationRequest]) -> ConsultationView:
        return consultation_steps.attach_documentation(consultation_id, data.kind.value, data.storage_key, data.sha256)

    @post("/{consultation_id:uuid}/closure", guards=step_guard("close_consultation"),
          status_code=200, sync_to_thread=True,
          summary="Tutup konsultasi")
    def close_consultation(self, consultation_steps: ConsultationStepsDep, consultation_id: ConsultationId
                           ) -> ConsultationView:
        return consultation_steps.close_consultation(consultation_id)
