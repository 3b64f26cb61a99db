"""The Litestar application of one node."""

from __future__ import annotations

from litestar import Litestar
from litestar.di import Provide
from litestar.middleware import DefineMiddleware
from litestar.openapi import OpenAPIConfig
from litestar.openapi.plugins import JsonRenderPlugin

from gateways.bootstrap import Node
from gateways.http.audit import AuditController
from gateways.http.auth import PUBLIC_PATHS, TokenAuthentication
from gateways.http.clocks import ClockController
from gateways.http.consultations import ConsultationController
from gateways.http.errors import EXCEPTION_HANDLERS
from gateways.http.escalations import EscalationController
from gateways.http.files import FileController
from gateways.http.health import VERSION, health
from gateways.http.lifespans import projections_lifespan
from gateways.http.methods import refuse_options
from gateways.http.reference import ReferenceController
from gateways.http.reports import ReportController
from gateways.http.security import add_security_headers, refuse_cross_site
from gateways.http.session import SessionController
from gateways.http.users import UserController
from gateways.nats.lifespan import messaging_lifespan
from gateways.web.errors import for_pages
from gateways.web.render import template_config
from gateways.web.routes import PUBLIC_PAGES, WEB_HANDLERS


def create_app(node: Node) -> Litestar:
    def provide_node() -> Node:
        return node

    return Litestar(
        route_handlers=[
            health, SessionController, UserController, ConsultationController, EscalationController,
            ReferenceController, ReportController, AuditController, ClockController, FileController, *WEB_HANDLERS,
        ],
        dependencies={"node": Provide(provide_node, sync_to_thread=False)},
        # A foreign page's write is refused before anything else looks at it; OPTIONS before login and guards.
        middleware=[refuse_cross_site(node.settings.public_url), refuse_options,
                    DefineMiddleware(TokenAuthentication, node=node, exclude=PUBLIC_PATHS + PUBLIC_PAGES)],
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
        lifespan=[projections_lifespan(node), messaging_lifespan(node)],
        debug=False,
    )
