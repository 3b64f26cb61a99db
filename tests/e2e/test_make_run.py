"""`make run` for real: `helpdesk local` starts NATS and three nodes, serves logins, and stops cleanly on Ctrl-C."""

from __future__ import annotations

import asyncio
import os
import re
import signal
import socket
import subprocess
from collections.abc import Iterator
from pathlib import Path

import httpx
import nats
import nats.errors
import pytest

from gateways.cli.local import DEMO_PASSWORD
from gateways.natsserver import stop_process
from tests.support.ports import free_port_range
from tests.support.served import helpdesk_command
from tests.support.waiting import wait_until

pytestmark = pytest.mark.nats

EXPECTED = [("kab-16.13", "kabkota"), ("prov-16", "provinsi"), ("pusat", "pusat")]
# Bounds, not expectations: every wait below ends the moment its condition holds. Starting may go on as long as
# offices keep coming up (START_STALL without a new one fails it), a message between offices gets PASSAGE_BOUND,
# one request REQUEST_BOUND; a busy machine stretches each, none is near them on a quiet one.
START_STALL = 120.0
START_BOUND = 300.0
PASSAGE_BOUND = 120.0
REQUEST_BOUND = 60.0
STOP_TIMEOUT = 60.0


def listening(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return True
    except OSError:
        return False


@pytest.fixture
def local_run(tmp_path: Path) -> Iterator[tuple[subprocess.Popen[str], int]]:
    base = free_port_range()
    env = {k: v for k, v in os.environ.items() if k != "NATS_URL"}  # exercise the wheel's server, as `make run`
    process = subprocess.Popen(
        [*helpdesk_command(), "local", "--data-dir", str(tmp_path / "data"), "--base-port", str(base)],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    try:
        yield process, base
    finally:
        stop_process(process, signal.SIGINT, STOP_TIMEOUT)  # when the test failed before its own Ctrl-C


def wait_for_health(process: subprocess.Popen[str], ports: list[int]) -> dict[int, dict]:
    found: dict[int, dict] = {}
    with httpx.Client(timeout=5) as client:

        def all_healthy() -> bool:
            if process.poll() is not None:
                pytest.fail(f"helpdesk local exited with {process.returncode}:\n{process.stdout.read()}")
            for port in ports:
                if port in found:
                    continue
                try:
                    response = client.get(f"http://127.0.0.1:{port}/health")
                except httpx.TransportError:
                    continue
                if response.status_code == 200:
                    found[port] = response.json()
            return len(found) == len(ports)

        wait_until(all_healthy, what=f"/health answering 200 on all of {ports}", progress=lambda: len(found),
                   stall=START_STALL, limit=START_BOUND, poll=0.3, detail=lambda: f"answered on {sorted(found)}")
    return found


def test_make_run_starts_three_nodes_and_stops_on_ctrl_c(local_run: tuple[subprocess.Popen[str], int],
                                                         tmp_path: Path) -> None:
    process, base = local_run
    ports = [base, base + 1, base + 2]
    health = wait_for_health(process, ports)

    # Its NATS takes no anonymous login: each node logs in with its own key (tests/integration/test_local_nats_auth.py
    # tries one office's key against another's subjects).
    log = (tmp_path / "data" / "nats" / "nats-server.log").read_text()
    nats_url = re.search(r"Listening for client connections on ([\d.]+:\d+)", log).group(1)
    with pytest.raises(nats.errors.Error, match="Authorization Violation"):
        asyncio.run(nats.connect(f"nats://{nats_url}", connect_timeout=5, max_reconnect_attempts=0,
                                 allow_reconnect=False))

    for port, (node, tier) in zip(ports, EXPECTED, strict=True):
        assert (health[port]["node"], health[port]["tier"]) == (node, tier)
        assert health[port]["database"]["status"] == "ok"

    # The regency has a demo account for every SOP role; province and centre one desk officer each.
    logins = [(base, "ketua_helpdesk"), (base, "anggota_kpu"), (base + 1, "anggota_helpdesk"),
              (base + 2, "anggota_helpdesk")]
    for port, username in logins:
        response = httpx.post(f"http://127.0.0.1:{port}/api/auth/login",
                              json={"username": username, "password": DEMO_PASSWORD}, timeout=REQUEST_BOUND)
        assert response.status_code in (200, 201), response.text
        assert response.json()["token"]

    cid = escalate_across_the_three_offices(base)
    centre_holds_every_chain(base, cid)

    process.send_signal(signal.SIGINT)
    try:
        returncode = process.wait(STOP_TIMEOUT)
    except subprocess.TimeoutExpired:
        pytest.fail(f"helpdesk local did not stop within {STOP_TIMEOUT:.0f} s of SIGINT")
    output = process.stdout.read()
    assert returncode == 0, output
    nats_port = int(re.search(r"NATS: nats://[\d.]+:(\d+)", output).group(1))
    for port in [*ports, nats_port]:
        assert not listening(port), f"port {port} still answers after shutdown"
    assert "kab-16.13" in output and DEMO_PASSWORD in output


def escalate_across_the_three_offices(base: int) -> str:
    """Through the three offices' APIs, as their staff would: a question goes up from :base to the centre,
    and the centre's answer comes back to the regency consultation."""
    kab, prov, pusat = (f"http://127.0.0.1:{base + offset}" for offset in range(3))

    def as_user(url: str, username: str) -> httpx.Client:
        client = httpx.Client(base_url=url, timeout=REQUEST_BOUND)
        token = client.post("/api/auth/login", json={"username": username, "password": DEMO_PASSWORD}).json()["token"]
        client.cookies.clear()
        client.headers["Authorization"] = f"Bearer {token}"
        return client

    def ok(response: httpx.Response) -> dict:
        assert response.status_code in (200, 201), response.text
        return response.json()

    def waiting_for(read, what: str):  # noqa: ANN001, ANN202
        return wait_until(read, what=what, stall=PASSAGE_BOUND, poll=0.2)

    desk, commissioner = as_user(kab, "anggota_helpdesk"), as_user(kab, "anggota_kpu")
    consultation = ok(desk.post("/api/consultations", json={
        "channel": "messaging", "consultee": {"name": "Rahmat", "party_number": 5, "phone": "0812 7777 1234"}}))
    cid = consultation["id"]
    for path, body in [("problem", {"text": "Akun operator kecamatan tidak bisa dibuat."}),
                       ("restatement", {"text": "Jadi akun operator tingkat kecamatan gagal dibuat?"}),
                       ("confirmation", {}), ("handover", {"reason": "Tidak tercakup FAQ Sipol."})]:
        ok(desk.post(f"/api/consultations/{cid}/{path}", json=body))
    ok(commissioner.post(f"/api/consultations/{cid}/forwarding", json={"note": "Mohon arahan provinsi."}))

    province = as_user(prov, "anggota_helpdesk")
    item = waiting_for(lambda: province.get("/api/escalations/inbox").json(), "the case in the inbox on :8001")[0]
    case_id = item["id"]
    ok(province.post(f"/api/escalations/cases/{case_id}/acceptance", json={}))
    ok(province.post(f"/api/escalations/cases/{case_id}/forwarding", json={"note": "Perlu keputusan pusat."}))

    centre = as_user(pusat, "anggota_helpdesk")
    waiting_for(lambda: centre.get("/api/escalations/inbox").json(), "the case in the inbox on :8002")
    ok(centre.post(f"/api/escalations/cases/{case_id}/acceptance", json={}))
    ok(centre.post(f"/api/escalations/cases/{case_id}/answer", json={
        "text": "Akun kecamatan dibuat oleh operator kabupaten partai.",
        "bases": [{"kind": "keputusan_kpu", "reference": "Keputusan KPU 260/2022"}]}))

    answered = waiting_for(
        lambda: (c := desk.get(f"/api/consultations/{cid}").json())["status"] == "answered" and c,
        "the answer back on :8000")
    assert answered["answer"] == "Akun kecamatan dibuat oleh operator kabupaten partai."
    assert answered["up"]["state"] == "returned"
    return cid


def centre_holds_every_chain(base: int, cid: str) -> None:
    """The centre's auditor finds the regency's and the province's chains, verified, with contacts masked."""
    client = httpx.Client(base_url=f"http://127.0.0.1:{base + 2}", timeout=REQUEST_BOUND)
    token = client.post("/api/auth/login", json={"username": "koordinator", "password": DEMO_PASSWORD}).json()["token"]
    client.cookies.clear()
    client.headers["Authorization"] = f"Bearer {token}"
    history: list[dict] = []

    def every_office_there() -> bool:
        history[:] = client.get(f"/api/audit/consultations/{cid}").json()
        return {"kab-16.13", "prov-16", "pusat"} <= {e["office"] for e in history}

    # However long the chains take to arrive, as long as entries keep arriving.
    wait_until(every_office_there, what="the three offices' chains at the centre", progress=lambda: len(history),
               stall=PASSAGE_BOUND, poll=0.3, detail=lambda: f"offices {sorted({e['office'] for e in history})}")
    # The regency's opening entry carries pseudonyms, never the consultee's name or any part of the number (issue 12).
    [opened] = [e for e in history if e["type"] == "Consultation.Opened"]
    text = str(opened["summary"])
    assert "Rahmat" not in text and "7777" not in text and "psn:" in text, text
    # Every office's chain as received verifies at the centre (hashes, order, signatures).
    status = {(s["office"], s["source"]): s for s in client.get("/api/audit/status").json()}
    for office in ("kab-16.13", "prov-16"):
        assert status[(office, "received")]["ok"], status[(office, "received")]
        assert status[(office, "received")]["entries"] > 0
    listed = client.get("/api/audit/entries", params={"office": "kab-16.13", "limit": 1000}).json()
    assert listed and all(e["office"] == "kab-16.13" for e in listed)
