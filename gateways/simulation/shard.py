"""One process of `helpdesk simulate`: many offices' nodes (memory stores), each with its own follower, read models,
audit chain and NATS link (relay, consumer, audit shipping; the centre's audit receiver), and the desks that use
them. Talks to the coordinator in JSON lines: it says `ready`, takes `go` (the day's pace), reports `progress` every
second, takes `quiet` (the desks stop and the watchers look no more, so nothing new is recorded while the last entries
reach the centre), then `stop`, writes what its logs hold to the result file and says `done`.

    python -m gateways.simulation.shard <spec.json>
"""

from __future__ import annotations

import asyncio
import json
import resource
import sys
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from pathlib import Path
from typing import Any

import structlog

from gateways.bootstrap import build_node
from gateways.config import load_settings
from gateways.nats.audit import AuditParts
from gateways.nats.link import NatsLink
from gateways.nats.topology import topology_of
from gateways.passwords import Argon2Hasher
from gateways.simulation.agents import PASSWORD, Day, Desk, Records, staff, take_cases, watch_answers
from gateways.simulation.checks import log_facts, own_head, received_heads, verify_chains
from gateways.simulation.pace import Pace
from gateways.simulation.plan import CENTRE, Plan, Shape, make_plan

IDLE_POLL = 5.0  # the relay's, follower's and audit shipper's fallback poll: saves wake them at once anyway
THREADS = 4  # the default executor's threads: the desks' commands and the links' store work share them
COALESCE = 0.5  # seconds a follower waits after a save before it catches up
WATCH_EVERY = 15.0  # wall seconds between two looks of a node's watchers


class Clock:
    """Every node's clock: before `go`, the plan's first moment less half an hour, ticking with the wall."""

    def __init__(self, plan: Plan) -> None:
        self.pace = Pace(plan.first - timedelta(minutes=30), time.time(), 1.0)

    def __call__(self) -> Any:
        return self.pace.now()


def _every(seconds: float, action: Callable[[], None] | None, quiet: threading.Event) -> Callable[[], None] | None:
    if action is None:
        return None
    last = [0.0]

    def throttled() -> None:
        if not quiet.is_set() and time.monotonic() - last[0] >= seconds:
            last[0] = time.monotonic()
            action()

    return throttled


class Office:
    """One office's node in this process and its link, which a cut stops and starts again."""

    def __init__(self, office: str, spec: dict[str, Any], plan: Plan, clock: Clock, quiet: threading.Event) -> None:
        self.office = office
        self.settings = load_settings(
            {}, node_id=office, database="memory", data_dir=str(Path(spec["data_dir"]) / office),
            nats_url=spec["nats_url"], nats_prefix=spec["prefix"], audit_key_file=str(Path(spec["keys_dir"]) / office),
            audit_keys_file=spec["keys_file"], child_nodes=",".join(plan.children(office)),
        )
        # Argon2 at its lightest: the run registers each office's staff (their accounts open every office's chain, as
        # on a real node) and never checks a password, so hashing 1,100 of them at full cost would only slow the start.
        self.node = build_node(self.settings, clock=clock, hasher=Argon2Hasher(time_cost=1, memory_cost=1024))
        self.node.follower.poll_seconds = IDLE_POLL
        # Hundreds of followers share this process's interpreter: each waits a moment after a save for the saves made
        # with it, so a catch-up applies many events at once (queries catch up themselves before reading anyway).
        self.node.follower.coalesce_seconds = COALESCE
        # The watchers (SOP thresholds, monitoring reports, reminders) look at most every 15 s of the node's clock,
        # which runs ~50× fast here: held to once per WATCH_EVERY wall seconds, as on a real day. Once the run is quiet
        # they look no more: past the day's end they would record alerts the centre's count could not wait for.
        self.node.follower.after_catch_up = _every(WATCH_EVERY, self.node.follower.after_catch_up, quiet)
        for username, role in staff(office):
            self.node.accounts.register_user(username, f"{role.value} (simulasi)", role, office, PASSWORD,
                                             actor="simulate")
        self.link: NatsLink | None = None
        self.cuts = 0
        self.down_since: float | None = None

    def desk(self, wake: asyncio.Event) -> Desk:
        loop = asyncio.get_running_loop()
        self.node.helpdesk.listeners.append(lambda: loop.call_soon_threadsafe(wake.set))
        return Desk(self.office, self.node.helpdesk, self.node.escalations.inbox, wake)

    async def start_link(self) -> None:
        self.link = NatsLink(self.settings.nats_url, topology_of(self.settings), self.node.helpdesk, IDLE_POLL,
                             audit=AuditParts(self.node.store, self.node.keyring), key=self.node.audit_key,
                             keyring=self.node.keyring, audit_poll=1.0)
        link, loop = self.link, asyncio.get_running_loop()
        self._wake: Callable[[], Any] = lambda: loop.call_soon_threadsafe(link.wake.set)
        self.node.helpdesk.listeners.append(self._wake)
        await self.link.start()

    async def stop_link(self) -> None:
        if self.link is not None:
            self.node.helpdesk.listeners.remove(self._wake)
            await self.link.stop()
            self.link = None

    @property
    def dead_letters(self) -> int:
        return self.link.status.dead_letters if self.link else 0


class Shard:
    def __init__(self, spec: dict[str, Any]) -> None:
        self.spec = spec
        self.plan = make_plan(Shape.from_json(spec["shape"]))
        self.clock = Clock(self.plan)
        self.quiet = threading.Event()
        self.offices = {o: Office(o, spec, self.plan, self.clock, self.quiet) for o in spec["offices"]}
        self.records = Records()
        self.stopping = asyncio.Event()
        self.commands: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        self.dead_letters_before_cuts = 0

    async def run(self) -> None:
        loop = asyncio.get_running_loop()
        loop.set_default_executor(ThreadPoolExecutor(THREADS, thread_name_prefix="sim"))
        threading.Thread(target=self._read_commands, args=(loop,), daemon=True).start()
        for office in self.offices.values():
            office.node.follower.start()
            await office.start_link()
        while not all(o.link is not None and o.link.status.streams_ready for o in self.offices.values()):
            await asyncio.sleep(0.2)
        say({"ready": len(self.offices), "rss_mb": rss_mb(), "cpu_s": cpu_seconds()})
        go = await self.commands.get()
        self.clock.pace = Pace.from_json(go["go"])
        desks = {o: office.desk(asyncio.Event()) for o, office in self.offices.items()}
        taking_part = set(self.plan.regencies)
        regencies = {o: d for o, d in desks.items() if o in taking_part}
        upper = [d for o, d in desks.items() if o not in regencies]
        background = [asyncio.create_task(watch_answers(d, self.stopping)) for d in regencies.values()]
        background += [asyncio.create_task(take_cases(d, self.plan, self.clock.pace, self.records, self.stopping))
                       for d in upper]
        background += [asyncio.create_task(self._cut(c.office, c.start, c.minutes))
                       for c in self.plan.cuts if c.office in self.offices]
        report = asyncio.create_task(self._report())
        day = asyncio.create_task(Day(self.plan, self.clock.pace, regencies, self.records).play())
        await self.commands.get()  # quiet: the coordinator saw every count settle
        self.quiet.set()
        self.stopping.set()
        day.cancel()
        for task in background:
            task.cancel()
        await asyncio.gather(day, *background, return_exceptions=True)
        await self.commands.get()  # stop: every count settled again with nothing new recorded
        report.cancel()
        await asyncio.gather(report, return_exceptions=True)
        result = await asyncio.to_thread(self._result)
        for office in self.offices.values():
            await office.stop_link()
            office.node.close()
        Path(self.spec["result_file"]).write_text(json.dumps(result), encoding="utf-8")
        say({"done": self.spec["result_file"]})

    async def _cut(self, office_id: str, start: Any, minutes: int) -> None:
        office, pace = self.offices[office_id], self.clock.pace
        await asyncio.sleep(max(0.0, pace.wall(start) - time.time()))
        await office.stop_link()
        office.cuts += 1
        office.down_since = time.time()
        try:
            await asyncio.sleep(pace.wall_seconds(minutes))
        finally:  # a cut the run's end cancels still gives the link back: the last entries must reach the centre
            await office.start_link()
            office.down_since = None

    async def _report(self) -> None:
        centre = self.offices.get(CENTRE)
        while True:
            await asyncio.sleep(1.0)
            heads, logged = await asyncio.to_thread(self._heads)
            received = await asyncio.to_thread(received_heads, centre.node.store) if centre else {}
            say({"progress": {
                "closed": self.records.closed, "errors": len(self.records.errors),
                "awaiting": sum("forwarded" in s and "answer_back" not in s for s in self.records.stages.values()),
                "heads": heads, "received": received, "unsealed": sum(logged[o] - heads[o] for o in heads),
                "links_down": sum(o.link is None for o in self.offices.values()),
                "dead_letters": sum(o.dead_letters for o in self.offices.values()),
                "rss_mb": rss_mb(), "cpu_s": cpu_seconds(),
            }})

    def _heads(self) -> tuple[dict[str, int], dict[str, int]]:
        """Per office, its chain's head and its log's newest event: the chain seals every event, so they meet."""
        return ({o: own_head(x.node.store, o) for o, x in self.offices.items()},
                {o: x.node.helpdesk.check_database() for o, x in self.offices.items()})

    def _result(self) -> dict[str, Any]:
        centre = self.offices.get(CENTRE)
        return {
            "offices": {o: {"log": log_facts(x.node.helpdesk), "head": own_head(x.node.store, o), "cuts": x.cuts}
                        for o, x in self.offices.items()},
            "stages": self.records.stages, "errors": self.records.errors,
            "verify": verify_chains(centre.node.projections, CENTRE, centre.node.keyring) if centre else None,
            "rss_mb": rss_mb(), "cpu_s": cpu_seconds(),
        }

    def _read_commands(self, loop: asyncio.AbstractEventLoop) -> None:
        for line in sys.stdin:
            if line.strip():
                loop.call_soon_threadsafe(self.commands.put_nowait, json.loads(line))


def say(message: dict[str, Any]) -> None:
    sys.stdout.write(json.dumps(message) + "\n")
    sys.stdout.flush()


def rss_mb() -> float:
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def main(argv: list[str]) -> int:
    # The nodes' own log lines (a link cut and back, hundreds of times) would drown the coordinator's terminal.
    # Stdout carries the JSON lines to the coordinator: whatever a node logs goes to stderr (the shard's log file).
    structlog.configure(wrapper_class=structlog.make_filtering_bound_logger(30),
                        logger_factory=structlog.PrintLoggerFactory(file=sys.stderr))
    spec = json.loads(Path(argv[0]).read_text(encoding="utf-8"))
    asyncio.run(Shard(spec).run())
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
