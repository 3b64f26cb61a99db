"""The Koordinator's evaluations over the API: the list, one evaluation (JSON, or its signed PDF), drafting one for a
period, notes, follow-ups (added, done) and finalising; the open follow-ups, a staff member's own or all."""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import Annotated
from uuid import UUID

import msgspec
from litestar import Controller, Response, get, post
from litestar.params import FromPath, FromQuery, JSONBody

from domain.roles import Permission
from gateways.edge.auth import requires
from gateways.edge.deps import Caller, EvaluationsDep, HelpdeskDep, ReportDeskDep
from gateways.exports.loaded import render_pdf
from gateways.reports.evaluation_document import evaluation_document, evaluation_filename
from projections.evaluation_queries import EvaluationRow, FollowUpRow
from services.documents import filename
from services.evaluations import EvaluationView

EvaluationId = FromPath[UUID]
EVALUATE = [requires(Permission.EVALUATE_SERVICE)]  # the Koordinator; a follow-up's owner marks it done
Text = Annotated[str, msgspec.Meta(max_length=5000)]
Username = Annotated[str, msgspec.Meta(max_length=64)]


class Format(StrEnum):
    JSON = "json"
    PDF = "pdf"


class PeriodRequest(msgspec.Struct, forbid_unknown_fields=True):
    """The office's days the evaluation covers (a week, a month: at most a year, none to come)."""

    period_start: date
    period_end: date


class NoteRequest(msgspec.Struct, forbid_unknown_fields=True):
    text: Text


class FollowUpRequest(msgspec.Struct, forbid_unknown_fields=True):
    """What is to be done, by which staff member (username), by which day."""

    what: Text
    owner: Username | None = None
    due: date | None = None


class Created(msgspec.Struct):
    id: UUID


class Finalised(msgspec.Struct):
    content_hash: str


class EvaluationController(Controller):
    path = "/api/evaluations"
    tags = ["Evaluasi layanan"]
    guards = [requires(Permission.READ_CONSULTATIONS)]

    @get("/", sync_to_thread=True, summary="Evaluasi layanan kantor ini, periode terbaru lebih dahulu")
    def list_evaluations(self, request: Caller, evaluations: EvaluationsDep) -> list[EvaluationRow]:
        return evaluations.list(request.user.office_id)

    @get("/follow-ups", sync_to_thread=True, summary="Tindak lanjut yang belum selesai (milik sendiri bila mine=true)")
    def open_follow_ups(self, request: Caller, evaluations: EvaluationsDep, mine: FromQuery[bool] = False
                        ) -> list[FollowUpRow]:
        return evaluations.open_follow_ups(request.user.office_id, request.user.username if mine else None)

    @post("/", guards=EVALUATE, sync_to_thread=True, summary="Susun evaluasi untuk satu periode (Koordinator)")
    def draft(self, request: Caller, helpdesk: HelpdeskDep, data: JSONBody[PeriodRequest]) -> Response[Created]:
        evaluation_id = helpdesk.draft_evaluation(request.user, data.period_start, data.period_end)
        return Response(Created(evaluation_id), status_code=201,
                        headers={"Location": f"{self.path}/{evaluation_id}"})

    @get("/{evaluation_id:uuid}", sync_to_thread=True,
         summary="Satu evaluasi: angka, catatan, tindak lanjut (JSON, atau PDF bertanda tangan)")
    def evaluation(self, request: Caller, helpdesk: HelpdeskDep, report_desk: ReportDeskDep,
                   evaluation_id: EvaluationId, format: FromQuery[Format] = Format.JSON
                   ) -> EvaluationView | Response[bytes]:
        view = helpdesk.evaluation_view(request.user.office_id, evaluation_id)
        if format is Format.JSON:
            return view
        name = filename(f"{evaluation_filename(view.period_start, view.period_end)}_{request.user.office_id}", "pdf")
        printed = report_desk.builder.numbered(evaluation_document(report_desk.builder, view))  # given its number
        return Response(render_pdf(printed), media_type="application/pdf",
                        headers={"Content-Disposition": f'attachment; filename="{name}"'})

    @post("/{evaluation_id:uuid}/notes", guards=EVALUATE, sync_to_thread=True, status_code=201,
          summary="Tambah catatan (Koordinator)")
    def add_note(self, request: Caller, helpdesk: HelpdeskDep, evaluation_id: EvaluationId,
                 data: JSONBody[NoteRequest]) -> Created:
        return Created(helpdesk.add_evaluation_note(request.user, evaluation_id, data.text))

    @post("/{evaluation_id:uuid}/follow-ups", guards=EVALUATE, sync_to_thread=True, status_code=201,
          summary="Tambah tindak lanjut: apa, siapa, kapan (Koordinator)")
    def add_follow_up(self, request: Caller, helpdesk: HelpdeskDep, evaluation_id: EvaluationId,
                      data: JSONBody[FollowUpRequest]) -> Created:
        return Created(helpdesk.add_follow_up(request.user, evaluation_id, data.what, data.owner, data.due))

    @post("/{evaluation_id:uuid}/follow-ups/{follow_up_id:uuid}/done", sync_to_thread=True, status_code=204,
          summary="Tandai tindak lanjut selesai (pemiliknya atau Koordinator)")
    def complete(self, request: Caller, helpdesk: HelpdeskDep, evaluation_id: EvaluationId,
                 follow_up_id: FromPath[UUID]) -> None:
        helpdesk.complete_follow_up(request.user, evaluation_id, follow_up_id)

    @post("/{evaluation_id:uuid}/finalise", guards=EVALUATE, sync_to_thread=True, status_code=201,
          summary="Finalkan: angka, catatan dan tindak lanjut dibekukan (hash SHA-256)")
    def finalise(self, request: Caller, helpdesk: HelpdeskDep, evaluation_id: EvaluationId) -> Finalised:
        return Finalised(helpdesk.finalise_evaluation(request.user, evaluation_id))
