"""One province of the simulated day in the production layout (issue 19): the centre hub, the province hub and a leaf
server per regency, each its own JetStream domain, configured from deploy/nats (gateways/nats/leafnet.py); every
office's node a real `helpdesk serve` process (SQLite, its own nkey, its own audit key, the public audit keys file as
deploy/ distributes it); the day's consultations played over the nodes' HTTP API (http_desk.py). Midway the province
hub is restarted and one regency's leaf link is cut for a while. At the end each office's store is read as shard.py
reads its nodes, into one result that counts.exact_counts takes unchanged:

    run = play_leaf_province(make_plan(Shape(offices=5, per_regency=6)), "prov-16", Path("/tmp/sim"), 1.0)
    exact_counts(run["plan"], [run["result"]], run["dead_letters"])
"""

from __future__ import annotations

import asyncio
import json
import os
import sys
import time
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from domain.errors import UsernameTaken
from gateways.bootstrap import build_node
from gateways.cli.children import Child, stop_all
from gateways.cli.local import wait_healthy
from gateways.config import PREFIX, load_settings
from gateways.messages import bilingual
from gateways.nats.leafnet import HOST, ProvinceLayout
from gateways.natsserver import free_port
from gateways.persistence import sqlite_dir
from gateways.readstore import SqliteReadStore
from gateways.signing import Keyring
from gateways.simulation.agents import PASSWORD, Records, staff
from gateways.simulation.checks import log_facts, own_head, received_heads, verify_chains
from gateways.simulation.http_desk import Api, HttpDay, take_cases
from gateways.simulation.pace import Pace
from gateways.simulation.plan import CENTRE, Plan, PlanRefused

STALL = 240.0  # seconds without any progress (a step, an audit entry, a read model) before the run gives up
LEAD_SECONDS = 3.0  # between the nodes being ready and the day's first moment


def province_plan(plan: Plan, province: str) -> Plan:
    """The plan restricted to the centre, `province` and its regencies taking part."""
    if province not in plan.provinces:
        raise PlanRefused("sim_leaf_not_in_plan", province=province, provinces=", ".join(plan.provinces))
    offices = (CENTRE, province, *plan.children(province))
    consultations = tuple(c for c in plan.consultations if c.office in offices)
    if not consultations:
        raise PlanRefused("sim_leaf_no_consultations", province=province)
    cuts = tuple(c for c in plan.cuts if c.office in offices)
    return Plan(plan.shape, offices, consultations, cuts, {c.tag: c for c in consultations})


@dataclass
class Nodes:
    """Each office's `helpdesk serve`: its environment (HELPDESK_*) and its process."""

    plan: Plan
    layout: ProvinceLayout
    folder: Path
    environs: dict[str, dict[str, str]] = field(default_factory=dict)
    children: dict[str, Child] = field(default_factory=dict)

    def prepare(self) -> None:
        """Environments, staff accounts and audit keys, made before any node serves (as `helpdesk local` does)."""
        keys, keys_file = Keyring(), self.folder / "audit-keys.toml"
        base = {k: v for k, v in os.environ.items() if not k.startswith(PREFIX)}
        for office in self.plan.offices:
            server = self.layout.server(office)
            self.environs[office] = {**base, **{f"{PREFIX}{k}": v for k, v in {
                "NODE_ID": office, "DATABASE": "sqlite", "DATA_DIR": str(self.folder / "nodes" / office),
                "NATS_URL": server.url, "NATS_NKEY_SEED_FILE": str(server.node_seed_file),
                "NATS_SEPARATE_DOMAINS": "true", "CHILD_NODES": ",".join(self.plan.children(office)),
                "HTTP_HOST": HOST, "HTTP_PORT": str(free_port()), "LOG_LEVEL": "warning",
                "AUDIT_KEY_FILE": str(self.folder / "audit-keys" / office),
            }.items()}}
            (self.folder / "audit-keys").mkdir(parents=True, exist_ok=True)
            node = build_node(load_settings(self.environs[office]))
            try:
                keys.add(office, node.audit_key.public_key_b64, replace=True)
                for username, role in staff(office):
                    try:
                        node.accounts.register_user(username, f"{role.value} (simulasi)", role, office, PASSWORD,
                                                    actor="simulate")
                    except UsernameTaken:
                        pass
            finally:
                node.close()
        keys_file.write_text(keys.dump(), encoding="utf-8")
        for environ in self.environs.values():
            environ[f"{PREFIX}AUDIT_KEYS_FILE"] = str(keys_file)

    def start(self) -> None:
        for office, environ in self.environs.items():
            child = Child(office, self.url(office), self.folder / "nodes" / office / "server.log")
            self.children[office] = child
            child.start([sys.executable, "-m", "gateways.cli.main", "serve"], environ)
        wait_healthy(list(self.children.values()))

    def url(self, office: str) -> str:
        return f"http://{HOST}:{self.environs[office][f'{PREFIX}HTTP_PORT']}"

    def health(self, office: str) -> dict[str, Any]:
        with urllib.request.urlopen(f"{self.url(office)}/health", timeout=10) as response:
            return json.load(response)

    def stopped(self) -> str:
        """The first node that stopped by itself, with its log's end; '' while all run."""
        return next((f"{c.name} berhenti (exited {c.returncode}):\n{c.log_tail()}"
                     for c in self.children.values() if c.exited()), "")

    def stop(self) -> None:
        stop_all(list(self.children.values()), timeout=30)

    def resources(self) -> tuple[float, float]:
        """Resident memory (MB) and CPU seconds of the serve processes, summed."""
        rss = cpu = 0.0
        for child in self.children.values():
            if child.process is None or child.exited():
                continue
            try:
                status = Path(f"/proc/{child.process.pid}/status").read_text()
                rss += next(int(line.split()[1]) for line in status.splitlines() if line.startswith("VmRSS:")) / 1024
                fields = Path(f"/proc/{child.process.pid}/stat").read_text().rsplit(")", 1)[1].split()
                cpu += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
            except (OSError, StopIteration, ValueError, IndexError):
                continue
        return round(rss, 1), round(cpu, 2)


def audit_heads(nodes: Nodes) -> tuple[dict[str, int], dict[str, int]]:
    """Each office's own chain head, and how far each chain has arrived at the centre (read-only SQLite reads)."""
    own: dict[str, int] = {}
    received: dict[str, int] = {}
    for office, environ in nodes.environs.items():
        store = SqliteReadStore(str(sqlite_dir(load_settings(environ)) / "projections.sqlite"))
        try:
            own[office] = own_head(store, office)
            if office == CENTRE:
                received = received_heads(store)
        finally:
            store.close()
    return own, received


@dataclass
class Run:
    plan: Plan
    nodes: Nodes
    layout: ProvinceLayout
    day_minutes: float
    say: Callable[[str], Any]
    stall: float
    records: Records = field(default_factory=Records)
    samples: list[dict[str, Any]] = field(default_factory=list)
    restarts: dict[str, Any] = field(default_factory=dict)
    dead_letters: int = 0
    failure: str = ""

    async def play(self) -> None:
        span = (self.plan.last - self.plan.first).total_seconds() or 60.0
        day_seconds = self.day_minutes * 60
        pace = Pace(self.plan.first, time.time() + LEAD_SECONDS, span / day_seconds)
        apis = {office: Api(self.nodes.url(office)) for office in self.plan.offices}
        stopping = asyncio.Event()
        try:
            for office, api in apis.items():
                for username, _ in staff(office):
                    await api.login(username, PASSWORD)
            regencies = {o: apis[o] for o in self.plan.regencies}
            background = [asyncio.create_task(take_cases(o, apis[o], self.plan, pace, self.records, stopping))
                          for o in (CENTRE, *self.plan.provinces)]
            background.append(asyncio.create_task(self._disrupt(pace.wall_start, day_seconds)))
            day = asyncio.create_task(HttpDay(self.plan, pace, regencies, self.records, stopping).play())
            try:
                await self._settle(day)
            finally:
                stopping.set()
                for task in [day, *background]:
                    task.cancel()
                await asyncio.gather(day, *background, return_exceptions=True)
        finally:
            for api in apis.values():
                await api.close()

    async def _disrupt(self, wall_start: float, day_seconds: float) -> None:
        """A quarter into the day one regency's leaf link goes down for a fifth of it; halfway the province hub is
        stopped and started again."""
        regency = next((c.office for c in self.plan.cuts if c.office in self.plan.regencies), self.plan.regencies[0])
        link = self.layout.links[regency]
        await asyncio.sleep(max(0.0, wall_start + day_seconds * 0.25 - time.time()))
        link.cut()
        self.say("  " + bilingual("sim_leaf_cut", office=regency))
        cut_at = time.time()
        await asyncio.sleep(day_seconds * 0.2)
        link.restore()
        self.restarts |= {"regency_cut": regency, "regency_cut_s": round(time.time() - cut_at, 1)}
        self.say("  " + bilingual("sim_leaf_back", office=regency, seconds=self.restarts["regency_cut_s"]))
        await asyncio.sleep(max(0.0, wall_start + day_seconds * 0.5 - time.time()))
        down = await asyncio.to_thread(self.layout.hub.restart)
        self.restarts["province_hub"] = self.restarts.get("province_hub", 0) + 1
        self.restarts["province_hub_down_s"] = round(down, 1)
        self.say("  " + bilingual("sim_leaf_hub", province=self.layout.province, seconds=f"{down:.1f}"))

    async def _settle(self, day: asyncio.Task[None]) -> None:
        """Until every consultation is closed (or refused), every read model caught up and every office's chain is
        whole at the centre; gives up when nothing moved for `stall` seconds."""
        last, last_move = None, time.monotonic()
        while True:
            await asyncio.sleep(1.0)
            if why := self.nodes.stopped():
                raise RuntimeError(why)
            own, received = await asyncio.to_thread(audit_heads, self.nodes)
            health = await asyncio.to_thread(lambda: {o: self.nodes.health(o) for o in self.plan.offices})
            behind = sum(sum(h["projections"]["behind"].values()) for h in health.values())
            self.dead_letters = sum(h["messaging"]["dead_letters"] for h in health.values())
            rss, cpu = self.nodes.resources()
            self.samples.append({"t": round(time.time(), 1), "closed": self.records.closed,
                                 "errors": len(self.records.errors), "heads": own, "received": received,
                                 "behind": behind, "rss_mb": rss, "cpu_s": cpu,
                                 "connected": sum(h["messaging"]["status"] == "connected" for h in health.values())})
            chains_whole = all(received.get(o, 0) == head for o, head in own.items())
            if day.done() and behind == 0 and chains_whole and "province_hub" in self.restarts:
                return
            progress = (self.records.closed, len(self.records.errors), tuple(own.values()),
                        tuple(received.values()), behind)
            if progress != last:
                last, last_move = progress, time.monotonic()
            elif time.monotonic() - last_move > self.stall:
                self.failure = (f"{bilingual('sim_stalled', seconds=f'{self.stall:.0f}')}: closed "
                                f"{self.records.closed}/{len(self.plan.consultations)}, chains at the centre "
                                f"{received} / {own}, read models behind {behind}")
                return


def read_result(plan: Plan, nodes: Nodes, run: Run) -> dict[str, Any]:
    """What each office's log holds, read from its store after its node stopped, shaped as shard.py's result."""
    offices: dict[str, Any] = {}
    verify = None
    cut = run.restarts.get("regency_cut")
    for office in plan.offices:
        node = build_node(load_settings(nodes.environs[office]))
        try:
            offices[office] = {"log": log_facts(node.helpdesk), "head": own_head(node.store, office),
                               "cuts": int(office == cut) + int(office in plan.provinces and "province_hub" in
                                                                 run.restarts)}
            if office == CENTRE:
                verify = verify_chains(node.projections, CENTRE, node.keyring)
        finally:
            node.close()
    rss, cpu = max(((s["rss_mb"], s["cpu_s"]) for s in run.samples), default=(0.0, 0.0))
    return {"offices": offices, "stages": run.records.stages, "errors": run.records.errors, "verify": verify,
            "rss_mb": rss, "cpu_s": cpu}


def play_leaf_province(plan: Plan, province: str, folder: Path, day_minutes: float,
                       say: Callable[[str], Any] = print, stall: float = STALL) -> dict[str, Any]:
    """Plays `province`'s share of `plan` in the production layout under `folder`; returns {"plan": the sub-plan,
    "result": one shard-shaped result, "samples", "restarts", "dead_letters", "failure": "" or why it gave up}.
    Every server and node it started is stopped before it returns or raises."""
    sub = province_plan(plan, province)
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    layout = ProvinceLayout(folder / "nats", province, sub.regencies)
    nodes = Nodes(sub, layout, folder)
    run = Run(sub, nodes, layout, day_minutes, say, stall)
    started = time.monotonic()
    try:
        say(bilingual("sim_leaf_start", province=province, regencies=len(sub.regencies),
                      consultations=len(sub.consultations)))
        layout.start()
        layout.wait_linked()
        say("  " + bilingual("sim_leaf_accounts"))
        nodes.prepare()
        say("  " + bilingual("sim_leaf_nodes", count=len(sub.offices)))
        nodes.start()
        asyncio.run(run.play())
    finally:
        nodes.stop()
        layout.stop()
    result = read_result(sub, nodes, run)
    done = bilingual("sim_leaf_done", seconds=f"{time.monotonic() - started:.0f}")
    say("  " + done + (f": {run.failure}" if run.failure else ""))
    return {"plan": sub, "result": result, "samples": run.samples, "restarts": run.restarts,
            "dead_letters": run.dead_letters, "failure": run.failure}
