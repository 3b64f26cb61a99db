"""Online meetings (SOP C.c.1–2) through the API and the pages: a consultation on the online-meeting channel gets a
slot and a link, is moved, attended or cancelled; the invitation downloads as iCalendar; refusals are 4xx in Bahasa
Indonesia; a role that does not serve is refused; the dashboard lists today's meetings.

The clock stands at Monday 29 July 2024, 08.30 WIB; the node is kab-16.13 (WIB)."""

from __future__ import annotations

import re

from icalendar import Calendar
from litestar.testing import TestClient

from domain.roles import Role
from gateways.bootstrap import Node
from gateways.messages import message
from tests.conftest import FakeClock
from tests.e2e.conftest import Login, open_consultation, sign_in

TODAY = "2024-07-29"
TOMORROW = "2024-07-30"


def meetings_of(consultation_id: str) -> str:
    return f"/api/consultations/{consultation_id}/meetings"


def schedule(api: TestClient, headers: dict[str, str], consultation_id: str, start: str, end: str,
             **extra: str) -> dict:  # type: ignore[type-arg]
    response = api.post(meetings_of(consultation_id), headers=headers,
                        json={"starts_at": start, "ends_at": end, **extra})
    assert response.status_code == 201, response.text
    return response.json()


def refused(response, status: int, code: str) -> dict:  # type: ignore[no-untyped-def, type-arg]
    assert response.status_code == status, response.text
    body = response.json()
    assert body["code"] == code
    assert body["message"] == message(code) and body["message"] != body["message_en"]  # Bahasa Indonesia first
    return body


def test_a_meeting_is_scheduled_moved_attended_and_its_invitation_downloads(api: TestClient, as_role: Login,
                                                                            clock: FakeClock) -> None:
    desk = as_role(Role.ANGGOTA_HELPDESK)
    consultation_id = open_consultation(api, "Rina Wati", channel="online_meeting", email="rina@partai.example",
                                        headers=desk)

    # The desk schedules 10.00–11.00 in the office's own time (no zone given: WIB), hosting it itself.
    meeting = schedule(api, desk, consultation_id, f"{TODAY}T10:00:00", f"{TODAY}T11:00:00")
    assert meeting["starts_at"].startswith("2024-07-29T03:00:00") and meeting["ends_at"].startswith("2024-07-29T04:00")
    assert (meeting["state"], meeting["sequence"], meeting["host"]) == ("scheduled", 0, "anggota-helpdesk-kab-16-13")
    assert re.fullmatch(r"https://meet\.jit\.si/helpdesk-sipol-kab-16-13-[0-9a-f]{8}", meeting["link"])
    one = f"{meetings_of(consultation_id)}/{meeting['id']}"
    listed = api.get(meetings_of(consultation_id), headers=desk).json()
    assert [m["id"] for m in listed] == [meeting["id"]]

    # The invitation: text/calendar, 10.00 WIB with its VTIMEZONE, sequence 0.
    first = api.get(f"{one}/invitation.ics", headers=desk)
    assert first.status_code == 200
    assert first.headers["content-type"].startswith("text/calendar")
    calendar = Calendar.from_ical(first.content)
    event = calendar.walk("VEVENT")[0]
    assert str(calendar["METHOD"]) == "REQUEST" and calendar.walk("VTIMEZONE")
    assert event.decoded("DTSTART").hour == 10 and int(event["SEQUENCE"]) == 0
    assert str(event["ATTENDEE"]) == "mailto:rina@partai.example"

    # Moved to 13.00–14.30 (WIB, with the zone written out this time): the same room, the sequence rises.
    clock.advance(minutes=10)
    moved = api.post(f"{one}/reschedule", headers=desk,
                     json={"starts_at": f"{TODAY}T13:00:00+07:00", "ends_at": f"{TODAY}T14:30:00+07:00"})
    assert moved.status_code == 200, moved.text
    assert (moved.json()["state"], moved.json()["sequence"], moved.json()["link"]) == (
        "rescheduled", 1, meeting["link"])
    second = Calendar.from_ical(api.get(f"{one}/invitation.ics", headers=desk).content).walk("VEVENT")[0]
    assert str(second["UID"]) == str(event["UID"]) == f"{meeting['id']}@helpdesk-sipol"
    assert int(second["SEQUENCE"]) == 1 and second.decoded("DTSTART").hour == 13

    # The liaison joined: the meeting was held, and is no longer moved or cancelled.
    clock.advance(minutes=300)
    joined = api.post(f"{one}/attendance", headers=desk, json={"joined": True})
    assert joined.status_code == 200, joined.text
    assert (joined.json()["state"], joined.json()["attended"]) == ("held", True)
    refused(api.post(f"{one}/cancellation", headers=desk, json={"reason": "Salah catat."}), 409,
            "meeting_already_held")


def test_a_cancelled_meeting_sends_a_cancel_and_changes_no_more(api: TestClient, as_role: Login) -> None:
    desk = as_role(Role.KOORDINATOR_HARIAN)
    consultation_id = open_consultation(api, "Yoga Pratama", channel="online_meeting", headers=desk)
    meeting = schedule(api, desk, consultation_id, f"{TOMORROW}T09:00:00", f"{TOMORROW}T10:00:00")
    one = f"{meetings_of(consultation_id)}/{meeting['id']}"

    # Attendance waits for the meeting's day.
    refused(api.post(f"{one}/attendance", headers=desk, json={"joined": False}), 409, "attendance_too_early")
    # A reason is required to cancel.
    blank = refused(api.post(f"{one}/cancellation", headers=desk, json={"reason": "  "}), 422, "text_required")
    assert blank["field"] == "reason"
    cancelled = api.post(f"{one}/cancellation", headers=desk, json={"reason": "Petugas penghubung berhalangan."})
    assert cancelled.status_code == 200, cancelled.text
    assert (cancelled.json()["state"], cancelled.json()["sequence"]) == ("cancelled", 1)

    invitation = api.get(f"{one}/invitation.ics", headers=desk)
    assert "method=CANCEL" in invitation.headers["content-type"]
    event = Calendar.from_ical(invitation.content).walk("VEVENT")[0]
    assert str(event["STATUS"]) == "CANCELLED" and int(event["SEQUENCE"]) == 1
    refused(api.post(f"{one}/reschedule", headers=desk,
                     json={"starts_at": f"{TOMORROW}T11:00:00", "ends_at": f"{TOMORROW}T12:00:00"}),
            409, "meeting_cancelled")


def test_bad_slots_and_wrong_consultations_are_refused_in_bahasa_indonesia(api: TestClient, as_role: Login,
                                                                          memory_node: Node) -> None:
    desk = as_role(Role.ANGGOTA_HELPDESK)
    consultation_id = open_consultation(api, "Dewi Lestari", channel="online_meeting", headers=desk)
    url = meetings_of(consultation_id)
    events_before = memory_node.helpdesk.recorder.max_notification_id()

    def post(body: dict) -> object:  # type: ignore[type-arg]
        return api.post(url, headers=desk, json=body)

    backwards = refused(post({"starts_at": f"{TODAY}T11:00:00", "ends_at": f"{TODAY}T10:00:00"}), 422,
                        "meeting_slot_invalid")
    assert backwards["field"] == "ends_at"
    too_long = refused(post({"starts_at": f"{TODAY}T10:00:00", "ends_at": f"{TODAY}T13:30:00"}), 422,
                       "meeting_too_long")
    assert "3 jam" in too_long["message"]
    refused(post({"starts_at": f"{TODAY}T07:00:00", "ends_at": f"{TODAY}T08:00:00"}), 422, "meeting_in_past")
    host = refused(post({"starts_at": f"{TODAY}T10:00:00", "ends_at": f"{TODAY}T11:00:00", "host": "tidak-ada"}),
                   422, "meeting_host_unknown")
    assert host["field"] == "host"
    # Not a time at all: the body's own refusal, said in Bahasa Indonesia beside the field.
    malformed = api.post(url, headers=desk, json={"starts_at": "besok pagi", "ends_at": f"{TODAY}T11:00:00"})
    assert malformed.status_code == 400
    assert malformed.json()["errors"][0]["field"] == "starts_at"
    assert malformed.json()["message"] == message("validation_failed")
    assert malformed.json()["errors"][0]["message"] == message("validation_failed")  # "Data yang dikirim tidak valid."
    # A walk-in consultation is not served in an online meeting.
    walk_in = open_consultation(api, "Agus Salim", channel="walk_in", headers=desk)
    refused(api.post(meetings_of(walk_in), headers=desk,
                     json={"starts_at": f"{TODAY}T10:00:00", "ends_at": f"{TODAY}T11:00:00"}),
            409, "meeting_channel_mismatch")
    # An unknown consultation or meeting is not found.
    assert api.post(meetings_of("00000000-0000-4000-8000-000000000000"), headers=desk,
                    json={"starts_at": f"{TODAY}T10:00:00", "ends_at": f"{TODAY}T11:00:00"}).status_code == 404
    assert api.get(f"{url}/00000000-0000-4000-8000-000000000000/invitation.ics", headers=desk).status_code == 404
    # Nothing was written by any of these.
    assert memory_node.helpdesk.recorder.max_notification_id() == events_before + 1  # the walk-in's opening only


def test_a_role_that_does_not_serve_reads_but_does_not_schedule(api: TestClient, as_role: Login) -> None:
    desk = as_role(Role.ANGGOTA_HELPDESK)
    consultation_id = open_consultation(api, "Made Wirawan", channel="online_meeting", headers=desk)
    meeting = schedule(api, desk, consultation_id, f"{TODAY}T10:00:00", f"{TODAY}T11:00:00")
    secretary = as_role(Role.SEKRETARIS_HELPDESK)
    slot = {"starts_at": f"{TODAY}T12:00:00", "ends_at": f"{TODAY}T13:00:00"}
    assert api.post(meetings_of(consultation_id), headers=secretary, json=slot).status_code == 403
    one = f"{meetings_of(consultation_id)}/{meeting['id']}"
    assert api.post(f"{one}/reschedule", headers=secretary, json=slot).status_code == 403
    assert api.post(f"{one}/cancellation", headers=secretary, json={"reason": "x"}).status_code == 403
    assert api.post(f"{one}/attendance", headers=secretary, json={"joined": True}).status_code == 403
    # Reading is every reader's.
    assert api.get(meetings_of(consultation_id), headers=secretary).json()[0]["state"] == "scheduled"
    assert api.get(f"{one}/invitation.ics", headers=secretary).status_code == 200


def test_the_workspace_panel_schedules_moves_attends_and_the_dashboard_lists_today(
        api: TestClient, memory_node: Node, clock: FakeClock) -> None:
    sign_in(api, memory_node, Role.ANGGOTA_HELPDESK, "petugas-daring")
    consultation_id = open_consultation(api, "Lina Marlina", channel="online_meeting")
    workspace = f"/konsultasi/{consultation_id}"
    page = api.get(workspace)
    assert 'data-testid="meeting-panel"' in page.text and "Belum ada pertemuan yang dijadwalkan." in page.text
    # The form starts at the next full hour, the caller hosting.
    assert 'value="09:00"' in page.text and 'value="petugas-daring"' in page.text

    # A slot that ends before it starts: the workspace again, the message beside the end time, nothing recorded.
    bad = api.post(f"{workspace}/pertemuan", data={"day": TODAY, "starts_at": "11:00", "ends_at": "10:00",
                                                  "host": "petugas-daring"})
    assert bad.status_code == 422
    assert re.search(r'id="schedule_meeting-ends_at-error">Waktu selesai harus sesudah waktu mulai\.<', bad.text)
    assert 'value="11:00"' in bad.text  # what was typed is kept
    unreadable = api.post(f"{workspace}/pertemuan", data={"day": "kemarin", "starts_at": "10:00", "ends_at": "11:00"})
    assert unreadable.status_code == 422 and 'id="schedule_meeting-day-error"' in unreadable.text

    # Scheduled from the page, today 10.00–11.00 WIB; and one tomorrow, which today's list leaves out.
    done = api.post(f"{workspace}/pertemuan", data={"day": TODAY, "starts_at": "10:00", "ends_at": "11:00",
                                                   "host": "petugas-daring"}, follow_redirects=False)
    assert done.status_code == 303 and done.headers["location"] == f"{workspace}#pertemuan"
    api.post(f"{workspace}/pertemuan", data={"day": TOMORROW, "starts_at": "10:00", "ends_at": "11:00",
                                            "host": "petugas-daring"}, follow_redirects=False)
    page = api.get(workspace).text
    assert page.count('data-testid="meeting"') == 2
    assert "Senin, 29 Juli 2024, 10.00–11.00 WIB" in page
    meeting_id = re.search(r"/pertemuan/([0-9a-f-]{36})/undangan\.ics", page).group(1)  # type: ignore[union-attr]

    dashboard = api.get("/dasbor").text
    assert "Pertemuan hari ini" in dashboard
    assert dashboard.count('data-testid="meeting-today"') == 1 and "10.00–11.00 WIB" in dashboard
    assert "Tuan rumah: Petugas petugas-daring" in dashboard  # the host by full name, not the username

    # Moved to 14.00–15.00 from the panel; the invitation's sequence rose.
    moved = api.post(f"{workspace}/pertemuan/{meeting_id}/jadwal-ulang",
                     data={"day": TODAY, "starts_at": "14:00", "ends_at": "15:00", "host": "petugas-daring"},
                     follow_redirects=False)
    assert moved.status_code == 303
    ics = api.get(f"{workspace}/pertemuan/{meeting_id}/undangan.ics")
    assert ics.headers["content-type"].startswith("text/calendar")
    event = Calendar.from_ical(ics.content).walk("VEVENT")[0]
    assert int(event["SEQUENCE"]) == 1 and event.decoded("DTSTART").hour == 14

    # Attendance: a choice must be made; then "hadir".
    assert api.post(f"{workspace}/pertemuan/{meeting_id}/kehadiran", data={}).status_code == 422
    attended = api.post(f"{workspace}/pertemuan/{meeting_id}/kehadiran", data={"hadir": "ya"},
                        follow_redirects=False)
    assert attended.status_code == 303
    page = api.get(workspace).text
    assert 'data-state="held"' in page and "Berlangsung" in page

    # Cancelling tomorrow's from the panel takes it out of the list of that day and says so on the panel.
    tomorrow_id = [m for m in re.findall(r"/pertemuan/([0-9a-f-]{36})/batal", page)][0]
    no_reason = api.post(f"{workspace}/pertemuan/{tomorrow_id}/batal", data={"reason": ""})
    assert no_reason.status_code == 422 and f'id="cancel_meeting-{tomorrow_id}-reason-error"' in no_reason.text
    api.post(f"{workspace}/pertemuan/{tomorrow_id}/batal", data={"reason": "Diganti hari ini."},
             follow_redirects=False)
    assert 'data-state="cancelled"' in api.get(workspace).text
    clock.advance(minutes=24 * 60)
    sign_in(api, memory_node, Role.ANGGOTA_HELPDESK, "petugas-daring")  # the day's session has ended
    assert "Tidak ada pertemuan daring hari ini." in api.get("/dasbor").text


def test_the_page_refuses_a_role_that_does_not_serve(api: TestClient, memory_node: Node) -> None:
    sign_in(api, memory_node, Role.ANGGOTA_HELPDESK, "petugas-daring-2")
    consultation_id = open_consultation(api, "Hendra Gunawan", channel="online_meeting")
    sign_in(api, memory_node, Role.KOORDINATOR, "koordinator-daring")
    page = api.get(f"/konsultasi/{consultation_id}").text
    assert 'data-testid="meeting-panel"' in page and "Jadwalkan pertemuan</button>" not in page
    posted = api.post(f"/konsultasi/{consultation_id}/pertemuan",
                      data={"day": TODAY, "starts_at": "10:00", "ends_at": "11:00"}, follow_redirects=False)
    assert posted.status_code == 403


def test_the_read_model_lists_the_days_meetings_on_every_backend(node: Node) -> None:
    # The same story on memory, SQLite and PostgreSQL: what the dashboard and the workspace read.
    from datetime import UTC, date, datetime

    from domain.values import Channel
    from services.consultations import IdentityInput

    helpdesk = node.helpdesk
    node.accounts.register_user("petugas-rm", "Petugas RM", Role.ANGGOTA_HELPDESK, "kab-16.13", "kata-sandi-uji-123",
                                "test")
    consultation_id = helpdesk.open_consultation("kab-16.13", Channel.ONLINE_MEETING,
                                                 IdentityInput(name="Nur Aini", party_number=1, phone="081234567890"),
                                                 "petugas-rm")
    # Today 23.30 WIB is still today; tomorrow 00.30 WIB (17:30 UTC today) is tomorrow's.
    late = helpdesk.schedule_meeting("kab-16.13", consultation_id, datetime(2024, 7, 29, 16, 30, tzinfo=UTC),
                                     datetime(2024, 7, 29, 16, 50, tzinfo=UTC), "petugas-rm", Role.ANGGOTA_HELPDESK)
    helpdesk.schedule_meeting("kab-16.13", consultation_id, datetime(2024, 7, 29, 17, 30, tzinfo=UTC),
                              datetime(2024, 7, 29, 18, 0, tzinfo=UTC), "petugas-rm", Role.ANGGOTA_HELPDESK)
    gone = helpdesk.schedule_meeting("kab-16.13", consultation_id, datetime(2024, 7, 29, 5, 0, tzinfo=UTC),
                                     datetime(2024, 7, 29, 6, 0, tzinfo=UTC), "petugas-rm", Role.ANGGOTA_HELPDESK)
    helpdesk.cancel_meeting("kab-16.13", gone, "Tidak jadi.", "petugas-rm", Role.ANGGOTA_HELPDESK)
    today = node.meetings.on_day("kab-16.13", date(2024, 7, 29))
    assert [m.id for m in today] == [late]
    assert today[0].starts_at == datetime(2024, 7, 29, 16, 30, tzinfo=UTC) and today[0].sequence == 0
    assert [m.id for m in node.meetings.on_day("kab-16.13", date(2024, 7, 29), cancelled=True)] == [gone, late]
    listed = node.meetings.of_consultation("kab-16.13", consultation_id)
    assert [(m.state.value, m.sequence) for m in listed] == [("cancelled", 1), ("scheduled", 0), ("scheduled", 0)]
    assert listed == [helpdesk.get_meeting("kab-16.13", m.id) for m in listed]  # the read model agrees
    assert node.meetings.of_consultation("kota-16.71", consultation_id) == []
