"""The front desk (SOP step 1, walk-in): queue numbers, the call to the desk, and the guest book that opens the
walk-in consultation. What the desk and the board show is read from projections/frontdesk_queries.py."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import TypeVar
from uuid import UUID, uuid4

from domain.consultation import Consultation
from domain.errors import ConcurrentChange, NotFound
from domain.frontdesk import (
    QueueDay,
    QueueEmpty,
    TicketState,
    UnknownTicket,
    check_signature_png,
    local_day,
    queue_day_id,
)
from domain.values import Channel, Identity
from services.base import NodeApplication
from services.consultations import IdentityInput

# A file store's put: (bytes, media type) -> (storage key, sha256 hex). The gateway passes node.files.put.
StoreFile = Callable[[bytes, str], tuple[str, str]]

_RETRIES = 5  # two tablets taking a number at the same moment: the later one simply takes the next
T = TypeVar("T")


class FrontDeskCommands(NodeApplication):
    """Part of the Helpdesk application: the walk-in queue of the office and its guest book."""

    # Provided by ConsultationCommands (the same Helpdesk application): the identity checked against the office's
    # party register.
    _identity: Callable[[IdentityInput, str | None], Identity]

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

    def undo_skip(self, office_id: str, number: int, actor: str, day: date | None = None) -> TicketState:
        """A number skipped by mistake is called back, while its day lasts (QueueDay.undo_skip)."""
        at = self.clock()
        queue = self._frontdesk_queue(office_id, day or local_day(at, office_id))
        state = queue.undo_skip(number, actor, at)
        self._save(queue)
        return state

    def frontdesk_check_identity(self, who: IdentityInput, office_id: str | None = None) -> Identity:
        """Checks what was typed in the guest book (name, party, phone, e-mail) without recording anything."""
        return self._identity(who, office_id)

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
        identity = self._identity(who, office_id)
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


def _retrying(attempt: Callable[[], T]) -> T:
    for _ in range(_RETRIES - 1):
        try:
            return attempt()
        except ConcurrentChange:
            continue
    return attempt()
