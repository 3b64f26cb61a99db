"""The Helpdesk application of a node: consultations, escalation cases, SOP clocks, reports, staff accounts, online
meetings, the FAQ Sipol and dead letters in one log.

One log per node keeps every event in one order, so the messages it causes leave in that order and a
receiver can track each sender by a single position.
"""

from __future__ import annotations

from eventsourcing.persistence import ProcessRecorder

from domain.meeting import DEFAULT_LINK_TEMPLATE
from domain.offices import OfficeId
from domain.parties import PartyRegister
from services.accounts import AccountCommands
from services.clips import ClipCommands
from services.consultations import ConsultationCommands
from services.escalations import EscalationCommands
from services.evaluations import EvaluationCommands
from services.faq import FaqCommands
from services.frontdesk import FrontDeskCommands
from services.frozen_reports import FrozenReportCommands
from services.groups import GroupCommands
from services.inbox import Inbox
from services.incidents import IncidentCommands
from services.mail import MailCommands
from services.meetings import MeetingCommands
from services.messaging import MessagingCommands
from services.monitoring import MonitoringCommands
from services.notifications import NotificationCommands
from services.outbox import Outbox
from services.parties import PartyCommands
from services.ports import Clock, PasswordHasher, StoredFiles
from services.programme import ProgrammeCommands
from services.reminders import ReminderCommands
from services.roster import RosterCommands
from services.sop_watch import SopWatchCommands
from services.staff_reports import StaffReportCommands


class Helpdesk(
    ConsultationCommands, EscalationCommands, FrozenReportCommands, SopWatchCommands, AccountCommands, Inbox, Outbox,
    FrontDeskCommands, PartyCommands, MeetingCommands, MailCommands, GroupCommands, ClipCommands,
    MessagingCommands, FaqCommands,
    NotificationCommands,  # each staff member's choice of what reaches them outside the app (issue 16)
    IncidentCommands, StaffReportCommands,  # the team's day (issue 16): kejadian khusus, laporan harian
    EvaluationCommands, ProgrammeCommands,  # the Koordinator's evaluations, the Ketua's programme (SOP A.4a, A.2)
    MonitoringCommands,  # the SIPOL data-fill monitoring reports at 08.00 and 17.00 (SOP part D)
    RosterCommands,  # the duty roster, check-ins and the desk checklist (SOP A.4, B.1–B.4)
    ReminderCommands,  # reminders: a coverage gap a day ahead and on the day, a monitoring report coming due
):
    name = "helpdesk"

    def __init__(
        self,
        env: dict[str, str] | None = None,
        *,
        clock: Clock,
        parties: PartyRegister,
        office: OfficeId,
        hasher: PasswordHasher,
        stored_files: StoredFiles,
        election_period: str = "2024",
        meeting_link_template: str = DEFAULT_LINK_TEMPLATE,
        children: tuple[str, ...] = (),
    ) -> None:
        self.parties = parties
        self.election_period = election_period
        self.office = office
        self.hasher = hasher
        self.stored_files = stored_files
        self.meeting_link_template = meeting_link_template
        self.children = children  # the offices directly below, as the NATS topology names them
        super().__init__(env, clock=clock)

    def construct_recorder(self) -> ProcessRecorder:
        # A process recorder: events and the positions of other offices' messages commit together.
        return self.factory.process_recorder()
