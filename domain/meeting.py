"""An online meeting (SOP C.c.1–2): the slot and the link the desk gives the party's liaison for a consultation on
the online-meeting channel, moved or called off, and whether the liaison joined.

Every change to the invitation raises its `sequence` (0 when scheduled, +1 per reschedule or cancellation), so a
calendar that received the first invitation replaces it (iCalendar SEQUENCE). Times are aware UTC; the office's zone
(WIB, WITA or WIT) is used only to show them and to tell which day is "today".
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from enum import StrEnum
from string import Formatter
from uuid import UUID
from zoneinfo import ZoneInfo

import msgspec
from eventsourcing.domain import Aggregate

from domain.errors import InvalidInput, StepOutOfOrder
from domain.offices import OfficeId
from domain.roles import Permission, Role, check_permitted, may
from domain.script import Status
from domain.values import Channel, clean_text

MAX_LENGTH = timedelta(hours=3)  # the catalogue's meeting_too_long says so
MAX_REASON = 500
# The room of each meeting: the office and the meeting's first eight hex digits (readable on the phone, and unique
# enough among one office's meetings). `{id}` is the whole id, for a service that wants it.
DEFAULT_LINK_TEMPLATE = "https://meet.jit.si/helpdesk-sipol-{office}-{short_id}"
LINK_FIELDS = frozenset({"office", "short_id", "id"})


# The errors of online meetings.
class MeetingChannelMismatch(StepOutOfOrder):
    """Only a consultation on the online-meeting channel is served in an online meeting."""

    code = "meeting_channel_mismatch"


class MeetingConsultationClosed(StepOutOfOrder):
    code = "meeting_consultation_closed"


class MeetingSlotInvalid(InvalidInput):
    """The meeting ends before (or when) it starts."""

    code = "meeting_slot_invalid"


class MeetingTooLong(InvalidInput):
    code = "meeting_too_long"


class MeetingInPast(InvalidInput):
    code = "meeting_in_past"


class MeetingHostUnknown(InvalidInput):
    """The host is no active account of this office that serves consultations."""

    code = "meeting_host_unknown"


class MeetingCancelled(StepOutOfOrder):
    """A cancelled meeting is not moved, cancelled again or attended: schedule a new one."""

    code = "meeting_cancelled"


class MeetingAlreadyHeld(StepOutOfOrder):
    """The liaison joined: the meeting took place and is no longer moved or cancelled."""

    code = "meeting_already_held"


class AttendanceTooEarly(StepOutOfOrder):
    """Attendance is recorded on the meeting's day (in the office's zone) or after it."""

    code = "attendance_too_early"


class MeetingLinkTemplateInvalid(InvalidInput):
    """The node's meeting_link_template names a value other than {office}, {short_id}, {id}, or is no address."""

    code = "meeting_link_template_invalid"


class MeetingState(StrEnum):
    SCHEDULED = "scheduled"
    RESCHEDULED = "rescheduled"
    CANCELLED = "cancelled"
    HELD = "held"  # the liaison joined


class MeetingView(msgspec.Struct, frozen=True):
    """A meeting as the desk, the dashboard and the invitation read it (from the aggregate or the read model)."""

    id: UUID
    office_id: str
    consultation_id: UUID
    starts_at: datetime
    ends_at: datetime
    host: str
    link: str
    state: MeetingState
    sequence: int
    scheduled_by: str
    scheduled_at: datetime
    attended: bool | None = None  # None: not recorded yet
    attendance_by: str | None = None
    cancel_reason: str | None = None
    updated_at: datetime | None = None


# Rules, each a check that raises the error it names.

def office_zone(office_id: str) -> ZoneInfo:
    return ZoneInfo(OfficeId(office_id).timezone)


def meeting_day(at: datetime, office_id: str) -> date:
    """The office's calendar day (WIB, WITA or WIT) at a moment."""
    return at.astimezone(office_zone(office_id)).date()


def state_after_attendance(joined: bool, sequence: int) -> MeetingState:
    """Held once the liaison joined; otherwise as it stood (attendance said again, the later word counts). The
    aggregate and the read model both ask this."""
    if joined:
        return MeetingState.HELD
    return MeetingState.RESCHEDULED if sequence else MeetingState.SCHEDULED


def changeable(state: MeetingState) -> bool:
    """Whether a meeting may still be moved or cancelled."""
    return state not in (MeetingState.CANCELLED, MeetingState.HELD)


def attendance_open(state: MeetingState, starts_at: datetime, office_id: str, now: datetime) -> bool:
    """Whether attendance may be said now: not for a cancelled meeting, and from the meeting's local day on."""
    return state is not MeetingState.CANCELLED and meeting_day(now, office_id) >= meeting_day(starts_at, office_id)


def check_slot(starts_at: datetime, ends_at: datetime, now: datetime) -> tuple[datetime, datetime]:
    """A slot ends after it starts, lasts at most three hours and has not begun yet; returned in UTC."""
    if starts_at.tzinfo is None or ends_at.tzinfo is None:
        raise MeetingSlotInvalid(field="starts_at")
    if ends_at <= starts_at:
        raise MeetingSlotInvalid(field="ends_at")
    if ends_at - starts_at > MAX_LENGTH:
        raise MeetingTooLong(field="ends_at")
    if starts_at < now:
        raise MeetingInPast(field="starts_at")
    return starts_at.astimezone(UTC), ends_at.astimezone(UTC)


def schedulable(channel: Channel, status: Status) -> bool:
    """Whether a consultation may have a meeting scheduled: on the online-meeting channel, not closed."""
    return channel is Channel.ONLINE_MEETING and status is not Status.CLOSED


def check_meeting_consultation(channel: Channel, status: Status) -> None:
    if channel is not Channel.ONLINE_MEETING:
        raise MeetingChannelMismatch()
    if status is Status.CLOSED:
        raise MeetingConsultationClosed()


def check_host(host_role: Role | None) -> None:
    """`host_role`: the role of the host's active account at this office; None when there is no such account."""
    if host_role is None or not may(host_role, Permission.SERVE_CONSULTATIONS):
        raise MeetingHostUnknown(field="host")


def check_link_template(template: str) -> None:
    """A template names only {office}, {short_id} and {id}, and makes an http(s) address (InvalidInput otherwise)."""
    try:
        names = {name for _, name, _, _ in Formatter().parse(template) if name is not None}
        sample = template.format(office="kab-16-13", short_id="0a1b2c3d", id="0a1b2c3d-0000-4000-8000-000000000000")
    except (ValueError, IndexError, KeyError):
        raise MeetingLinkTemplateInvalid(field="meeting_link_template") from None
    if not names <= LINK_FIELDS or not sample.startswith(("https://", "http://")) or any(c.isspace() for c in sample):
        raise MeetingLinkTemplateInvalid(field="meeting_link_template")


def meeting_link(template: str, office_id: str, meeting_id: UUID) -> str:
    """The meeting's room: the office's id with dots as dashes (kab-16-13), the id's first eight hex digits."""
    check_link_template(template)
    return template.format(office=office_id.replace(".", "-"), short_id=meeting_id.hex[:8], id=str(meeting_id))


class Meeting(Aggregate):
    """One online meeting of one consultation."""

    class Scheduled(Aggregate.Created):
        office_id: str
        consultation_id: UUID
        starts_at: datetime
        ends_at: datetime
        host: str
        link: str
        actor: str

    class Rescheduled(Aggregate.Event):
        starts_at: datetime
        ends_at: datetime
        host: str
        sequence: int  # the invitation's SEQUENCE after this change
        actor: str

        def apply(self, aggregate: Meeting) -> None:
            aggregate.starts_at, aggregate.ends_at, aggregate.host = self.starts_at, self.ends_at, self.host
            aggregate.sequence = self.sequence
            aggregate.state = MeetingState.RESCHEDULED
            aggregate.attended, aggregate.attendance_by = None, None  # a new slot: nobody has joined it yet

    class Cancelled(Aggregate.Event):
        reason: str
        sequence: int
        actor: str

        def apply(self, aggregate: Meeting) -> None:
            aggregate.state = MeetingState.CANCELLED
            aggregate.cancel_reason = self.reason
            aggregate.sequence = self.sequence

    class AttendanceRecorded(Aggregate.Event):
        joined: bool
        actor: str

        def apply(self, aggregate: Meeting) -> None:
            aggregate.attended, aggregate.attendance_by = self.joined, self.actor
            aggregate.state = state_after_attendance(self.joined, aggregate.sequence)

    def __init__(self, office_id: str, consultation_id: UUID, starts_at: datetime, ends_at: datetime, host: str,
                 link: str, actor: str) -> None:
        self.office_id = office_id
        self.consultation_id = consultation_id
        self.starts_at = starts_at
        self.ends_at = ends_at
        self.host = host
        self.link = link
        self.scheduled_by = actor
        self.state = MeetingState.SCHEDULED
        self.sequence = 0
        self.attended: bool | None = None
        self.attendance_by: str | None = None
        self.cancel_reason: str | None = None

    @classmethod
    def schedule(
        cls, *, id: UUID, office_id: str, consultation_id: UUID, channel: Channel, status: Status,
        starts_at: datetime, ends_at: datetime, host: str, host_role: Role | None, link_template: str, role: Role,
        actor: str, at: datetime,
    ) -> Meeting:
        """C.c.1: a slot and a link for a consultation on the online-meeting channel that is still open."""
        check_permitted(role, Permission.SERVE_CONSULTATIONS)
        check_meeting_consultation(channel, status)
        starts, ends = check_slot(starts_at, ends_at, at)
        check_host(host_role)
        return cls._create(
            cls.Scheduled, id=id, timestamp=at, office_id=office_id, consultation_id=consultation_id,
            starts_at=starts, ends_at=ends, host=host, link=meeting_link(link_template, office_id, id),
            actor=actor,
        )

    # Commands.

    def reschedule(self, starts_at: datetime, ends_at: datetime, host: str, host_role: Role | None, role: Role,
                   actor: str, at: datetime) -> None:
        """A new slot (and host) for the same room; the invitation's sequence rises."""
        check_permitted(role, Permission.SERVE_CONSULTATIONS)
        self._check_changeable()
        starts, ends = check_slot(starts_at, ends_at, at)
        check_host(host_role)
        self.trigger_event(self.Rescheduled, timestamp=at, starts_at=starts, ends_at=ends, host=host,
                           sequence=self.sequence + 1, actor=actor)

    def cancel(self, reason: str, role: Role, actor: str, at: datetime) -> None:
        check_permitted(role, Permission.SERVE_CONSULTATIONS)
        self._check_changeable()
        text = clean_text(reason, "reason", MAX_REASON)
        self.trigger_event(self.Cancelled, timestamp=at, reason=text, sequence=self.sequence + 1, actor=actor)

    def record_attendance(self, joined: bool, role: Role, actor: str, at: datetime) -> None:
        """Hadir / tidak hadir: whether the liaison joined, said on the meeting's day or after."""
        check_permitted(role, Permission.SERVE_CONSULTATIONS)
        if self.state is MeetingState.CANCELLED:
            raise MeetingCancelled()
        if not attendance_open(self.state, self.starts_at, self.office_id, at):
            raise AttendanceTooEarly()
        self.trigger_event(self.AttendanceRecorded, timestamp=at, joined=joined, actor=actor)

    def _check_changeable(self) -> None:
        if self.state is MeetingState.CANCELLED:
            raise MeetingCancelled()
        if not changeable(self.state):
            raise MeetingAlreadyHeld()

    # What the desk reads.

    def view(self) -> MeetingView:
        return MeetingView(
            id=self.id, office_id=self.office_id, consultation_id=self.consultation_id, starts_at=self.starts_at,
            ends_at=self.ends_at, host=self.host, link=self.link, state=self.state, sequence=self.sequence,
            scheduled_by=self.scheduled_by, scheduled_at=self.created_on, attended=self.attended,
            attendance_by=self.attendance_by, cancel_reason=self.cancel_reason, updated_at=self.modified_on,
        )
