"""The NATS server of `helpdesk local`: one user per office, each with its own nkey and the permissions of
deploy/nats (narrowed to its own streams, since the three offices share one JetStream domain here), no
anonymous login; the streams are made by the server's operator key, as an office may only look its own up."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from pathlib import Path

import nats

from gateways.nats.credentials import UserKey, ensure_seed
from gateways.nats.link import ensure_streams
from gateways.nats.topology import Topology
from gateways.natsserver import NatsServer

OPERATOR = "operator"  # the key `helpdesk local` itself makes the streams with; no node has it


def seed_file(keys_dir: Path, name: str) -> Path:
    return keys_dir / f"{name}.nk"


def office_keys(keys_dir: Path, offices: list[str]) -> dict[str, UserKey]:
    """Each office's key and the operator's, made on the first run and kept (files 0600 in a 0700 folder)."""
    keys_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    keys_dir.chmod(0o700)
    return {name: ensure_seed(seed_file(keys_dir, name)) for name in [*offices, OPERATOR]}


def server_users(topologies: Mapping[str, Topology], keys: Mapping[str, UserKey]) -> list[dict[str, object]]:
    users: list[dict[str, object]] = [
        {"nkey": keys[node].public, "permissions": topology.shared_server_permissions()}
        for node, topology in topologies.items()
    ]
    return [*users, {"nkey": keys[OPERATOR].public}]


def stream_configs(topologies: Mapping[str, Topology]) -> list:
    configs = {}
    for topology in topologies.values():
        for config in (topology.stream_config(), topology.dead_letter_config(), topology.audit_stream_config()):
            configs[config.name] = config  # the audit stream is one for all offices here
    return list(configs.values())


async def _make_streams(url: str, operator_seed: Path, topologies: Mapping[str, Topology]) -> None:
    client = await nats.connect(url, nkeys_seed=str(operator_seed), connect_timeout=5, max_reconnect_attempts=3)
    try:
        await ensure_streams(client.jetstream(), stream_configs(topologies))
    finally:
        await client.close()


def start_local_nats(host: str, port: int, store_dir: Path, keys_dir: Path,
                     topologies: Mapping[str, Topology]) -> NatsServer:
    """Starts the server with the offices' users and makes their streams; `topologies` name each office's
    seed file (Topology.nkey_seed_file), which must be `keys_dir`'s."""
    keys = office_keys(keys_dir, list(topologies))
    server = NatsServer(host, port, store_dir, tied_to_parent=True, users=server_users(topologies, keys))
    server.start()
    try:
        asyncio.run(_make_streams(server.url, seed_file(keys_dir, OPERATOR), topologies))
    except BaseException:
        server.stop()
        raise
    return server
