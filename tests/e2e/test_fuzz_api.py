"""Fuzzing every node's API with schemathesis (issue 6): whatever a logged-in caller sends, 0 responses are 5xx.

Each tier — a regency (kab-16.13), its province (prov-16) and the centre (pusat) — is a memory node whose own
OpenAPI document (`/schema/openapi.json`) drives the generation. Before fuzzing, the three offices get records a
generated request can hit: consultations at the regency, an escalation case forwarded up by hand-carried messages
(tests/support/by_hand.py), a submitted daily recap and a periodic report, a staff account to deactivate. Path
parameters name those records as well as generated values (a random UUID simply answers 404).

Every request carries a bearer token. Each operation is fuzzed as the first role its route lets through, in the
order Ketua Helpdesk (accounts, reports, the audit trail, every read), Anggota Helpdesk (the consultation script,
escalated cases: the write endpoints), Anggota KPU (forwarding what the desk handed over), Koordinator Harian (the
roster, the groups), Koordinator (evaluations of the service); a role the route's guard
refuses costs a request or two. Every operation gets valid data, then data schemathesis makes invalid on purpose,
with a fixed seed (CI sends the same requests every run) and at most FUZZ_EXAMPLES cases each
(HELPDESK_FUZZ_EXAMPLES=200 digs deeper locally; the default keeps the file near a minute).
Only server errors fail the test; undocumented 4xx answers (401, 403, 404, 409, 422, 429 from the login rate
limit…) are the API refusing, which is the point.
"""

from __future__ import annotations

import os
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from uuid import UUID

import hypothesis
import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given
from hypothesis import strategies as st
from hypothesis.errors import Unsatisfiable
from litestar import Litestar
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import FailureGroup
from schemathesis.python.asgi import ASGIClient, get_client, shutdown_lifespans

from domain.casefile import case_id
from domain.roles import Role
from gateways.app import create_app
from gateways.bootstrap import Node
from gateways.config import Settings
from gateways.edge.tokens import issue_token
from tests.conftest import FakeClock, settings_for
from tests.support.by_hand import deliver

TIERS = ("kab-16.13", "prov-16", "pusat")
PASSWORD = "kata-sandi-uji-123"
DAY = "2024-07-29"  # the fake clock's day (WIB)
FUZZ_EXAMPLES = int(os.environ.get("HELPDESK_FUZZ_EXAMPLES", "25"))
SEED = 20240729
# Each operation is fuzzed as the first of these its route lets through: the Ketua Helpdesk (accounts, reports,
# the audit trail, everything read), the Anggota Helpdesk (the consultation script, escalated cases), the
# commissioner (what the desk handed over), the Koordinator Harian (the messaging groups' register).
ROLES = (Role.KETUA_HELPDESK, Role.ANGGOTA_HELPDESK, Role.ANGGOTA_KPU, Role.KOORDINATOR_HARIAN, Role.KOORDINATOR)


@dataclass
class Office:
    """One tier seen from outside: its app, an in-process client, the accounts of the test and known records."""

    node: Node
    app: Litestar
    client: ASGIClient
    users: dict[Role, UUID] = field(default_factory=dict)
    tokens: dict[Role, tuple[int, str]] = field(default_factory=dict)
    known: dict[str, list[str]] = field(default_factory=dict)

    @property
    def office(self) -> str:
        return self.node.office.value

    def login(self, role: Role) -> dict[str, str]:
        """Registers an account with `role` here and logs it in through the API (once per role)."""
        if role not in self.users:
            username = f"{role.value.replace('_', '-')}-{self.office.replace('.', '-')}"
            self.users[role] = self.node.accounts.register_user(username, f"Petugas {role.value}", role, self.office,
                                                                PASSWORD, "test")
            response = self.client.post("/api/auth/login", json={"username": username, "password": PASSWORD})
            assert response.status_code == 201, response.text
            self.client.cookies.clear()  # bearer tokens only, as an API client
            self.tokens[role] = (self.node.accounts.session_state(self.users[role])[1], response.json()["token"])
        return self.bearer(role)

    def bearer(self, role: Role) -> dict[str, str]:
        """The caller's bearer token; a new one (as a new login would give) when a fuzzed logout ended it."""
        user, generation = self.node.accounts.session_state(self.users[role]) or (None, -1)
        assert user is not None and user.active, f"the {role.value} account was lost to the fuzzer"
        if self.tokens[role][0] != generation:
            token, _ = issue_token(self.node.secret_key, user.id, generation, self.node.clock(),
                                   self.node.settings.session_hours)
            self.tokens[role] = (generation, token)
        return {"Authorization": f"Bearer {self.tokens[role][1]}"}

    def post(self, path: str, headers: dict[str, str], body: dict | None = None, status: int = 200) -> Any:
        response = self.client.post(path, headers=headers, json=body or {})
        assert response.status_code == status, f"{path}: {response.text}"
        return response.json()


@pytest.fixture
def offices(open_node: Callable[[Settings], Node], tmp_path: Path, clock: FakeClock) -> Iterator[dict[str, Office]]:
    """The three tiers, each a memory node behind its own app, with records the fuzzer can find."""
    built: dict[str, Office] = {}
    try:
        for node_id in TIERS:
            node = open_node(settings_for("memory", tmp_path / node_id, node_id=node_id))
            app = create_app(node)
            client = get_client(app).__enter__()  # starts the app's lifespan (the projection follower)
            built[node_id] = Office(node, app, client)
        _seed(built, clock)
        yield built
    finally:
        for office in built.values():
            office.client.close()
        shutdown_lifespans()  # before open_node closes the nodes


def _seed(offices: dict[str, Office], clock: FakeClock) -> None:
    kab, prov, pusat = (offices[t] for t in TIERS)
    desk, commissioner = kab.login(Role.ANGGOTA_HELPDESK), kab.login(Role.ANGGOTA_KPU)
    consultee = {"name": "Hendra Saputra", "party_number": 5, "email": "hendra@example.org"}

    # At the regency: one consultation with its problem heard, one handed to the commissioner and forwarded up.
    heard = kab.post("/api/consultations", desk, {"channel": "walk_in", "consultee": consultee}, 201)["id"]
    kab.post(f"/api/consultations/{heard}/problem", desk, {"text": "Lupa kata sandi akun SIPOL."})
    up = kab.post("/api/consultations", desk, {"channel": "email", "consultee": consultee}, 201)["id"]
    for path, body in [("problem", {"text": "Anggota ganda dengan partai lain."}),
                       ("restatement", {"text": "Jadi anggota tercatat ganda?"}), ("confirmation", {}),
                       ("handover", {"reason": "Tidak tercakup FAQ Sipol."})]:
        clock.advance(minutes=2)
        kab.post(f"/api/consultations/{up}/{path}", desk, body)
    kab.post(f"/api/consultations/{up}/forwarding", commissioner, {"note": "Mohon arahan provinsi."})

    # The province accepts the case and forwards it to the centre, where it waits for someone to accept it.
    case = str(case_id(kab.office, UUID(up)))
    assert deliver(kab.node, prov.node) > 0
    prov_desk = prov.login(Role.ANGGOTA_HELPDESK)
    prov.post(f"/api/escalations/cases/{case}/acceptance", prov_desk)
    prov.post(f"/api/escalations/cases/{case}/forwarding", prov_desk, {"note": "Perlu tafsir pusat."})
    assert deliver(prov.node, pusat.node) > 0
    deliver(pusat.node, prov.node)
    deliver(prov.node, kab.node)

    for office in offices.values():
        office.login(Role.KETUA_HELPDESK)
        office.login(Role.ANGGOTA_HELPDESK)
        office.login(Role.ANGGOTA_KPU)
        office.login(Role.KOORDINATOR_HARIAN)
        office.login(Role.KOORDINATOR)
        # A submitted daily recap (Sekretaris) and periodic report (Ketua): their versions can be read and corrected.
        office.post(f"/api/reports/rekapitulasi_harian/{DAY}/{DAY}", office.login(Role.SEKRETARIS_HELPDESK),
                    status=201)
        office.post(f"/api/reports/laporan_berkala/{DAY}/{DAY}", office.bearer(Role.KETUA_HELPDESK), status=201)
        staff = office.node.accounts.register_user(f"staf-{office.office.replace('.', '-')}", "Staf Lain",
                                                   Role.KOORDINATOR, office.office, PASSWORD, "test")
        office.known = {
            "consultation_id": [heard, up] if office is kab else [up],
            "case_id": [case],
            "user_id": [str(staff)],
        }


def _known_paths(office: Office, parameters: set[str]) -> list[dict[str, Any]]:
    """Path parameters that name records of this office, for an operation whose path has `parameters`."""
    if parameters & {"kind", "start", "end"}:
        found = [{"kind": kind, "start": DAY, "end": DAY} for kind in ("rekapitulasi_harian", "laporan_berkala")]
        return [dict(p, version=1) for p in found] if "version" in parameters else found
    return [{name: value} for name in parameters & office.known.keys() for value in office.known[name]]


@dataclass
class Tally:
    calls: int = 0
    statuses: Counter = field(default_factory=Counter)
    fuzzed_as: Counter = field(default_factory=Counter)
    server_errors: list[str] = field(default_factory=list)


class Refused(Exception):
    """The route's guard refuses the role (403 `forbidden`, whatever the request): fuzz it as the next role."""


def _run(office: Office, role: Role, operation: Any, mode: GenerationMode, tally: Tally) -> Counter:
    """Fuzzes one operation as `role` in one generation mode; returns the statuses it got."""
    statuses: Counter = Counter()
    strategies = [operation.as_strategy(mode)]
    if mode is GenerationMode.POSITIVE:
        parameters = {p.name for p in operation.path_parameters}
        strategies += [operation.as_strategy(mode, path_parameters=known)
                       for known in _known_paths(office, parameters)]

    # The seed decides what is generated (it wins over derandomize, which says the same: no randomness).
    @hypothesis.settings(max_examples=FUZZ_EXAMPLES, deadline=None, derandomize=True, database=None,
                         phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck),
                         print_blob=False, verbosity=hypothesis.Verbosity.quiet)
    @hypothesis.seed(SEED)
    @given(case=st.one_of(strategies))
    def send(case: schemathesis.Case) -> None:
        # The token is read for every request: a fuzzed logout ends it, and the next request gets a new one.
        response = case.call(headers=office.bearer(role))
        tally.calls += 1
        tally.statuses[response.status_code] += 1
        statuses[response.status_code] += 1
        try:
            case.validate_response(response, checks=[not_a_server_error])
        except FailureGroup as failure:
            tally.server_errors.append(f"[{office.office} as {role.value}] {failure}")
        if response.status_code == 403 and response.json().get("code") == "forbidden" and set(statuses) == {403}:
            raise Refused

    try:
        send()
    except Unsatisfiable:
        # Nothing of this operation can be made invalid (no body, no constrained parameter).
        assert mode is GenerationMode.NEGATIVE, operation.label
    return statuses


def _fuzz(office: Office, operations: list, tally: Tally) -> None:
    """Each operation with valid then invalid data, as the first of ROLES that may take it (a role whose every
    request is refused with 403 hands it to the next)."""
    for operation in operations:
        for role in ROLES:
            try:
                statuses = _run(office, role, operation, GenerationMode.POSITIVE, tally)
            except Refused:
                continue
            if set(statuses) == {403} and role is not ROLES[-1]:
                continue
            _run(office, role, operation, GenerationMode.NEGATIVE, tally)
            tally.fuzzed_as[role.value] += 1
            break


@pytest.mark.parametrize("tier", TIERS)
def test_no_generated_request_gets_a_server_error(offices: dict[str, Office], tier: str) -> None:
    office = offices[tier]
    schema = schemathesis.openapi.from_asgi("/schema/openapi.json", office.app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 45, [op.label for op in operations]  # the whole JSON API, none of the pages
    assert not [op.label for op in operations if not op.path.startswith(("/api/", "/health"))]

    tally = Tally()
    started = time.monotonic()
    _fuzz(office, operations, tally)
    elapsed = time.monotonic() - started

    report = (f"{tier}: {tally.calls} requests in {elapsed:.1f} s, operations fuzzed as {dict(tally.fuzzed_as)}, "
              f"statuses {dict(sorted(tally.statuses.items()))}")
    print(report)
    assert not tally.server_errors, report + "\n\n" + "\n\n".join(tally.server_errors)
    assert tally.calls > 1000, report
    assert sum(tally.fuzzed_as.values()) == len(operations), report
    assert set(tally.fuzzed_as) == {r.value for r in ROLES}, report  # each pass reached operations of its own
    # The fuzzer got past the guards and the validation: records were read and steps were taken.
    assert tally.statuses[200] > 100 and tally.statuses[201] > 0, report
    assert tally.statuses[409] + tally.statuses[422] > 0, report
