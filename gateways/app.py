"""The Litestar application of one node: the JSON API and the pages side by side over one edge (gateways/edge/),
each handler handed by name the few services it uses; the node's background work, run with the app (inline) or by
`helpdesk worker`; the app factory of each HTTP process of `helpdesk serve --workers N`. With gateways/bootstrap.py,
the composition root."""

from __future__ import annotations

import os
import socket
from collections.abc import Callable
from contextlib import AbstractAsyncContextManager
from typing import Any

from litestar import Litestar, Request
from litestar.datastructures import State
from litestar.di import Provide
from litestar.middleware import DefineMiddleware
from litestar.openapi import OpenAPIConfig
from litestar.openapi.plugins import JsonRenderPlugin

from domain.monitoring_values import registration_thresholds
from domain.sop import Standards
from gateways.bootstrap import Node, build_node
from gateways.config import WORKER, load_settings
from gateways.edge.audit import AuditChains
from gateways.edge.auth import PUBLIC_PATHS, TokenAuthentication
from gateways.edge.deps import Here
from gateways.edge.errors import EXCEPTION_HANDLERS
from gateways.edge.mail import MailDesk
from gateways.edge.meetings import MeetingDesk
from gateways.edge.methods import refuse_options
from gateways.edge.reports import ReportDesk
from gateways.edge.security import add_security_headers, refuse_cross_site
from gateways.edge.sessions import Sessions
from gateways.edge.steps import CaseSteps, ConsultationSteps
from gateways.heartbeat import LinkCounts, WorkerState
from gateways.http.audit import AuditController
from gateways.http.chat_media import ChatMediaController
from gateways.http.clocks import ClockController
from gateways.http.consultations import ConsultationController
from gateways.http.escalations import EscalationController
from gateways.http.evaluations import EvaluationController
from gateways.http.faq import FaqController
from gateways.http.files import FileController
from gateways.http.groups import ClipController, GroupController
from gateways.http.health import VERSION, HealthParts, health
from gateways.http.incidents import IncidentController
from gateways.http.lifespans import job_lifespan, projections_lifespan
from gateways.http.meetings import MeetingController
from gateways.http.monitoring import MonitoringController
from gateways.http.notifications import NotificationController
from gateways.http.programme import ProgrammeController
from gateways.http.reference import ReferenceController
from gateways.http.reports import ReportController
from gateways.http.roster import RosterController
from gateways.http.session import SessionController
from gateways.http.staff_reports import StaffReportController
from gateways.http.users import UserController
from gateways.http.webhooks import WebhookController
from gateways.logs import configure_logging
from gateways.nats.lifespan import messaging_lifespan
from gateways.node_lock import hold_process_locks, release
from gateways.reference import kecamatan_count
from gateways.request_limit import RequestLimit
from gateways.retention_job import RetentionJob
from gateways.web.errors import for_pages
from gateways.web.faq import FaqPages
from gateways.web.faq_public import PUBLIC_REQUESTS_PER_MINUTE, PublicFaqPages
from gateways.web.faq_suggest import FaqSuggestPages
from gateways.web.frontdesk import Desk
from gateways.web.notifications import waiting_summary
from gateways.web.queue_display import queue_display
from gateways.web.render import template_config
from gateways.web.roster import RosterDesk
from gateways.web.routes import PUBLIC_PAGES, WEB_HANDLERS
from gateways.web.tracking import PUBLIC_TRACKING, TrackingPages
from gateways.web.tracking_desk import tracking_desk
from gateways.web.workspace_view import Workspace
from projections.open_step_queries import OpenStepQueries
from projections.report_queries import consultations_between
from services.views import UserView

API_HANDLERS = [
    health, SessionController, UserController, ConsultationController, EscalationController,
    ReferenceController, ReportController, AuditController, ClockController, FileController, MeetingController,
    GroupController, ClipController, FaqController,
    NotificationController,  # my notifications and my choice of e-mail and Telegram (issue 16)
    RosterController,  # the duty roster (issue 16)
    IncidentController, StaffReportController,  # the team's day (issue 16)
    EvaluationController, ProgrammeController,  # the Koordinator's evaluations, the Ketua's programme
    MonitoringController,  # the SIPOL data-fill monitoring reports at 08.00 and 17.00 (SOP part D)
    WebhookController,  # the messaging channel's webhooks (public: the networks sign their posts)
    ChatMediaController,  # what became of the media a consultation's messages named
]
PAGE_HANDLERS = [*WEB_HANDLERS, TrackingPages]  # gateways/web/routes.py; the liaisons' tracking page
PAGE_HANDLERS += [FaqPages, PublicFaqPages]  # FAQ Sipol: the staff's pages, the liaisons' public page (no login)
PAGE_HANDLERS += [FaqSuggestPages]  # the FAQ Sipol entries matching a problem as the desk types it


READER_PATIENCE = 2.0  # seconds; the worker's follower is woken by the log's subscription and takes tens of ms
# What starts with its host and stops with it: the app (inline), or `helpdesk worker` (gateways/worker.py).
Lifespan = Callable[[Any], AbstractAsyncContextManager[None]]


def create_app(node: Node, *, background: bool = True) -> Litestar:
    """The node's app; with `background` (HELPDESK_BACKGROUND=inline) its background work starts and stops with it."""
    sessions = Sessions(node.secret_key, node.clock, node.settings.session_hours, node.settings.cookie_secure)
    if not background and node.settings.background == WORKER:
        # Queries wait for the worker's follower to reach the log's head rather than each catching up under the read
        # store's one write lock (projections/reader_wait.py); after READER_PATIENCE s without it they do it themselves.
        node.projections.reader_patience = READER_PATIENCE
    return Litestar(
        route_handlers=[*API_HANDLERS, *PAGE_HANDLERS],
        dependencies=dependencies(node, sessions),
        # A foreign page's write is refused before anything else looks at it; OPTIONS before login and guards.
        middleware=[refuse_cross_site(node.settings.public_url), refuse_options,
                    DefineMiddleware(TokenAuthentication, sessions=sessions, accounts=node.accounts,
                                     exclude=PUBLIC_PATHS + PUBLIC_PAGES + PUBLIC_TRACKING)],
        # Every response, a 404 for an unknown path included: CSP, nosniff, no framing, no caching of personal data.
        before_send=[add_security_headers],
        # The API answers errors in JSON; pages send a person to the login form or show a page.
        exception_handlers={kind: for_pages(handler) for kind, handler in EXCEPTION_HANDLERS.items()},  # type: ignore[arg-type]
        template_config=template_config(),
        request_max_body_size=node.settings.max_body_bytes,
        openapi_config=OpenAPIConfig(
            title=f"Helpdesk SIPOL — {node.office_name}",
            version=VERSION,
            description="API Helpdesk SIPOL (satu node per kantor KPU). Semua pesan galat berbahasa Indonesia.",
            path="/schema",
            # The JSON document only: the interactive viewers load scripts from CDNs, and offices may be offline.
            render_plugins=[JsonRenderPlugin(path=["/", "/openapi.json"])],
        ),
        lifespan=background_work(node) if background else [],
        # Every page's badge, title count and home tiles: the caller's notifications (gateways/web/render.py).
        state=State({"notices": waiting_summary(node.notify.queries)}),
        debug=False,
    )


def background_work(node: Node) -> list[Lifespan]:
    """Everything of the node that is not an answer to a request: the read models' follower with the SOP, monitoring
    and reminder watchers, the retention job and the mailbox job; the NATS link (relay, consumers, audit shipping);
    the chat outbox; notifications by e-mail and Telegram."""
    return [projections_lifespan(node.follower, lambda: RetentionJob(node), node.mail_job),
            messaging_lifespan(node.link, node.helpdesk.listeners), job_lifespan(node.chat.job),
            job_lifespan(node.notify.job)]


def worker_state(node: Node) -> Callable[[bool], WorkerState]:
    """What `helpdesk worker` says of itself at each beat (gateways/heartbeat.py); `stopped` at its last."""
    started_at, host = node.clock().isoformat(), socket.gethostname()

    def state(stopped: bool) -> WorkerState:
        link = None
        if node.link is not None:
            st = node.link.status
            link = LinkCounts(st.connected, st.published, st.applied, st.duplicates, st.dead_letters, st.audit_shipped,
                              st.audit_received, st.last_error)
        return WorkerState(os.getpid(), host, started_at, node.follower.errors, link, stopped)

    return state


def http_process() -> Litestar:
    """One HTTP process of `helpdesk serve --workers N`: uvicorn's app factory, called in each process it starts.
    Each builds its own node from the settings in the environment (the serve command put --config there), holds the
    node's lock shared for its life (a restore refuses meanwhile) and runs no background work: `helpdesk worker` does
    (HELPDESK_BACKGROUND=worker, checked by the serve command before it started the processes)."""
    settings = load_settings()
    configure_logging(settings.log_level)
    locks = hold_process_locks(settings, serve=False, background=False)
    node = build_node(settings)
    app = create_app(node, background=False)
    app.on_shutdown.extend([node.close, lambda: release(locks)])
    return app


def dependencies(node: Node, sessions: Sessions) -> dict[str, Provide]:
    """Every name a handler may ask for (gateways/edge/deps.py) and what it is handed."""
    settings = node.settings
    here = Here(node.office, node.office_name, settings.election_period, Standards.parse(settings.sop_minutes),
                settings.mail_address)
    shared: dict[str, Any] = {
        "helpdesk": node.helpdesk, "accounts": node.accounts, "sign_in": node.sign_in, "sessions": sessions,
        "consultations": node.consultations, "escalations": node.escalations, "users": node.users,
        "frontdesk": node.frontdesk, "meetings": node.meetings, "party_list": node.party_list, "parties": node.parties,
        "open_steps": OpenStepQueries(node.projections),  # the dashboard's running steps, named
        "clocks": node.clocks, "clock": node.clock, "files": node.files, "here": here,
        "groups": node.groups, "faq": node.faq,
        "monitoring": node.monitoring,  # SOP part D's reports, and the registration thresholds their chart draws
        "monitoring_thresholds": registration_thresholds(settings.region_population, kecamatan_count(node.office)),
        "roster": node.roster,  # the duty roster (issue 16)
        "evaluations": node.evaluations, "programme": node.programme,  # SOP A.4a, A.2 (issue 16)
        "incidents": node.incidents, "staff_reports": node.staff_reports,  # the team's day (issue 16)
        "faq_loop": node.faq_loop,
        "notifications": node.notify.queries, "notify_channels": node.notify.channels,  # issue 16
        "chat_intake": node.chat.intake, "chat_queries": node.chat.queries,
        "audit_chains": AuditChains(node.projections, node.store, node.keyring, node.office),
        "report_desk": ReportDesk(node.helpdesk, node.reports, node.clock, node.office),
        "opened_between": lambda first, last: consultations_between(node.projections, node.office.value, first, last),
        "node_health": HealthParts(settings, node.office_name, node.helpdesk, node.accounts, node.projections,
                                   node.follower, node.link, node.heartbeats),
    }
    provided = {name: Provide(_constant(value), sync_to_thread=False) for name, value in shared.items()}

    # The caller's own steps: built per request, for the signed-in caller.
    def consultation_steps(request: Request[UserView, Any, Any]) -> ConsultationSteps:
        return ConsultationSteps(node.helpdesk, request.user)

    def case_steps(request: Request[UserView, Any, Any]) -> CaseSteps:
        return CaseSteps(node.helpdesk, request.user)

    def meeting_desk(request: Request[UserView, Any, Any]) -> MeetingDesk:
        return MeetingDesk(node.helpdesk, node.meetings, request.user, node.office, node.office_name,
                           settings.mail_address)

    provided["consultation_steps"] = Provide(consultation_steps, sync_to_thread=False)
    provided["meeting_desk"] = Provide(meeting_desk, sync_to_thread=False)
    account = node.mail_job.account if node.mail_job is not None else None
    mail_desk = MailDesk(node.helpdesk, node.mail, node.mail_checkpoints, account, node.clock)
    provided["mail_desk"] = Provide(_constant(mail_desk), sync_to_thread=False)
    provided["case_steps"] = Provide(case_steps, sync_to_thread=False)
    # What a page module reads, gathered from the names above (each module declares its own).
    provided["workspace"] = Provide(Workspace, sync_to_thread=False)
    provided["desk"] = Provide(Desk, sync_to_thread=False)
    provided["roster_desk"] = Provide(RosterDesk, sync_to_thread=False)
    tracking = tracking_desk(node.secret_key, node.projections, node.clock, node.office.value, settings.public_url,
                             settings.tracking_link_days, settings.tracking_requests_per_minute)
    provided["tracking_desk"] = Provide(_constant(tracking), sync_to_thread=False)
    faq_limit = RequestLimit(PUBLIC_REQUESTS_PER_MINUTE, node.clock)  # the public FAQ page, per address
    provided["faq_limit"] = Provide(_constant(faq_limit), sync_to_thread=False)
    display = queue_display(settings.queue_display_token, node.secret_key, node.clock, settings.public_url)
    provided["queue_display"] = Provide(_constant(display), sync_to_thread=False)  # the waiting room's screen
    return provided


def _constant(value: Any) -> Callable[[], Any]:
    def provide() -> Any:
        return value

    return provide
