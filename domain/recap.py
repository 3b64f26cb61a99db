"""What the daily recap (and the periodic report) puts first: the matters still open at its end, and among them the
ones waiting on the commissioner or an office above."""

from __future__ import annotations

from domain.script import Status

# Waiting on someone above the desk: the commissioner, the office above, or the consultee for that office's question.
_WAITING_ABOVE = frozenset({Status.WITH_COMMISSIONER, Status.ESCALATED, Status.CLARIFICATION_REQUESTED})


def still_open(status: str) -> bool:
    """A consultation not closed when the report was made: the next day's desk picks it up."""
    return status != Status.CLOSED


def waiting_above(status: str) -> bool:
    return status in _WAITING_ABOVE
