"""Queries over the front desk's read model: the day's queue as the desk and the board show it, and the guest book."""

from __future__ import annotations

from datetime import date, datetime
from uuid import UUID

import msgspec

from domain.frontdesk import TicketState, UnknownTicket, now_serving
from domain.parties import Party
from domain.values import Identity
from projections.base import from_iso
from projections.frontdesk import NAME
from projections.runner import ReadModelRunner


class GuestView(msgspec.Struct, frozen=True):
    """One line of the guest book (Daftar Hadir): the consultee as the consultation now names them."""

    number: int
    day: date
    name: str
    phone: str | None
    email: str | None
    party: Party
    signature_key: str
    signature_sha256: str
    consultation_id: UUID
    recorded_by: str
    recorded_at: datetime
    taken_at: datetime
    # What was written when the guest signed, kept when the identity was corrected afterwards (None otherwise).
    signed_as: Identity | None = None
    corrected_at: datetime | None = None


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


_GUEST = (
    "g.number, g.day, g.name, g.phone, g.email, g.party, g.signature_key, g.signature_sha256, g.consultation_id,"
    " g.recorded_by, g.recorded_at, g.taken_at, g.signed_name, g.signed_phone, g.signed_email, g.signed_party,"
    " g.corrected_at"
)
_TICKET = "t.number, t.state, t.taken_at, t.called_at, t.called_by, t.skipped_at, t.call_order"
_TICKETS_WITH_GUESTS = (
    f"SELECT {_TICKET}, {_GUEST} FROM rm_queue_tickets t"
    " LEFT JOIN rm_guest_book g ON g.consultation_id = t.consultation_id"
)


class FrontDeskQueries:
    def __init__(self, runner: ReadModelRunner) -> None:
        self.runner = runner

    def queue(self, office_id: str, day: date) -> QueueView:
        """The office's queue on `day` (an empty one before the first ticket)."""
        rows = self._query(f"{_TICKETS_WITH_GUESTS} WHERE t.office_id = ? AND t.day = ? ORDER BY t.number",
                           (office_id, day.isoformat()))
        tickets = [_ticket(row) for row in rows]
        by_state = {state: [t for t in tickets if t.state is state] for state in TicketState}
        calls = sorted((row[6], ticket.number, ticket.state) for row, ticket in zip(rows, tickets, strict=True)
                       if row[6] is not None)
        return QueueView(
            office_id=office_id, day=day, waiting=by_state[TicketState.WAITING], called=by_state[TicketState.CALLED],
            served=by_state[TicketState.SERVED], skipped=by_state[TicketState.SKIPPED],
            now_serving=now_serving((number, state) for _, number, state in calls), tickets_taken=len(tickets),
        )

    def ticket(self, office_id: str, day: date, number: int) -> TicketView:
        """One number of the day's queue (UnknownTicket when it was never taken)."""
        rows = self._query(f"{_TICKETS_WITH_GUESTS} WHERE t.office_id = ? AND t.day = ? AND t.number = ?",
                           (office_id, day.isoformat(), number))
        if not rows:
            raise UnknownTicket(number=number)
        return _ticket(rows[0])

    def guest_by_signature(self, office_id: str, signature_key: str) -> GuestView | None:
        """The guest-book line whose signature is stored under `signature_key`, at this office only."""
        rows = self._query(f"SELECT {_GUEST} FROM rm_guest_book g WHERE g.office_id = ? AND g.signature_key = ?"
                           " ORDER BY g.recorded_at LIMIT 1", (office_id, signature_key))
        return _guest(rows[0]) if rows else None

    def guest_of_consultation(self, office_id: str, consultation_id: UUID) -> GuestView | None:
        """The guest-book line that opened a walk-in consultation, if one did."""
        rows = self._query(f"SELECT {_GUEST} FROM rm_guest_book g WHERE g.office_id = ? AND g.consultation_id = ?",
                           (office_id, str(consultation_id)))
        return _guest(rows[0]) if rows else None

    def guest_book(self, office_id: str, first: date, last: date) -> list[GuestView]:
        """The guest book of the office's days first..last (inclusive), in the order the guests signed."""
        return [_guest(row) for row in self._query(
            f"SELECT {_GUEST} FROM rm_guest_book g WHERE g.office_id = ? AND g.day >= ? AND g.day <= ?"
            " ORDER BY g.recorded_at, g.number", (office_id, first.isoformat(), last.isoformat()))]

    def _query(self, statement: str, params: tuple) -> list[tuple]:  # type: ignore[type-arg]
        # Catching up first gives read-your-writes: the number just taken is on the board.
        self.runner.catch_up(NAME)
        return self.runner.store.query(statement, params)


def _ticket(row: tuple) -> TicketView:  # type: ignore[type-arg]
    return TicketView(
        number=int(row[0]), state=TicketState(row[1]), taken_at=from_iso(row[2]),  # type: ignore[arg-type]
        called_at=from_iso(row[3]), called_by=row[4], skipped_at=from_iso(row[5]),
        guest=_guest(row[7:]) if row[7] is not None else None,
    )


def _guest(row: tuple) -> GuestView:  # type: ignore[type-arg]
    party = _party(row[5])
    signed = Identity(name=row[12], party=_party(row[15]), phone=row[13], email=row[14])
    corrected_at = from_iso(row[16])
    return GuestView(
        number=int(row[0]), day=date.fromisoformat(row[1]), name=row[2], phone=row[3], email=row[4], party=party,
        signature_key=row[6], signature_sha256=row[7], consultation_id=UUID(row[8]), recorded_by=row[9],
        recorded_at=from_iso(row[10]), taken_at=from_iso(row[11]),  # type: ignore[arg-type]
        signed_as=signed if corrected_at is not None else None, corrected_at=corrected_at,
    )


def _party(text: str) -> Party:
    return msgspec.json.decode(text, type=Party)
