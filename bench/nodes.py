"""Nodes as a benchmark runs them: `helpdesk serve` in a subprocess, or a regency in this process with its link."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

from gateways.bootstrap import Node, build_node
from gateways.config import Settings, load_settings
from gateways.nats.audit import AuditParts
from gateways.nats.link import NatsLink
from gateways.nats.topology import topology_of
from gateways.signing import Keyring, OfficeKey

HELPDESK = Path(sys.executable).with_name("helpdesk")
OFFICES = ("kab-16.13", "prov-16", "pusat")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def node_environment(settings: dict[str, str]) -> dict[str, str]:
    """This process's environment without any HELPDESK_* of the caller's, plus `settings` (keys without prefix)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("HELPDESK_")}
    env.update({f"HELPDESK_{key.upper()}": value for key, value in settings.items()})
    return env


class Served:
    """A subprocess serving HTTP (`helpdesk serve`, or any command) on 127.0.0.1:`port`, its output in a log file."""

    def __init__(self, command: list[str], env: dict[str, str], port: int, log: Path, cwd: Path) -> None:
        self.command, self.env, self.port, self.log, self.cwd = command, env, port, log, cwd
        self.process: subprocess.Popen[bytes] | None = None
        self.started_at = 0.0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def pid(self) -> int:
        assert self.process is not None
        return self.process.pid

    def start(self, health: str = "/health", timeout: float = 60.0) -> float:
        """Starts the process; returns seconds from process start until `health` answered 200."""
        out = self.log.open("ab")
        self.started_at = time.perf_counter()
        self.process = subprocess.Popen(self.command, env=self.env, cwd=self.cwd, stdout=out, stderr=subprocess.STDOUT)
        out.close()
        deadline = self.started_at + timeout
        with httpx.Client(timeout=2.0) as client:
            while time.perf_counter() < deadline:
                if self.process.poll() is not None:
                    raise RuntimeError(f"{self.command[0]} exited with {self.process.returncode}; see {self.log}:\n"
                                       + self.log.read_text(errors="replace")[-2000:])
                try:
                    if client.get(self.url + health).status_code == 200:
                        return time.perf_counter() - self.started_at
                except httpx.TransportError:
                    pass
                time.sleep(0.01)
        self.stop()
        raise TimeoutError(f"{self.url}{health} did not answer 200 within {timeout} s; see {self.log}")

    def rss_kib(self) -> tuple[int, int]:
        """(VmRSS, VmHWM) of the process in KiB, from /proc/<pid>/status."""
        values = {}
        for line in Path(f"/proc/{self.pid}/status").read_text().splitlines():
            key, _, rest = line.partition(":")
            if key in ("VmRSS", "VmHWM"):
                values[key] = int(rest.split()[0])
        return values["VmRSS"], values["VmHWM"]

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)


def signing_keys(folder: Path, node_id: str) -> dict[str, str]:
    """The node's own message-signing key and the keyring of the benchmark's offices, which sign what they send
    and verify what they receive: settings keys without the prefix."""
    keys, keyring = folder / "keys", Keyring()
    for office in OFFICES:
        keyring.add(office, OfficeKey.load_or_create(keys / f"{office}.key").public_key_b64)
    (keys / "keyring.toml").write_text(keyring.dump(), encoding="utf-8")
    return {"audit_key_file": str(keys / f"{node_id}.key"), "audit_keys_file": str(keys / "keyring.toml")}


def helpdesk_serve(settings: dict[str, str], folder: Path, name: str) -> Served:
    """`helpdesk serve` for one node; `settings` are HELPDESK_* keys without the prefix (port chosen here)."""
    port = free_port()
    keys = signing_keys(folder, settings["node_id"]) if settings.get("node_id") in OFFICES else {}
    env = node_environment({"data_dir": str(folder / name), "http_port": str(port), **keys, **settings})
    return Served([str(HELPDESK), "serve"], env, port, folder / f"{name}.log", folder)


def add_user(served: Served, username: str, role: str, password: str) -> None:
    """`helpdesk user add` with the node's own settings, as an office makes its first account."""
    subprocess.run(
        [str(HELPDESK), "user", "add", "--username", username, "--full-name", f"Petugas {username}", "--role", role,
         "--password", password],
        env=served.env, cwd=served.cwd, check=True, capture_output=True,
    )


class LinkedNode:
    """A node built in this process with the parts `helpdesk serve` runs beside HTTP: the projection follower and
    the NATS link (relay, consumer, audit shipping), woken by the node's own saves as the lifespan does."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.node: Node = build_node(settings)
        self.link: NatsLink | None = None
        self._wake = None

    @property
    def helpdesk(self):  # noqa: ANN201
        return self.node.helpdesk

    async def start_link(self) -> NatsLink:
        link = NatsLink(self.settings.nats_url, topology_of(self.settings), self.node.helpdesk,
                        audit=AuditParts(self.node.store, self.node.keyring), key=self.node.audit_key,
                        keyring=self.node.keyring)
        loop = asyncio.get_running_loop()
        self._wake = lambda: loop.call_soon_threadsafe(link.wake.set)
        self.node.helpdesk.listeners.append(self._wake)
        self.link = link
        await link.start()
        return link

    async def stop_link(self) -> None:
        if self.link is not None:
            self.node.helpdesk.listeners.remove(self._wake)
            await self.link.stop()
            self.link = None

    async def close(self) -> None:
        await self.stop_link()
        self.node.close()


def regency_settings(database: str, schema: str, folder: Path, nats_url: str, prefix: str) -> Settings:
    return load_settings({}, **signing_keys(folder, "kab-16.13"), node_id="kab-16.13", database=database,
                         postgres_schema=schema,
                         data_dir=str(folder / "kab-16.13"), nats_url=nats_url, nats_prefix=prefix, log_level="warning")
