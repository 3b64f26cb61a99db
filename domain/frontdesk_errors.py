"""The front desk's refusals (domain/frontdesk.py): no one waiting, a number unknown, called out of order, skipped or
not, a day over; and the guest book's drawn signature, checked before it is kept."""

from __future__ import annotations

from domain.errors import DomainError, InvalidInput, StepOutOfOrder

MAX_SIGNATURE_BYTES = 500 * 1024
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


# The errors of the front desk.
class QueueEmpty(DomainError):
    """No one is waiting: there is no next number to call."""

    code = "queue_empty"
    kind = "conflict"


class UnknownTicket(DomainError):
    code = "unknown_ticket"
    kind = "not_found"


class TicketNotCalled(StepOutOfOrder):
    """The guest book is filled in at the desk, after the number was called."""

    code = "ticket_not_called"


class GuestAlreadyRecorded(StepOutOfOrder):
    code = "guest_already_recorded"


class TicketAlreadySkipped(StepOutOfOrder):
    code = "ticket_already_skipped"


class TicketNotSkipped(StepOutOfOrder):
    """Only a skipped number can be called back (the undo of a skip)."""

    code = "ticket_not_skipped"


class QueueDayOver(StepOutOfOrder):
    """A day's queue is closed once the office's day is over: yesterday's skipped numbers stay skipped."""

    code = "queue_day_over"


class SignatureRequired(InvalidInput):
    """The walk-in consultee signs the Daftar Hadir (SOP step 1)."""

    code = "signature_required"


class InvalidSignature(InvalidInput):
    """The signature is not a PNG image, or too large to be one drawn by hand."""

    code = "invalid_signature"


def check_signature_png(data: bytes | None) -> bytes:
    """A drawn signature: a PNG image of at most 500 KB; none at all is refused too."""
    if not data:
        raise SignatureRequired(field="signature")
    if len(data) > MAX_SIGNATURE_BYTES or not data.startswith(PNG_MAGIC):
        raise InvalidSignature(field="signature", limit=MAX_SIGNATURE_BYTES)
    return bytes(data)
