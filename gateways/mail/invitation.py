"""The invitation to an online meeting (SOP C.c.2) as an iCalendar file (RFC 5545/5546): METHOD:REQUEST for a new or
moved meeting, METHOD:CANCEL when it is called off.

One UID per meeting and a SEQUENCE that rises with each change, so the liaison's calendar replaces the entry it
holds. The times are written in the office's zone (WIB, WITA, WIT) with its VTIMEZONE, so a calendar shows the hour
the desk said on the phone. Words in Bahasa Indonesia from the one catalogue. Sending it is the outbox's work.
"""

from __future__ import annotations

from typing import Literal
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event, vCalAddress, vText

from domain.meeting import MeetingState, MeetingView
from gateways.messages import label, message
from gateways.reports.dates import ZONE_LABELS, hour_minute, long_date

PRODID = "-//KPU//Helpdesk SIPOL//ID"
UID_DOMAIN = "helpdesk-sipol"
Method = Literal["REQUEST", "CANCEL"]


def meeting_uid(meeting_id: object) -> str:
    """The same for every version of one meeting's invitation."""
    return f"{meeting_id}@{UID_DOMAIN}"


def invitation_ics(
    meeting: MeetingView, office_name: str, office_address: str, liaison_name: str, liaison_address: str | None,
    zone: ZoneInfo, method: Method = "REQUEST",
) -> bytes:
    """The .ics of `meeting` from `office_name` <office_address> to the liaison, times in `zone` (the office's)."""
    cancelled = method == "CANCEL" or meeting.state is MeetingState.CANCELLED
    summary, description = invitation_texts(meeting, office_name, zone, cancelled)
    starts, ends = meeting.starts_at.astimezone(zone), meeting.ends_at.astimezone(zone)
    event = Event()
    event.add("uid", meeting_uid(meeting.id))
    event.add("sequence", meeting.sequence)
    event.add("dtstamp", meeting.updated_at or meeting.scheduled_at)
    event.add("created", meeting.scheduled_at)
    event.add("last-modified", meeting.updated_at or meeting.scheduled_at)
    event.add("dtstart", starts)
    event.add("dtend", ends)
    event.add("summary", summary)
    event.add("description", description)
    event.add("location", meeting.link)
    event.add("url", meeting.link)
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    event.add("transp", "OPAQUE")
    event.add("categories", [label("channel", "online_meeting")])
    event.add("organizer", _address(office_address, office_name, organizer=True))
    if liaison_address:
        event.add("attendee", _address(liaison_address, liaison_name, organizer=False))
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "CANCEL" if cancelled else "REQUEST")
    calendar.add_component(event)
    # icalendar writes DTSTART;TZID=… but no VTIMEZONE of its own accord (docs/research/wave2-tech.md §4).
    calendar.add_missing_timezones()
    return calendar.to_ical()


def invitation_texts(meeting: MeetingView, office_name: str, zone: ZoneInfo, cancelled: bool) -> tuple[str, str]:
    """The invitation's title and text in Bahasa Indonesia: the calendar entry's, and the mail's that carries it."""
    starts, ends = meeting.starts_at.astimezone(zone), meeting.ends_at.astimezone(zone)
    values = {
        "office": office_name, "day": long_date(starts.date()), "start": hour_minute(starts), "end": hour_minute(ends),
        "zone": ZONE_LABELS.get(zone.key, zone.key), "link": meeting.link, "host": meeting.host,
        "reason": meeting.cancel_reason or "",
    }
    if cancelled:
        return message("meeting_invitation_cancelled", **values), message("meeting_invitation_cancelled_text", **values)
    return message("meeting_invitation", **values), message("meeting_invitation_text", **values)


def _address(address: str, name: str, *, organizer: bool) -> vCalAddress:
    found = vCalAddress(f"mailto:{address}")
    found.params["CN"] = vText(name)
    if not organizer:
        found.params["ROLE"] = vText("REQ-PARTICIPANT")
        found.params["PARTSTAT"] = vText("NEEDS-ACTION")
        found.params["RSVP"] = vText("TRUE")
    return found
