"""The escalation API: what waits at this office, what it sent up, and one POST per step of a case."""

from __future__ import annotations

from collections.abc import Callable
from uuid import UUID

from litestar import Controller, get, post
from litestar.params import FromPath, JSONBody

from domain.roles import Permission
from gateways.bootstrap import Node
from gateways.http.auth import requires
from gateways.http.deps import Caller, NodeDep
from gateways.http.dto import AnswerRequest, NoteRequest, QuestionRequest, TextRequest
from services.helpdesk import Helpdesk
from services.views import CaseView, InboxItem, OutgoingItem, UserView

CaseId = FromPath[UUID]


def _step(node: Node, user: UserView, case_id: UUID, command: Callable[[Helpdesk, str, str], None]) -> CaseView:
    """Runs one command as the caller, at the caller's office, and returns the case as it now is."""
    command(node.helpdesk, user.office_id, user.username)
    return node.helpdesk.get_case(user.office_id, case_id)


class EscalationController(Controller):
    path = "/api/escalations"
    tags = ["Eskalasi"]
    guards = [requires(Permission.HANDLE_CASES)]

    @get("/inbox", sync_to_thread=True, summary="Menunggu peran saya di kantor ini: konsultasi pada Anggota KPU, klarifikasi, kasus dari bawah")
    def inbox(self, request: Caller, node: NodeDep) -> list[InboxItem]:
        return node.helpdesk.escalation_inbox(request.user.office_id, request.user.role)

    @get("/outgoing", sync_to_thread=True, summary="Yang diteruskan kantor ini ke atas, dengan status tiap tahap")
    def outgoing(self, request: Caller, node: NodeDep) -> list[OutgoingItem]:
        return node.helpdesk.escalation_outgoing(request.user.office_id)

    @get("/cases/{case_id:uuid}", sync_to_thread=True, summary="Satu kasus eskalasi")
    def get_case(self, request: Caller, node: NodeDep, case_id: CaseId) -> CaseView:
        return node.helpdesk.get_case(request.user.office_id, case_id)

    @post("/cases/{case_id:uuid}/acceptance", status_code=200, sync_to_thread=True,
          summary="Terima kasus (petugas yang menangani dicatat)")
    def accept(self, request: Caller, node: NodeDep, case_id: CaseId) -> CaseView:
        return _step(node, request.user, case_id, lambda s, o, a: s.accept_case(o, case_id, a))

    @post("/cases/{case_id:uuid}/answer", status_code=200, sync_to_thread=True,
          summary="Jawab kasus dengan dasar; jawaban dikirim ke kantor di bawah")
    def answer(self, request: Caller, node: NodeDep, case_id: CaseId, data: JSONBody[AnswerRequest]) -> CaseView:
        bases = [(b.kind.value, b.reference) for b in data.bases]
        return _step(node, request.user, case_id, lambda s, o, a: s.answer_case(o, case_id, data.text, bases, a))

    @post("/cases/{case_id:uuid}/clarification-request", status_code=200, sync_to_thread=True,
          summary="Minta klarifikasi kepada kantor di bawah")
    def ask_clarification(self, request: Caller, node: NodeDep, case_id: CaseId,
                          data: JSONBody[QuestionRequest]) -> CaseView:
        return _step(node, request.user, case_id,
                     lambda s, o, a: s.ask_case_clarification(o, case_id, data.question, a))

    @post("/cases/{case_id:uuid}/forwarding", status_code=200, sync_to_thread=True,
          summary="Teruskan ke Helpdesk tingkat di atasnya, dengan catatan")
    def forward(self, request: Caller, node: NodeDep, case_id: CaseId, data: JSONBody[NoteRequest]) -> CaseView:
        return _step(node, request.user, case_id, lambda s, o, a: s.forward_case(o, case_id, data.note, a))

    @post("/cases/{case_id:uuid}/clarification", status_code=200, sync_to_thread=True,
          summary="Jawab permintaan klarifikasi dari tingkat di atasnya")
    def clarify(self, request: Caller, node: NodeDep, case_id: CaseId, data: JSONBody[TextRequest]) -> CaseView:
        return _step(node, request.user, case_id, lambda s, o, a: s.clarify_case_upward(o, case_id, data.text, a))

    @post("/cases/{case_id:uuid}/question-down", status_code=200, sync_to_thread=True,
          summary="Teruskan pertanyaan dari tingkat di atasnya ke kantor asal di bawah")
    def pass_question_down(self, request: Caller, node: NodeDep, case_id: CaseId) -> CaseView:
        return _step(node, request.user, case_id, lambda s, o, a: s.pass_question_down(o, case_id, a))
