"""The outbox: this node's event log is the queue of what other offices must hear.

The relay reads events after its recorded position, turns each into envelopes (this module decides
which and for whom), publishes them, and records the new position. A relay killed mid-batch starts
again from its last recorded position; JetStream's duplicate window and the receivers' tracking make
the repeats harmless.
"""

from __future__ import annotations

from typing import Any

from eventsourcing.persistence import Notification, Tracking
from eventsourcing.utils import get_topic

from domain.consultation import Consultation
from domain.escalation import EscalationCase
from domain.offices import OfficeId
from services.base import NodeApplication
from services.integration import (
    SCHEMA_VERSION,
    AnswerReceived,
    Body,
    ClarificationProvided,
    ClarificationRequested,
    Envelope,
    EscalationAccepted,
    EscalationAnswered,
    EscalationReceived,
    EscalationRequested,
    Ref,
)

RELAY = "relay"
SPEAKING_EVENTS = (
    Consultation.ForwardedUp,
    Consultation.ClarificationGiven,
    Consultation.AnswerArrived,
    EscalationCase.Received,
    EscalationCase.Accepted,
    EscalationCase.ClarificationAsked,
    EscalationCase.QuestionPassedDown,
    EscalationCase.Forwarded,
    EscalationCase.ClarifiedUpward,
    EscalationCase.Answered,
)
SPEAKING_TOPICS = [get_topic(cls) for cls in SPEAKING_EVENTS]


class Outbox(NodeApplication):
    office: OfficeId

    def relay_position(self) -> int:
        return self.recorder.max_tracking_id(RELAY) or 0

    def record_relay_position(self, notification_id: int) -> None:
        self.recorder.insert_events([], tracking=Tracking(RELAY, notification_id))

    def outgoing(self, after: int, limit: int = 100) -> list[tuple[int, list[Envelope]]]:
        """The envelopes of the next events that speak to other offices, by notification id."""
        notifications = self.recorder.select_notifications(after + 1, limit, topics=SPEAKING_TOPICS)
        return [(n.id, self.envelopes_for(n)) for n in notifications]

    def envelopes_for(self, notification: Notification) -> list[Envelope]:
        event = self.mapper.to_domain_event(notification)
        return [
            Envelope(SCHEMA_VERSION, self.office.value, to, notification.id, event.timestamp, body)
            for to, body in self._bodies(event)
        ]

    def _bodies(self, event: Any) -> list[tuple[str, Body]]:
        if isinstance(event, Consultation.ForwardedUp | EscalationCase.Forwarded):
            return [(event.hop.upper_office, EscalationRequested(event.case))]
        if isinstance(event, EscalationCase.Received):
            return [(event.down.lower_office, EscalationReceived(_ref(event.case), event.down.received_at))]
        # The other events need the aggregate as it stood right after them.
        record = self.repository.get(event.originator_id, version=event.originator_version)
        ref = Ref(self.office.value, record.id) if isinstance(record, Consultation) else _ref(record.case)
        if isinstance(event, Consultation.ClarificationGiven):
            return [(record.up.upper_office, ClarificationProvided(ref, event.text))]
        if isinstance(event, EscalationCase.ClarifiedUpward):
            return [(record.up.upper_office, ClarificationProvided(ref, event.text))]
        if isinstance(event, Consultation.AnswerArrived):
            return [(event.hop.upper_office, AnswerReceived(ref, event.hop.returned_at))]
        if isinstance(event, EscalationCase.Accepted):
            return [(record.from_office, EscalationAccepted(ref, event.actor, event.timestamp))]
        if isinstance(event, EscalationCase.ClarificationAsked | EscalationCase.QuestionPassedDown):
            return [(record.from_office, ClarificationRequested(ref, event.question, event.actor))]
        if isinstance(event, EscalationCase.Answered):
            down = [(record.from_office, EscalationAnswered(ref, event.answer))]
            if event.up is not None:  # the answer came from above: confirm its return up there too
                down.append((event.up.upper_office, AnswerReceived(ref, event.up.returned_at)))
            return down
        return []


def _ref(case: Any) -> Ref:
    return Ref(case.origin_office, case.origin_id)
