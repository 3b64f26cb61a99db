"""What the workspace's "Pertemuan daring" panel and the dashboard's "Pertemuan hari ini" show: each meeting with its
local day and times (WIB, WITA or WIT), its state in words, and which forms are open (the domain decides)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from uuid import UUID

from domain.meeting import MeetingState, MeetingView, attendance_open, changeable, schedulable
from domain.offices import OfficeId
from domain.roles import Permission, may
from domain.values import Channel
from gateways.messages import DEFAULT, label
from gateways.reports.dates import hour_minute, local, long_date, zone_label
from services.views import ConsultationView, UserView

STATE_BADGES = {MeetingState.SCHEDULED: "", MeetingState.RESCHEDULED: "warn", MeetingState.CANCELLED: "bad",
                MeetingState.HELD: "ok"}


@dataclass(frozen=True)
class MeetingItem:
    id: UUID
    consultation_id: UUID
    day: str  # "Selasa, 30 Juli 2024"
    day_iso: str  # for the reschedule form's date field
    start: str  # "09.00"
    end: str
    start_input: str  # "09:00", for the form's time fields
    end_input: str
    zone: str  # WIB, WITA, WIT
    starts_at: datetime
    host: str
    link: str
    state: str
    state_label: str
    badge: str
    sequence: int
    attended: bool | None
    attendance_by: str | None
    cancel_reason: str | None
    may_change: bool
    may_attend: bool


def meeting_item(meeting: MeetingView, office: OfficeId, now: datetime, lang: str = DEFAULT) -> MeetingItem:
    starts, ends = local(meeting.starts_at, office), local(meeting.ends_at, office)
    return MeetingItem(
        id=meeting.id, consultation_id=meeting.consultation_id, day=long_date(starts.date(), lang),
        day_iso=starts.date().isoformat(), start=hour_minute(starts, lang), end=hour_minute(ends, lang),
        start_input=f"{starts:%H:%M}", end_input=f"{ends:%H:%M}", zone=zone_label(office), starts_at=meeting.starts_at,
        host=meeting.host, link=meeting.link, state=meeting.state.value,
        state_label=label("meeting_state", meeting.state.value), badge=STATE_BADGES[meeting.state],
        sequence=meeting.sequence, attended=meeting.attended, attendance_by=meeting.attendance_by,
        cancel_reason=meeting.cancel_reason, may_change=changeable(meeting.state),
        may_attend=attendance_open(meeting.state, meeting.starts_at, meeting.office_id, now),
    )


# The hours a suggested meeting starts in (the office's local time); the desk may type any other.
FIRST_HOUR, LAST_HOUR = 9, 16


def meeting_panel(meetings: list[MeetingView], view: ConsultationView, user: UserView, office: OfficeId,
                  now: datetime, lang: str = DEFAULT) -> dict[str, Any] | None:
    """The panel of an online-meeting consultation (None for the other channels): its meetings, whether the caller
    may change them, and the schedule form's first values (the next full hour within the working day, else 09.00 of
    the next day; one hour long; the caller hosting)."""
    if view.channel is not Channel.ONLINE_MEETING:
        return None
    start = local(now, office).replace(minute=0, second=0, microsecond=0) + timedelta(hours=1)
    if not FIRST_HOUR <= start.hour < LAST_HOUR:  # a suggestion at night would cross midnight or wake nobody
        next_day = start if start.hour < FIRST_HOUR else start + timedelta(days=1)
        start = next_day.replace(hour=FIRST_HOUR)
    return {
        "meetings": [meeting_item(m, office, now, lang) for m in meetings],
        "can_serve": may(user.role, Permission.SERVE_CONSULTATIONS),
        "can_schedule": may(user.role, Permission.SERVE_CONSULTATIONS) and schedulable(view.channel, view.status),
        "zone": zone_label(office),
        "defaults": {"day": start.date().isoformat(), "starts_at": f"{start:%H:%M}",
                     "ends_at": f"{start + timedelta(hours=1):%H:%M}", "host": user.username},
    }
