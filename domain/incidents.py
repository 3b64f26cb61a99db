"""A special incident at the desk (kejadian khusus, SOP A.4b–c; issue 16): technical trouble, power or network down,
SIPOL unreachable, a disturbance. Reported by any staff member, received by the Koordinator Harian, passed to the
Koordinator with a note, closed with how it was resolved; each step an event naming who took it and when. The rules
(who may take which step, in which order) are in domain/incident_values.py."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID, uuid4

from eventsourcing.domain import Aggregate

from domain.incident_values import (
    REPORT,
    IncidentCategory,
    IncidentReport,
    IncidentState,
    IncidentStep,
    check_step,
    clean_note,
)
from domain.roles import Role, check_permitted


class Incident(Aggregate):
    class Reported(Aggregate.Created):
        office_id: str
        category: IncidentCategory
        description: str
        location: str
        occurred_at: datetime
        actor: str  # the reporter's username

    class Received(Aggregate.Event):
        office_id: str
        actor: str

        def apply(self, aggregate: Incident) -> None:
            aggregate.state = IncidentState.RECEIVED

    class Passed(Aggregate.Event):
        """Passed on to the Koordinator, with what the Koordinator Harian adds."""

        office_id: str
        note: str
        actor: str

        def apply(self, aggregate: Incident) -> None:
            aggregate.state = IncidentState.PASSED

    class Closed(Aggregate.Event):
        office_id: str
        resolution: str
        actor: str

        def apply(self, aggregate: Incident) -> None:
            aggregate.state = IncidentState.CLOSED

    def __init__(self, office_id: str, category: IncidentCategory, description: str, location: str,
                 occurred_at: datetime, actor: str) -> None:
        self.office_id = office_id
        self.category = category
        self.description = description
        self.location = location
        self.occurred_at = occurred_at
        self.reporter = actor
        self.state = IncidentState.REPORTED

    @classmethod
    def report(cls, *, office_id: str, given: IncidentReport, role: Role, actor: str, at: datetime,
               id: UUID | None = None) -> Incident:
        check_permitted(role, REPORT)
        return cls._create(cls.Reported, id=id or uuid4(), timestamp=at, office_id=office_id,
                           category=given.category, description=given.description, location=given.location,
                           occurred_at=given.occurred_at, actor=actor)

    def receive(self, role: Role, actor: str, at: datetime) -> None:
        check_step(role, self.state, IncidentStep.RECEIVE)
        self.trigger_event(self.Received, timestamp=at, office_id=self.office_id, actor=actor)

    def pass_on(self, role: Role, note: str, actor: str, at: datetime) -> None:
        check_step(role, self.state, IncidentStep.PASS)
        self.trigger_event(self.Passed, timestamp=at, office_id=self.office_id, note=clean_note(note, "note"),
                           actor=actor)

    def close(self, role: Role, resolution: str, actor: str, at: datetime) -> None:
        check_step(role, self.state, IncidentStep.CLOSE)
        self.trigger_event(self.Closed, timestamp=at, office_id=self.office_id,
                           resolution=clean_note(resolution, "resolution"), actor=actor)
