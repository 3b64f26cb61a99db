"""Three offices (kab-16.13 → prov-16 → pusat) with their NATS links running in the test's event loop."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from gateways.config import Settings, load_settings
from tests.support.keys import signing_settings
from tests.support.office import Office
from tests.support.schemas import drop_schema

OFFICES = {"kab-16.13": "", "prov-16": "kab-16.13", "pusat": "prov-16"}  # node → its only child here


def federation_settings(node_id: str, database: str, data_dir: Path, nats_url: str, prefix: str) -> Settings:
    return load_settings(
        {},
        **signing_settings(data_dir / "keys", node_id, OFFICES),
        node_id=node_id,
        database=database if database != "sqlite" else f"sqlite:///{data_dir / node_id}",
        data_dir=str(data_dir / node_id),
        postgres_schema=f"t_{uuid.uuid4().hex[:12]}",
        nats_url=nats_url,
        nats_prefix=prefix,
        child_nodes=OFFICES[node_id],
    )


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
            await office.close()
            if office.settings.backend == "postgresql":
                drop_schema(office.settings)
