"""`helpdesk simulate`: plans the day, gives every office its audit key, starts a NATS server (JetStream, one domain)
and the shard processes that host the nodes, starts the day in all of them at once, follows their progress until
every count has settled, and gathers what each log holds. Waits are bounded by progress: the run gives up only when
nothing moved for `stall` seconds."""

from __future__ import annotations

import json
import os
import queue
import secrets
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from gateways.messages import bilingual
from gateways.natsserver import NatsServer, free_port
from gateways.signing import Keyring, OfficeKey
from gateways.simulation.pace import Pace
from gateways.simulation.plan import CENTRE, Plan, Shape, make_plan


@dataclass(frozen=True)
class Options:
    shape: Shape
    shards: int = 3  # processes hosting regencies; the centre and the provinces have one of their own
    day_minutes: float = 10.0  # the day's office hours (all three zones) played in this many wall minutes
    stall: float = 300.0  # seconds without any count moving before the run gives up
    data_dir: str = ""  # kept after the run when given; a temporary folder otherwise
    nats_url: str = ""  # an existing server (no monitoring figures); empty: the run starts its own


@dataclass
class Run:
    """What the coordinator saw: the progress over time, NATS's figures, each shard's result."""

    plan: Plan
    options: Options
    wall_start: float = 0.0
    samples: list[dict[str, Any]] = field(default_factory=list)  # t, closed, sealed, received, rss per shard
    nats: dict[str, Any] = field(default_factory=dict)
    results: list[dict[str, Any]] = field(default_factory=list)
    settled_at: float | None = None
    last_closed_at: float | None = None
    ready_s: float = 0.0
    ready: list[dict[str, Any]] = field(default_factory=list)  # each process once its nodes were built
    shard_offices: list[int] = field(default_factory=list)
    pace: Pace | None = None
    failure: str = ""


class Shard:
    def __init__(self, index: int, offices: list[str], spec: dict[str, Any], folder: Path) -> None:
        self.index, self.offices = index, offices
        spec_file = folder / f"shard-{index}.json"
        spec_file.write_text(json.dumps({**spec, "offices": offices,
                                         "result_file": str(folder / f"result-{index}.json")}), encoding="utf-8")
        self.log = open(folder / f"shard-{index}.log", "w", encoding="utf-8")  # noqa: SIM115 - closed in stop()
        self.process = subprocess.Popen(
            [sys.executable, "-m", "gateways.simulation.shard", str(spec_file)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self.log, text=True, bufsize=1,
        )
        self.messages: queue.Queue[dict[str, Any]] = queue.Queue()
        self.progress: dict[str, Any] = {}
        threading.Thread(target=self._read, args=(self.process.stdout,), daemon=True).start()

    def _read(self, stream: IO[str]) -> None:
        for line in stream:
            if line.startswith("{"):
                self.messages.put(json.loads(line))
        self.messages.put({"exited": self.process.wait()})

    def send(self, message: dict[str, Any]) -> None:
        assert self.process.stdin is not None
        self.process.stdin.write(json.dumps(message) + "\n")
        self.process.stdin.flush()

    def next(self, timeout: float) -> dict[str, Any] | None:
        try:
            message = self.messages.get(timeout=timeout)
        except queue.Empty:
            return None
        if "exited" in message:
            raise RuntimeError(bilingual("sim_process_exited", index=self.index, code=message["exited"],
                                         log=self.log.name))
        return message

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        self.log.close()


def assign(plan: Plan, shards: int) -> list[list[str]]:
    """The centre and the provinces in the first process (the centre's audit receiver is the day's bottleneck and
    gets a process without desks), the regencies dealt round the others."""
    upper = [o for o in plan.offices if o == CENTRE or o.startswith("prov-")]
    regencies = list(plan.regencies)
    count = max(1, min(shards, len(regencies)))
    return [upper] + [regencies[i::count] for i in range(count)]


def simulate(options: Options, say: Any = print) -> Run:
    plan = make_plan(options.shape)
    run = Run(plan, options)
    folder = Path(options.data_dir or tempfile.mkdtemp(prefix="helpdesk-simulate-")).resolve()
    folder.mkdir(parents=True, exist_ok=True)
    nats: NatsServer | None = None
    shards: list[Shard] = []
    kept = bool(options.data_dir)  # a run that failed keeps its temporary folder: the processes' logs are there
    try:
        keys_file = _keys(plan, folder / "keys")
        if options.nats_url:
            url = options.nats_url
        else:
            nats = NatsServer(store_dir=folder / "nats", monitor_port=free_port(), tied_to_parent=True).start()
            url = nats.url
        spec = {"shape": options.shape.to_json(), "nats_url": url, "prefix": f"sim{secrets.token_hex(3)}",
                "data_dir": str(folder / "nodes"), "keys_dir": str(folder / "keys"), "keys_file": str(keys_file)}
        started = time.time()
        shards = [Shard(i, offices, spec, folder) for i, offices in enumerate(assign(plan, options.shards))]
        say(bilingual("sim_building", offices=len(plan.offices), processes=len(shards)))
        run.ready = [_wait_for(shard, "ready", options.stall) for shard in shards]
        run.shard_offices = [len(shard.offices) for shard in shards]
        run.ready_s = time.time() - started
        day_seconds = (plan.last - plan.first).total_seconds() + 3600
        factor = day_seconds / (options.day_minutes * 60)
        pace = Pace(plan.first, time.time() + 1.0, factor)
        run.wall_start, run.pace = pace.wall_start, pace
        for shard in shards:
            shard.send({"go": pace.to_json()})
        say(bilingual("sim_day_started", consultations=len(plan.consultations), factor=f"{factor:.0f}"))
        _follow(run, shards, nats, say)
        _finish(run, shards, nats, say)
        if nats is not None:
            run.nats["disk_mb"] = _disk_mb(folder / "nats")
            run.nats["cpu_s"] = _cpu_of(nats)
        kept = kept or bool(run.failure)
        return run
    except BaseException:
        kept = True
        raise
    finally:
        for shard in shards:
            shard.stop()
        if nats is not None:
            nats.stop()
        if kept and not options.data_dir:
            say(bilingual("sim_folder_kept", folder=folder))
        if not kept:
            shutil.rmtree(folder, ignore_errors=True)


def _finish(run: Run, shards: list[Shard], nats: NatsServer | None, say: Any) -> None:
    if nats is not None:  # while every node is still connected
        run.nats = nats_figures(nats)
    for shard in shards:  # nothing new is recorded from here: the counts settle once more, on what the logs hold
        shard.send({"quiet": True})
    if not run.failure:
        _follow(run, shards, nats, say, last=True)
    for shard in shards:
        shard.send({"stop": True})
    for shard in shards:
        done = _wait_for(shard, "done", run.options.stall)
        run.results.append(json.loads(Path(done["done"]).read_text(encoding="utf-8")))


def _follow(run: Run, shards: list[Shard], nats: NatsServer | None, say: Any, last: bool = False) -> None:
    """Until every consultation is closed, no answer is awaited, every chain is whole at the centre and nothing moved
    over three fresh reports from every process; or until nothing moved for `stall` seconds. `last`: the second time,
    once the run is quiet (the moments the report names are the first time's)."""
    expected = len(run.plan.consultations)
    last_change, last_key, steady = time.time(), None, 0
    fresh = set[int]()  # the processes that reported since the last steady look
    while True:
        fresh |= _read_progress(shards)
        if not all(s.progress for s in shards):
            continue
        now = time.time()
        sample, chains_whole = _sample([s.progress for s in shards], now - run.wall_start)
        closed = sample["closed"]
        if nats is not None and len(run.samples) % 5 == 0:
            sample["nats"] = nats_figures(nats)
        run.samples.append(sample)
        if closed == expected and run.last_closed_at is None and not last:
            run.last_closed_at = now - run.wall_start
        key = (closed, sample["sealed"], sample["received"], sample["awaiting"], sample["unsealed"])
        if key != last_key:
            last_change, last_key = now, key
        settled = (closed == expected and sample["awaiting"] == 0 and chains_whole and sample["links_down"] == 0
                   and sample["unsealed"] == 0)
        if not (settled and key == last_key):
            steady = 0
        elif len(fresh) == len(shards):
            steady, fresh = steady + 1, set()
        if len(run.samples) % 15 == 0:
            say("  " + bilingual("sim_progress", t=f"{sample['t']:.0f}", closed=closed, expected=expected,
                                 awaiting=sample["awaiting"], received=sample["received"], sealed=sample["sealed"]))
        if steady >= 3:
            if not last:
                run.settled_at = now - run.wall_start
            return
        if now - last_change > run.options.stall:
            run.failure = f"{bilingual('sim_stalled', seconds=f'{run.options.stall:.0f}')}: {sample}"
            return
        time.sleep(0.5)


def _read_progress(shards: list[Shard]) -> set[int]:
    """Each process's latest report; the processes that sent one."""
    reported = set()
    for shard in shards:
        while (message := shard.next(0.0 if shard.progress else 5.0)) is not None:
            if "progress" in message:
                shard.progress = message["progress"]
                reported.add(shard.index)
    return reported


def _sample(p: list[dict[str, Any]], t: float) -> tuple[dict[str, Any], bool]:
    """The processes' last reports added up, and whether every office's chain has reached the centre whole."""
    heads = {o: h for x in p for o, h in x["heads"].items()}
    received = {o: h for x in p for o, h in x["received"].items()}
    sample = {"t": t, "closed": sum(x["closed"] for x in p),
              "sealed": sum(h for o, h in heads.items() if o != CENTRE),
              "received": sum(received.get(o, 0) for o in heads if o != CENTRE),
              "awaiting": sum(x["awaiting"] for x in p), "errors": sum(x["errors"] for x in p),
              "dead_letters": sum(x["dead_letters"] for x in p), "rss_mb": [x["rss_mb"] for x in p],
              "cpu_s": [x["cpu_s"] for x in p], "links_down": sum(x["links_down"] for x in p),
              "unsealed": sum(x["unsealed"] for x in p)}  # events in an office's log its chain has yet to seal
    return sample, all(received.get(o, 0) == h for o, h in heads.items() if o != CENTRE)


def _wait_for(shard: Shard, what: str, stall: float) -> dict[str, Any]:
    deadline = time.time() + stall
    while time.time() < deadline:
        message = shard.next(1.0)
        if message is not None and what in message:
            return message
    raise RuntimeError(bilingual("sim_process_silent", index=shard.index, what=what, seconds=f"{stall:.0f}",
                                 log=shard.log.name))


def _keys(plan: Plan, folder: Path) -> Path:
    """Each office's Ed25519 audit key, and the file of their public keys every node reads (as deploy/ gives them)."""
    folder.mkdir(parents=True, exist_ok=True)
    keyring = Keyring()
    for office in plan.offices:
        keyring.add(office, OfficeKey.load_or_create(folder / office).public_key_b64)
    keys_file = folder / "audit-keys.toml"
    keys_file.write_text(keyring.dump(), encoding="utf-8")
    return keys_file


def nats_figures(server: NatsServer) -> dict[str, Any]:
    """The server's own figures: /varz (memory, CPU) and /jsz (streams, consumers, messages, bytes)."""
    base = f"http://{server.host}:{server.monitor_port}"
    try:
        with urllib.request.urlopen(f"{base}/varz", timeout=5) as r:
            varz = json.load(r)
        with urllib.request.urlopen(f"{base}/jsz", timeout=5) as r:
            jsz = json.load(r)
    except OSError as error:
        return {"error": str(error)}
    return {"rss_mb": varz.get("mem", 0) / 2**20, "cpu_pct": varz.get("cpu", 0.0),
            "connections": varz.get("connections", 0), "streams": jsz.get("streams", 0),
            "consumers": jsz.get("consumers", 0), "messages": jsz.get("messages", 0),
            "stored_mb": jsz.get("bytes", 0) / 2**20, "cpu_s": _cpu_of(server)}


def _cpu_of(server: NatsServer) -> float:
    process = server.process
    if process is None:
        return 0.0
    try:
        fields = Path(f"/proc/{process.pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _disk_mb(folder: Path) -> float:
    return sum(f.stat().st_size for f in folder.rglob("*") if f.is_file()) / 2**20
