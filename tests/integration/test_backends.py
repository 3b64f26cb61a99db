"""One SOP story, told unchanged on memory, SQLite and PostgreSQL: only the node's settings differ."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import pytest

from domain.consultation import Status
from domain.errors import ConcurrentChange, NotFound
from domain.parties import Party
from domain.roles import Role
from domain.values import Basis, BasisKind, Channel, Documentation, DocumentationKind
from gateways.bootstrap import Node
from gateways.config import Settings
from services.consultations import IdentityInput
from tests.support.samples import jpeg

if TYPE_CHECKING:
    from tests.conftest import FakeClock

DESK = "desk.ani"
OTHER_DESK = "desk.budi"
PHOTO = jpeg()

STORY_EVENTS = [
    "Opened",
    "ProblemRecorded",
    "ProblemRestated",
    "ProblemConfirmed",
    "Answered",
    "NotUnderstood",
    "AnswerRepeated",
    "UnderstandingConfirmed",
    "LoggedInReport",
    "DocumentationAttached",
    "Closed",
]


def test_walk_in_consultation_from_opening_to_closing(
    node_settings: Settings, open_node: Callable[[Settings], Node], clock: FakeClock
) -> None:
    node = open_node(node_settings)
    desk = node.helpdesk
    office = node.office.value
    times = [clock()]

    # A PKB representative walks in and gives her name and number, written the way people write it.
    who = IdentityInput(name="  Rina Marlina ", party_name="pkb", phone="0812-3456-7890")
    cid = desk.open_consultation(office, Channel.WALK_IN, who, actor=DESK)
    assert desk.get_consultation(office, cid).status is Status.OPENED

    # She explains her problem, and the desk writes it down as heard.
    times.append(clock.advance(minutes=2))
    desk.record_problem(office, cid, "Akun SIPOL kami terkunci setelah ganti operator.", actor=DESK)
    assert desk.get_consultation(office, cid).status is Status.PROBLEM_RECORDED

    # The desk says the problem back in its own words...
    times.append(clock.advance(minutes=1))
    desk.restate_problem(office, cid, "Operator baru tidak bisa masuk ke akun SIPOL partai.", actor=DESK)
    assert desk.get_consultation(office, cid).status is Status.PROBLEM_RESTATED

    # ...and she confirms that is what she meant.
    times.append(clock.advance(seconds=30))
    desk.confirm_problem(office, cid, actor=DESK)
    assert desk.get_consultation(office, cid).status is Status.PROBLEM_CONFIRMED

    # The desk answers, citing the regulation it rests on.
    times.append(clock.advance(minutes=4))
    basis = ("pkpu", "PKPU 4/2022 Pasal 85 ayat (1)")
    desk.answer_problem(office, cid, "Ajukan pergantian operator ke KPU kabupaten.", [basis], actor=DESK,
                        role=Role.ANGGOTA_HELPDESK)
    assert desk.get_consultation(office, cid).status is Status.ANSWERED

    # Asked whether it is clear, she says she did not understand.
    times.append(clock.advance(minutes=1))
    desk.check_understanding(office, cid, understood=False, actor=DESK)
    assert desk.get_consultation(office, cid).status is Status.NOT_UNDERSTOOD

    # The desk explains the answer again, more slowly.
    times.append(clock.advance(minutes=3))
    desk.repeat_answer(office, cid, "Isi formulir pergantian operator, lalu serahkan ke meja ini.", actor=DESK)
    assert desk.get_consultation(office, cid).status is Status.ANSWERED

    # This time she understands.
    times.append(clock.advance(minutes=1))
    desk.check_understanding(office, cid, understood=True, actor=DESK)
    assert desk.get_consultation(office, cid).status is Status.UNDERSTOOD

    # The desk logs the consultation in the helpdesk report.
    times.append(clock.advance(minutes=2))
    desk.log_in_report(office, cid, actor=DESK)
    assert desk.get_consultation(office, cid).status is Status.LOGGED

    # A walk-in is photographed before it may be closed: the photo is stored, then attached by its key and hash
    # (written in capitals here, kept in small letters); attaching does not move the script on.
    times.append(clock.advance(minutes=1))
    photo_key, photo_sha256 = node.files.put(PHOTO, "image/jpeg")
    desk.attach_documentation(office, cid, "photo", photo_key, photo_sha256.upper(), actor=DESK)
    assert desk.get_consultation(office, cid).status is Status.LOGGED

    # The desk closes the consultation.
    times.append(clock.advance(minutes=1))
    desk.close_consultation(office, cid, actor=DESK)
    view = desk.get_consultation(office, cid)
    assert view.status is Status.CLOSED
    assert view.next_steps == []

    # The record says who came, what was asked and answered, and how many times it was repeated.
    assert view.identity.name == "Rina Marlina"
    assert view.identity.phone == "+6281234567890"
    assert view.identity.email is None
    assert view.identity.party == Party("Partai Kebangkitan Bangsa", "PKB", 1)
    assert view.repeats == 1
    assert view.corrections == 0
    assert view.answer == "Ajukan pergantian operator ke KPU kabupaten."
    assert view.bases == [Basis(BasisKind.PKPU, "PKPU 4/2022 Pasal 85 ayat (1)")]
    assert view.answered_by == DESK
    assert view.logged_by == DESK
    assert view.documentation == [Documentation(DocumentationKind.PHOTO, photo_key, photo_sha256)]
    assert view.version == len(STORY_EVENTS)

    # Its times are the clock's, to the microsecond, and still in UTC.
    assert view.opened_at == times[0]
    assert view.updated_at == times[-1]
    assert view.updated_at.utcoffset().total_seconds() == 0

    # The history lists every step in order, each at its time and by its actor.
    history = desk.history(office, cid)
    assert [entry.event for entry in history] == STORY_EVENTS
    assert [entry.at for entry in history] == times
    assert [entry.version for entry in history] == list(range(1, len(STORY_EVENTS) + 1))
    assert {entry.actor for entry in history} == {DESK}

    # The office's list shows it, closed.
    [summary] = node.consultations.list(office)
    assert (summary.id, summary.status, summary.party) == (cid, Status.CLOSED, "PKB")

    # A node started afresh on the same settings reads back the same record, if the backend keeps it.
    fresh = open_node(node_settings).helpdesk
    if node_settings.backend == "memory":
        with pytest.raises(NotFound):
            fresh.get_consultation(office, cid)
    else:
        assert fresh.get_consultation(office, cid) == view
        assert fresh.history(office, cid) == history


def test_a_concurrent_change_is_refused_whole(
    node_settings: Settings, open_node: Callable[[Settings], Node], clock: FakeClock
) -> None:
    node = open_node(node_settings)
    desk = node.helpdesk
    office = node.office.value

    # A consultation by e-mail has its problem recorded.
    who = IdentityInput(name="Dedi Kurniawan", party_number=12, email="dedi@pan.example")
    cid = desk.open_consultation(office, Channel.EMAIL, who, actor=DESK)
    desk.record_problem(office, cid, "Bagaimana mengunggah KTA anggota baru?", actor=DESK)

    # Two desk members open the same record at the same moment.
    first = desk.repository.get(cid)
    second = desk.repository.get(cid)

    # The first restates the problem and saves.
    clock.advance(minutes=1)
    first.restate_problem("Cara unggah KTA anggota baru ke SIPOL.", DESK, clock())
    desk._save(first)
    saved_up_to = desk.recorder.max_notification_id()

    # The second, unaware, restates and confirms (two steps) and saves: refused as a concurrent change.
    clock.advance(minutes=1)
    second.restate_problem("Unggah KTA.", OTHER_DESK, clock())
    second.confirm_problem(OTHER_DESK, clock())
    with pytest.raises(ConcurrentChange):
        desk._save(second)

    # Nothing of the second save was written, not even its step that did not collide.
    assert desk.recorder.max_notification_id() == saved_up_to
    view = desk.get_consultation(office, cid)
    assert (view.status, view.restatement, view.version) == (
        Status.PROBLEM_RESTATED,
        "Cara unggah KTA anggota baru ke SIPOL.",
        3,
    )
    assert [entry.event for entry in desk.history(office, cid)] == ["Opened", "ProblemRecorded", "ProblemRestated"]

    # The second desk reloads and carries on from the saved record.
    desk.confirm_problem(office, cid, actor=OTHER_DESK)
    assert desk.get_consultation(office, cid).status is Status.PROBLEM_CONFIRMED
