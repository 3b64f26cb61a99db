"""The Ketua's programme of activities over the API: a year's items (JSON, or the signed PDF), planning an item and
moving it through its states."""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import Annotated
from uuid import UUID

import msgspec
from litestar import Controller, Response, get, post
from litestar.params import FromPath, FromQuery, JSONBody

from domain.programme_values import check_year
from domain.roles import Permission
from gateways.edge.auth import requires
from gateways.edge.deps import Caller, HelpdeskDep, ProgrammeDep, ReportDeskDep
from gateways.exports.loaded import render_pdf
from gateways.reports.programme_document import programme_document
from projections.programme_queries import ProgrammeItemRow
from services.documents import filename

Year = FromPath[int]
PLAN = [requires(Permission.MANAGE_PROGRAMME)]  # the Ketua and the Sekretaris; an item's responsible moves it
Text = Annotated[str, msgspec.Meta(max_length=2000)]


class Format(StrEnum):
    JSON = "json"
    PDF = "pdf"


class ItemRequest(msgspec.Struct, forbid_unknown_fields=True):
    """An activity, the day it is planned for (in the programme's year), the staff member responsible (username)."""

    activity: Text
    planned_on: date | None = None
    responsible: Annotated[str, msgspec.Meta(max_length=64)] | None = None


class MoveRequest(msgspec.Struct, forbid_unknown_fields=True):
    """The item's new state (in_progress, done, cancelled) and a note; a cancellation says why."""

    state: Annotated[str, msgspec.Meta(max_length=20)]
    note: Text = ""


class Created(msgspec.Struct):
    id: UUID


class ProgrammeController(Controller):
    path = "/api/programme"
    tags = ["Program kegiatan"]
    guards = [requires(Permission.READ_CONSULTATIONS)]

    @get("/{year:int}", sync_to_thread=True, summary="Program kegiatan satu tahun (JSON, atau PDF bertanda tangan)")
    def items(self, request: Caller, helpdesk: HelpdeskDep, programme: ProgrammeDep, report_desk: ReportDeskDep,
              year: Year, format: FromQuery[Format] = Format.JSON) -> list[ProgrammeItemRow] | Response[bytes]:
        check_year(year)  # a year no programme can have is refused before it reaches the read store
        if format is Format.JSON:
            return programme.items(request.user.office_id, year)
        view = helpdesk.programme_view(request.user.office_id, year)
        name = filename(f"program_kegiatan_{year}_{request.user.office_id}", "pdf")
        printed = report_desk.builder.numbered(programme_document(report_desk.builder, view))  # given its number
        return Response(render_pdf(printed), media_type="application/pdf",
                        headers={"Content-Disposition": f'attachment; filename="{name}"'})

    @post("/{year:int}/items", guards=PLAN, sync_to_thread=True, status_code=201,
          summary="Rencanakan kegiatan (Ketua atau Sekretaris Helpdesk)")
    def plan(self, request: Caller, helpdesk: HelpdeskDep, year: Year, data: JSONBody[ItemRequest]) -> Created:
        return Created(helpdesk.plan_programme_item(request.user, year, data.activity, data.planned_on,
                                                    data.responsible))

    @post("/{year:int}/items/{item_id:uuid}/state", sync_to_thread=True, status_code=204,
          summary="Ubah status kegiatan (penanggung jawabnya: berjalan/selesai; Ketua atau Sekretaris: juga batal)")
    def move(self, request: Caller, helpdesk: HelpdeskDep, year: Year, item_id: FromPath[UUID],
             data: JSONBody[MoveRequest]) -> None:
        helpdesk.move_programme_item(request.user, year, item_id, data.state, data.note)
