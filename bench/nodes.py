"""Nodes as a benchmark runs them: `helpdesk serve` in a subprocess with the benchmark's offices' keys, or in worker
mode (`helpdesk serve --workers N` beside `helpdesk worker`); the regency's settings for a node built in this process
(tests/support/office.py: Office, with its NATS link); the CPU time processes spent."""

from __future__ import annotations

import sys
from pathlib import Path

import psutil

from bench.report import ROOT
from gateways.config import Settings, load_settings
from tests.support.keys import signing_settings
from tests.support.ports import free_port
from tests.support.served import HELPDESK, Served, descendants, node_environment
from tests.support.split_node import SplitNode

OFFICES = ("kab-16.13", "prov-16", "pusat")


def signing_keys(folder: Path, node_id: str) -> dict[str, str]:
    """The node's own message-signing key and the keyring of the benchmark's offices, which sign what they send
    and verify what they receive: settings keys without the prefix."""
    return signing_settings(folder / "keys", node_id, OFFICES)


def helpdesk_serve(settings: dict[str, str], folder: Path, name: str) -> Served:
    """`helpdesk serve` for one node; `settings` are HELPDESK_* keys without the prefix (port chosen here)."""
    port = free_port()
    keys = signing_keys(folder, settings["node_id"]) if settings.get("node_id") in OFFICES else {}
    env = node_environment({"data_dir": str(folder / name), "http_port": str(port), **keys, **settings})
    return Served([str(HELPDESK), "serve"], env, port, folder / f"{name}.log", folder)


def ceiling_serve(folder: Path, body_bytes: int | None = None, workers: int = 1) -> Served:
    """The HTTP ceiling (bench/ceiling_app.py) under uvicorn as `helpdesk serve` runs, with as many worker processes,
    answering its POST with `body_bytes` bytes when told; its log is folder/ceiling.log."""
    port = free_port()
    size = ["--body-bytes", str(body_bytes)] if body_bytes is not None else []
    return Served([sys.executable, "-m", "bench.ceiling_app", "--port", str(port), *size, "--workers", str(workers)],
                  node_environment({}), port, folder / "ceiling.log", ROOT)


def split_serve(settings: dict[str, str], folder: Path, name: str, workers: int) -> SplitNode:
    """One node in worker mode: `helpdesk serve --workers N` and `helpdesk worker` (settings: keys without the
    prefix, PostgreSQL among them; the data folder folder/name)."""
    return SplitNode({"data_dir": str(folder / name), **settings}, folder, f"{name}.log", workers=workers)


class CpuTime:
    """User + system CPU seconds a set of processes spent from `start()` to `seconds()` (psutil)."""

    def __init__(self, pids: list[int]) -> None:
        self.processes = [psutil.Process(pid) for pid in pids]
        self.at_start = 0.0

    @classmethod
    def of_tree(cls, pid: int) -> CpuTime:
        """A process and every process below it: a uvicorn supervisor and its workers."""
        return cls([pid, *descendants(pid)])

    def _now(self) -> float:
        total = 0.0
        for process in self.processes:
            try:
                times = process.cpu_times()
            except psutil.NoSuchProcess:
                raise RuntimeError(f"process {process.pid} ended during the measurement") from None
            total += times.user + times.system
        return total

    def start(self) -> CpuTime:
        self.at_start = self._now()
        return self

    def seconds(self) -> float:
        return self._now() - self.at_start


def stop_all(*served: Served | None) -> None:
    """Stops each server that was made; one already stopped is left as it is."""
    for server in served:
        if server is not None:
            server.stop()


def province_serve(database: str, schema: str, nats_url: str, prefix: str, folder: Path) -> Served:
    """The province as `helpdesk serve` on PostgreSQL with its NATS link, the regency kab-16.13 its child."""
    return helpdesk_serve({"node_id": "prov-16", "database": database, "postgres_schema": schema, "nats_url": nats_url,
                           "nats_prefix": prefix, "child_nodes": "kab-16.13"}, folder, "prov-16")


def regency_settings(database: str, schema: str, folder: Path, nats_url: str, prefix: str) -> Settings:
    return load_settings({}, **signing_keys(folder, "kab-16.13"), node_id="kab-16.13", database=database,
                         postgres_schema=schema,
                         data_dir=str(folder / "kab-16.13"), nats_url=nats_url, nats_prefix=prefix, log_level="warning")
