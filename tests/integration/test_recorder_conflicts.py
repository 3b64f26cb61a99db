"""On PostgreSQL a batch's write is one statement (gateways/recorders.py): a conflict anywhere in it still raises
eventsourcing's IntegrityError and leaves nothing of the batch behind, which optimistic concurrency and the inbox's
exactly-once rest on."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest
from eventsourcing.application import Application
from eventsourcing.domain import Aggregate, event
from eventsourcing.persistence import IntegrityError, Tracking
from eventsourcing.utils import get_topic
from psycopg import sql

from gateways.persistence import connect_postgres, postgres_params
from gateways.recorders import PostgresBatchRecorder
from services.ports import MessageDigest

pytestmark = pytest.mark.postgres

KAB, PROV = "kab-16.13", "prov-16"


class Note(Aggregate):
    def __init__(self, text: str) -> None:
        self.text = text

    @event("Edited")
    def edit(self, text: str) -> None:
        self.text = text


class Notes(Application[uuid.UUID]):
    def construct_recorder(self) -> PostgresBatchRecorder:
        recorder = self.factory.process_recorder()
        assert isinstance(recorder, PostgresBatchRecorder)
        return recorder


@pytest.fixture
def notes(postgres_url: str) -> Iterator[Notes]:
    schema = f"conflicts_{uuid.uuid4().hex[:12]}"  # a schema of its own: tests never share state
    with connect_postgres(postgres_url) as connection:
        connection.execute(sql.SQL("CREATE SCHEMA {}").format(sql.Identifier(schema)))
    app = Notes(env={"PERSISTENCE_MODULE": "eventsourcing.postgres", **postgres_params(postgres_url),
                     "PROCESS_RECORDER_TOPIC": get_topic(PostgresBatchRecorder), "POSTGRES_SCHEMA": schema})
    try:
        yield app
    finally:
        app.close()
        with connect_postgres(postgres_url) as connection:
            connection.execute(sql.SQL("DROP SCHEMA {} CASCADE").format(sql.Identifier(schema)))


def digest(seq: int) -> MessageDigest:
    return MessageDigest(KAB, 1, seq, f"{seq:064x}", f"{KAB}:{seq}")


def test_a_concurrent_version_conflict_raises_and_leaves_nothing_behind(notes: Notes) -> None:
    recorder = notes.recorder
    assert isinstance(recorder, PostgresBatchRecorder)
    # A note is written with the first message from the regency, its position and its digest.
    note = Note("pertama")
    notes.save(note, trackings=[Tracking(KAB, 1)], digests=[digest(1)])
    last = recorder.max_notification_id()

    # Two copies of the note are loaded; one of them is edited and saved first.
    mine, theirs = notes.repository.get(note.id), notes.repository.get(note.id)
    theirs.edit("kedua, disimpan lebih dulu")
    notes.save(theirs)
    after_theirs = recorder.max_notification_id()
    assert after_theirs is not None and last is not None and after_theirs > last

    # The other copy's edit comes with a new note, the next positions of two senders and a digest: the version
    # conflict refuses all of it.
    mine.edit("ketiga, dari versi lama")
    other = Note("lain")
    with pytest.raises(IntegrityError):
        notes.save(mine, other, trackings=[Tracking(KAB, 2), Tracking(PROV, 5)], digests=[digest(2)])

    # Nothing of the refused batch is kept: no event, no tracking, no digest.
    assert recorder.max_notification_id() == after_theirs
    assert recorder.select_events(other.id) == []
    assert notes.repository.get(note.id).text == "kedua, disimpan lebih dulu"
    assert recorder.max_tracking_id(KAB) == 1
    assert recorder.max_tracking_id(PROV) is None
    assert recorder.message_digest(KAB, 1, 2) is None
    assert recorder.digest_head(KAB) == (1, 1)


def test_a_position_taken_already_raises_and_leaves_nothing_behind(notes: Notes) -> None:
    recorder = notes.recorder
    assert isinstance(recorder, PostgresBatchRecorder)
    notes.save(Note("pertama"), trackings=[Tracking(KAB, 3)], digests=[digest(3)])
    last = recorder.max_notification_id()

    # The same message again (its position taken, a position behind it too): the new note and digest are refused.
    for position in (3, 2):
        other = Note("diulang")
        with pytest.raises(IntegrityError):
            notes.save(other, trackings=[Tracking(PROV, 1), Tracking(KAB, position)], digests=[digest(4)])
        assert recorder.select_events(other.id) == []
    assert recorder.max_notification_id() == last
    assert recorder.max_tracking_id(KAB) == 3
    assert recorder.max_tracking_id(PROV) is None
    assert recorder.message_digest(KAB, 1, 4) is None


def test_a_digest_kept_already_raises_and_leaves_nothing_behind(notes: Notes) -> None:
    recorder = notes.recorder
    assert isinstance(recorder, PostgresBatchRecorder)
    notes.save(Note("pertama"), trackings=[Tracking(KAB, 1)], digests=[digest(1)])

    # A later position whose digest row is kept already (another message at that place) is refused whole.
    other = Note("lain")
    with pytest.raises(IntegrityError):
        notes.save(other, trackings=[Tracking(KAB, 2), Tracking(PROV, 1)], digests=[digest(2), digest(1)])
    assert recorder.select_events(other.id) == []
    assert recorder.max_tracking_id(KAB) == 1
    assert recorder.max_tracking_id(PROV) is None
    assert recorder.message_digest(KAB, 1, 2) is None

    # A batch without conflict is written whole, its notification ids returned in order.
    first, second = Note("a"), Note("b")
    recordings = notes.save(first, second, trackings=[Tracking(KAB, 2)], digests=[digest(2)])
    ids = [r.notification.id for r in recordings]
    assert ids == sorted(ids) and len(ids) == 2
    assert recorder.max_tracking_id(KAB) == 2 and recorder.message_digest(KAB, 1, 2) == digest(2).sha256
