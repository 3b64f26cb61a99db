"""Special incidents (kejadian khusus; part of the Helpdesk application): each command loads the incident, takes one
domain step with the caller's role and saves it; the rules are the domain's (domain/incident_values.py)."""

from __future__ import annotations

from uuid import UUID
from zoneinfo import ZoneInfo

import msgspec

from domain.errors import NotFound
from domain.incident_values import UnknownIncident, check_report
from domain.incidents import Incident
from domain.offices import parse_office_id
from domain.views import UserView
from services.base import NodeApplication


class IncidentInput(msgspec.Struct, frozen=True):
    """An incident as typed in the report form or the API; `occurred_at` in the office's local time (empty: now)."""

    category: str
    description: str
    location: str
    occurred_at: str | None = None


class IncidentCommands(NodeApplication):
    def report_incident(self, caller: UserView, given: IncidentInput) -> UUID:
        now = self.clock()
        zone = ZoneInfo(parse_office_id(caller.office_id).timezone)
        report = check_report(given.category, given.description, given.location, given.occurred_at, now, zone)
        incident = Incident.report(office_id=caller.office_id, given=report, role=caller.role,
                                   actor=caller.username, at=now)
        self._save(incident)
        return incident.id

    def receive_incident(self, caller: UserView, incident_id: UUID) -> None:
        incident = self.incident_of(caller.office_id, incident_id)
        incident.receive(caller.role, caller.username, self.clock())
        self._save(incident)

    def pass_incident(self, caller: UserView, incident_id: UUID, note: str) -> None:
        incident = self.incident_of(caller.office_id, incident_id)
        incident.pass_on(caller.role, note, caller.username, self.clock())
        self._save(incident)

    def close_incident(self, caller: UserView, incident_id: UUID, resolution: str) -> None:
        incident = self.incident_of(caller.office_id, incident_id)
        incident.close(caller.role, resolution, caller.username, self.clock())
        self._save(incident)

    def incident_of(self, office_id: str, incident_id: UUID) -> Incident:
        """One of this office's incidents (another office's is reported as missing)."""
        try:
            incident = self._load(incident_id)
        except NotFound:
            raise UnknownIncident() from None
        if not isinstance(incident, Incident) or incident.office_id != office_id:
            raise UnknownIncident()
        return incident
