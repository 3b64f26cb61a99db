"""A node's link to NATS: connects (and keeps reconnecting, forever), sets up its streams, runs the relay
and the consumer. The HTTP side never waits for it: with the link down, the office keeps working and its
messages wait in its own event log."""

from __future__ import annotations

import asyncio
import contextlib
import tempfile
from pathlib import Path

import nats
import structlog
from nats.aio.client import Client
from nats.js import JetStreamContext
from nats.js.api import StreamConfig
from nats.js.errors import NotFoundError

from gateways.nats.audit import AuditParts, AuditReceiver, AuditShipper
from gateways.nats.consumer import Consumer
from gateways.nats.credentials import login_options
from gateways.nats.documents import DocumentReceiver
from gateways.nats.relay import Relay
from gateways.nats.status import LinkStatus
from gateways.nats.topology import Topology
from gateways.signing import Keyring, OfficeKey
from services.helpdesk import Helpdesk

log = structlog.get_logger("helpdesk.nats")


class NatsLink:
    def __init__(self, url: str, topology: Topology, helpdesk: Helpdesk, poll_interval: float = 0.2,
                 audit: AuditParts | None = None, *, key: OfficeKey, keyring: Keyring, staging: Path | None = None,
                 audit_poll: float = 0.5) -> None:
        self.url = url
        # How often the audit shipper looks for entries sealed since (`helpdesk simulate` runs hundreds of nodes in one
        # process and looks less often).
        self.audit_poll = audit_poll
        # Where chunks of documents arriving from below wait until whole (the node's data folder; else a fresh one).
        self.staging = staging or Path(tempfile.mkdtemp(prefix=f"helpdesk-incoming-{topology.token}-"))
        # The office's key signs every message it sends; the keyring's public keys verify what others send.
        self.key, self.keyring = key, keyring
        self.audit = audit
        self.topology = topology
        self.helpdesk = helpdesk
        self.status = LinkStatus()
        self.poll_interval = poll_interval
        self._client: Client | None = None
        self._tasks: list[asyncio.Task[None]] = []
        self._stopping = asyncio.Event()
        self.wake = asyncio.Event()  # set when this node saved something worth sending

    async def start(self) -> None:
        self._tasks = [asyncio.create_task(self._run(), name=f"nats-link-{self.topology.node}")]

    async def stop(self) -> None:
        self._stopping.set()
        self.wake.set()
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        if self._client is not None and not self._client.is_closed:
            with contextlib.suppress(Exception):
                await self._client.close()

    async def _run(self) -> None:
        self._client = await self._connect()
        js = self._client.jetstream()
        while not self.status.streams_ready:
            try:
                await self._ensure_streams(js)
                self.status.streams_ready = True
            except Exception as error:  # noqa: BLE001 - any failure is retried; the office works meanwhile
                self._note_error("streams", error)
                await asyncio.sleep(2)
        relay = Relay(js, self.topology, self.helpdesk, self.status, self.wake, self.poll_interval, self.key)
        documents = DocumentReceiver(self.topology, self.keyring, self.helpdesk, self.staging)
        consumer = Consumer(js, self.topology, self.helpdesk, self.status, self.keyring, documents)
        workers = [relay.run(self._stopping), consumer.run(self._stopping)]
        if self.audit is not None:
            shipper = AuditShipper(js, self.topology, self.audit, self.status, asyncio.Event(), self.audit_poll)
            workers.append(shipper.run(self._stopping))
            if self.topology.is_centre:
                receiver = AuditReceiver(js, self.topology, self.audit, self.helpdesk, self.status)
                workers.append(receiver.run(self._stopping))
        await asyncio.gather(*workers)

    async def _connect(self) -> Client:
        async def on_error(error: Exception) -> None:
            self._note_error("nats", error)

        async def on_disconnected() -> None:
            self.status.connected = False
            log.warning("nats_disconnected", node=self.topology.node)

        async def on_reconnected() -> None:
            self.status.connected = True
            log.info("nats_reconnected", node=self.topology.node)

        while True:
            try:
                client = await nats.connect(
                    self.url,
                    name=f"helpdesk-{self.topology.node}",
                    # The default gives up after about two minutes; an office may be offline for days.
                    max_reconnect_attempts=-1,
                    reconnect_time_wait=1,
                    connect_timeout=3,
                    ping_interval=10,
                    max_outstanding_pings=3,
                    error_cb=on_error,
                    disconnected_cb=on_disconnected,
                    reconnected_cb=on_reconnected,
                    **login_options(self.topology.nkey_seed_file, self.topology.inbox_prefix),
                )
                self.status.connected = True
                log.info("nats_connected", node=self.topology.node, url=self.url)
                return client
            except Exception as error:  # noqa: BLE001 - the first connection is retried just as reconnects are
                self._note_error("connect", error)
                await asyncio.sleep(1)

    async def _ensure_streams(self, js: JetStreamContext) -> None:
        configs = [self.topology.stream_config(), self.topology.dead_letter_config()]
        if self.audit is not None:
            configs.append(self.topology.audit_stream_config())
        await ensure_streams(js, configs)

    def _note_error(self, where: str, error: BaseException) -> None:
        self.status.last_error = f"{where}: {type(error).__name__}: {error}"
        log.warning("nats_error", node=self.topology.node, where=where, error=repr(error))


async def ensure_streams(js: JetStreamContext, configs: list[StreamConfig]) -> None:
    """Creates each stream, or updates it when it differs: on a server shared by several offices a node may only look
    its streams up (Topology.shared_server_permissions), and whoever runs that server made them as wanted."""
    for config in configs:
        try:
            info = await js.stream_info(config.name)
        except NotFoundError:
            await js.add_stream(config)
            continue
        if not same_layout(info.config, config):
            await js.update_stream(config)


def same_layout(current: StreamConfig, wanted: StreamConfig) -> bool:
    """Whether a stream already has what the node sets (subjects, sources, storage, direct gets, duplicate window); the
    server fills in the rest, so whole configs never compare equal."""
    def sources(config: StreamConfig) -> set[tuple[str, str | None, str | None, str | None]]:
        return {(s.name, s.filter_subject or None, s.external.api if s.external else None,
                 s.external.deliver if s.external else None) for s in config.sources or []}

    return (set(current.subjects or []) == set(wanted.subjects or []) and sources(current) == sources(wanted)
            and current.storage == wanted.storage and bool(current.allow_direct) == bool(wanted.allow_direct)
            and abs((current.duplicate_window or 0) - (wanted.duplicate_window or 0)) < 0.001)
