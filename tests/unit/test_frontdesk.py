"""The front desk (SOP step 1, walk-in): queue numbers per office and day, called in order, and the guest book
that opens the walk-in consultation; the desk, the board and the Daftar Hadir read them from a read model."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from uuid import UUID, uuid4

import pytest
from eventsourcing.persistence import StoredEvent
from eventsourcing.utils import get_topic

from domain.consultation import Consultation
from domain.errors import InvalidEmail, InvalidPhone, TextRequired, all_error_classes
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
    now_serving,
    queue_day_id,
)
from domain.offices import OfficeId
from domain.parties import Party, PartyRegister
from domain.values import Channel, Identity
from gateways.messages import MESSAGES
from gateways.readstore import SqliteReadStore
from projections.frontdesk import FrontDeskProjection
from projections.frontdesk_queries import FrontDeskQueries
from projections.runner import ReadModelRunner
from services.consultations import ConsultationCommands, IdentityInput
from services.frontdesk import FrontDeskCommands
from tests.conftest import FakeClock

OFFICE = "kab-16.13"
DAY = date(2024, 7, 29)
AT = datetime(2024, 7, 29, 1, 30, tzinfo=UTC)  # 08.30 WIB
PKB = Party(name="Partai Kebangkitan Bangsa", abbreviation="PKB", number=1)
IDENTITY = Identity(name="Budi Santoso", party=PKB, phone="+6281234567890", email="budi@pkb.id")
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
    assert ticket.guest.email == "budi@pkb.id"  # C.d.2(d)
    assert (ticket.guest.consultation_id, ticket.guest.at, ticket.guest.actor) == (consultation_id, minutes(6), DESK)
    with pytest.raises(GuestAlreadyRecorded):
        queue.record_guest(1, IDENTITY, "ab/key.png", "a" * 64, uuid4(), DESK, minutes(7))
    with pytest.raises(GuestAlreadyRecorded):
        queue.skip(1, DESK, minutes(7))
    queue.call_next(DESK, minutes(8))
    queue.skip(2, DESK, minutes(9))
    with pytest.raises(TicketAlreadySkipped):
        queue.record_guest(2, IDENTITY, "ab/key.png", "a" * 64, uuid4(), DESK, minutes(10))


def test_now_serving_is_the_last_call_whose_person_had_not_left() -> None:
    called, skipped, served = TicketState.CALLED, TicketState.SKIPPED, TicketState.SERVED
    assert now_serving([]) is None
    assert now_serving([(1, served), (2, called)]) == 2
    # Number 3 was called last but had gone: the board goes back to 2, not to the lowest number.
    assert now_serving([(2, served), (1, called), (3, skipped)]) == 1
    assert now_serving([(1, skipped), (2, skipped)]) is None


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


# The service, on the library's in-memory store with the project's msgspec mapper, and the read model beside it.


class Desk(ConsultationCommands, FrontDeskCommands):
    name = "desk"

    def __init__(self, clock: FakeClock) -> None:
        self.parties = PartyRegister([PKB])
        self.office = OfficeId(OFFICE)  # a command's answer says whether there is an office to escalate to
        super().__init__(clock=clock)

    def register_for(self, office_id: str | None) -> PartyRegister:
        return self.parties  # no office here adds parties of its own (services/parties.py)


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


def read_model(app: Desk) -> tuple[FrontDeskQueries, ReadModelRunner]:
    store = SqliteReadStore(":memory:")
    runner = ReadModelRunner(app, store, [FrontDeskProjection()])
    runner.prepare()
    return FrontDeskQueries(runner), runner


@pytest.fixture
def book(desk: Desk) -> Iterator[FrontDeskQueries]:
    queries, runner = read_model(desk)
    yield queries
    runner.store.close()


WHO = IdentityInput(name="Budi Santoso", party_number=1, phone="0812-3456-7890", email="Budi@PKB.id")


def test_the_service_numbers_the_offices_day_and_calls_in_order(
    desk: Desk, book: FrontDeskQueries, clock: FakeClock
) -> None:
    day = local_day(clock(), OFFICE)
    assert book.queue(OFFICE, day).tickets_taken == 0
    with pytest.raises(QueueEmpty):
        desk.call_next_ticket(OFFICE, DESK)
    first_taken = clock()
    assert desk.take_ticket(OFFICE) == 1
    clock.advance(minutes=2)
    assert desk.take_ticket(OFFICE) == 2
    assert desk.take_ticket("kab-16.01") == 1  # another office's queue
    assert desk.call_next_ticket(OFFICE, DESK) == 1
    view = book.queue(OFFICE, day)
    assert [t.number for t in view.waiting] == [2]
    assert [t.number for t in view.called] == [1]
    assert view.now_serving == 1 and view.served_count == 0 and view.tickets_taken == 2
    assert view.called[0].taken_at == first_taken and view.called[0].called_by == DESK
    assert book.queue("kab-16.01", day).tickets_taken == 1
    with pytest.raises(UnknownTicket):
        book.ticket(OFFICE, day, 3)
    clock.advance(minutes=60 * 24)  # the next day
    assert desk.take_ticket(OFFICE) == 1
    assert book.queue(OFFICE, local_day(clock(), OFFICE)).tickets_taken == 1
    assert book.queue(OFFICE, day).tickets_taken == 2  # yesterday's queue stays as it ended


def test_recording_the_guest_opens_the_walk_in_consultation_in_the_same_save(
    desk: Desk, book: FrontDeskQueries, clock: FakeClock
) -> None:
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
    # The e-mail written in the guest book reaches the consultation's identity, in its normal form.
    assert consultation.identity.email == "Budi@pkb.id"
    guest = book.guest_of_consultation(OFFICE, consultation_id)
    assert guest is not None and guest.number == 1 and guest.taken_at == taken
    assert (guest.name, guest.phone, guest.email, guest.party) == ("Budi Santoso", "+6281234567890", "Budi@pkb.id", PKB)
    assert guest.recorded_at == clock() and guest.recorded_by == DESK and guest.signed_as is None
    assert files.stored[guest.signature_key] == PNG
    assert guest.signature_sha256 == hashlib.sha256(PNG).hexdigest()
    assert book.guest_by_signature(OFFICE, guest.signature_key) == guest
    assert book.guest_by_signature("kab-16.01", guest.signature_key) is None
    day = local_day(clock(), OFFICE)
    view = book.queue(OFFICE, day)
    assert view.served_count == 1 and view.served[0].guest == guest
    assert book.ticket(OFFICE, day, 1).guest == guest
    assert book.guest_book(OFFICE, day, day) == [guest]
    assert book.guest_book(OFFICE, day + timedelta(days=1), day + timedelta(days=1)) == []


def test_an_invalid_guest_records_nothing_and_stores_no_file(desk: Desk, clock: FakeClock) -> None:
    files = Files()
    desk.take_ticket(OFFICE)
    desk.take_ticket(OFFICE)
    desk.call_next_ticket(OFFICE, DESK)
    before = desk.recorder.max_notification_id()
    with pytest.raises(InvalidPhone):
        desk.record_guest(OFFICE, 1, IdentityInput(name="Budi", party_number=1, phone="12"), PNG, DESK, files.put)
    with pytest.raises(InvalidEmail):
        desk.record_guest(OFFICE, 1, IdentityInput(name="Budi", party_number=1, phone="0812-3456-7890",
                                                   email="budi@"), PNG, DESK, files.put)
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
    assert guest.email == "Budi@pkb.id"


# The read model.


def test_the_read_model_shows_the_queue_as_the_aggregate_holds_it(
    desk: Desk, book: FrontDeskQueries, clock: FakeClock
) -> None:
    # A morning at the desk: five numbers, one gone before being called, one gone after, two signed, one waiting.
    for _ in range(5):
        desk.take_ticket(OFFICE)
        clock.advance(minutes=1)
    desk.skip_ticket(OFFICE, 1, DESK)
    assert desk.call_next_ticket(OFFICE, DESK) == 2
    desk.record_guest(OFFICE, 2, WHO, PNG, DESK, Files().put)
    assert desk.call_next_ticket(OFFICE, "petugas.budi") == 3
    assert desk.call_next_ticket(OFFICE, DESK) == 4
    clock.advance(minutes=1)
    desk.skip_ticket(OFFICE, 4, DESK)  # called last, but had gone: the board goes back to 3
    day = local_day(clock(), OFFICE)
    view = book.queue(OFFICE, day)
    queue: QueueDay = desk.repository.get(queue_day_id(OFFICE, day))

    assert [t.number for t in view.waiting] == list(queue.waiting) == [5]
    assert [t.number for t in view.called] == list(queue.called) == [3]
    assert [t.number for t in view.served] == list(queue.served) == [2]
    assert [t.number for t in view.skipped] == list(queue.skipped) == [1, 4]
    assert view.now_serving == queue.now_serving == 3
    assert view.tickets_taken == len(queue.tickets) == 5
    for ticket in view.waiting + view.called + view.served + view.skipped:
        held = queue.tickets[ticket.number]
        assert (ticket.state, ticket.taken_at, ticket.called_at, ticket.called_by, ticket.skipped_at) == (
            held.state, held.taken_at, held.called_at, held.called_by, held.skipped_at)
    assert book.ticket(OFFICE, day, 3).called_by == "petugas.budi"


def test_a_corrected_identity_shows_in_the_guest_book_and_what_was_signed_is_kept(
    desk: Desk, book: FrontDeskQueries, clock: FakeClock
) -> None:
    desk.take_ticket(OFFICE)
    desk.call_next_ticket(OFFICE, DESK)
    consultation_id = desk.record_guest(OFFICE, 1, WHO, PNG, DESK, Files().put)
    signed = book.guest_of_consultation(OFFICE, consultation_id)
    # The officer misheard the name and the phone; the consultee gives them again.
    clock.advance(minutes=4)
    desk.correct_identity(OFFICE, consultation_id, IdentityInput(
        name="Budi Santosa", party_number=1, phone="0813-1111-2222", email="Budi@PKB.id"), DESK)
    corrected = book.guest_of_consultation(OFFICE, consultation_id)
    assert corrected is not None and signed is not None
    assert (corrected.name, corrected.phone, corrected.email) == ("Budi Santosa", "+6281311112222", "Budi@pkb.id")
    assert corrected.signed_as == Identity(name="Budi Santoso", party=PKB, phone="+6281234567890",
                                           email="Budi@pkb.id")
    assert corrected.corrected_at == clock()
    # The signature, its number and its time are what they were.
    assert (corrected.signature_key, corrected.number, corrected.recorded_at) == (
        signed.signature_key, signed.number, signed.recorded_at)


def test_the_read_model_is_rebuilt_from_the_log_alone(desk: Desk, clock: FakeClock) -> None:
    desk.take_ticket(OFFICE)
    desk.take_ticket(OFFICE)
    desk.call_next_ticket(OFFICE, DESK)
    consultation_id = desk.record_guest(OFFICE, 1, WHO, PNG, DESK, Files().put)
    book, runner = read_model(desk)
    day = local_day(clock(), OFFICE)
    before = book.queue(OFFICE, day)
    assert runner.rebuild("frontdesk") > 0
    assert book.queue(OFFICE, day) == before
    assert book.guest_of_consultation(OFFICE, consultation_id) is not None
    runner.store.close()


def test_a_guest_recorded_before_the_book_asked_for_e_mail_still_loads(desk: Desk, clock: FakeClock) -> None:
    """Events written before GuestRecorded had `email` decode with None, in the aggregate and in the read model."""
    desk.take_ticket(OFFICE)
    desk.call_next_ticket(OFFICE, DESK)
    consultation_id = desk.record_guest(OFFICE, 1, WHO, PNG, DESK, Files().put)
    # The same log as an older node wrote it: GuestRecorded's stored state without the field.
    older = Desk(clock)
    topic = get_topic(QueueDay.GuestRecorded)
    stored = []
    for n in desk.recorder.select_notifications(1, 100):
        state = n.state
        if n.topic == topic:
            fields = json.loads(state)
            assert fields.pop("email") == "Budi@pkb.id"
            state = json.dumps(fields).encode()
        stored.append(StoredEvent(originator_id=n.originator_id, originator_version=n.originator_version,
                                  topic=n.topic, state=state))
    older.recorder.insert_events(stored)

    queue: QueueDay = older.repository.get(queue_day_id(OFFICE, local_day(clock(), OFFICE)))
    guest = queue.tickets[1].guest
    assert guest is not None and guest.email is None and guest.name == "Budi Santoso"
    book, runner = read_model(older)
    line = book.guest_of_consultation(OFFICE, consultation_id)
    assert line is not None and line.email is None and line.phone == "+6281234567890"
    runner.store.close()


def test_events_fed_one_at_a_time_make_the_same_rows_as_batches(desk: Desk, clock: FakeClock) -> None:
    """A handler relies only on the events and its own tables: one event per transaction or 500 per batch agree."""
    for _ in range(4):
        desk.take_ticket(OFFICE)
    desk.skip_ticket(OFFICE, 1, DESK)
    desk.call_next_ticket(OFFICE, DESK)
    consultation_id = desk.record_guest(OFFICE, 2, WHO, PNG, DESK, Files().put)
    desk.correct_identity(OFFICE, consultation_id, IdentityInput(name="Budi S.", party_number=1,
                                                                 phone="0812-3456-7890"), DESK)
    desk.call_next_ticket(OFFICE, DESK)
    _, runner = read_model(desk)
    runner.catch_up()
    projection = FrontDeskProjection()
    by_hand = SqliteReadStore(":memory:")
    with by_hand.transaction() as tx:
        projection.create(tx)
    for notification in desk.recorder.select_notifications(1, 1000):
        event = desk.mapper.to_domain_event(notification)
        if type(event) in projection.topics:
            with by_hand.transaction() as tx:
                projection.process(event, notification.id, tx)
    for table in projection.tables:
        assert sorted(by_hand.query(f"SELECT * FROM {table}")) == sorted(runner.store.query(f"SELECT * FROM {table}"))
    assert len(by_hand.query("SELECT * FROM rm_queue_tickets")) == 4
    runner.store.close()
    by_hand.close()
