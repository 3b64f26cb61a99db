"""The online meetings' use cases for one caller, shared by the API (gateways/http/meetings.py) and the pages
(gateways/web/meetings.py): schedule, move, cancel, attendance, the lists and the invitation file."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID
from zoneinfo import ZoneInfo

from litestar.di import NamedDependency
from litestar.params import SkipValidation

from domain.errors import NotFound
from domain.meeting import MeetingState, MeetingView
from domain.offices import OfficeId
from projections.meeting_queries import MeetingQueries
from services.helpdesk import Helpdesk
from services.views import UserView

MeetingsDep = NamedDependency[SkipValidation[MeetingQueries]]  # meetings: the meetings read model's queries


def office_address(office: OfficeId) -> str:
    """The organizer of a downloaded invitation until the node has a mail address of its own (the outbox's): an
    address that says it receives nothing (RFC 2606 .invalid)."""
    return f"helpdesk-{office.value.replace('.', '-')}@helpdesk-sipol.invalid"


@dataclass(frozen=True)
class MeetingDesk:
    """A consultation's online meetings, as the signed-in caller at the caller's office."""

    helpdesk: Helpdesk
    meetings: MeetingQueries
    caller: UserView
    office: OfficeId
    office_name: str
    mail_address: str = ""  # the office's helpdesk mailbox, the invitations' organizer (settings: mail_address)

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.office.timezone)

    def local(self, moment: datetime) -> datetime:
        """A time typed without a zone is the office's own (WIB, WITA or WIT)."""
        return moment if moment.tzinfo else moment.replace(tzinfo=self.zone)

    def of_consultation(self, consultation_id: UUID) -> list[MeetingView]:
        self.helpdesk.get_consultation(self.caller.office_id, consultation_id)  # NotFound for another office's
        return self.meetings.of_consultation(self.caller.office_id, consultation_id)

    def meeting(self, consultation_id: UUID, meeting_id: UUID) -> MeetingView:
        """One meeting of the consultation; another consultation's is not found here."""
        found = self.helpdesk.get_meeting(self.caller.office_id, meeting_id)
        if found.consultation_id != consultation_id:
            raise NotFound()
        return found

    def schedule(self, consultation_id: UUID, starts_at: datetime, ends_at: datetime, host: str | None) -> UUID:
        user = self.caller
        return self.helpdesk.schedule_meeting(user.office_id, consultation_id, self.local(starts_at),
                                              self.local(ends_at), user.username, user.role, host or None)

    def reschedule(self, consultation_id: UUID, meeting_id: UUID, starts_at: datetime, ends_at: datetime,
                   host: str | None) -> None:
        self.meeting(consultation_id, meeting_id)
        user = self.caller
        self.helpdesk.reschedule_meeting(user.office_id, meeting_id, self.local(starts_at), self.local(ends_at),
                                         user.username, user.role, host or None)

    def cancel(self, consultation_id: UUID, meeting_id: UUID, reason: str) -> None:
        self.meeting(consultation_id, meeting_id)
        self.helpdesk.cancel_meeting(self.caller.office_id, meeting_id, reason, self.caller.username,
                                     self.caller.role)

    def record_attendance(self, consultation_id: UUID, meeting_id: UUID, joined: bool) -> None:
        self.meeting(consultation_id, meeting_id)
        self.helpdesk.record_attendance(self.caller.office_id, meeting_id, joined, self.caller.username,
                                        self.caller.role)

    def invitation(self, consultation_id: UUID, meeting_id: UUID) -> tuple[str, str, bytes]:
        """The invitation as the liaison receives it (CANCEL once cancelled): its file name, method and bytes."""
        found = self.meeting(consultation_id, meeting_id)
        consultee = self.helpdesk.get_consultation(self.caller.office_id, consultation_id).identity
        from gateways.mail.invitation import Method, invitation_ics  # icalendar (7 MB), loaded when first asked for

        method: Method = "CANCEL" if found.state is MeetingState.CANCELLED else "REQUEST"
        organizer = self.mail_address or office_address(self.office)
        content = invitation_ics(found, self.office_name, organizer, consultee.name,
                                 consultee.email, self.zone, method)
        return f"pertemuan-{found.id.hex[:8]}.ics", method, content


MeetingDeskDep = NamedDependency[SkipValidation[MeetingDesk]]  # meeting_desk: built per request for the caller
