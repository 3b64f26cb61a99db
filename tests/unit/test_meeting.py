"""The online meeting's rules (SOP C.c.1–2): who schedules, for which consultation, which slot; the invitation's
sequence; no change after a cancellation or once held; attendance from the meeting's day on."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from uuid import uuid4

import pytest

from domain.errors import NotPermitted, TextRequired
from domain.meeting import (
    AttendanceTooEarly,
    Meeting,
    MeetingAlreadyHeld,
    MeetingCancelled,
    MeetingChannelMismatch,
    MeetingConsultationClosed,
    MeetingHostUnknown,
    MeetingInPast,
    MeetingLinkTemplateInvalid,
    MeetingSlotInvalid,
    MeetingState,
    MeetingTooLong,
    check_link_template,
    meeting_link,
)
from domain.roles import Role
from domain.script import Status
from domain.values import Channel

# Monday 29 July 2024, 08:30 WIB.
NOW = datetime(2024, 7, 29, 1, 30, tzinfo=UTC)
TEMPLATE = "https://meet.jit.si/helpdesk-sipol-{office}-{short_id}"


def schedule(*, channel: Channel = Channel.ONLINE_MEETING, status: Status = Status.OPENED,
             starts_at: datetime = NOW + timedelta(hours=2), length: timedelta = timedelta(hours=1),
             role: Role = Role.ANGGOTA_HELPDESK, host_role: Role | None = Role.ANGGOTA_HELPDESK,
             office_id: str = "kab-16.13") -> Meeting:
    return Meeting.schedule(
        id=uuid4(), office_id=office_id, consultation_id=uuid4(), channel=channel, status=status,
        starts_at=starts_at, ends_at=starts_at + length, host="petugas-a", host_role=host_role,
        link_template=TEMPLATE, role=role, actor="petugas-a", at=NOW,
    )


def test_a_meeting_is_scheduled_with_a_link_of_the_office_and_sequence_zero() -> None:
    meeting = schedule()
    assert meeting.state is MeetingState.SCHEDULED
    assert meeting.sequence == 0
    assert meeting.link == f"https://meet.jit.si/helpdesk-sipol-kab-16-13-{meeting.id.hex[:8]}"
    event = meeting.collect_events()[0]
    assert type(event) is Meeting.Scheduled and event.link == meeting.link and event.host == "petugas-a"


@pytest.mark.parametrize("channel", [Channel.EMAIL, Channel.MESSAGING, Channel.WALK_IN])
def test_only_an_online_meeting_consultation_has_a_meeting(channel: Channel) -> None:
    with pytest.raises(MeetingChannelMismatch):
        schedule(channel=channel)


def test_a_closed_consultation_has_no_new_meeting() -> None:
    with pytest.raises(MeetingConsultationClosed):
        schedule(status=Status.CLOSED)
    assert schedule(status=Status.ANSWERED).state is MeetingState.SCHEDULED  # open but answered: a follow-up


@pytest.mark.parametrize("role", [Role.ANGGOTA_KPU, Role.KETUA_HELPDESK, Role.SEKRETARIS_HELPDESK, Role.KOORDINATOR])
def test_only_a_role_that_serves_consultations_schedules(role: Role) -> None:
    with pytest.raises(NotPermitted):
        schedule(role=role)
    assert schedule(role=Role.KOORDINATOR_HARIAN).sequence == 0


def test_the_host_is_staff_who_serves() -> None:
    with pytest.raises(MeetingHostUnknown) as refused:
        schedule(host_role=None)
    assert refused.value.field == "host"
    with pytest.raises(MeetingHostUnknown):
        schedule(host_role=Role.KETUA_HELPDESK)


def test_the_slot_ends_after_it_starts_lasts_at_most_three_hours_and_is_not_past() -> None:
    with pytest.raises(MeetingSlotInvalid) as backwards:
        schedule(length=timedelta(0))
    assert backwards.value.field == "ends_at"
    with pytest.raises(MeetingSlotInvalid):
        schedule(length=-timedelta(minutes=30))
    with pytest.raises(MeetingTooLong):
        schedule(length=timedelta(hours=3, minutes=1))
    assert schedule(length=timedelta(hours=3)).state is MeetingState.SCHEDULED
    with pytest.raises(MeetingInPast) as past:
        schedule(starts_at=NOW - timedelta(minutes=1))
    assert past.value.field == "starts_at"
    with pytest.raises(MeetingSlotInvalid):
        schedule(starts_at=datetime(2024, 7, 30, 9, 0))  # no zone: which 09.00?


def test_each_change_of_the_invitation_raises_its_sequence() -> None:
    meeting = schedule()
    start = NOW + timedelta(days=1)
    meeting.reschedule(start, start + timedelta(hours=1), "petugas-b", Role.KOORDINATOR_HARIAN,
                       Role.ANGGOTA_HELPDESK, "petugas-a", NOW)
    assert (meeting.state, meeting.sequence, meeting.host, meeting.starts_at) == (
        MeetingState.RESCHEDULED, 1, "petugas-b", start)
    meeting.reschedule(start, start + timedelta(hours=2), "petugas-b", Role.KOORDINATOR_HARIAN,
                       Role.ANGGOTA_HELPDESK, "petugas-a", NOW)
    meeting.cancel("  Petugas penghubung berhalangan. ", Role.ANGGOTA_HELPDESK, "petugas-a", NOW)
    assert (meeting.state, meeting.sequence, meeting.cancel_reason) == (
        MeetingState.CANCELLED, 3, "Petugas penghubung berhalangan.")
    events = meeting.collect_events()
    assert [type(e).__name__ for e in events] == ["Scheduled", "Rescheduled", "Rescheduled", "Cancelled"]
    assert [getattr(e, "sequence", 0) for e in events] == [0, 1, 2, 3]


def test_a_reschedule_keeps_the_slot_rules_and_the_room() -> None:
    meeting = schedule()
    link = meeting.link
    with pytest.raises(MeetingTooLong):
        meeting.reschedule(NOW + timedelta(hours=1), NOW + timedelta(hours=5), "petugas-a", Role.ANGGOTA_HELPDESK,
                           Role.ANGGOTA_HELPDESK, "petugas-a", NOW)
    with pytest.raises(MeetingInPast):
        meeting.reschedule(NOW - timedelta(hours=1), NOW, "petugas-a", Role.ANGGOTA_HELPDESK,
                           Role.ANGGOTA_HELPDESK, "petugas-a", NOW)
    assert meeting.sequence == 0  # nothing recorded by a refused change
    meeting.reschedule(NOW + timedelta(hours=3), NOW + timedelta(hours=4), "petugas-a", Role.ANGGOTA_HELPDESK,
                       Role.ANGGOTA_HELPDESK, "petugas-a", NOW)
    assert meeting.link == link


def test_nothing_changes_after_a_cancellation() -> None:
    meeting = schedule()
    with pytest.raises(TextRequired):
        meeting.cancel("   ", Role.ANGGOTA_HELPDESK, "petugas-a", NOW)
    meeting.cancel("Tidak jadi.", Role.ANGGOTA_HELPDESK, "petugas-a", NOW)
    later = NOW + timedelta(days=1)
    with pytest.raises(MeetingCancelled):
        meeting.reschedule(later, later + timedelta(hours=1), "petugas-a", Role.ANGGOTA_HELPDESK,
                           Role.ANGGOTA_HELPDESK, "petugas-a", NOW)
    with pytest.raises(MeetingCancelled):
        meeting.cancel("Lagi.", Role.ANGGOTA_HELPDESK, "petugas-a", NOW)
    with pytest.raises(MeetingCancelled):
        meeting.record_attendance(True, Role.ANGGOTA_HELPDESK, "petugas-a", later)


def test_attendance_from_the_meetings_local_day_on() -> None:
    # Tuesday 30 July, 09.00 WIB (02:00 UTC).
    meeting = schedule(starts_at=datetime(2024, 7, 30, 2, 0, tzinfo=UTC))
    with pytest.raises(AttendanceTooEarly):  # Monday 23:59 WIB is still the day before
        meeting.record_attendance(True, Role.ANGGOTA_HELPDESK, "petugas-a", datetime(2024, 7, 29, 16, 59, tzinfo=UTC))
    # Tuesday 00:01 WIB (Monday 17:01 UTC): the meeting's day in the office, though not yet in UTC.
    meeting.record_attendance(False, Role.ANGGOTA_HELPDESK, "petugas-a", datetime(2024, 7, 29, 17, 1, tzinfo=UTC))
    assert (meeting.attended, meeting.state) == (False, MeetingState.SCHEDULED)
    meeting.record_attendance(True, Role.ANGGOTA_HELPDESK, "petugas-b", datetime(2024, 7, 30, 2, 5, tzinfo=UTC))
    assert (meeting.attended, meeting.attendance_by, meeting.state) == (True, "petugas-b", MeetingState.HELD)
    with pytest.raises(MeetingAlreadyHeld):
        meeting.cancel("Terlambat.", Role.ANGGOTA_HELPDESK, "petugas-a", datetime(2024, 7, 30, 3, 0, tzinfo=UTC))
    with pytest.raises(NotPermitted):
        meeting.record_attendance(False, Role.SEKRETARIS_HELPDESK, "sekretaris", datetime(2024, 7, 30, 3, tzinfo=UTC))


def test_the_meetings_day_is_the_offices_own() -> None:
    # 23:30 UTC on Monday is already Tuesday 08:30 WIT in Jayapura.
    meeting = schedule(office_id="kab-91.01", starts_at=datetime(2024, 7, 30, 0, 30, tzinfo=UTC))
    meeting.record_attendance(True, Role.ANGGOTA_HELPDESK, "petugas-a", datetime(2024, 7, 29, 23, 30, tzinfo=UTC))
    assert meeting.state is MeetingState.HELD


def test_a_rescheduled_meeting_starts_over_on_attendance() -> None:
    meeting = schedule(starts_at=datetime(2024, 7, 29, 3, 0, tzinfo=UTC))
    meeting.record_attendance(False, Role.ANGGOTA_HELPDESK, "petugas-a", datetime(2024, 7, 29, 3, 30, tzinfo=UTC))
    # Nobody joined: a new slot is set, and whether anyone joined it is not known yet.
    start = datetime(2024, 7, 30, 3, 0, tzinfo=UTC)
    meeting.reschedule(start, start + timedelta(hours=1), "petugas-a", Role.ANGGOTA_HELPDESK, Role.ANGGOTA_HELPDESK,
                       "petugas-a", datetime(2024, 7, 29, 4, 0, tzinfo=UTC))
    assert (meeting.attended, meeting.state, meeting.sequence) == (None, MeetingState.RESCHEDULED, 1)


def test_the_link_template_names_only_what_it_may() -> None:
    meeting_id = uuid4()
    assert meeting_link("https://vc.kpu.go.id/{id}", "prov-16", meeting_id) == f"https://vc.kpu.go.id/{meeting_id}"
    for wrong in ("https://meet.jit.si/{room}", "ftp://x/{office}", "meet.jit.si/{office}", "https://x/{office",
                  "https://x y/{short_id}", "https://x/{0}"):
        with pytest.raises(MeetingLinkTemplateInvalid):
            check_link_template(wrong)
