"""GET /health: which node this is, whether its database answers, how far its read models and its link are.
Public, for monitoring."""

from __future__ import annotations

from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError, version

import msgspec
from litestar import Response, get
from litestar.di import NamedDependency
from litestar.params import SkipValidation

from gateways.config import Settings
from gateways.follower import Follower
from gateways.nats.link import NatsLink
from projections.runner import ReadModelRunner
from services.accounts import AccountCommands
from services.helpdesk import Helpdesk

try:
    VERSION = version("helpdesk-sipol")
except PackageNotFoundError:  # running from a source tree that was never installed
    VERSION = "0+unknown"


class DatabaseHealth(msgspec.Struct):
    backend: str
    status: str  # "ok" or "error"
    detail: str | None = None


class MessagingHealth(msgspec.Struct):
    """The link to the other offices. Down is not an error: the office works on and its messages wait."""

    status: str  # "connected", "disconnected" or "off" (no nats_url)
    published: int = 0
    applied: int = 0
    duplicates: int = 0
    dead_letters: int = 0
    audit_shipped: int = 0  # audit entries this node sent to the centre since it started
    audit_received: int = 0  # at the centre: entries of every office received since it started
    last_error: str | None = None


class ProjectionHealth(msgspec.Struct):
    """How far each read model is behind the log (events not yet applied); errors of the follower thread."""

    head: int
    behind: dict[str, int]
    follower_errors: int


class Health(msgspec.Struct):
    node: str
    tier: str
    office: str
    parent: str | None
    version: str
    database: DatabaseHealth
    messaging: MessagingHealth
    projections: ProjectionHealth | None = None


@dataclass(frozen=True)
class HealthParts:
    """What the health check looks at: the node's settings, its log, its read models and its link."""

    settings: Settings
    office_name: str
    helpdesk: Helpdesk
    accounts: AccountCommands
    runner: ReadModelRunner
    follower: Follower
    link: NatsLink | None  # None: no nats_url, the office works alone


@get("/health", sync_to_thread=True, tags=["Sistem"], summary="Kesehatan node")
def health(node_health: NamedDependency[SkipValidation[HealthParts]]) -> Response[Health]:
    parts, settings = node_health, node_health.settings
    projections = None
    try:
        parts.helpdesk.check_database()
        parts.accounts.check_database()
        database = DatabaseHealth(settings.backend, "ok")
        head = parts.runner.head()
        behind = {name: max(0, head - parts.runner.position(name)) for name in parts.runner.projections}
        projections = ProjectionHealth(head, behind, parts.follower.errors)
    except Exception as error:  # noqa: BLE001 - health reports any database failure instead of raising it
        database = DatabaseHealth(settings.backend, "error", type(error).__name__)
    body = Health(settings.node_id, settings.tier, parts.office_name, settings.parent_node or None, VERSION, database,
                  _messaging(parts.link), projections)
    return Response(body, status_code=200 if database.status == "ok" else 503)


def _messaging(link: NatsLink | None) -> MessagingHealth:
    if link is None:
        return MessagingHealth("off")
    st = link.status
    return MessagingHealth("connected" if st.connected else "disconnected", st.published, st.applied,
                           st.duplicates, st.dead_letters, st.audit_shipped, st.audit_received, st.last_error)
