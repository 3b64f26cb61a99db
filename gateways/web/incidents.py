"""The special incidents' page (/kejadian-khusus; SOP A.4b–c): every staff member reports one (what, when, where,
which category) and sees the office's incidents with their state; the Koordinator Harian receives and passes them
to the Koordinator, who closes them with how they were resolved. Which step a person is offered is the domain's
(domain/incident_values.py next_step); the guards name the permissions of its table."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from uuid import UUID

from litestar import Controller, Response, get, post
from litestar.params import FromPath
from litestar.response import Redirect, Template

from domain.errors import DomainError
from domain.incident_values import REPORT, STEPS, IncidentCategory, IncidentState, IncidentStep, next_step
from domain.roles import Permission
from gateways.edge.auth import requires
from gateways.edge.deps import Caller, HelpdeskDep, Here, HereDep, IncidentsDep
from gateways.edge.errors import STATUS_OF_KIND
from gateways.reports.dates import stamp
from gateways.web.forms import Form, field_errors
from gateways.web.render import language, page
from projections.incidents_queries import IncidentQueries
from services.incidents import IncidentInput

IncidentId = FromPath[UUID]
CATEGORY_NAMES = {
    IncidentCategory.EQUIPMENT: "Gangguan perangkat meja layanan", IncidentCategory.POWER: "Listrik padam",
    IncidentCategory.NETWORK: "Jaringan internet terputus", IncidentCategory.SIPOL: "SIPOL tidak dapat diakses",
    IncidentCategory.DISTURBANCE: "Gangguan ketertiban", IncidentCategory.OTHER: "Lainnya",
}
STATE_NAMES = {
    IncidentState.REPORTED: "Dilaporkan", IncidentState.RECEIVED: "Diterima Koordinator Harian",
    IncidentState.PASSED: "Diteruskan ke Koordinator", IncidentState.CLOSED: "Selesai",
}
_FIELDS = ("category", "description", "location", "occurred_at")


def _guard(step: IncidentStep) -> list[Any]:
    return [requires(STEPS[step][2])]


class IncidentPages(Controller):
    path = "/kejadian-khusus"
    include_in_schema = False
    guards = [requires(Permission.READ_CONSULTATIONS)]

    @get("/", sync_to_thread=True)
    def incidents(self, request: Caller, here: HereDep, incidents: IncidentsDep) -> Template:
        return _list(request, here, incidents, {"category": IncidentCategory.EQUIPMENT.value}, {})

    @post("/", guards=[requires(REPORT)], sync_to_thread=True)
    def report(self, request: Caller, here: HereDep, helpdesk: HelpdeskDep, incidents: IncidentsDep, data: Form
               ) -> Response[Any] | Template:
        values = {key: str(data.get(key, "") or "") for key in _FIELDS}
        given = IncidentInput(category=values["category"], description=values["description"],
                              location=values["location"], occurred_at=values["occurred_at"] or None)
        try:
            incident_id = helpdesk.report_incident(request.user, given)
        except DomainError as error:
            if error.kind == "forbidden":
                raise
            return _list(request, here, incidents, values, field_errors(error, language(request)),
                         status_code=STATUS_OF_KIND[error.kind])
        return Redirect(f"/kejadian-khusus#kejadian-{incident_id}", status_code=303)

    @post("/{incident_id:uuid}/terima", guards=_guard(IncidentStep.RECEIVE), sync_to_thread=True)
    def receive(self, request: Caller, here: HereDep, helpdesk: HelpdeskDep, incidents: IncidentsDep,
                incident_id: IncidentId) -> Response[Any] | Template:
        return _step(request, here, incidents, incident_id, {},
                     lambda: helpdesk.receive_incident(request.user, incident_id))

    @post("/{incident_id:uuid}/teruskan", guards=_guard(IncidentStep.PASS), sync_to_thread=True)
    def pass_on(self, request: Caller, here: HereDep, helpdesk: HelpdeskDep, incidents: IncidentsDep,
                incident_id: IncidentId, data: Form) -> Response[Any] | Template:
        values = {"note": str(data.get("note", "") or "")}
        return _step(request, here, incidents, incident_id, values,
                     lambda: helpdesk.pass_incident(request.user, incident_id, values["note"]))

    @post("/{incident_id:uuid}/tutup", guards=_guard(IncidentStep.CLOSE), sync_to_thread=True)
    def close(self, request: Caller, here: HereDep, helpdesk: HelpdeskDep, incidents: IncidentsDep,
              incident_id: IncidentId, data: Form) -> Response[Any] | Template:
        values = {"resolution": str(data.get("resolution", "") or "")}
        return _step(request, here, incidents, incident_id, values,
                     lambda: helpdesk.close_incident(request.user, incident_id, values["resolution"]))


def _step(request: Caller, here: Here, incidents: IncidentQueries, incident_id: UUID, values: dict[str, str],
          command: Callable[[], object]) -> Response[Any] | Template:
    """One step on an incident; back to the list at it, or the list again with the refusal beside the incident."""
    try:
        command()
    except DomainError as error:
        if error.kind in ("forbidden", "not_found"):
            raise
        return _list(request, here, incidents, values, field_errors(error, language(request)),
                     status_code=STATUS_OF_KIND[error.kind], acting=str(incident_id))
    return Redirect(f"/kejadian-khusus#kejadian-{incident_id}", status_code=303)


def _list(request: Caller, here: Here, incidents: IncidentQueries, values: dict[str, str], errors: dict[str, str],
          status_code: int = 200, acting: str | None = None) -> Template:
    role = request.user.role
    rows = incidents.list(request.user.office_id)
    offered = {row.id: step.value for row in rows if (step := next_step(role, row.state)) is not None}
    # A refusal of the report form is shown at the form; a refusal of a step beside the incident it was taken on.
    return page(request, here, "incidents/index.html", status_code=status_code, incidents=rows, offered=offered,
                values=values if acting is None else {}, errors=errors if acting is None else {},
                step_values=values if acting else {}, step_errors=errors if acting else {}, acting=acting,
                categories=CATEGORY_NAMES, states=STATE_NAMES,
                stamp=lambda moment: stamp(moment, here.office, language(request)))
