"""Three offices (kab-16.13 → prov-16 → pusat) with their NATS links running in the test's event loop."""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from gateways.bootstrap import Node, build_node
from gateways.config import Settings, load_settings
from gateways.nats.audit import AuditParts
from gateways.nats.link import NatsLink
from gateways.nats.topology import topology_of
from gateways.signing import Keyring, OfficeKey

OFFICES = {"kab-16.13": "", "prov-16": "kab-16.13", "pusat": "prov-16"}  # node → its only child here


def shared_keys(folder: Path, offices: list[str] | tuple[str, ...] = tuple(OFFICES)) -> Path:
    """Each office's Ed25519 key in `folder` (made once) and the keyring of all their public keys, as configuration
    distributes them: every office verifies what its neighbours sign. Returns the keyring file."""
    folder.mkdir(parents=True, exist_ok=True)
    keyring = Keyring()
    for office in offices:
        keyring.add(office, OfficeKey.load_or_create(folder / f"{office}.key").public_key_b64)
    path = folder / "keyring.toml"
    path.write_text(keyring.dump(), encoding="utf-8")
    return path


def federation_settings(node_id: str, database: str, data_dir: Path, nats_url: str, prefix: str) -> Settings:
    keys = shared_keys(data_dir / "keys")
    return load_settings(
        {},
        audit_key_file=str(keys.parent / f"{node_id}.key"),
        audit_keys_file=str(keys),
        node_id=node_id,
        database=database if database != "sqlite" else f"sqlite:///{data_dir / node_id}",
        data_dir=str(data_dir / node_id),
        postgres_schema=f"t_{uuid.uuid4().hex[:12]}",
        nats_url=nats_url,
        nats_prefix=prefix,
        child_nodes=OFFICES[node_id],
    )


class Office:
    """One office's node and its running link."""

    def __init__(self, settings: Settings, clock: Callable[[], Any], hasher: Any) -> None:
        self.settings = settings
        self.node: Node = build_node(settings, clock=clock, hasher=hasher)
        self.link: NatsLink | None = None

    @property
    def helpdesk(self):  # noqa: ANN201
        return self.node.helpdesk

    async def start_link(self, audit: bool = False) -> NatsLink:
        """Starts the link; with `audit`, also the projections and the shipping of the audit chain."""
        parts = AuditParts(self.node.store, self.node.keyring) if audit else None
        if audit:
            self.node.follower.start()
        self.link = NatsLink(self.settings.nats_url, topology_of(self.settings), self.node.helpdesk, 0.05,
                             audit=parts, key=self.node.audit_key, keyring=self.node.keyring)
        loop = asyncio.get_running_loop()
        link = self.link
        self._wake = lambda: loop.call_soon_threadsafe(link.wake.set)
        self.node.helpdesk.listeners.append(self._wake)
        await self.link.start()
        return self.link

    async def stop_link(self) -> None:
        if self.link is not None:
            self.node.helpdesk.listeners.remove(self._wake)
            self.node.follower.stop()
            await self.link.stop()
            self.link = None

    async def run(self, method: str, *args: Any) -> Any:
        """Calls a Helpdesk method off the event loop, as the HTTP handlers do."""
        return await asyncio.to_thread(getattr(self.node.helpdesk, method), *args)


def share_audit_keys(offices: dict[str, Office]) -> None:
    """Every office learns every other's public audit key, as configuration distributes them."""
    for office in offices.values():
        for other in offices.values():
            if not office.node.keyring.knows(other.settings.node_id):
                office.node.keyring.add(other.settings.node_id, other.node.audit_key.public_key_b64)


@asynccontextmanager
async def running_offices(backends: dict[str, str], data_dir: Path, nats_url: str, prefix: str, clock: Any,
                          hasher: Any, *, link: bool = True, audit: bool = False) -> AsyncIterator[dict[str, Office]]:
    """Offices by node id, each on its backend (`sqlite`, `memory` or a PostgreSQL URL), their links started (with
    `audit`: keys shared, projections and audit shipping running too); stopped, closed and their PostgreSQL schemas
    dropped at the end."""
    from tests.conftest import _drop_schema

    built = {n: Office(federation_settings(n, db, data_dir, nats_url, prefix), clock, hasher)
             for n, db in backends.items()}
    if audit:
        share_audit_keys(built)
    try:
        if link:
            for office in built.values():
                await office.start_link(audit=audit)
        yield built
    finally:
        for office in built.values():
            await office.stop_link()
            office.node.close()
            if office.settings.backend == "postgresql":
                _drop_schema(office.settings)


async def eventually(check: Callable[[], Any], timeout: float = 120.0, what: str = "condition") -> Any:
    """Polls `check` (run in a thread) until it returns something truthy; fails with `what` after `timeout`.

    It returns the moment `check` holds, so the default bound is generous: it only has to catch what will never
    happen, on a machine as busy as a shared CI runner."""
    deadline = time.monotonic() + timeout
    last: Any = None
    while time.monotonic() < deadline:
        try:
            last = await asyncio.to_thread(check)
        except Exception as error:  # noqa: BLE001 - not there yet (e.g. NotFound) counts as not yet
            last = error
        if last and not isinstance(last, Exception):
            return last
        await asyncio.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}; last: {last!r}")
