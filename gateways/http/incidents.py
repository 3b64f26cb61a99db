"""Special incidents (kejadian khusus) over the API: report one, list the office's with their state, and the
Koordinator Harian's receive and pass, the Koordinator's close (the same commands as /kejadian-khusus)."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

import msgspec
from litestar import Controller, Response, get, post
from litestar.params import FromPath, FromQuery, JSONBody

from domain.incident_values import MAX_DESCRIPTION, MAX_LOCATION, MAX_NOTE, REPORT, STEPS, IncidentStep
from domain.roles import Permission
from gateways.edge.auth import requires
from gateways.edge.deps import Caller, HelpdeskDep, IncidentsDep
from projections.incidents_queries import IncidentRow
from services.incidents import IncidentInput

IncidentId = FromPath[UUID]
# A little over the domain's limits, so an overlong text is refused by the domain, beside its field, with the rest.
Text = Annotated[str, msgspec.Meta(max_length=MAX_DESCRIPTION + 100)]


class IncidentRequest(msgspec.Struct, forbid_unknown_fields=True):
    """An incident: its category (equipment, power, network, sipol, disturbance, other), what happened, where, and
    when in the office's local time ("2026-12-04T09:15"; left out: now)."""

    category: Annotated[str, msgspec.Meta(max_length=30)]
    description: Text
    location: Annotated[str, msgspec.Meta(max_length=MAX_LOCATION + 100)]
    occurred_at: Annotated[str, msgspec.Meta(max_length=40)] | None = None


class NoteRequest(msgspec.Struct, forbid_unknown_fields=True):
    note: Annotated[str, msgspec.Meta(max_length=MAX_NOTE + 100)]


class ResolutionRequest(msgspec.Struct, forbid_unknown_fields=True):
    resolution: Annotated[str, msgspec.Meta(max_length=MAX_NOTE + 100)]


class Created(msgspec.Struct):
    id: UUID


def _guard(step: IncidentStep) -> list[object]:
    return [requires(STEPS[step][2])]


class IncidentController(Controller):
    path = "/api/incidents"
    tags = ["Kejadian khusus"]
    guards = [requires(Permission.READ_CONSULTATIONS)]

    @get("/", sync_to_thread=True, summary="Kejadian khusus kantor ini dan statusnya")
    def list_incidents(self, request: Caller, incidents: IncidentsDep, closed: FromQuery[bool] = True
                       ) -> list[IncidentRow]:
        return incidents.list(request.user.office_id, closed=closed)

    @post("/", guards=[requires(REPORT)], sync_to_thread=True, summary="Laporkan kejadian khusus")
    def report(self, request: Caller, helpdesk: HelpdeskDep, data: JSONBody[IncidentRequest]) -> Response[Created]:
        incident_id = helpdesk.report_incident(request.user, msgspec.convert(data, IncidentInput, from_attributes=True))
        return Response(Created(incident_id), status_code=201, headers={"Location": f"{self.path}/{incident_id}"})

    @get("/{incident_id:uuid}", sync_to_thread=True, summary="Satu kejadian khusus: siapa mengambil tiap langkah")
    def incident(self, request: Caller, helpdesk: HelpdeskDep, incidents: IncidentsDep, incident_id: IncidentId
                 ) -> IncidentRow:
        return _row(request, helpdesk, incidents, incident_id)

    @post("/{incident_id:uuid}/receipt", guards=_guard(IncidentStep.RECEIVE), status_code=200, sync_to_thread=True,
          summary="Terima laporan kejadian (Koordinator Harian)")
    def receive(self, request: Caller, helpdesk: HelpdeskDep, incidents: IncidentsDep, incident_id: IncidentId
                ) -> IncidentRow:
        helpdesk.receive_incident(request.user, incident_id)
        return _row(request, helpdesk, incidents, incident_id)

    @post("/{incident_id:uuid}/passing", guards=_guard(IncidentStep.PASS), status_code=200, sync_to_thread=True,
          summary="Teruskan kejadian ke Koordinator, dengan catatan (Koordinator Harian)")
    def pass_on(self, request: Caller, helpdesk: HelpdeskDep, incidents: IncidentsDep, incident_id: IncidentId,
                data: JSONBody[NoteRequest]) -> IncidentRow:
        helpdesk.pass_incident(request.user, incident_id, data.note)
        return _row(request, helpdesk, incidents, incident_id)

    @post("/{incident_id:uuid}/closing", guards=_guard(IncidentStep.CLOSE), status_code=200, sync_to_thread=True,
          summary="Tutup kejadian dengan penyelesaiannya (Koordinator)")
    def close(self, request: Caller, helpdesk: HelpdeskDep, incidents: IncidentsDep, incident_id: IncidentId,
              data: JSONBody[ResolutionRequest]) -> IncidentRow:
        helpdesk.close_incident(request.user, incident_id, data.resolution)
        return _row(request, helpdesk, incidents, incident_id)


def _row(request: Caller, helpdesk: HelpdeskDep, incidents: IncidentsDep, incident_id: UUID) -> IncidentRow:
    """The incident as the read model has it (caught up); another office's is missing like an unknown one."""
    helpdesk.incident_of(request.user.office_id, incident_id)
    row = incidents.get(request.user.office_id, str(incident_id))
    assert row is not None  # the read model catches up before it answers
    return row
