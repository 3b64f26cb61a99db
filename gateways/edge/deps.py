"""What a handler may be handed, by name (Litestar dependencies, provided in one place: gateways/app.py), and the
authenticated caller. A handler names the few services and queries it uses, never the whole node."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from litestar import Request
from litestar.di import NamedDependency
from litestar.params import SkipValidation

from domain.monitoring_values import Thresholds
from domain.notification_values import DeliveryChannel
from domain.offices import OfficeId
from domain.parties import PartyRegister
from domain.sop import Standards
from gateways.edge.audit import AuditChains
from gateways.edge.mail import MailDesk
from gateways.edge.reports import ReportDesk
from gateways.edge.sessions import Sessions
from gateways.edge.steps import CaseSteps, ConsultationSteps
from gateways.storage import DocumentStore
from projections.clock_queries import ClockQueries
from projections.consultation_queries import ConsultationQueries
from projections.escalation_queries import EscalationQueries
from projections.evaluation_queries import EvaluationQueries
from projections.faq_loop_queries import FaqLoopQueries
from projections.faq_queries import FaqQueries
from projections.frontdesk_queries import FrontDeskQueries
from projections.groups_queries import GroupQueries
from projections.incidents_queries import IncidentQueries
from projections.messaging_queries import MessagingQueries
from projections.monitoring_queries import MonitoringQueries
from projections.notification_queries import NotificationQueries
from projections.open_step_queries import OpenStepQueries
from projections.parties import PartyQueries
from projections.programme_queries import ProgrammeQueries
from projections.report_queries import ConsultationRow
from projections.roster_queries import RosterQueries
from projections.staff_reports_queries import StaffReportQueries
from projections.user_queries import UserQueries
from services.accounts import AccountCommands
from services.helpdesk import Helpdesk
from services.ports import Clock
from services.sign_in import SignIn
from services.views import UserView


@dataclass(frozen=True)
class Here:
    """The office this node serves, as every page and report names it, and its configured rules."""

    office: OfficeId
    name: str
    election_period: str
    standards: Standards  # the SOP's minutes per step (domain/sop.py)
    mail_address: str = ""  # the office's helpdesk mailbox (SOP C.a), told to liaisons; "" when it has none


# Each is injected by its parameter's name (written after each below); the services are ours: nothing to validate.
HelpdeskDep = NamedDependency[SkipValidation[Helpdesk]]  # helpdesk: the commands, one consultation or case
AccountsDep = NamedDependency[SkipValidation[AccountCommands]]  # accounts
SignInDep = NamedDependency[SkipValidation[SignIn]]  # sign_in
SessionsDep = NamedDependency[SkipValidation[Sessions]]  # sessions
ConsultationsDep = NamedDependency[SkipValidation[ConsultationQueries]]  # consultations
EscalationsDep = NamedDependency[SkipValidation[EscalationQueries]]  # escalations
UsersDep = NamedDependency[SkipValidation[UserQueries]]  # users
FrontDeskDep = NamedDependency[SkipValidation[FrontDeskQueries]]  # frontdesk
PartyListDep = NamedDependency[SkipValidation[PartyQueries]]  # party_list
PartiesDep = NamedDependency[SkipValidation[PartyRegister]]  # parties
ClocksDep = NamedDependency[SkipValidation[ClockQueries]]  # clocks
OpenStepsDep = NamedDependency[SkipValidation[OpenStepQueries]]  # open_steps: running steps, named
ClockDep = NamedDependency[SkipValidation[Clock]]  # clock
FilesDep = NamedDependency[SkipValidation[DocumentStore]]  # files
HereDep = NamedDependency[SkipValidation[Here]]  # here
AuditDep = NamedDependency[SkipValidation[AuditChains]]  # audit_chains
MailDeskDep = NamedDependency[SkipValidation[MailDesk]]  # mail_desk: the mailbox's state and the mail waiting
GroupsDep = NamedDependency[SkipValidation[GroupQueries]]  # groups: the messaging groups' register, clips
FaqDep = NamedDependency[SkipValidation[FaqQueries]]  # faq: FAQ Sipol's search, lists, versions and counts
FaqLoopDep = NamedDependency[SkipValidation[FaqLoopQueries]]  # faq_loop: FAQ candidates, the dashboard's figures
ChatQueriesDep = NamedDependency[SkipValidation[MessagingQueries]]  # chat_queries: Telegram and WhatsApp messages
MonitoringDep = NamedDependency[SkipValidation[MonitoringQueries]]  # monitoring: SIPOL fill reports' slots, figures
ThresholdsDep = NamedDependency[SkipValidation[Thresholds]]  # monitoring_thresholds: registration thresholds
RosterDep = NamedDependency[SkipValidation[RosterQueries]]  # roster: the duty roster, check-ins, coverage gaps
NotificationsDep = NamedDependency[SkipValidation[NotificationQueries]]  # notifications: my list, badge, read marks
# notify_channels: the ways out of the app (e-mail, Telegram) this office has set up for its staff's notifications
NotifyChannelsDep = NamedDependency[SkipValidation[frozenset[DeliveryChannel]]]
EvaluationsDep = NamedDependency[SkipValidation[EvaluationQueries]]  # evaluations: the list, follow-ups, figures
ProgrammeDep = NamedDependency[SkipValidation[ProgrammeQueries]]  # programme: the programme's items of a year
IncidentsDep = NamedDependency[SkipValidation[IncidentQueries]]  # incidents: special incidents and their state
StaffReportsDep = NamedDependency[SkipValidation[StaffReportQueries]]  # staff_reports: the staff's daily reports

Caller = Request[UserView, Any, Any]

# A filter a person types (a name, a party): no control characters, which PostgreSQL cannot compare (NUL) and a
# report cannot print.
NO_CONTROL_CHARACTERS = r"^[^\x00-\x1f]*$"
ConsultationStepsDep = NamedDependency[SkipValidation[ConsultationSteps]]  # consultation_steps: the caller's
CaseStepsDep = NamedDependency[SkipValidation[CaseSteps]]  # case_steps: the caller's steps of an escalated case
ReportDeskDep = NamedDependency[SkipValidation[ReportDesk]]  # report_desk: lists, drafts, submitting, correcting
# opened_between: this office's consultations opened on its local days first..last (the dashboard's counts).
OpenedBetweenDep = NamedDependency[SkipValidation[Callable[[date, date], list[ConsultationRow]]]]
