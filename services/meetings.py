"""Online meetings (SOP C.c.1–2): scheduling a consultation's meeting, moving or cancelling it, and whether the liaison
joined. Lists of meetings are read from projections/meeting_queries.py; the invitation is built in gateways/mail."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from uuid import UUID, uuid4

from domain.consultation import Consultation
from domain.errors import InvalidUsername, NotFound
from domain.meeting import DEFAULT_LINK_TEMPLATE, Meeting, MeetingView
from domain.roles import Role
from domain.users import User, normalise_username
from services.base import NodeApplication


class MeetingCommands(NodeApplication):
    """Part of the Helpdesk application: the online meetings of the office's consultations."""

    meeting_link_template: str = DEFAULT_LINK_TEMPLATE  # the node's setting, given by the composition root
    # Provided by ConsultationCommands and AccountCommands (the same Helpdesk application).
    _get: Callable[[str, UUID], Consultation]
    _find_user: Callable[[UUID], User | None]

    def schedule_meeting(self, office_id: str, consultation_id: UUID, starts_at: datetime, ends_at: datetime,
                         actor: str, role: Role, host: str | None = None) -> UUID:
        consultation = self._get(office_id, consultation_id)
        chosen, host_role = self._host(office_id, host or actor)
        meeting = Meeting.schedule(
            id=uuid4(), office_id=office_id, consultation_id=consultation.id, channel=consultation.channel,
            status=consultation.status, starts_at=starts_at, ends_at=ends_at, host=chosen, host_role=host_role,
            link_template=self.meeting_link_template, role=role,
            actor=actor, at=self.clock(),
        )
        self._save(meeting)
        return meeting.id

    def reschedule_meeting(self, office_id: str, meeting_id: UUID, starts_at: datetime, ends_at: datetime,
                           actor: str, role: Role, host: str | None = None) -> None:
        meeting = self._meeting(office_id, meeting_id)
        chosen, host_role = self._host(office_id, host or meeting.host)
        meeting.reschedule(starts_at, ends_at, chosen, host_role, role, actor, self.clock())
        self._save(meeting)

    def cancel_meeting(self, office_id: str, meeting_id: UUID, reason: str, actor: str, role: Role) -> None:
        meeting = self._meeting(office_id, meeting_id)
        meeting.cancel(reason, role, actor, self.clock())
        self._save(meeting)

    def record_attendance(self, office_id: str, meeting_id: UUID, joined: bool, actor: str, role: Role) -> None:
        meeting = self._meeting(office_id, meeting_id)
        meeting.record_attendance(joined, role, actor, self.clock())
        self._save(meeting)

    def get_meeting(self, office_id: str, meeting_id: UUID) -> MeetingView:
        return self._meeting(office_id, meeting_id).view()

    # Loading.

    def _meeting(self, office_id: str, meeting_id: UUID) -> Meeting:
        meeting = self._load(meeting_id)
        # Another office's meeting is reported as missing, so its existence is not disclosed.
        if not isinstance(meeting, Meeting) or meeting.office_id != office_id:
            raise NotFound()
        return meeting

    def _host(self, office_id: str, username: str) -> tuple[str, Role | None]:
        """The host's username as accounts spell it, and the role of their active account at this office (None when
        there is none: the domain refuses)."""
        try:
            name = normalise_username(username)
        except InvalidUsername:
            return username, None
        user = self._find_user(User.create_id(name))
        if user is None or not user.active or user.office_id != office_id:
            return name, None
        return name, user.role
