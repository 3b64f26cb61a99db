"""The front desk (SOP step 1, walk-in): a queue number, the call to the desk, the guest book (Daftar Hadir).

One `QueueDay` per office per local day: numbers start again at 1 each morning. A ticket is waiting until an
officer calls it; a called ticket is served once the consultee has signed the guest book (which opens the
walk-in consultation), or skipped when the person has left.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from enum import StrEnum
from uuid import NAMESPACE_URL, UUID, uuid5
from zoneinfo import ZoneInfo

import msgspec
from eventsourcing.domain import Aggregate

from domain.frontdesk_errors import (  # re-exported: the front desk's refusals are named from here too
    MAX_SIGNATURE_BYTES as MAX_SIGNATURE_BYTES,
)
from domain.frontdesk_errors import (
    PNG_MAGIC as PNG_MAGIC,
)
from domain.frontdesk_errors import (
    GuestAlreadyRecorded as GuestAlreadyRecorded,
)
from domain.frontdesk_errors import (
    InvalidSignature as InvalidSignature,
)
from domain.frontdesk_errors import (
    QueueDayOver as QueueDayOver,
)
from domain.frontdesk_errors import (
    QueueEmpty as QueueEmpty,
)
from domain.frontdesk_errors import (
    SignatureRequired as SignatureRequired,
)
from domain.frontdesk_errors import (
    TicketAlreadySkipped as TicketAlreadySkipped,
)
from domain.frontdesk_errors import (
    TicketNotCalled as TicketNotCalled,
)
from domain.frontdesk_errors import (
    TicketNotSkipped as TicketNotSkipped,
)
from domain.frontdesk_errors import (
    UnknownTicket as UnknownTicket,
)
from domain.frontdesk_errors import (
    check_signature_png as check_signature_png,
)
from domain.offices import OfficeId
from domain.parties import Party
from domain.values import Identity


class TicketState(StrEnum):
    WAITING = "waiting"
    CALLED = "called"  # at a desk, guest book not signed yet
    SERVED = "served"  # guest book signed, consultation opened
    SKIPPED = "skipped"  # the person had left when called


class Guest(msgspec.Struct, frozen=True):
    """One line of the guest book: who came, when they signed, and the consultation it opened."""

    name: str
    phone: str | None
    party: Party
    signature_key: str
    signature_sha256: str
    consultation_id: UUID
    actor: str
    at: datetime
    email: str | None = None  # C.d.2(d); lines signed before the guest book asked for it have none


class Ticket(msgspec.Struct, frozen=True):
    number: int
    taken_at: datetime
    state: TicketState = TicketState.WAITING
    called_at: datetime | None = None
    called_by: str | None = None
    skipped_at: datetime | None = None
    guest: Guest | None = None


def queue_day_id(office_id: str, day: date) -> UUID:
    """The id of one office's queue on one local day, the same wherever it is computed: the first ticket of two
    tablets at once makes one queue, not two."""
    return uuid5(NAMESPACE_URL, f"helpdesk-sipol:queue-day:{office_id}:{day.isoformat()}")


def local_day(at: datetime, office_id: str) -> date:
    """The office's calendar day (WIB, WITA or WIT) at a moment."""
    return at.astimezone(ZoneInfo(OfficeId(office_id).timezone)).date()


def now_serving(calls: Iterable[tuple[int, TicketState]]) -> int | None:
    """The number called last, unless that person had left: `calls` are the called numbers in the order they were
    called, each with its ticket's state now. The aggregate and the queue's read model both answer with this."""
    latest = None
    for number, state in calls:
        if state is not TicketState.SKIPPED:
            latest = number
    return latest


class QueueDay(Aggregate):
    """The walk-in queue of one office on one day."""

    class Opened(Aggregate.Created):
        office_id: str
        day: date

    class TicketTaken(Aggregate.Event):
        number: int

        def apply(self, aggregate: QueueDay) -> None:
            aggregate.tickets[self.number] = Ticket(number=self.number, taken_at=self.timestamp)

    class TicketCalled(Aggregate.Event):
        number: int
        actor: str  # the officer (desk) who called it

        def apply(self, aggregate: QueueDay) -> None:
            ticket = aggregate.tickets[self.number]
            aggregate.tickets[self.number] = msgspec.structs.replace(
                ticket, state=TicketState.CALLED, called_at=self.timestamp, called_by=self.actor
            )
            aggregate.call_order = (*aggregate.call_order, self.number)

    class GuestRecorded(Aggregate.Event):
        number: int
        name: str
        phone: str | None
        party: Party
        signature_key: str
        signature_sha256: str
        # Not `consultation_id`: the audit read model files all of an aggregate's later events under the first
        # consultation one of them names, and one queue serves many consultations.
        consultation: UUID
        actor: str
        # Added with C.d.2(d): events recorded before it decode with None (services/codec.py keeps defaults).
        email: str | None = None

        def apply(self, aggregate: QueueDay) -> None:
            guest = Guest(
                name=self.name, phone=self.phone, party=self.party, signature_key=self.signature_key,
                signature_sha256=self.signature_sha256, consultation_id=self.consultation, actor=self.actor,
                at=self.timestamp, email=self.email,
            )
            ticket = aggregate.tickets[self.number]
            aggregate.tickets[self.number] = msgspec.structs.replace(ticket, state=TicketState.SERVED, guest=guest)

    class TicketSkipped(Aggregate.Event):
        number: int
        actor: str

        def apply(self, aggregate: QueueDay) -> None:
            ticket = aggregate.tickets[self.number]
            aggregate.tickets[self.number] = msgspec.structs.replace(
                ticket, state=TicketState.SKIPPED, skipped_at=self.timestamp
            )

    class SkipUndone(Aggregate.Event):
        """A number skipped by mistake (the person was there after all) is called back: the ticket is again what it
        was before the skip, called to the desk or waiting."""

        number: int
        actor: str
        state: TicketState  # what the ticket is again: CALLED or WAITING

        def apply(self, aggregate: QueueDay) -> None:
            ticket = aggregate.tickets[self.number]
            aggregate.tickets[self.number] = msgspec.structs.replace(ticket, state=self.state, skipped_at=None)

    def __init__(self, office_id: str, day: date) -> None:
        self.office_id = office_id
        self.day = day
        self.tickets: dict[int, Ticket] = {}
        self.call_order: tuple[int, ...] = ()

    @classmethod
    def open(cls, *, office_id: str, day: date, at: datetime) -> QueueDay:
        """The day's queue, begun by its first ticket (the caller takes it at once)."""
        return cls._create(cls.Opened, id=queue_day_id(office_id, day), timestamp=at, office_id=office_id, day=day)

    # Commands.

    def take_ticket(self, at: datetime) -> int:
        number = len(self.tickets) + 1
        self.trigger_event(self.TicketTaken, timestamp=at, number=number)
        return number

    def call_next(self, actor: str, at: datetime) -> int:
        """Calls the lowest waiting number to the officer's desk."""
        waiting = self.waiting
        if not waiting:
            raise QueueEmpty()
        number = waiting[0]
        self.trigger_event(self.TicketCalled, timestamp=at, number=number, actor=actor)
        return number

    def check_guest_allowed(self, number: int) -> Ticket:
        """The guest book is signed for a called ticket, once; raises otherwise (before any file is stored)."""
        ticket = self.ticket(number)
        if ticket.state is TicketState.SERVED:
            raise GuestAlreadyRecorded(number=number)
        if ticket.state is TicketState.SKIPPED:
            raise TicketAlreadySkipped(number=number)
        if ticket.state is not TicketState.CALLED:
            raise TicketNotCalled(number=number)
        return ticket

    def record_guest(
        self, number: int, identity: Identity, signature_key: str, signature_sha256: str, consultation_id: UUID,
        actor: str, at: datetime,
    ) -> None:
        self.check_guest_allowed(number)
        if not signature_key or not signature_sha256:
            raise SignatureRequired(field="signature")
        self.trigger_event(
            self.GuestRecorded, timestamp=at, number=number, name=identity.name, phone=identity.phone,
            party=identity.party, signature_key=signature_key, signature_sha256=signature_sha256,
            consultation=consultation_id, actor=actor, email=identity.email,
        )

    def skip(self, number: int, actor: str, at: datetime) -> None:
        """The person had left: a waiting or called number is passed over."""
        ticket = self.ticket(number)
        if ticket.state is TicketState.SERVED:
            raise GuestAlreadyRecorded(number=number)
        if ticket.state is TicketState.SKIPPED:
            raise TicketAlreadySkipped(number=number)
        self.trigger_event(self.TicketSkipped, timestamp=at, number=number, actor=actor)

    def undo_skip(self, number: int, actor: str, at: datetime) -> TicketState:
        """Calls a skipped number back, the same day: a called ticket is at the desk again (the board shows it if it
        was the last call), one skipped while waiting waits again in its place. Returns what it is again."""
        ticket = self.ticket(number)
        if ticket.state is not TicketState.SKIPPED:
            raise TicketNotSkipped(number=number)
        self._check_day_open(at)
        state = TicketState.CALLED if ticket.called_at is not None else TicketState.WAITING
        self.trigger_event(self.SkipUndone, timestamp=at, number=number, actor=actor, state=state)
        return state

    def _check_day_open(self, at: datetime) -> None:
        if local_day(at, self.office_id) != self.day:
            raise QueueDayOver(day=self.day.isoformat())

    # What the desk and the board show.

    def ticket(self, number: int) -> Ticket:
        found = self.tickets.get(number)
        if found is None:
            raise UnknownTicket(number=number)
        return found

    def _numbers(self, state: TicketState) -> tuple[int, ...]:
        return tuple(sorted(n for n, t in self.tickets.items() if t.state is state))

    @property
    def waiting(self) -> tuple[int, ...]:
        return self._numbers(TicketState.WAITING)

    @property
    def called(self) -> tuple[int, ...]:
        """Called to a desk, guest book not yet signed."""
        return self._numbers(TicketState.CALLED)

    @property
    def served(self) -> tuple[int, ...]:
        return self._numbers(TicketState.SERVED)

    @property
    def skipped(self) -> tuple[int, ...]:
        return self._numbers(TicketState.SKIPPED)

    @property
    def now_serving(self) -> int | None:
        """The number called last, unless that person had left."""
        return now_serving((number, self.tickets[number].state) for number in self.call_order)

    @property
    def taken_at(self) -> dict[int, datetime]:
        return {n: t.taken_at for n, t in sorted(self.tickets.items())}
