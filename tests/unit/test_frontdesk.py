"""The front desk (SOP step 1, walk-in): queue numbers per office and day, called in order, and the guest book
that opens the walk-in consultation."""

from __future__ import annotations

import hashlib
from datetime import UTC, date, datetime, timedelta
from uuid import UUID, uuid4

import pytest

from domain.consultation import Consultation
from domain.errors import InvalidPhone, TextRequired, all_error_classes
from domain.frontdesk import (
    MAX_SIGNATURE_BYTES,
    PNG_MAGIC,
    GuestAlreadyRecorded,
    InvalidSignature,
    QueueDay,
    QueueEmpty,
    SignatureRequired,
    TicketAlreadySkipped,
    TicketNotCalled,
    TicketState,
    UnknownTicket,
    check_signature_png,
    local_day,
    queue_day_id,
)
from domain.offices import OfficeId
from domain.parties import Party, PartyRegister
from domain.values import Channel, Identity
from gateways.messages import MESSAGES
from services.consultations import ConsultationCommands, IdentityInput
from services.frontdesk import FrontDeskCommands
from tests.conftest import FakeClock

OFFICE = "kab-16.13"
DAY = date(2024, 7, 29)
AT = datetime(2024, 7, 29, 1, 30, tzinfo=UTC)  # 08.30 WIB
PKB = Party(name="Partai Kebangkitan Bangsa", abbreviation="PKB", number=1)
IDENTITY = Identity(name="Budi Santoso", party=PKB, phone="+6281234567890")
PNG = PNG_MAGIC + b"\x00\x00\x00\rIHDR" + b"\x00" * 40
DESK = "petugas.ani"


def minutes(n: float) -> datetime:
    return AT + timedelta(minutes=n)


def queue_with(tickets: int) -> QueueDay:
    queue = QueueDay.open(office_id=OFFICE, day=DAY, at=AT)
    for i in range(tickets):
        queue.take_ticket(minutes(i))
    return queue


# The domain.


def test_numbers_start_at_one_and_count_up_within_the_day() -> None:
    queue = QueueDay.open(office_id=OFFICE, day=DAY, at=AT)
    assert [queue.take_ticket(minutes(i)) for i in range(3)] == [1, 2, 3]
    assert queue.waiting == (1, 2, 3)
    assert queue.taken_at == {1: AT, 2: minutes(1), 3: minutes(2)}
    assert queue.now_serving is None
    assert queue.id == queue_day_id(OFFICE, DAY)


def test_one_queue_per_office_and_day_and_a_new_day_restarts_at_one() -> None:
    assert queue_day_id(OFFICE, DAY) == queue_day_id(OFFICE, date(2024, 7, 29))
    assert queue_day_id(OFFICE, DAY) != queue_day_id(OFFICE, date(2024, 7, 30))
    assert queue_day_id(OFFICE, DAY) != queue_day_id("kab-16.01", DAY)
    tomorrow = QueueDay.open(office_id=OFFICE, day=date(2024, 7, 30), at=AT + timedelta(days=1))
    assert tomorrow.take_ticket(AT + timedelta(days=1)) == 1


def test_the_local_day_is_the_offices_own() -> None:
    late = datetime(2024, 7, 29, 17, 30, tzinfo=UTC)  # 00.30 WIB on the 30th, 01.30 WITA, 02.30 WIT
    assert local_day(late, "kab-16.13") == date(2024, 7, 30)
    assert local_day(datetime(2024, 7, 29, 16, 30, tzinfo=UTC), "kab-16.13") == date(2024, 7, 29)  # 23.30 WIB
    assert local_day(datetime(2024, 7, 29, 15, 30, tzinfo=UTC), "kota-51.71") == date(2024, 7, 29)  # 23.30 WITA
    assert OfficeId("kota-51.71").timezone == "Asia/Makassar"


def test_the_lowest_waiting_number_is_called_first() -> None:
    queue = queue_with(3)
    assert queue.call_next(DESK, minutes(5)) == 1
    assert queue.call_next("petugas.budi", minutes(6)) == 2
    assert queue.waiting == (3,)
    assert queue.called == (1, 2)
    assert queue.now_serving == 2
    assert queue.tickets[1].called_by == DESK and queue.tickets[1].called_at == minutes(5)
    assert queue.call_next(DESK, minutes(7)) == 3
    with pytest.raises(QueueEmpty):
        queue.call_next(DESK, minutes(8))
    assert QueueEmpty.kind == "conflict"


def test_a_skipped_number_is_passed_over_and_the_board_shows_the_one_before() -> None:
    queue = queue_with(3)
    queue.skip(1, DESK, minutes(4))  # left before being called
    assert queue.call_next(DESK, minutes(5)) == 2
    assert queue.call_next(DESK, minutes(6)) == 3
    queue.skip(3, DESK, minutes(7))  # called, but gone
    assert queue.skipped == (1, 3)
    assert queue.now_serving == 2
    with pytest.raises(TicketAlreadySkipped):
        queue.skip(3, DESK, minutes(8))
    with pytest.raises(UnknownTicket):
        queue.skip(9, DESK, minutes(8))


def test_the_guest_book_is_signed_once_for_a_called_number() -> None:
    queue = queue_with(2)
    consultation_id = uuid4()
    with pytest.raises(TicketNotCalled):
        queue.record_guest(1, IDENTITY, "ab/key.png", "a" * 64, consultation_id, DESK, minutes(5))
    with pytest.raises(UnknownTicket):
        queue.record_guest(7, IDENTITY, "ab/key.png", "a" * 64, consultation_id, DESK, minutes(5))
    queue.call_next(DESK, minutes(5))
    with pytest.raises(SignatureRequired):
        queue.record_guest(1, IDENTITY, "", "", consultation_id, DESK, minutes(6))
    queue.record_guest(1, IDENTITY, "ab/key.png", "a" * 64, consultation_id, DESK, minutes(6))
    ticket = queue.tickets[1]
    assert ticket.state is TicketState.SERVED and queue.served == (1,) and queue.called == ()
    assert ticket.guest is not None
    assert (ticket.guest.name, ticket.guest.phone, ticket.guest.party) == ("Budi Santoso", "+6281234567890", PKB)
    assert (ticket.guest.consultation_id, ticket.guest.at, ticket.guest.actor) == (consultation_id, minutes(6), DESK)
    with pytest.raises(GuestAlreadyRecorded):
        queue.record_guest(1, IDENTITY, "ab/key.png", "a" * 64, uuid4(), DESK, minutes(7))
    with pytest.raises(GuestAlreadyRecorded):
        queue.skip(1, DESK, minutes(7))
    queue.call_next(DESK, minutes(8))
    queue.skip(2, DESK, minutes(9))
    with pytest.raises(TicketAlreadySkipped):
        queue.record_guest(2, IDENTITY, "ab/key.png", "a" * 64, uuid4(), DESK, minutes(10))


def test_a_signature_is_a_png_of_at_most_500_kb() -> None:
    assert check_signature_png(PNG) == PNG
    with pytest.raises(SignatureRequired):
        check_signature_png(None)
    with pytest.raises(SignatureRequired):
        check_signature_png(b"")
    with pytest.raises(InvalidSignature):
        check_signature_png(b"GIF89a" + b"\x00" * 20)
    with pytest.raises(InvalidSignature):
        check_signature_png(PNG_MAGIC + b"\x00" * MAX_SIGNATURE_BYTES)


def test_every_front_desk_error_has_a_message_in_both_languages() -> None:
    codes = {cls.code for cls in all_error_classes()}
    for cls in (QueueEmpty, UnknownTicket, TicketNotCalled, GuestAlreadyRecorded, TicketAlreadySkipped,
                SignatureRequired, InvalidSignature):
        assert cls.code in codes
        indonesian, english = MESSAGES[cls.code]
        assert indonesian and english and indonesian != english
    assert MESSAGES["signature_required"][0] == "Tanda tangan wajib diisi."
    assert codes <= MESSAGES.keys()


# The service, on the library's in-memory store with the project's msgspec mapper.


class Desk(ConsultationCommands, FrontDeskCommands):
    name = "desk"

    def __init__(self, clock: FakeClock) -> None:
        self.parties = PartyRegister([PKB])
        super().__init__(clock=clock)


class Files:
    def __init__(self) -> None:
        self.stored: dict[str, bytes] = {}

    def put(self, data: bytes, media_type: str) -> tuple[str, str]:
        digest = hashlib.sha256(data).hexdigest()
        key = f"{digest[:2]}/{digest}.png"
        assert media_type == "image/png"
        self.stored[key] = data
        return key, digest


@pytest.fixture
def desk(clock: FakeClock) -> Desk:
    return Desk(clock)


WHO = IdentityInput(name="Budi Santoso", party_number=1, phone="0812-3456-7890")


def test_the_service_numbers_the_offices_day_and_calls_in_order(desk: Desk, clock: FakeClock) -> None:
    day = local_day(clock(), OFFICE)
    assert desk.queue_today(OFFICE, day).tickets_taken == 0
    with pytest.raises(QueueEmpty):
        desk.call_next_ticket(OFFICE, DESK)
    first_taken = clock()
    assert desk.take_ticket(OFFICE) == 1
    clock.advance(minutes=2)
    assert desk.take_ticket(OFFICE) == 2
    assert desk.take_ticket("kab-16.01") == 1  # another office's queue
    assert desk.call_next_ticket(OFFICE, DESK) == 1
    view = desk.queue_today(OFFICE, day)
    assert [t.number for t in view.waiting] == [2]
    assert [t.number for t in view.called] == [1]
    assert view.now_serving == 1 and view.served_count == 0 and view.tickets_taken == 2
    assert view.called[0].taken_at == first_taken
    clock.advance(minutes=60 * 24)  # the next day
    assert desk.take_ticket(OFFICE) == 1


def test_recording_the_guest_opens_the_walk_in_consultation_in_the_same_save(desk: Desk, clock: FakeClock) -> None:
    files = Files()
    taken = clock()
    desk.take_ticket(OFFICE)
    clock.advance(minutes=12)
    desk.call_next_ticket(OFFICE, DESK)
    before = desk.recorder.max_notification_id()
    consultation_id = desk.record_guest(OFFICE, 1, WHO, PNG, DESK, files.put)
    assert isinstance(consultation_id, UUID)
    # Two events (GuestRecorded and Opened), one transaction.
    assert desk.recorder.max_notification_id() == before + 2
    consultation: Consultation = desk.repository.get(consultation_id)
    assert consultation.channel is Channel.WALK_IN and consultation.arrived_at == taken
    assert consultation.identity.phone == "+6281234567890" and consultation.identity.party == PKB
    guest = desk.guest_of_consultation(OFFICE, consultation_id)
    assert guest is not None and guest.number == 1 and guest.taken_at == taken
    assert files.stored[guest.signature_key] == PNG
    assert guest.signature_sha256 == hashlib.sha256(PNG).hexdigest()
    assert desk.guest_by_signature(OFFICE, guest.signature_key) == guest
    assert desk.guest_by_signature("kab-16.01", guest.signature_key) is None
    assert desk.queue_today(OFFICE, local_day(clock(), OFFICE)).served_count == 1


def test_an_invalid_guest_records_nothing_and_stores_no_file(desk: Desk, clock: FakeClock) -> None:
    files = Files()
    desk.take_ticket(OFFICE)
    desk.take_ticket(OFFICE)
    desk.call_next_ticket(OFFICE, DESK)
    before = desk.recorder.max_notification_id()
    with pytest.raises(InvalidPhone):
        desk.record_guest(OFFICE, 1, IdentityInput(name="Budi", party_number=1, phone="12"), PNG, DESK, files.put)
    with pytest.raises(TextRequired):
        desk.record_guest(OFFICE, 1, IdentityInput(name=" ", party_number=1, phone="0812-3456-7890"), PNG, DESK,
                          files.put)
    with pytest.raises(SignatureRequired):
        desk.record_guest(OFFICE, 1, WHO, None, DESK, files.put)
    with pytest.raises(TicketNotCalled):
        desk.record_guest(OFFICE, 2, WHO, PNG, DESK, files.put)
    with pytest.raises(UnknownTicket):
        desk.record_guest(OFFICE, 3, WHO, PNG, DESK, files.put)
    assert desk.recorder.max_notification_id() == before and files.stored == {}
    desk.skip_ticket(OFFICE, 1, DESK)
    with pytest.raises(TicketAlreadySkipped):
        desk.record_guest(OFFICE, 1, WHO, PNG, DESK, files.put)
    assert files.stored == {}


def test_the_queue_survives_the_store(desk: Desk, clock: FakeClock) -> None:
    desk.take_ticket(OFFICE)
    desk.call_next_ticket(OFFICE, DESK)
    desk.record_guest(OFFICE, 1, WHO, PNG, DESK, Files().put)
    queue: QueueDay = desk.repository.get(queue_day_id(OFFICE, local_day(clock(), OFFICE)))
    assert type(queue.day) is date and queue.office_id == OFFICE
    guest = queue.tickets[1].guest
    assert guest is not None and type(guest.party) is Party and type(guest.consultation_id) is UUID
