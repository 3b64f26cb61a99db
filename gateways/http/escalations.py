"""The escalation API: what waits at this office, what it sent up, the history of the cases it received, and one
POST per step of a case. Every role of the office may read (Ketua, Sekretaris and Koordinator follow the desk);
only the case team may act."""

from __future__ import annotations

from datetime import date
from typing import Annotated
from uuid import UUID

from litestar import Controller, get, post
from litestar.params import FromPath, FromQuery, JSONBody, QueryParameter

from domain.escalation import CaseStatus
from domain.roles import Permission
from gateways.edge.auth import requires
from gateways.edge.deps import NO_CONTROL_CHARACTERS, Caller, CaseStepsDep, EscalationsDep
from gateways.http.dto import AnswerRequest, NoteRequest, QuestionRequest, TextRequest
from projections.escalation_queries import CaseFilter
from projections.paging import MAX_OFFSET
from projections.views import CasePage, InboxItem, OutgoingItem
from services.views import CaseView

CaseId = FromPath[UUID]
# Accepting, answering, asking, forwarding and clarifying a case: the case team (Anggota/Koordinator Harian, the
# commissioner). Reading is every role's.
ACT = [requires(Permission.HANDLE_CASES)]
SearchText = Annotated[str | None, QueryParameter(max_length=200, pattern=NO_CONTROL_CHARACTERS,
                                                  description="kata yang dicari (awal kata cukup)")]
FilterText = Annotated[str | None, QueryParameter(max_length=150, pattern=NO_CONTROL_CHARACTERS)]


class EscalationController(Controller):
    path = "/api/escalations"
    tags = ["Eskalasi"]
    guards = [requires(Permission.READ_CONSULTATIONS)]

    @get("/inbox", sync_to_thread=True,
         summary="Menunggu peran saya di kantor ini: konsultasi pada Anggota KPU, klarifikasi, kasus dari bawah")
    def inbox(self, request: Caller, escalations: EscalationsDep) -> list[InboxItem]:
        return escalations.inbox(request.user.office_id, request.user.role)

    @get("/outgoing", sync_to_thread=True, summary="Yang diteruskan kantor ini ke atas, dengan status tiap tahap")
    def outgoing(self, request: Caller, escalations: EscalationsDep) -> list[OutgoingItem]:
        return escalations.outgoing(request.user.office_id)

    @get("/history", sync_to_thread=True,
         summary="Riwayat kasus yang diterima dari kantor di bawah (juga yang sudah dijawab), "
                 "dengan saringan dan halaman")
    def history(
        self, request: Caller, escalations: EscalationsDep, q: SearchText = None,
        status: FromQuery[CaseStatus | None] = None, office: FilterText = None, party: FilterText = None,
        since: FromQuery[date | None] = None, until: FromQuery[date | None] = None,
        offset: Annotated[int, QueryParameter(ge=0, le=MAX_OFFSET)] = 0,
        limit: Annotated[int, QueryParameter(ge=1, le=200)] = 50,
    ) -> CasePage:
        found = CaseFilter(text=q, status=status, office=office, party=party, since=since, until=until)
        return escalations.history(request.user.office_id, found, offset, limit)

    @get("/cases/{case_id:uuid}", sync_to_thread=True, summary="Satu kasus eskalasi")
    def get_case(self, case_steps: CaseStepsDep, case_id: CaseId) -> CaseView:
        return case_steps.case(case_id)

    @post("/cases/{case_id:uuid}/acceptance", guards=ACT, status_code=200, sync_to_thread=True,
          summary="Terima kasus (petugas yang menangani dicatat)")
    def accept(self, case_steps: CaseStepsDep, case_id: CaseId) -> CaseView:
        case_steps.accept(case_id)
        return case_steps.case(case_id)

    @post("/cases/{case_id:uuid}/answer", guards=ACT, status_code=200, sync_to_thread=True,
          summary="Jawab kasus dengan dasar; jawaban dikirim ke kantor di bawah")
    def answer(self, case_steps: CaseStepsDep, case_id: CaseId, data: JSONBody[AnswerRequest]) -> CaseView:
        bases = [(b.kind.value, b.reference) for b in data.bases]
        case_steps.answer(case_id, data.text, bases, faq=data.faq_cited)
        return case_steps.case(case_id)

    @post("/cases/{case_id:uuid}/clarification-request", guards=ACT, status_code=200, sync_to_thread=True,
          summary="Minta klarifikasi kepada kantor di bawah")
    def ask_clarification(self, case_steps: CaseStepsDep, case_id: CaseId,
                          data: JSONBody[QuestionRequest]) -> CaseView:
        case_steps.ask_clarification(case_id, data.question)
        return case_steps.case(case_id)

    @post("/cases/{case_id:uuid}/forwarding", guards=ACT, status_code=200, sync_to_thread=True,
          summary="Teruskan ke Helpdesk tingkat di atasnya, dengan catatan")
    def forward(self, case_steps: CaseStepsDep, case_id: CaseId, data: JSONBody[NoteRequest]) -> CaseView:
        case_steps.forward(case_id, data.note)
        return case_steps.case(case_id)

    @post("/cases/{case_id:uuid}/clarification", guards=ACT, status_code=200, sync_to_thread=True,
          summary="Jawab permintaan klarifikasi dari tingkat di atasnya")
    def clarify(self, case_steps: CaseStepsDep, case_id: CaseId, data: JSONBody[TextRequest]) -> CaseView:
        case_steps.clarify_upward(case_id, data.text)
        return case_steps.case(case_id)

    @post("/cases/{case_id:uuid}/question-down", guards=ACT, status_code=200, sync_to_thread=True,
          summary="Teruskan pertanyaan dari tingkat di atasnya ke kantor asal di bawah")
    def pass_question_down(self, case_steps: CaseStepsDep, case_id: CaseId) -> CaseView:
        case_steps.pass_question_down(case_id)
        return case_steps.case(case_id)
