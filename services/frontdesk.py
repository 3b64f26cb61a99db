"""The front desk (SOP step 1, walk-in): queue numbers, the call to the desk, and the guest book that opens the
walk-in consultation."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date, datetime
from typing import TypeVar
from uuid import UUID, uuid4

import msgspec
from eventsourcing.utils import get_topic

from domain.consultation import Consultation
from domain.errors import ConcurrentChange, NotFound
from domain.frontdesk import (
    QueueDay,
    QueueEmpty,
    Ticket,
    TicketState,
    UnknownTicket,
    check_signature_png,
    local_day,
    queue_day_id,
)
from domain.parties import Party
from domain.values import Channel, Identity
from services.base import NodeApplication
from services.consultations import IdentityInput

# A file store's put: (bytes, media type) -> (storage key, sha256 hex). The gateway passes node.files.put.
StoreFile = Callable[[bytes, str], tuple[str, str]]

_RETRIES = 5  # two tablets taking a number at the same moment: the later one simply takes the next
_SCAN_BATCH = 500
T = TypeVar("T")


class GuestView(msgspec.Struct, frozen=True):
    """One line of the guest book (Daftar Hadir)."""

    number: int
    day: date
    name: str
    phone: str | None
    party: Party
    signature_key: str
    signature_sha256: str
    consultation_id: UUID
    recorded_by: str
    recorded_at: datetime
    taken_at: datetime


class TicketView(msgspec.Struct, frozen=True):
    number: int
    state: TicketState
    taken_at: datetime
    called_at: datetime | None = None
    called_by: str | None = None
    skipped_at: datetime | None = None
    guest: GuestView | None = None


class QueueView(msgspec.Struct, frozen=True):
    """One office's queue on one day, as the desk and the board show it."""

    office_id: str
    day: date
    waiting: list[TicketView]  # lowest number first: the order they are called in
    called: list[TicketView]  # at a desk, guest book not signed yet
    served: list[TicketView]  # guest book signed
    skipped: list[TicketView]
    now_serving: int | None
    tickets_taken: int

    @property
    def served_count(self) -> int:
        return len(self.served)


class FrontDeskCommands(NodeApplication):
    """Part of the Helpdesk application: the walk-in queue of the office and its guest book."""

    # Provided by ConsultationCommands (the same Helpdesk application).
    _identity: Callable[[IdentityInput], Identity]

    def take_ticket(self, office_id: str, day: date | None = None) -> int:
        """The next queue number of the office's day (1 for the first of each day)."""

        def take() -> int:
            at = self.clock()
            queue = self._frontdesk_find(office_id, day or local_day(at, office_id))
            if queue is None:
                queue = QueueDay.open(office_id=office_id, day=day or local_day(at, office_id), at=at)
            number = queue.take_ticket(at)
            self._save(queue)
            return number

        return _retrying(take)

    def call_next_ticket(self, office_id: str, actor: str, day: date | None = None) -> int:
        """Calls the lowest waiting number to the officer's desk (QueueEmpty when no one waits)."""

        def call() -> int:
            at = self.clock()
            queue = self._frontdesk_queue(office_id, day or local_day(at, office_id), empty_ok=True)
            if queue is None:
                raise QueueEmpty()
            number = queue.call_next(actor, at)
            self._save(queue)
            return number

        return _retrying(call)

    def skip_ticket(self, office_id: str, number: int, actor: str, day: date | None = None) -> None:
        """The person had left when called: the number is passed over."""
        at = self.clock()
        queue = self._frontdesk_queue(office_id, day or local_day(at, office_id))
        queue.skip(number, actor, at)
        self._save(queue)

    def frontdesk_check_identity(self, who: IdentityInput) -> Identity:
        """Checks what was typed in the guest book (name, party, phone) without recording anything."""
        return self._identity(who)

    def record_guest(
        self,
        office_id: str,
        number: int,
        who: IdentityInput,
        signature_png: bytes | None,
        actor: str,
        store_file: StoreFile,
        day: date | None = None,
    ) -> UUID:
        """The consultee of a called number signs the guest book: the walk-in consultation opens, arrived at the
        time the number was taken. Both records are saved together or not at all."""
        identity = self._identity(who)
        png = check_signature_png(signature_png)
        at = self.clock()
        queue = self._frontdesk_queue(office_id, day or local_day(at, office_id))
        ticket = queue.check_guest_allowed(number)  # refused before the file is stored
        key, digest = store_file(png, "image/png")
        consultation = Consultation.open(
            id=uuid4(), office_id=office_id, channel=Channel.WALK_IN, identity=identity, actor=actor, at=at,
            arrived_at=ticket.taken_at,
        )
        queue.record_guest(number, identity, key, digest, consultation.id, actor, at)
        self._save(queue, consultation)
        return consultation.id

    # Queries.

    def queue_today(self, office_id: str, day: date) -> QueueView:
        """The office's queue on `day` (an empty one before the first ticket)."""
        queue = self._frontdesk_find(office_id, day)
        if queue is None:
            return QueueView(office_id, day, [], [], [], [], None, 0)
        views = {n: _ticket_view(queue, t) for n, t in sorted(queue.tickets.items())}
        return QueueView(
            office_id=office_id,
            day=day,
            waiting=[views[n] for n in queue.waiting],
            called=[views[n] for n in queue.called],
            served=[views[n] for n in queue.served],
            skipped=[views[n] for n in queue.skipped],
            now_serving=queue.now_serving,
            tickets_taken=len(queue.tickets),
        )

    def queue_ticket(self, office_id: str, number: int, day: date) -> TicketView:
        """One number of the day's queue (UnknownTicket when it was never taken)."""
        queue = self._frontdesk_queue(office_id, day)
        return _ticket_view(queue, queue.ticket(number))

    def guest_by_signature(self, office_id: str, signature_key: str) -> GuestView | None:
        """The guest-book line whose signature is stored under `signature_key`, at this office only."""
        return next((g for g in self._frontdesk_guests(office_id) if g.signature_key == signature_key), None)

    def guest_of_consultation(self, office_id: str, consultation_id: UUID) -> GuestView | None:
        """The guest-book line that opened a walk-in consultation, if one did."""
        return next((g for g in self._frontdesk_guests(office_id) if g.consultation_id == consultation_id), None)

    # Loading.

    def _frontdesk_find(self, office_id: str, day: date) -> QueueDay | None:
        try:
            queue = self._load(queue_day_id(office_id, day))
        except NotFound:
            return None
        if not isinstance(queue, QueueDay) or queue.office_id != office_id:
            return None
        return queue

    def _frontdesk_queue(self, office_id: str, day: date, empty_ok: bool = False) -> QueueDay:
        queue = self._frontdesk_find(office_id, day)
        if queue is None and not empty_ok:
            raise UnknownTicket()
        return queue  # type: ignore[return-value]

    def _frontdesk_guests(self, office_id: str) -> Iterator[GuestView]:
        """Every guest-book line of the office, oldest first (read from the log: the book is small)."""
        topics, seen, start = [get_topic(QueueDay.GuestRecorded)], set(), 1
        while True:
            batch = self.recorder.select_notifications(start, _SCAN_BATCH, topics=topics)
            for notification in batch:
                if notification.originator_id in seen:
                    continue
                seen.add(notification.originator_id)
                queue = self.repository.get(notification.originator_id)
                if isinstance(queue, QueueDay) and queue.office_id == office_id:
                    for number in queue.served:
                        ticket = queue.tickets[number]
                        if ticket.guest is not None:
                            yield _guest_view(queue, ticket)
            if len(batch) < _SCAN_BATCH:
                return
            start = batch[-1].id + 1


def _retrying(attempt: Callable[[], T]) -> T:
    for _ in range(_RETRIES - 1):
        try:
            return attempt()
        except ConcurrentChange:
            continue
    return attempt()


def _guest_view(queue: QueueDay, ticket: Ticket) -> GuestView:
    guest = ticket.guest
    assert guest is not None
    return GuestView(
        number=ticket.number, day=queue.day, name=guest.name, phone=guest.phone, party=guest.party,
        signature_key=guest.signature_key, signature_sha256=guest.signature_sha256,
        consultation_id=guest.consultation_id, recorded_by=guest.actor, recorded_at=guest.at,
        taken_at=ticket.taken_at,
    )


def _ticket_view(queue: QueueDay, ticket: Ticket) -> TicketView:
    return TicketView(
        number=ticket.number, state=ticket.state, taken_at=ticket.taken_at, called_at=ticket.called_at,
        called_by=ticket.called_by, skipped_at=ticket.skipped_at,
        guest=_guest_view(queue, ticket) if ticket.guest is not None else None,
    )
