"""The front desk's read model: each day's walk-in queue (one row per ticket) and the guest book (one line per guest).

The queue board refreshes every few seconds on a screen in the waiting room, and the desk, the Daftar Hadir and the
signature route read the guest book: each of them is one indexed query here, never a read of the log.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, ClassVar

import msgspec

from domain.consultation import Consultation
from domain.frontdesk import QueueDay, TicketState
from projections.base import BatchRows, ReadModel, Writer, column_names, iso

Q = QueueDay

NAME = "frontdesk"

DAY_COLUMNS = "queue_id TEXT PRIMARY KEY, office_id TEXT NOT NULL, day TEXT NOT NULL"
TICKET_COLUMNS = """
    ticket_id TEXT PRIMARY KEY, queue_id TEXT NOT NULL, office_id TEXT NOT NULL, day TEXT NOT NULL,
    number INTEGER NOT NULL, state TEXT NOT NULL, taken_at TEXT NOT NULL, called_at TEXT, called_by TEXT,
    call_order INTEGER, skipped_at TEXT, skipped_by TEXT, consultation_id TEXT
"""
# A guest-book line shows the consultee as the consultation now names them (an identity corrected after signing
# shows corrected), and keeps what was written when they signed: an auditor compares the signature with that.
GUEST_COLUMNS = """
    consultation_id TEXT PRIMARY KEY, office_id TEXT NOT NULL, day TEXT NOT NULL, number INTEGER NOT NULL,
    taken_at TEXT NOT NULL, name TEXT NOT NULL, phone TEXT, email TEXT, party TEXT NOT NULL,
    signed_name TEXT NOT NULL, signed_phone TEXT, signed_email TEXT, signed_party TEXT NOT NULL,
    signature_key TEXT NOT NULL, signature_sha256 TEXT NOT NULL, recorded_by TEXT NOT NULL,
    recorded_at TEXT NOT NULL, corrected_by TEXT, corrected_at TEXT
"""
DAY_NAMES = column_names(DAY_COLUMNS)
TICKET_NAMES = column_names(TICKET_COLUMNS)
GUEST_NAMES = column_names(GUEST_COLUMNS)


def ticket_key(queue_id: Any, number: int) -> str:
    return f"{queue_id}:{number}"


class FrontDeskProjection(ReadModel):
    name = NAME
    version = 1
    tables: ClassVar[dict[str, str]] = {
        "rm_queue_days": DAY_COLUMNS, "rm_queue_tickets": TICKET_COLUMNS, "rm_guest_book": GUEST_COLUMNS,
    }
    indexes = (
        "CREATE INDEX IF NOT EXISTS rm_queue_tickets_day ON rm_queue_tickets (office_id, day, number)",
        "CREATE INDEX IF NOT EXISTS rm_guest_book_day ON rm_guest_book (office_id, day, recorded_at)",
        "CREATE INDEX IF NOT EXISTS rm_guest_book_signature ON rm_guest_book (office_id, signature_key)",
    )
    topics = (Q.Opened, Q.TicketTaken, Q.TicketCalled, Q.GuestRecorded, Q.TicketSkipped, Q.SkipUndone,
              Consultation.IdentityCorrected)

    # The batch's rows, between begin_batch and end_batch: read once, changed by each event, written together.
    _batch: _Batch | None = None

    def begin_batch(self, tx: Writer, events: Sequence[Any] = ()) -> None:
        batch = self._batch = _Batch()
        queues = [e for e in events if type(e) is not Consultation.IdentityCorrected]
        batch.days.load(tx, (str(e.originator_id) for e in queues))
        # Every queue event but Opened names a ticket.
        batch.tickets.load(tx, (ticket_key(e.originator_id, e.number) for e in queues if type(e) is not Q.Opened))
        batch.guests.load(tx, (str(_guest_key(e)) for e in events if _guest_key(e) is not None))

    def end_batch(self, tx: Writer) -> None:
        batch, self._batch = self._batch, None
        if batch is not None:
            for rows in (batch.days, batch.tickets, batch.guests):
                rows.write(tx)

    def process(self, event: Any, position: int, tx: Writer) -> None:
        if self._batch is None:  # called outside a runner's batch (a test feeding events by hand): a batch of one
            self.begin_batch(tx, (event,))
            HANDLERS[type(event)](event, self._batch, tx)  # type: ignore[arg-type]
            self.end_batch(tx)
        else:
            HANDLERS[type(event)](event, self._batch, tx)


class _Batch:
    def __init__(self) -> None:
        self.days = BatchRows("rm_queue_days", DAY_NAMES)
        self.tickets = BatchRows("rm_queue_tickets", TICKET_NAMES)
        self.guests = BatchRows("rm_guest_book", GUEST_NAMES)


def _guest_key(event: Any) -> Any:
    """The guest-book line an event touches: the consultation a guest opened, or the one whose identity changed."""
    if isinstance(event, Q.GuestRecorded):
        return event.consultation
    if isinstance(event, Consultation.IdentityCorrected):
        return event.originator_id
    return None


def _opened(event: Any, batch: _Batch, tx: Writer) -> None:
    queue_id = str(event.originator_id)
    if batch.days.get(tx, queue_id) is None:  # a queue is opened once; a second Opened changes nothing
        batch.days.add({"queue_id": queue_id, "office_id": event.office_id, "day": event.day.isoformat()})


def _taken(event: Any, batch: _Batch, tx: Writer) -> None:
    queue = batch.days.get(tx, str(event.originator_id))
    key = ticket_key(event.originator_id, event.number)
    if queue is None or batch.tickets.get(tx, key) is not None:
        return
    batch.tickets.add({
        "ticket_id": key, "queue_id": queue["queue_id"], "office_id": queue["office_id"], "day": queue["day"],
        "number": event.number, "state": TicketState.WAITING.value, "taken_at": iso(event.timestamp),
    })


def _change_ticket(event: Any, batch: _Batch, tx: Writer, **changes: Any) -> dict[str, Any] | None:
    key = ticket_key(event.originator_id, event.number)
    row = batch.tickets.get(tx, key)
    if row is None:
        return None
    row.update(changes)
    batch.tickets.changed(key)
    return row


def _called(event: Any, batch: _Batch, tx: Writer) -> None:
    # The queue's own version orders its calls: the board's "now serving" is the latest call not skipped.
    _change_ticket(event, batch, tx, state=TicketState.CALLED.value, called_at=iso(event.timestamp),
                   called_by=event.actor, call_order=event.originator_version)


def _skipped(event: Any, batch: _Batch, tx: Writer) -> None:
    _change_ticket(event, batch, tx, state=TicketState.SKIPPED.value, skipped_at=iso(event.timestamp),
                   skipped_by=event.actor)


def _skip_undone(event: Any, batch: _Batch, tx: Writer) -> None:
    # The ticket is again what the event says (called, with its first call kept, or waiting).
    _change_ticket(event, batch, tx, state=event.state.value, skipped_at=None, skipped_by=None)


def _guest(event: Any, batch: _Batch, tx: Writer) -> None:
    ticket = _change_ticket(event, batch, tx, state=TicketState.SERVED.value,
                            consultation_id=str(event.consultation))
    key = str(event.consultation)
    if ticket is None or batch.guests.get(tx, key) is not None:
        return
    party = _party(event.party)
    batch.guests.add({
        "consultation_id": key, "office_id": ticket["office_id"], "day": ticket["day"], "number": event.number,
        "taken_at": ticket["taken_at"], "name": event.name, "phone": event.phone, "email": event.email,
        "party": party, "signed_name": event.name, "signed_phone": event.phone, "signed_email": event.email,
        "signed_party": party, "signature_key": event.signature_key, "signature_sha256": event.signature_sha256,
        "recorded_by": event.actor, "recorded_at": iso(event.timestamp),
    })


def _identity_corrected(event: Any, batch: _Batch, tx: Writer) -> None:
    key = str(event.originator_id)
    row = batch.guests.get(tx, key)
    if row is None:
        return  # a consultation that did not come through the guest book (e-mail, messaging, meeting)
    identity = event.identity
    row.update(name=identity.name, phone=identity.phone, email=identity.email, party=_party(identity.party),
               corrected_by=event.actor, corrected_at=iso(event.timestamp))
    batch.guests.changed(key)


def _party(party: Any) -> str:
    return msgspec.json.encode(party).decode()


HANDLERS = {
    Q.Opened: _opened,
    Q.TicketTaken: _taken,
    Q.TicketCalled: _called,
    Q.TicketSkipped: _skipped,
    Q.SkipUndone: _skip_undone,
    Q.GuestRecorded: _guest,
    Consultation.IdentityCorrected: _identity_corrected,
}
