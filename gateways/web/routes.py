"""Every page handler of the web app, its public paths, and the vendored static files."""

from __future__ import annotations

from pathlib import Path

from litestar.static_files import create_static_files_router

from gateways.web.account import AccountPages
from gateways.web.audit import AuditPages
from gateways.web.case_history import CaseHistoryPages
from gateways.web.clips import ClipPages
from gateways.web.consultations import ConsultationPages
from gateways.web.dashboard import DashboardPages
from gateways.web.escalations import EscalationPages
from gateways.web.evaluations import EvaluationPages
from gateways.web.evidence import EvidencePages
from gateways.web.frontdesk import FrontDeskPages
from gateways.web.groups import GroupPages
from gateways.web.incidents import IncidentPages
from gateways.web.mail import MailPages
from gateways.web.meetings import MeetingPages
from gateways.web.monitoring import MonitoringPages
from gateways.web.notifications import NotificationPages
from gateways.web.pages import SessionPages
from gateways.web.parties import PartyPages
from gateways.web.programme import ProgrammePages
from gateways.web.queue_display import PUBLIC_DISPLAY, QueueDisplayPages
from gateways.web.reports import ReportPages
from gateways.web.roster import RosterPages
from gateways.web.roster_setup import RosterSetupPages
from gateways.web.staff_reports import StaffReportPages
from gateways.web.users import UserPages

STATIC = Path(__file__).parent / "static"
PUBLIC_PAGES = ["^/masuk$", "^/static/", "^/bahasa/", *PUBLIC_DISPLAY]  # the waiting room's screen: its token

WEB_HANDLERS = [
    SessionPages, AccountPages,
    NotificationPages,  # my notifications, the menu's badge, my choices of e-mail and Telegram (issue 16)
    ConsultationPages, MeetingPages, MailPages, GroupPages, ClipPages,
    EscalationPages, EvidencePages, CaseHistoryPages,
    FrontDeskPages, QueueDisplayPages,
    RosterPages, RosterSetupPages,  # the duty roster, check-in, the desk checklist; hours (issue 16)
    UserPages,
    DashboardPages, ReportPages, AuditPages, PartyPages,
    MonitoringPages,  # Pemantauan SIPOL: the 08.00 and 17.00 reports, their chart (SOP part D)
    EvaluationPages, ProgrammePages,  # the Koordinator's evaluations, the Ketua's programme (SOP A.4a, A.2)
    IncidentPages, StaffReportPages,  # the team's day (issue 16): kejadian khusus, laporan harian petugas
    create_static_files_router(path="/static", directories=[STATIC], include_in_schema=False),
]
