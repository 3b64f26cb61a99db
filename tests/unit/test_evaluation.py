"""The Koordinator's periodic evaluation (SOP A.4a.3, issue 16): drafted for a period, notes and follow-ups (what,
who, by when), frozen when finalised; who may do what; the figures read from the read models."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from uuid import uuid4

import msgspec
import pytest

from domain.errors import InvalidFields, NotPermitted, TextRequired
from domain.evaluation import Evaluation, decode_content
from domain.evaluation_values import (
    DueDateInPast,
    DueDateRequired,
    EvaluationExists,
    EvaluationFigures,
    EvaluationFinalised,
    FollowUpAlreadyDone,
    OwnerRequired,
    UnknownEvaluation,
    UnknownFollowUp,
    UnknownStaff,
    evaluation_id,
)
from domain.frozen_report import PeriodNotBegun, PeriodTooLong, content_hash
from domain.roles import Permission, Role, roles_with
from gateways.bootstrap import Node
from services.views import UserView

T0 = datetime(2027, 8, 2, 1, 30, tzinfo=UTC)  # Monday 2 August 2027, 08:30 WIB
OFFICE = "kab-16.13"
WEEK = (date(2027, 7, 26), date(2027, 8, 1))
FIGURES = EvaluationFigures(consultations=3, by_channel={"walk_in": 3}, repeated=1, handed_over=1, forwarded=0,
                            escalations_answered=1, steps=[], staff=[])


def staff(node: Node, role: Role, username: str) -> UserView:
    user_id = node.accounts.register_user(username, f"Petugas {username}", role, OFFICE, "kata-sandi-uji-123", "test")
    return node.accounts.get_user(user_id)


def drafted() -> Evaluation:
    return Evaluation.draft(office_id=OFFICE, period_start=WEEK[0], period_end=WEEK[1], actor="koord", at=T0)


def test_only_the_koordinator_evaluates_the_service() -> None:
    assert roles_with(Permission.EVALUATE_SERVICE) == [Role.KOORDINATOR]


def test_a_period_is_in_order_at_most_a_year_and_never_to_come() -> None:
    evaluation = drafted()
    assert evaluation.id == evaluation_id(OFFICE, *WEEK)  # the same period, the same evaluation
    with pytest.raises(PeriodNotBegun):  # tomorrow in WIB has not happened yet
        Evaluation.draft(office_id=OFFICE, period_start=WEEK[0], period_end=date(2027, 8, 3), actor="k", at=T0)
    with pytest.raises(PeriodTooLong):
        Evaluation.draft(office_id=OFFICE, period_start=date(2026, 1, 1), period_end=WEEK[1], actor="k", at=T0)


def test_a_follow_up_refuses_every_missing_field_at_once_and_a_day_gone_by() -> None:
    evaluation = drafted()
    with pytest.raises(InvalidFields) as refused:
        evaluation.add_follow_up("  ", None, None, "koord", T0)
    assert {(type(e), e.field) for e in refused.value.errors} == {
        (TextRequired, "what"), (OwnerRequired, "owner"), (DueDateRequired, "due")}
    with pytest.raises(DueDateInPast):
        evaluation.add_follow_up("Rapikan meja", "desk.ani", date(2027, 8, 1), "koord", T0)
    assert evaluation.follow_ups == ()  # nothing half-written


def test_finalising_freezes_figures_notes_and_follow_ups_under_their_hash() -> None:
    evaluation = drafted()
    evaluation.add_note("Waktu jawab surel sering lewat standar.", "koord", T0)
    fid = evaluation.add_follow_up("Pantau kotak surel tiap jam", "desk.ani", date(2027, 8, 6), "koord", T0)
    digest = evaluation.finalise(FIGURES, "koord", Role.KOORDINATOR.value, T0 + timedelta(hours=1))
    assert evaluation.content is not None and digest == content_hash(evaluation.content)
    frozen = decode_content(evaluation.content)
    assert frozen.figures == FIGURES and [n.text for n in frozen.notes] == ["Waktu jawab surel sering lewat standar."]
    assert [(f.what, f.owner, f.due, f.done) for f in frozen.follow_ups] == [
        ("Pantau kotak surel tiap jam", "desk.ani", date(2027, 8, 6), False)]
    # Frozen: no more notes or follow-ups, not finalised twice.
    for change in (lambda: evaluation.add_note("x", "koord", T0),
                   lambda: evaluation.add_follow_up("x", "desk.ani", date(2027, 8, 6), "koord", T0),
                   lambda: evaluation.finalise(FIGURES, "koord", "koordinator", T0)):
        with pytest.raises(EvaluationFinalised):
            change()
    # A follow-up is still done afterwards; the frozen record keeps the state it had.
    evaluation.complete_follow_up(fid, "desk.ani", T0 + timedelta(days=2))
    assert evaluation.follow_up(fid).done and not decode_content(evaluation.content).follow_ups[0].done
    with pytest.raises(FollowUpAlreadyDone):
        evaluation.complete_follow_up(fid, "koord", T0)
    with pytest.raises(UnknownFollowUp):
        evaluation.complete_follow_up(uuid4(), "koord", T0)


def test_the_koordinator_evaluates_the_owner_completes_and_no_one_else(memory_node: Node, clock) -> None:
    clock.now = T0
    koord = staff(memory_node, Role.KOORDINATOR, "koord")
    ani = staff(memory_node, Role.ANGGOTA_HELPDESK, "desk.ani")
    budi = staff(memory_node, Role.ANGGOTA_HELPDESK, "desk.budi")
    ketua = staff(memory_node, Role.KETUA_HELPDESK, "ketua")
    h = memory_node.helpdesk
    # The Ketua and the desk read evaluations; only the Koordinator drafts one.
    for other in (ketua, ani):
        with pytest.raises(NotPermitted):
            h.draft_evaluation(other, *WEEK)
    eid = h.draft_evaluation(koord, *WEEK)
    with pytest.raises(EvaluationExists):
        h.draft_evaluation(koord, *WEEK)
    assert h.evaluation_of_period(OFFICE, *WEEK) == eid

    # A follow-up goes to one of the team: an unknown account is refused with the other fields, all at once.
    with pytest.raises(InvalidFields) as refused:
        h.add_follow_up(koord, eid, "", "bukan-petugas", date(2027, 8, 1))
    assert {(type(e), e.field) for e in refused.value.errors} == {
        (TextRequired, "what"), (UnknownStaff, "owner"), (DueDateInPast, "due")}
    fid = h.add_follow_up(koord, eid, "Lengkapi daftar hadir tamu", "desk.ani", date(2027, 8, 6))
    with pytest.raises(NotPermitted):
        h.add_evaluation_note(ani, eid, "Catatan petugas")
    # Budi is not its owner; Ani is.
    with pytest.raises(NotPermitted):
        h.complete_follow_up(budi, eid, fid)
    h.complete_follow_up(ani, eid, fid)

    digest = h.finalise_evaluation(koord, eid)
    view = h.evaluation_view(OFFICE, eid)
    assert view.finalised and view.content_hash == digest and view.finalised_by == "koord"
    [row] = memory_node.evaluations.list(OFFICE)
    assert (row.id, row.follow_ups, row.open_follow_ups, row.content_hash) == (str(eid), 1, 0, digest)
    # Another office's evaluation is not found here.
    with pytest.raises(UnknownEvaluation):
        h.evaluation_view("kab-16.14", eid)


def test_the_open_follow_ups_of_a_staff_member_come_from_the_read_model(memory_node: Node, clock) -> None:
    clock.now = T0
    koord = staff(memory_node, Role.KOORDINATOR, "koord")
    staff(memory_node, Role.ANGGOTA_HELPDESK, "desk.ani")
    staff(memory_node, Role.KOORDINATOR_HARIAN, "harian")
    h = memory_node.helpdesk
    eid = h.draft_evaluation(koord, *WEEK)
    later = h.add_follow_up(koord, eid, "Latih petugas baru", "desk.ani", date(2027, 8, 20))
    sooner = h.add_follow_up(koord, eid, "Perbaiki alat rekam", "desk.ani", date(2027, 8, 4))
    h.add_follow_up(koord, eid, "Susun ulang jadwal piket", "harian", date(2027, 8, 5))
    mine = memory_node.evaluations.open_follow_ups(OFFICE, "desk.ani")
    assert [f.id for f in mine] == [str(sooner), str(later)]  # the one due first at the top
    assert len(memory_node.evaluations.open_follow_ups(OFFICE)) == 3
    h.complete_follow_up(koord, eid, sooner)
    assert [f.id for f in memory_node.evaluations.open_follow_ups(OFFICE, "desk.ani")] == [str(later)]


def test_a_draft_shows_the_figures_now_and_finalising_keeps_them(memory_node: Node, clock) -> None:
    clock.now = T0
    koord = staff(memory_node, Role.KOORDINATOR, "koord")
    h = memory_node.helpdesk
    eid = h.draft_evaluation(koord, T0.date(), T0.date())
    assert h.evaluation_view(OFFICE, eid).content.figures.consultations == 0
    h.finalise_evaluation(koord, eid)
    frozen = h.evaluation_view(OFFICE, eid).content
    assert msgspec.json.encode(frozen) == h.evaluation_of(OFFICE, eid).content
