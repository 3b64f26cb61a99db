"""`helpdesk serve --workers 2` beside `helpdesk worker` on PostgreSQL (HELPDESK_BACKGROUND=worker), as real
processes: a consultation made over HTTP is in the list at the very next request, whichever process answers it; the
read models the requests did not read are caught up by the worker; /health reports the worker alive; and `helpdesk
restore` refuses while any of the node's processes runs."""

from __future__ import annotations

import json
import subprocess
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from gateways.cli import exits
from gateways.config import load_settings
from tests.support.schemas import drop_schema
from tests.support.served import HELPDESK, add_user
from tests.support.split_node import SplitNode
from tests.support.waiting import wait_until

pytestmark = pytest.mark.postgres
PASSWORD = "sandi-uji-proses-2024"
OPEN = {"channel": "walk_in", "consultee": {"name": "Siti Aminah", "party_number": 3, "phone": "081234567890"}}


@pytest.fixture
def split_node(tmp_path: Path, postgres_url: str) -> Iterator[SplitNode]:
    values = {"node_id": "kab-16.13", "database": postgres_url, "postgres_schema": f"t_{uuid.uuid4().hex[:12]}",
              "data_dir": str(tmp_path / "kab-16.13"), "nats_url": "", "log_level": "warning"}
    node = SplitNode(values, tmp_path, "kab-16.13.log", workers=2)
    add_user(node.served, "meja", "anggota_helpdesk", PASSWORD)
    try:
        yield node
    finally:
        node.stop()
        drop_schema(load_settings({}, **node.values))


def fresh(node: SplitNode, token: str) -> httpx.Client:
    """A client of its own connection: the kernel hands each new connection to either HTTP process."""
    return httpx.Client(base_url=node.url, headers={"Authorization": f"Bearer {token}"}, timeout=30)


def test_two_http_processes_and_a_worker_serve_one_node(split_node: SplitNode) -> None:
    split_node.start()
    assert len(split_node.http_processes()) == 2
    login = httpx.post(split_node.url + "/api/auth/login", json={"username": "meja", "password": PASSWORD})
    token = login.raise_for_status().json()["token"]

    # Each consultation is opened on one connection and looked for on another, at once: read-your-writes holds
    # whichever process answers which.
    for _ in range(8):
        with fresh(split_node, token) as client:
            opened = client.post("/api/consultations", json=OPEN)
        assert opened.status_code == 201, opened.text
        with fresh(split_node, token) as client:
            listed = client.get("/api/consultations", params={"limit": 100})
        assert opened.json()["id"] in {item["id"] for item in listed.json()["items"]}, listed.text

    # A step nobody reads afterwards: only the worker's follower brings every read model (the audit chain, the SOP
    # clocks, …) up to it, for no HTTP process runs one.
    with fresh(split_node, token) as client:
        stepped = client.post(f"/api/consultations/{opened.json()['id']}/problem", json={"text": "Unggah KTA gagal."})
    assert stepped.status_code == 200, stepped.text

    def caught_up() -> dict | None:
        health = httpx.get(split_node.url + "/health", timeout=10).json()
        return health if not any(health["projections"]["behind"].values()) else None

    health = wait_until(caught_up, what="the worker catching every read model up", stall=120,
                        detail=lambda: split_node.worker.log.read_text(errors="replace")[-2000:])
    assert health["worker"]["status"] == "alive" and health["worker"]["pid"] == split_node.worker.pid
    assert health["worker"]["follower_errors"] == 0 and health["messaging"]["status"] == "off"

    # While any of the node's processes runs, a restore refuses (node.lock, held shared by each of them).
    backup = split_node.served.cwd / "kab.backup"
    backup.write_bytes(b"")
    backup.with_name("kab.backup.json").write_text(json.dumps({"office": "kab-16.13", "taken_at": None}))
    restore = subprocess.run([str(HELPDESK), "restore", "--from", str(backup)], env=split_node.served.env,
                             cwd=split_node.served.cwd, capture_output=True, text=True)
    assert restore.returncode == exits.NODE_RUNNING, restore.stdout + restore.stderr
