"""The people of the simulated day at offices that run as real `helpdesk serve` processes: the same SOP script
(C.a–C.d) and the same routes as agents.py plays in-process, here over each node's JSON HTTP API with bearer tokens,
as a browser or another client would. Wall moments go into the same `Records`, under the same stage names."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx

from domain.consultation import Status
from domain.escalation import CaseStatus
from domain.script import script_of
from gateways.simulation.agents import BASES, COMMISSIONER, DESK, UPPER_DESK, Day, Records, photo, words
from gateways.simulation.pace import Pace
from gateways.simulation.plan import CENTRE, Plan, Planned, Route, tag_of

API_BASES = [{"kind": kind, "reference": reference} for kind, reference in BASES]
POLL = 0.3  # seconds between looks at a consultation waiting for its answer, and at an upper office's inbox
REQUEST_TIMEOUT = 120.0  # a node on a busy 2-core machine answers late, never not at all


class StepRefused(RuntimeError):
    """The node answered a step with an error status."""


class Api:
    """One node's HTTP API, signed in as each of the simulation's staff there."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.client = httpx.AsyncClient(base_url=url, timeout=REQUEST_TIMEOUT)
        self.headers: dict[str, dict[str, str]] = {}

    async def login(self, username: str, password: str) -> None:
        response = await self.client.post("/api/auth/login", json={"username": username, "password": password})
        if response.status_code != 201:
            raise StepRefused(f"{self.url} login {username}: {response.status_code} {response.text[:300]}")
        self.client.cookies.clear()  # bearer tokens only: each request says who makes it
        self.headers[username] = {"Authorization": f"Bearer {response.json()['token']}"}

    async def get(self, who: str, path: str) -> Any:
        return self._checked(path, await self.client.get(path, headers=self.headers[who]))

    async def post(self, who: str, path: str, body: dict[str, Any] | None = None,
                   files: dict[str, Any] | None = None) -> Any:
        if files is not None:
            response = await self.client.post(path, headers=self.headers[who], files=files)
        else:
            response = await self.client.post(path, headers=self.headers[who], json=body or {})
        return self._checked(path, response)

    @staticmethod
    def _checked(path: str, response: httpx.Response) -> Any:
        if response.status_code >= 400:
            raise StepRefused(f"{path}: {response.status_code} {response.text[:300]}")
        return response.json()

    async def close(self) -> None:
        await self.client.aclose()


class HttpDay(Day):
    """Plays the plan's regency consultations at their moments (agents.Day's timing), each through the regency
    node's API."""

    def __init__(self, plan: Plan, pace: Pace, apis: dict[str, Api], records: Records, stopping: asyncio.Event
                 ) -> None:
        super().__init__(plan, pace, apis, records)  # type: ignore[arg-type] - the desks here are APIs
        self.stopping = stopping

    async def _script(self, planned: Planned, api: Api) -> None:  # type: ignore[override]
        gaps = iter(planned.gaps)
        n = planned.number
        consultee = {"name": f"Penghubung {planned.tag}", "party_number": 1 + n % 17, "phone": f"0812{n:08d}",
                     "email": f"penghubung{n}@partai.example"}
        opened = await api.post(DESK, "/api/consultations", {"channel": planned.channel.value, "consultee": consultee})
        path = f"/api/consultations/{opened['id']}"
        self.records.mark(planned.tag, "opened")
        steps: list[tuple[str, str, dict[str, Any]]] = [
            (DESK, "problem", {"text": words("problem", tag=planned.tag)}),
            (DESK, "restatement", {"text": words("restated", tag=planned.tag)}),
            (DESK, "confirmation", {}),
        ]
        if planned.route is Route.DESK:
            steps.append((DESK, "answer", {"text": words("desk_answer"), "bases": API_BASES}))
        else:
            steps.append((DESK, "handover", {"reason": words("reason")}))
        if planned.route is Route.COMMISSIONER:
            steps.append((COMMISSIONER, "answer", {"text": words("commissioner_answer"), "bases": API_BASES}))
        for who, step, body in steps:
            await self._gap(gaps)
            await api.post(who, f"{path}/{step}", body)
        if planned.route.escalated:
            await self._gap(gaps)
            await api.post(COMMISSIONER, f"{path}/forwarding", {"note": words("forward_note", tag=planned.tag)})
            self.records.mark(planned.tag, "forwarded")
            await self._answered(api, path)
            self.records.mark(planned.tag, "answer_back")
        await self._finish(planned, api, path, gaps)

    async def _answered(self, api: Api, path: str) -> None:
        """Looks at the consultation until the answer from above has arrived (the node applied it)."""
        while not self.stopping.is_set():
            if (await api.get(DESK, path))["status"] == Status.ANSWERED.value:
                return
            await asyncio.sleep(POLL)
        raise asyncio.CancelledError

    async def _finish(self, planned: Planned, api: Api, path: str, gaps: Any) -> None:  # type: ignore[override]
        await self._gap(gaps)
        await api.post(DESK, f"{path}/understanding", {"understood": True})
        await self._gap(gaps)
        await api.post(DESK, f"{path}/report-entry")
        if script_of(planned.channel).documentation_required:
            stored = await api.post(DESK, "/api/files", files={"file": ("foto.png", photo(planned), "image/png")})
            await api.post(DESK, f"{path}/documentation",
                           {"kind": "photo", "storage_key": stored["storage_key"], "sha256": stored["sha256"]})
        await api.post(DESK, f"{path}/closure")
        self.records.mark(planned.tag, "closed")
        self.records.closed += 1


async def take_cases(office: str, api: Api, plan: Plan, pace: Pace, records: Records, stopping: asyncio.Event
                     ) -> None:
    """At the province or the centre: the desk looks at its inbox; each case received from below is accepted, then
    forwarded on (the plan's route says the centre) or answered, a few simulated minutes later."""
    taken: set[str] = set()
    pending: set[asyncio.Task[None]] = set()
    while not stopping.is_set():
        try:
            items = await api.get(UPPER_DESK, "/api/escalations/inbox")
        except (httpx.HTTPError, StepRefused):  # a node slow to answer (its hub restarting): looked at again
            items = []
        for item in items:
            if item["kind"] != "case" or item["status"] != CaseStatus.RECEIVED.value or item["id"] in taken:
                continue
            taken.add(item["id"])
            task = asyncio.create_task(_take(office, api, item, plan, pace, records))
            pending.add(task)
            task.add_done_callback(pending.discard)
        await asyncio.sleep(POLL)


async def _take(office: str, api: Api, item: dict[str, Any], plan: Plan, pace: Pace, records: Records) -> None:
    tag = tag_of(item["problem"]) or "?"
    at = "centre" if office == CENTRE else "province"
    records.mark(tag, f"{at}_received")
    planned = plan.by_tag.get(tag)
    path = f"/api/escalations/cases/{item['id']}"
    try:
        if planned is None:
            raise LookupError(f"a case not in the plan: {item['problem']!r}")
        await api.post(UPPER_DESK, f"{path}/acceptance")
        await asyncio.sleep(pace.wall_seconds(planned.gaps[-1]))
        if at == "province" and planned.route is Route.CENTRE:
            await api.post(UPPER_DESK, f"{path}/forwarding", {"note": words("case_forward_note", tag=tag)})
            records.mark(tag, "province_forwarded")
        else:
            await api.post(UPPER_DESK, f"{path}/answer", {"text": words("case_answer", office=office),
                                                         "bases": API_BASES})
            records.mark(tag, f"{at}_answered")
    except Exception as error:  # noqa: BLE001 - reported with the run's findings
        records.errors.append(f"{office} {tag}: {type(error).__name__}: {error}")
