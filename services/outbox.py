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

from domain.errors import NotFound
from domain.node_log import NodeLog, Restores, current_epoch, epoch_at, node_log_id
from domain.offices import OfficeId
from services.base import NodeApplication
from services.evidence import DocumentSend, document_sends
from services.inbox_batch import batch_recorder
from services.integration import Envelope, version_for
from services.outbound import Said, bodies, speaking_topics

RELAY = "relay"
SPEAKING_TOPICS = speaking_topics()  # the events services/outbound.py says speak to other offices


class Outbox(NodeApplication):
    office: OfficeId
    children: tuple[str, ...]  # the offices directly below (the FAQ's releases go to each)

    def relay_position(self) -> int:
        return batch_recorder(self.recorder).max_tracking_id(RELAY) or 0

    def record_relay_position(self, notification_id: int) -> None:
        self.recorder.insert_events([], tracking=Tracking(RELAY, notification_id))

    def outgoing(self, after: int, limit: int = 100) -> list[tuple[int, list[Envelope]]]:
        """The envelopes of the next events that speak to other offices, by notification id."""
        return [(position, envelopes) for position, envelopes, _ in self.outgoing_with_documents(after, limit)]

    def outgoing_with_documents(self, after: int, limit: int = 100
                                ) -> list[tuple[int, list[Envelope], list[DocumentSend]]]:
        """The same, with the documents each event sends (their bytes follow the envelopes: services/evidence.py)."""
        notifications = self.recorder.select_notifications(after + 1, limit, topics=SPEAKING_TOPICS)
        restores = self.restores()
        return [(n.id, self.envelopes_for(n, restores), self.documents_for(n)) for n in notifications]

    def documents_for(self, notification: Notification) -> list[DocumentSend]:
        return document_sends(self.mapper.to_domain_event(notification), self._as_it_stood)

    def envelopes_for(self, notification: Notification, restores: Restores | None = None) -> list[Envelope]:
        event: Any = self.mapper.to_domain_event(notification)  # one of this node's aggregates' events: timed
        epoch = epoch_at(self.restores() if restores is None else restores, notification.id)
        return [
            Envelope(version_for(epoch), self.office.value, to, notification.id, event.timestamp, body, epoch)
            for to, body in bodies(Said(event, self.office.value, self._as_it_stood, self.children))
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

    def _as_it_stood(self, event: Any) -> Any:
        """The aggregate as it stood right after `event`."""
        return self.repository.get(event.originator_id, version=event.originator_version)
