"""The people of the simulated day: each regency's desk and commissioner taking their consultations through the SOP
script (C.a–C.d) at the planned moments, and each province's and the centre's desk taking the cases that arrive
from below. They call the same Helpdesk commands the app's handlers call, off the event loop, as the handlers do;
what they saw and when (wall time) goes into `Records`, from which the coordinator reads the latencies."""

from __future__ import annotations

import asyncio
import io
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from uuid import UUID

from PIL import Image

from domain.consultation import Status
from domain.escalation import CaseStatus
from domain.roles import Role
from domain.script import script_of
from gateways.messages import message
from gateways.simulation.pace import Pace
from gateways.simulation.plan import CENTRE, Plan, Planned, Route, tag_of
from services.consultations import IdentityInput

BASES = [("pkpu", "PKPU 4/2022 Pasal 12"), ("faq_sipol", "FAQ Sipol no. 7")]
DESK, COMMISSIONER, UPPER_DESK = "petugas.sim", "komisioner.sim", "petugas.atas"
PASSWORD = "sipol-simulasi-2024"


def words(what: str, **values: object) -> str:
    """What the simulated staff type, from the catalogue (`sim_text_<what>`), in Bahasa Indonesia as they would."""
    return message(f"sim_text_{what}", **values)


def staff(office: str) -> list[tuple[str, Role]]:
    """The simulation's accounts: at a regency its desk and its commissioner, above the desk that takes cases."""
    if office.startswith(("kab-", "kota-")):
        return [(DESK, Role.ANGGOTA_HELPDESK), (COMMISSIONER, Role.ANGGOTA_KPU)]
    return [(UPPER_DESK, Role.ANGGOTA_HELPDESK)]


@dataclass
class Records:
    """Wall moments per consultation tag and stage, and what failed (an exception in a step is a finding)."""

    stages: dict[str, dict[str, float]] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    closed: int = 0

    def mark(self, tag: str, stage: str) -> None:
        self.stages.setdefault(tag, {})[stage] = time.time()


@dataclass
class Desk:
    """One office's node as its staff use it: the Helpdesk, its inbox query, and a wake-up on every save."""

    office: str
    helpdesk: Any  # services.helpdesk.Helpdesk
    inbox: Callable[[str], list[Any]]  # EscalationQueries.inbox
    wake: asyncio.Event
    awaiting: dict[UUID, asyncio.Future[float]] = field(default_factory=dict)  # answers expected from above
    taken: set[UUID] = field(default_factory=set)  # cases from below already picked up

    async def run(self, method: str, *args: Any, **kwargs: Any) -> Any:
        return await asyncio.to_thread(getattr(self.helpdesk, method), self.office, *args, **kwargs)


class Day:
    """Plays the plan's consultations of the desks given, at their moments."""

    def __init__(self, plan: Plan, pace: Pace, desks: dict[str, Desk], records: Records) -> None:
        self.plan, self.pace, self.desks, self.records = plan, pace, desks, records
        self.tasks: set[asyncio.Task[None]] = set()

    async def play(self) -> None:
        """Starts each consultation at its wall moment; returns when every one of them is closed."""
        mine = [c for c in self.plan.consultations if c.office in self.desks]
        for planned in mine:
            delay = self.pace.wall(planned.at) - time.time()
            if delay > 0:
                await asyncio.sleep(delay)
            task = asyncio.create_task(self.serve(planned), name=planned.tag)
            self.tasks.add(task)
            task.add_done_callback(self.tasks.discard)
        while self.tasks:
            await asyncio.gather(*list(self.tasks))

    async def serve(self, planned: Planned) -> None:
        try:
            await self._script(planned, self.desks[planned.office])
        except Exception as error:  # noqa: BLE001 - a refused step is a finding of the run, reported, not a crash
            self.records.errors.append(f"{planned.tag}: {type(error).__name__}: {error}")

    async def _script(self, planned: Planned, desk: Desk) -> None:
        gaps = iter(planned.gaps)
        n = planned.number
        who = IdentityInput(name=f"Penghubung {planned.tag}", party_number=1 + n % 17, phone=f"0812{n:08d}",
                            email=f"penghubung{n}@partai.example")
        cid: UUID = await desk.run("open_consultation", planned.channel, who, DESK)
        self.records.mark(planned.tag, "opened")
        steps: list[tuple[str, tuple[Any, ...], dict[str, Any]]] = [
            ("record_problem", (cid, words("problem", tag=planned.tag), DESK), {}),
            ("restate_problem", (cid, words("restated", tag=planned.tag), DESK), {}),
            ("confirm_problem", (cid, DESK), {}),
        ]
        if planned.route is Route.DESK:
            steps.append(("answer_problem", (cid, words("desk_answer"), BASES, DESK),
                          {"role": Role.ANGGOTA_HELPDESK}))
        else:
            steps.append(("hand_to_commissioner", (cid, words("reason"), DESK), {}))
        for method, args, kwargs in steps:
            await self._gap(gaps)
            await desk.run(method, *args, **kwargs)
        if planned.route is Route.COMMISSIONER:
            await self._gap(gaps)
            await desk.run("answer_problem", cid, words("commissioner_answer"), BASES, COMMISSIONER,
                           role=Role.ANGGOTA_KPU)
        elif planned.route.escalated:
            await self._gap(gaps)
            answer: asyncio.Future[float] = asyncio.get_running_loop().create_future()
            desk.awaiting[cid] = answer
            await desk.run("forward_up", cid, words("forward_note", tag=planned.tag), COMMISSIONER)
            self.records.mark(planned.tag, "forwarded")
            self.records.stages[planned.tag]["answer_back"] = await answer
        await self._finish(planned, desk, cid, gaps)

    async def _finish(self, planned: Planned, desk: Desk, cid: UUID, gaps: Any) -> None:
        await self._gap(gaps)
        await desk.run("check_understanding", cid, True, DESK)
        await self._gap(gaps)
        await desk.run("log_in_report", cid, DESK)
        if script_of(planned.channel).documentation_required:
            key, digest = await asyncio.to_thread(desk.helpdesk.stored_files.put, photo(planned), "image/png")
            await desk.run("attach_documentation", cid, "photo", key, digest, DESK)
        await desk.run("close_consultation", cid, DESK)
        self.records.mark(planned.tag, "closed")
        self.records.closed += 1

    async def _gap(self, gaps: Any) -> None:
        await asyncio.sleep(self.pace.wall_seconds(next(gaps, 1)))


async def watch_answers(desk: Desk, stopping: asyncio.Event) -> None:
    """At a regency: on every save (an answer arriving from above is one), looks at the consultations waiting."""
    while not stopping.is_set():
        await _woken(desk.wake, stopping)
        for cid, future in list(desk.awaiting.items()):
            view = await asyncio.to_thread(desk.helpdesk.get_consultation, desk.office, cid)
            if view.status is Status.ANSWERED and not future.done():
                future.set_result(time.time())
                del desk.awaiting[cid]


async def take_cases(desk: Desk, plan: Plan, pace: Pace, records: Records, stopping: asyncio.Event) -> None:
    """At a province or the centre: each case received from below is accepted, then forwarded on (the plan's route
    says the centre) or answered, a few simulated minutes later."""
    pending: set[asyncio.Task[None]] = set()
    while not stopping.is_set():
        await _woken(desk.wake, stopping)
        for item in await asyncio.to_thread(desk.inbox, desk.office):
            if item.status != CaseStatus.RECEIVED.value or item.id in desk.taken:
                continue
            desk.taken.add(item.id)
            task = asyncio.create_task(_take(desk, item, plan, pace, records))
            pending.add(task)
            task.add_done_callback(pending.discard)


async def _take(desk: Desk, item: Any, plan: Plan, pace: Pace, records: Records) -> None:
    tag = tag_of(item.problem) or "?"
    at = "centre" if desk.office == CENTRE else "province"
    records.mark(tag, f"{at}_received")
    planned = plan.by_tag.get(tag)
    try:
        if planned is None:
            raise LookupError(f"a case not in the plan: {item.problem!r}")
        await desk.run("accept_case", item.id, UPPER_DESK)
        await asyncio.sleep(pace.wall_seconds(planned.gaps[-1]))
        if at == "province" and planned.route is Route.CENTRE:
            await desk.run("forward_case", item.id, words("case_forward_note", tag=tag), UPPER_DESK)
            records.mark(tag, "province_forwarded")
        else:
            await desk.run("answer_case", item.id, words("case_answer", office=desk.office), BASES, UPPER_DESK)
            records.mark(tag, f"{at}_answered")
    except Exception as error:  # noqa: BLE001 - reported with the run's findings
        records.errors.append(f"{desk.office} {tag}: {type(error).__name__}: {error}")


async def _woken(wake: asyncio.Event, stopping: asyncio.Event) -> None:
    """Waits for the next save (or 2 s), then a moment for the saves made with it."""
    try:
        await asyncio.wait_for(wake.wait(), 2.0)
    except TimeoutError:
        pass
    wake.clear()
    await asyncio.sleep(0.05)


def photo(planned: Planned) -> bytes:
    """The desk's photo of the meeting or the walk-in, other pixels per consultation (another file each)."""
    out = io.BytesIO()
    n = planned.number
    Image.new("RGB", (2, 2), ((n * 37) % 256, (n * 91) % 256, sum(map(ord, planned.office)) % 256)).save(out, "PNG")
    return out.getvalue()
