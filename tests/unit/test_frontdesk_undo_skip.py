"""Undoing a skip at the front desk (issue 17): a number skipped by mistake, or whose person comes back, is called back
the same day; the ticket is again what it was (called to the desk, or waiting in its place). Only a skipped number,
only while its day lasts: the rule is QueueDay's, the service loads and saves, the read model follows."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from uuid import uuid4

import pytest

from domain.errors import all_error_classes
from domain.frontdesk import (
    GuestAlreadyRecorded,
    QueueDay,
    QueueDayOver,
    TicketAlreadySkipped,
    TicketNotSkipped,
    TicketState,
    UnknownTicket,
    local_day,
)
from gateways.messages import MESSAGES
from projections.frontdesk_queries import FrontDeskQueries
from tests.conftest import FakeClock
from tests.unit.test_frontdesk import DESK, IDENTITY, OFFICE, PNG, WHO, Desk, Files, minutes, queue_with, read_model


@pytest.fixture
def desk(clock: FakeClock) -> Desk:
    return Desk(clock)


@pytest.fixture
def book(desk: Desk) -> Iterator[FrontDeskQueries]:
    queries, runner = read_model(desk)
    yield queries
    runner.store.close()


# The domain.


def test_a_called_number_skipped_by_mistake_is_at_the_desk_again() -> None:
    queue = queue_with(3)
    assert queue.call_next(DESK, minutes(5)) == 1
    assert queue.call_next(DESK, minutes(6)) == 2
    queue.skip(2, DESK, minutes(7))  # the board went back to 1
    assert queue.now_serving == 1

    # The person was there after all: the desk undoes the skip.
    assert queue.undo_skip(2, "petugas.budi", minutes(8)) is TicketState.CALLED
    ticket = queue.tickets[2]
    assert ticket.state is TicketState.CALLED and ticket.skipped_at is None
    assert (ticket.called_at, ticket.called_by) == (minutes(6), DESK)  # the call that was made, kept
    assert queue.skipped == () and queue.called == (1, 2)
    assert queue.now_serving == 2  # the last call again
    # Now the guest book can be signed for it.
    assert queue.check_guest_allowed(2) == ticket
    assert isinstance(queue.pending_events[-1], QueueDay.SkipUndone)


def test_a_number_skipped_while_waiting_waits_again_in_its_place() -> None:
    queue = queue_with(3)
    queue.skip(2, DESK, minutes(4))
    assert queue.call_next(DESK, minutes(5)) == 1
    assert queue.undo_skip(2, DESK, minutes(6)) is TicketState.WAITING
    assert queue.waiting == (2, 3)
    assert queue.call_next(DESK, minutes(7)) == 2  # lowest first, as if it had never been skipped


def test_only_a_skipped_number_can_be_called_back() -> None:
    queue = queue_with(3)
    with pytest.raises(TicketNotSkipped):
        queue.undo_skip(1, DESK, minutes(4))  # waiting
    queue.call_next(DESK, minutes(5))
    with pytest.raises(TicketNotSkipped):
        queue.undo_skip(1, DESK, minutes(6))  # called
    queue.record_guest(1, IDENTITY, "ab/key.png", "a" * 64, uuid4(), DESK, minutes(7))
    with pytest.raises(TicketNotSkipped):
        queue.undo_skip(1, DESK, minutes(8))  # served
    with pytest.raises(UnknownTicket):
        queue.undo_skip(9, DESK, minutes(8))
    # Undone once: skipped again, undone again; a second undo in a row finds nothing to undo.
    queue.skip(2, DESK, minutes(9))
    queue.undo_skip(2, DESK, minutes(10))
    with pytest.raises(TicketNotSkipped):
        queue.undo_skip(2, DESK, minutes(11))
    queue.skip(2, DESK, minutes(12))
    with pytest.raises(TicketAlreadySkipped):
        queue.skip(2, DESK, minutes(13))
    assert queue.undo_skip(2, DESK, minutes(14)) is TicketState.WAITING
    with pytest.raises(GuestAlreadyRecorded):
        queue.skip(1, DESK, minutes(15))


def test_once_the_day_is_over_a_skipped_number_stays_skipped() -> None:
    queue = queue_with(2)
    queue.skip(1, DESK, minutes(4))
    # 23.59 WIB the same day is still the day; 00.00 WIB the next day is not.
    same_day_end = minutes(0).replace(hour=16, minute=59)  # 23.59 WIB
    assert local_day(same_day_end, OFFICE) == queue.day
    with pytest.raises(QueueDayOver):
        queue.undo_skip(1, DESK, same_day_end + timedelta(minutes=1))
    assert queue.skipped == (1,)
    assert queue.undo_skip(1, DESK, same_day_end) is TicketState.WAITING


def test_the_new_refusals_are_worded_in_both_languages() -> None:
    codes = {cls.code for cls in all_error_classes()}
    for cls in (TicketNotSkipped, QueueDayOver):
        assert cls.code in codes and cls.kind == "conflict"
        indonesian, english = MESSAGES[cls.code]
        assert indonesian and english and indonesian != english


# The service and the read model.


def test_the_desk_undoes_a_skip_and_the_read_model_follows(
    desk: Desk, book: FrontDeskQueries, clock: FakeClock
) -> None:
    for _ in range(3):
        desk.take_ticket(OFFICE)
    desk.call_next_ticket(OFFICE, DESK)
    desk.skip_ticket(OFFICE, 1, DESK)
    desk.skip_ticket(OFFICE, 3, DESK)
    day = local_day(clock(), OFFICE)
    assert [t.number for t in book.queue(OFFICE, day).skipped] == [1, 3]
    assert book.queue(OFFICE, day).now_serving is None

    clock.advance(minutes=2)
    assert desk.undo_skip(OFFICE, 1, "petugas.budi") is TicketState.CALLED
    assert desk.undo_skip(OFFICE, 3, DESK) is TicketState.WAITING
    view = book.queue(OFFICE, day)
    assert [t.number for t in view.called] == [1] and [t.number for t in view.waiting] == [2, 3]
    assert view.skipped == [] and view.now_serving == 1
    assert view.called[0].skipped_at is None and view.called[0].called_by == DESK
    # The guest book is signed for the number called back.
    consultation_id = desk.record_guest(OFFICE, 1, WHO, PNG, DESK, Files().put)
    assert book.guest_of_consultation(OFFICE, consultation_id) is not None
    with pytest.raises(TicketNotSkipped):
        desk.undo_skip(OFFICE, 1, DESK)

    # Yesterday's queue is closed: its skipped number cannot be called back from today.
    desk.skip_ticket(OFFICE, 2, DESK)
    clock.advance(minutes=60 * 24)
    with pytest.raises(QueueDayOver):
        desk.undo_skip(OFFICE, 2, DESK, day=day)
    assert [t.number for t in book.queue(OFFICE, day).skipped] == [2]


def test_a_rebuilt_read_model_holds_the_undone_skip(desk: Desk, clock: FakeClock) -> None:
    for _ in range(2):
        desk.take_ticket(OFFICE)
    desk.call_next_ticket(OFFICE, DESK)
    desk.skip_ticket(OFFICE, 1, DESK)
    desk.undo_skip(OFFICE, 1, DESK)
    book, runner = read_model(desk)
    day = local_day(clock(), OFFICE)
    before = book.queue(OFFICE, day)
    assert [t.number for t in before.called] == [1]
    assert runner.rebuild("frontdesk") > 0
    assert book.queue(OFFICE, day) == before
    runner.store.close()

