"""The outbox: this node's event log is the queue of what other offices must hear.

The relay reads events after its recorded position, turns each into envelopes (this module decides
which and for whom), publishes them, and records the new position. A relay killed mid-batch starts
again from its last recorded position; JetStream's duplicate window and the receivers' tracking make
the repeats harmless.

Each envelope carries the epoch its event was recorded in (domain/node_log.py): after a restore the log goes on
from the backup's last position in a new epoch, so the positions it speaks again are new to every receiver, while
events the backup held and the relay had not yet sent leave in their old epoch, exactly as before.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from eventsourcing.persistence import Notification, Tracking
from eventsourcing.utils import get_topic

from domain.consultation import Consultation
from domain.errors import NotFound
from domain.escalation import EscalationCase
from domain.node_log import NodeLog, Restores, current_epoch, epoch_at, node_log_id
from domain.offices import OfficeId
from services.base import NodeApplication
from services.integration import (
    AnswerReceived,
    Body,
    ClarificationProvided,
    ClarificationRequested,
    Envelope,
    EscalationAccepted,
    EscalationAnswered,
    EscalationReceived,
    EscalationRequested,
    LogRestored,
    Ref,
    version_for,
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
    NodeLog.Restored,
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
        restores = self.restores()
        return [(n.id, self.envelopes_for(n, restores)) for n in notifications]

    def envelopes_for(self, notification: Notification, restores: Restores | None = None) -> list[Envelope]:
        event = self.mapper.to_domain_event(notification)
        epoch = epoch_at(self.restores() if restores is None else restores, notification.id)
        return [
            Envelope(version_for(epoch), self.office.value, to, notification.id, event.timestamp, body, epoch)
            for to, body in self._bodies(event)
        ]

    # Epochs: the log's restores.

    def restores(self) -> Restores:
        """The restores of this office's log, oldest first; none for a log never restored (epoch 0)."""
        try:
            return self._load(node_log_id(self.office.value)).restores
        except NotFound:
            return ()

    def current_epoch(self) -> int:
        return current_epoch(self.restores())

    def log_head(self) -> int:
        return self.recorder.max_notification_id() or 0

    def start_epoch(self, *, epoch: int, backup_position: int, backup_taken_at: datetime | None, restored_by: str,
                    reason: str, neighbours: tuple[str, ...] = ()) -> int:
        """Records a restore from backup: the log goes on in `epoch`, and `neighbours` are told (each names what
        it holds that this log lost). Returns the position of the record."""
        log_id, now = node_log_id(self.office.value), self.clock()
        try:
            log = self._load(log_id)
        except NotFound:
            log = NodeLog.open(self.office.value, now)
        log.restore(epoch=epoch, backup_epoch=log.epoch, backup_position=backup_position,
                    backup_taken_at=backup_taken_at, restored_by=restored_by, reason=reason, neighbours=neighbours,
                    at=now)
        self._save(log)
        return self.log_head()

    def _bodies(self, event: Any) -> list[tuple[str, Body]]:
        if isinstance(event, Consultation.ForwardedUp | EscalationCase.Forwarded):
            return [(event.hop.upper_office, EscalationRequested(event.case))]
        if isinstance(event, NodeLog.Restored):
            notice = LogRestored(event.epoch, event.backup_epoch, event.backup_position, event.backup_taken_at)
            return [(office, notice) for office in event.neighbours]
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
