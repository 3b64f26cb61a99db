"""Staff daily reports (laporan harian Helpdesk; issue 16): a staff member's report of a day is prefilled with what
the consultations' and clocks' read models know of it, submitted with their notes, and checked by the Koordinator
Harian: accepted, or returned with a reason and submitted again. Nobody checks their own."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from uuid import UUID, uuid4

import pytest

from domain.errors import NotPermitted, TextRequired, TextTooLong
from domain.mail import number_of
from domain.roles import Role
from domain.staff_report import StaffReport, staff_report_id
from domain.staff_report_values import (
    MAX_NOTES,
    ChannelCount,
    DayFigures,
    OwnStaffReport,
    ReportState,
    StaffReportAlreadyAccepted,
    StaffReportAlreadySubmitted,
    StaffReportDayInvalid,
    StaffReportNotSubmitted,
    UnknownStaffReport,
)
from domain.values import Channel
from gateways.bootstrap import Node
from services.consultations import IdentityInput
from services.views import UserView
from tests.conftest import FakeClock

OFFICE = "kab-16.13"
DAY = date(2026, 12, 4)
AT = datetime(2026, 12, 4, 9, 0, tzinfo=UTC)  # 16:00 WIB
FIGURES = DayFigures((ChannelCount("email", 2),), (), ("1a2b3c4d",))
AUTHOR = "11111111-1111-1111-1111-111111111111"


def submitted(notes: str = "Dua surel dijawab") -> StaffReport:
    return StaffReport.submit(office_id=OFFICE, user_id=AUTHOR, day=DAY, today=DAY, figures=FIGURES, notes=notes,
                              role=Role.ANGGOTA_HELPDESK, actor="desk.ani", at=AT)


def test_one_report_per_office_user_and_day() -> None:
    report = submitted()
    assert report.id == staff_report_id(OFFICE, AUTHOR, DAY) != staff_report_id(OFFICE, AUTHOR, DAY + timedelta(1))
    assert report.id != staff_report_id("kab-16.14", AUTHOR, DAY)
    assert (report.state, report.figures, report.notes) == (ReportState.SUBMITTED, FIGURES, "Dua surel dijawab")


def test_who_submits_and_what_a_report_may_hold() -> None:
    # Notes may be empty; never overlong.
    assert submitted(notes="  ").notes == ""
    with pytest.raises(TextTooLong):
        submitted(notes="x" * (MAX_NOTES + 1))
    # Only who serves consultations fills a daily report, and never for a day to come.
    with pytest.raises(NotPermitted):
        StaffReport.submit(office_id=OFFICE, user_id=AUTHOR, day=DAY, today=DAY, figures=FIGURES, notes="",
                           role=Role.KETUA_HELPDESK, actor="ketua", at=AT)
    with pytest.raises(StaffReportDayInvalid):
        StaffReport.submit(office_id=OFFICE, user_id=AUTHOR, day=DAY + timedelta(days=1), today=DAY,
                           figures=FIGURES, notes="", role=Role.ANGGOTA_HELPDESK, actor="desk.ani", at=AT)


def test_returned_with_a_reason_submitted_again_then_accepted_by_another() -> None:
    report = submitted()
    # A report waiting to be checked is not submitted twice; its author does not check it.
    with pytest.raises(StaffReportAlreadySubmitted):
        report.resubmit(figures=FIGURES, notes="", role=Role.ANGGOTA_HELPDESK, today=DAY, actor="desk.ani", at=AT)
    with pytest.raises(OwnStaffReport):
        report.accept(role=Role.KOORDINATOR_HARIAN, checker_id=AUTHOR, actor="desk.ani", at=AT)
    # The desk does not check reports; a return needs its reason.
    with pytest.raises(NotPermitted):
        report.accept(role=Role.ANGGOTA_HELPDESK, checker_id="other", actor="desk.budi", at=AT)
    with pytest.raises(TextRequired):
        report.send_back(reason=" ", role=Role.KOORDINATOR_HARIAN, checker_id="harian", actor="harian", at=AT)
    report.send_back(reason="Catat juga tamu tatap muka", role=Role.KOORDINATOR_HARIAN, checker_id="harian",
                     actor="harian", at=AT)
    assert report.state is ReportState.RETURNED
    with pytest.raises(StaffReportNotSubmitted):
        report.accept(role=Role.KOORDINATOR_HARIAN, checker_id="harian", actor="harian", at=AT)
    report.resubmit(figures=FIGURES, notes="Tamu tatap muka: 1", role=Role.ANGGOTA_HELPDESK, today=DAY,
                    actor="desk.ani", at=AT)
    report.accept(role=Role.KOORDINATOR_HARIAN, checker_id="harian", actor="harian", at=AT)
    assert (report.state, report.notes) == (ReportState.ACCEPTED, "Tamu tatap muka: 1")
    with pytest.raises(StaffReportAlreadyAccepted):
        report.resubmit(figures=FIGURES, notes="", role=Role.ANGGOTA_HELPDESK, today=DAY, actor="desk.ani", at=AT)
    assert [type(e).__name__ for e in report.collect_events()] == [
        "Submitted", "Returned", "Resubmitted", "Accepted"]


# The service over a node: the figures come from the read models.

def staff(node: Node, role: Role, username: str) -> UserView:
    user_id = node.accounts.register_user(username, f"Petugas {username}", role, OFFICE, "kata-sandi-uji-123", "test")
    return node.accounts.get_user(user_id)


def serve(node: Node, username: str, channel: Channel, *, hand_over: bool = False) -> UUID:
    """One consultation opened, its problem confirmed, and answered (or handed to the commissioner) by `username`."""
    helpdesk = node.helpdesk
    who = IdentityInput(name="Penghubung Partai", party_number=3, phone="081234567890")
    cid = helpdesk.open_consultation(OFFICE, channel, who, username)
    helpdesk.record_problem(OFFICE, cid, "Akun SIPOL tidak bisa masuk", username)
    helpdesk.restate_problem(OFFICE, cid, "Jadi akun terkunci?", username)
    helpdesk.confirm_problem(OFFICE, cid, username)
    if hand_over:
        helpdesk.hand_to_commissioner(OFFICE, cid, "Perlu keputusan Anggota KPU", username)
    else:
        helpdesk.answer_problem(OFFICE, cid, "Buka kunci lewat menu lupa sandi.", [("pkpu", "PKPU 4/2022")],
                                username, role=Role.ANGGOTA_HELPDESK)
    return cid


def test_a_report_is_prefilled_submitted_returned_and_accepted(memory_node: Node, clock: FakeClock) -> None:
    staff_report_story(memory_node, clock)


def staff_report_story(node: Node, clock: FakeClock) -> None:
    desk = staff(node, Role.ANGGOTA_HELPDESK, "sr-desk")
    colleague = staff(node, Role.ANGGOTA_HELPDESK, "sr-colleague")
    harian = staff(node, Role.KOORDINATOR_HARIAN, "sr-harian")
    today = node.helpdesk.office_today(OFFICE)
    # The desk serves two e-mails and a walk-in, and hands one of the e-mails to the commissioner.
    serve(node, "sr-desk", Channel.EMAIL)
    handed = serve(node, "sr-desk", Channel.EMAIL, hand_over=True)
    serve(node, "sr-desk", Channel.WALK_IN)
    serve(node, "sr-colleague", Channel.MESSAGING)
    clock.advance(minutes=30)
    # What the read models know of the desk's day: by channel, steps ended, the handover by number.
    figures = node.staff_reports.figures(OFFICE, "sr-desk", today)
    assert figures.consultations == (ChannelCount("email", 2), ChannelCount("walk_in", 1))
    assert figures.handovers == (number_of(handed),)
    steps = {s.step: s.done for s in figures.steps}
    assert steps and steps.get("problem") == 3 and figures.step_total >= 3
    # The colleague's day is theirs alone; the day before holds nothing.
    assert node.staff_reports.figures(OFFICE, "sr-colleague", today).consultations == (ChannelCount("messaging", 1),)
    assert node.staff_reports.figures(OFFICE, "sr-desk", today - timedelta(days=1)) == DayFigures()

    # The desk submits with a note; the report keeps the figures as submitted.
    report_id = node.helpdesk.submit_staff_report(desk, "Satu kasus diserahkan ke Anggota KPU")
    assert report_id == staff_report_id(OFFICE, str(desk.id), today)
    [row] = node.staff_reports.of_day(OFFICE, today)
    assert (row.username, row.state, row.figures, row.submissions) == ("sr-desk", ReportState.SUBMITTED, figures, 1)
    # A colleague of the desk may not check it; the author may not either.
    with pytest.raises(NotPermitted):
        node.helpdesk.accept_staff_report(colleague, report_id)
    # The Koordinator Harian returns it with a reason; the desk submits again after one more walk-in.
    node.helpdesk.return_staff_report(harian, report_id, "Tambahkan catatan tamu tatap muka")
    returned = node.staff_reports.get(OFFICE, report_id)
    assert returned is not None and (returned.state, returned.return_reason, returned.checked_by) == (
        ReportState.RETURNED, "Tambahkan catatan tamu tatap muka", "sr-harian")
    serve(node, "sr-desk", Channel.WALK_IN)
    node.helpdesk.submit_staff_report(desk, "Tamu tatap muka: 2")
    again = node.staff_reports.get(OFFICE, report_id)
    assert again is not None and again.submissions == 2 and again.state is ReportState.SUBMITTED
    assert again.figures.consultations == (ChannelCount("email", 2), ChannelCount("walk_in", 2))
    node.helpdesk.accept_staff_report(harian, report_id)
    accepted = node.staff_reports.get(OFFICE, report_id)
    assert accepted is not None and (accepted.state, accepted.checked_by) == (ReportState.ACCEPTED, "sr-harian")
    # Another office's checker finds no such report.
    other = UserView(uuid4(), "sr-other", "Petugas lain", Role.KOORDINATOR_HARIAN, "kab-16.14", True)
    with pytest.raises(UnknownStaffReport):
        node.helpdesk.accept_staff_report(other, report_id)
