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
from gateways.web.evidence import EvidencePages
from gateways.web.frontdesk import FrontDeskPages
from gateways.web.groups import GroupPages
from gateways.web.mail import MailPages
from gateways.web.meetings import MeetingPages
from gateways.web.pages import SessionPages
from gateways.web.parties import PartyPages
from gateways.web.reports import ReportPages

STATIC = Path(__file__).parent / "static"
PUBLIC_PAGES = ["^/masuk$", "^/static/", "^/bahasa/"]

WEB_HANDLERS = [
    SessionPages, AccountPages,
    ConsultationPages, MeetingPages, MailPages, GroupPages, ClipPages,
    EscalationPages, EvidencePages, CaseHistoryPages,
    FrontDeskPages,
    DashboardPages, ReportPages, AuditPages, PartyPages,
    create_static_files_router(path="/static", directories=[STATIC], include_in_schema=False),
]
