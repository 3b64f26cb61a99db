"""GET /health: which node this is, whether its database answers, how far its read models and its link are, and
(HELPDESK_BACKGROUND=worker) whether its `helpdesk worker` beats. Public, for monitoring."""

from __future__ import annotations

from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError, version

import msgspec
from litestar import Response, get
from litestar.di import NamedDependency
from litestar.params import SkipValidation

from gateways.config import Settings
from gateways.follower import Follower
from gateways.heartbeat import Heartbeats, LinkCounts
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


class WorkerHealth(msgspec.Struct):
    """The background worker by its last beat (gateways/heartbeat.py). Gone is not an error of this process: the
    office's requests are answered and recorded; what the worker does (escalations relayed, clocks watched, mail) waits
    for it."""

    status: str  # "alive", "stale" (no beat lately: killed or hung), "stopped" (stopped cleanly) or "absent" (never)
    seconds_since_beat: float | None = None
    pid: int | None = None
    host: str | None = None
    follower_errors: int = 0


class Health(msgspec.Struct):
    node: str
    tier: str
    office: str
    parent: str | None
    version: str
    database: DatabaseHealth
    messaging: MessagingHealth
    projections: ProjectionHealth | None = None
    worker: WorkerHealth | None = None  # None: the background work runs in this process (HELPDESK_BACKGROUND=inline)


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
    heartbeats: Heartbeats | None = None  # the worker's beats, when it runs the background work (and the link)


@get("/health", sync_to_thread=True, tags=["Sistem"], summary="Kesehatan node")
def health(node_health: NamedDependency[SkipValidation[HealthParts]]) -> Response[Health]:
    parts, settings = node_health, node_health.settings
    projections, worker, messaging = None, None, _messaging(parts.link)
    try:
        parts.helpdesk.check_database()
        parts.accounts.check_database()
        database = DatabaseHealth(settings.backend, "ok")
        head = parts.runner.head()
        behind = {name: max(0, head - parts.runner.position(name)) for name in parts.runner.projections}
        projections = ProjectionHealth(head, behind, parts.follower.errors)
        if parts.heartbeats is not None:
            worker, messaging = _worker(parts.heartbeats, parts.link)
    except Exception as error:  # noqa: BLE001 - health reports any database failure instead of raising it
        database = DatabaseHealth(settings.backend, "error", type(error).__name__)
    body = Health(settings.node_id, settings.tier, parts.office_name, settings.parent_node or None, VERSION, database,
                  messaging, projections, worker)
    return Response(body, status_code=200 if database.status == "ok" else 503)


def _messaging(link: NatsLink | None) -> MessagingHealth:
    if link is None:
        return MessagingHealth("off")
    st = link.status
    return MessagingHealth("connected" if st.connected else "disconnected", st.published, st.applied,
                           st.duplicates, st.dead_letters, st.audit_shipped, st.audit_received, st.last_error)


def _worker(heartbeats: Heartbeats, link: NatsLink | None) -> tuple[WorkerHealth, MessagingHealth]:
    """The worker's health, and the link's as the worker last told it (this process runs no link)."""
    beat = heartbeats.last()
    if beat is None:
        return WorkerHealth("absent"), MessagingHealth("off" if link is None else "disconnected")
    state = beat.state
    worker = WorkerHealth(beat.status, round(beat.seconds_ago, 1), state.pid, state.host, state.follower_errors)
    return worker, _counted(state.link, alive=beat.status == "alive")


def _counted(counts: LinkCounts | None, *, alive: bool) -> MessagingHealth:
    if counts is None:
        return MessagingHealth("off")
    return MessagingHealth("connected" if counts.connected and alive else "disconnected", counts.published,
                           counts.applied, counts.duplicates, counts.dead_letters, counts.audit_shipped,
                           counts.audit_received, counts.last_error)
