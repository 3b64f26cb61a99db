"""The online meeting's invitation as iCalendar (SOP C.c.2): it parses back, carries its zone's VTIMEZONE and the
local hour the desk said for a WIB, a WITA and a WIT office, keeps one UID while its SEQUENCE rises, and says
CANCELLED when called off."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from uuid import uuid4
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar

from domain.meeting import Meeting
from domain.offices import OfficeId
from domain.roles import Role
from domain.script import Status
from domain.values import Channel
from gateways.mail.invitation import invitation_ics
from gateways.messages import message

NOW = datetime(2024, 7, 29, 1, 0, tzinfo=UTC)
# 02:00 UTC on Tuesday 30 July 2024: 09.00 WIB, 10.00 WITA, 11.00 WIT.
STARTS = datetime(2024, 7, 30, 2, 0, tzinfo=UTC)


def meeting_of(office_id: str) -> Meeting:
    return Meeting.schedule(
        id=uuid4(), office_id=office_id, consultation_id=uuid4(), channel=Channel.ONLINE_MEETING,
        status=Status.OPENED, starts_at=STARTS, ends_at=STARTS + timedelta(minutes=90), host="petugas-a",
        host_role=Role.ANGGOTA_HELPDESK, link_template="https://meet.jit.si/helpdesk-sipol-{office}-{short_id}",
        role=Role.ANGGOTA_HELPDESK, actor="petugas-a", at=NOW,
    )


def ics(meeting: Meeting, method: str = "REQUEST") -> Calendar:
    zone = ZoneInfo(OfficeId(meeting.office_id).timezone)
    content = invitation_ics(meeting.view(), "KPU Kabupaten Uji", "helpdesk@kpu-uji.go.id", "Siti Aminah",
                             "siti@partai.example", zone, method)  # type: ignore[arg-type]
    assert isinstance(content, bytes)
    return Calendar.from_ical(content)


def event_of(calendar: Calendar):  # noqa: ANN201 - an icalendar Event
    events = calendar.walk("VEVENT")
    assert len(events) == 1
    return events[0]


@pytest.mark.parametrize(("office_id", "zone", "local_hour", "zone_name"), [
    ("kab-16.13", "Asia/Jakarta", 9, "WIB"),  # Musi Rawas Utara, Sumatera Selatan
    ("kota-73.71", "Asia/Makassar", 10, "WITA"),  # Makassar, Sulawesi Selatan
    ("kota-91.71", "Asia/Jayapura", 11, "WIT"),  # Jayapura, Papua
])
def test_the_invitation_is_in_the_offices_zone_with_its_vtimezone(office_id: str, zone: str, local_hour: int,
                                                                   zone_name: str) -> None:
    meeting = meeting_of(office_id)
    calendar = ics(meeting)
    assert str(calendar["METHOD"]) == "REQUEST"
    timezones = calendar.walk("VTIMEZONE")
    assert [str(tz["TZID"]) for tz in timezones] == [zone]
    event = event_of(calendar)
    assert event["DTSTART"].params["TZID"] == zone
    start, end = event.decoded("DTSTART"), event.decoded("DTEND")
    assert (start.hour, start.minute, end.hour, end.minute) == (local_hour, 0, local_hour + 1, 30)
    assert start.utcoffset() == ZoneInfo(zone).utcoffset(start.replace(tzinfo=None))
    assert start == STARTS  # the same moment, written as the office says it
    # Bahasa Indonesia from the catalogue, with the local hour and the zone's name.
    assert str(event["SUMMARY"]) == message("meeting_invitation", office="KPU Kabupaten Uji")
    description = str(event["DESCRIPTION"])
    assert f"{local_hour:02d}.00–{local_hour + 1:02d}.30 {zone_name}" in description
    assert "Selasa, 30 Juli 2024" in description and meeting.link in description
    assert str(event["LOCATION"]) == str(event["URL"]) == meeting.link
    assert str(event["ORGANIZER"]) == "mailto:helpdesk@kpu-uji.go.id"
    assert str(event["ATTENDEE"]) == "mailto:siti@partai.example"
    assert event["ATTENDEE"].params["CN"] == "Siti Aminah"
    assert str(event["STATUS"]) == "CONFIRMED"


def test_one_uid_while_the_sequence_rises_with_a_reschedule() -> None:
    meeting = meeting_of("kab-16.13")
    first = event_of(ics(meeting))
    later = STARTS + timedelta(days=1)
    meeting.reschedule(later, later + timedelta(hours=1), "petugas-a", Role.ANGGOTA_HELPDESK, Role.ANGGOTA_HELPDESK,
                       "petugas-a", NOW + timedelta(hours=1))
    second = event_of(ics(meeting))
    assert str(first["UID"]) == str(second["UID"]) == f"{meeting.id}@helpdesk-sipol"
    assert (int(first["SEQUENCE"]), int(second["SEQUENCE"])) == (0, 1)
    assert second.decoded("DTSTART").day == 31
    assert second.decoded("DTSTAMP") > first.decoded("DTSTAMP")  # a calendar takes the newer version


def test_a_cancellation_says_cancelled_under_the_same_uid() -> None:
    meeting = meeting_of("kota-73.71")
    uid = str(event_of(ics(meeting))["UID"])
    meeting.cancel("Petugas penghubung berhalangan.", Role.ANGGOTA_HELPDESK, "petugas-a", NOW + timedelta(hours=2))
    calendar = ics(meeting, "CANCEL")
    assert str(calendar["METHOD"]) == "CANCEL"
    event = event_of(calendar)
    assert str(event["STATUS"]) == "CANCELLED"
    assert str(event["UID"]) == uid and int(event["SEQUENCE"]) == 1
    assert "Petugas penghubung berhalangan." in str(event["DESCRIPTION"])
    assert calendar.walk("VTIMEZONE")


def test_a_liaison_without_an_email_address_is_left_out_of_the_attendees() -> None:
    meeting = meeting_of("kab-16.13")
    content = invitation_ics(meeting.view(), "KPU Kabupaten Uji", "helpdesk@kpu-uji.go.id", "Siti Aminah", None,
                             ZoneInfo("Asia/Jakarta"))
    assert "ATTENDEE" not in event_of(Calendar.from_ical(content))
