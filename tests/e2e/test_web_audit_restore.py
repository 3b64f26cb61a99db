"""At the centre, a regency restored from backup: `GET /api/audit/status` and the audit page say the chain is whole,
and tell, as a note, when the regency was restored and which entries the centre had received that it lost."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

from litestar.testing import TestClient

from domain.roles import Role
from gateways.app import create_app
from gateways.bootstrap import Node
from gateways.config import Settings
from gateways.signing import OfficeKey
from projections.audit_queries import store_received
from tests.conftest import settings_for
from tests.e2e.conftest import login_as
from tests.support.restore_chains import OFFICE, later, linked, restore_entry, unsigned

GENESIS = "0" * 64


def test_the_centre_tells_of_a_restore_on_the_api_and_the_page(
    tmp_path: Path, open_node: Callable[[Settings], Node]
) -> None:
    centre = open_node(settings_for("memory", tmp_path / "pusat", node_id="pusat"))
    key = OfficeKey.load_or_create(tmp_path / "kab.key")
    centre.keyring.add(OFFICE, key.public_key_b64)
    # The regency's entries 1–8 arrived; then it was restored from its backup of entry 5 and went on.
    old = linked(key, GENESIS, [unsigned(seq) for seq in range(1, 9)])
    new = linked(key, old[4].entry_hash, [restore_entry(6, 1), later(7, "baru")])
    outcomes = [store_received(centre.store, e, centre.keyring.verify) for e in old + new]
    assert outcomes == ["stored"] * 8 + ["restored", "stored"]

    with TestClient(create_app(centre)) as api:
        headers = login_as(api, centre, Role.KOORDINATOR, "pusat")
        status = {s["office"]: s for s in api.get("/api/audit/status", headers=headers).json()}
        kab = status[OFFICE]
        assert kab["ok"] is True and kab["first_problem"] is None and kab["last_seq"] == 7
        [note] = kab["notes"]
        assert note["code"] == "audit_restored_lost" and note["seq"] == 6 and note["epoch"] == "1"
        assert note["message"] == (
            f"Kantor {OFFICE} dipulihkan dari cadangan pada 29-07-2024 09.30 WIB (epoch 1): entri 6–8 yang sudah"
            " diterima pusat hilang di kantor asal."
        )
        assert note["message_en"].startswith(f"Office {OFFICE} was restored from a backup")
        assert [(e["seq"], e["type"]) for e in note["lost"]] == [(e.seq, e.type) for e in old[5:]]

        # The page, read as the centre's auditor with a session.
        api.cookies.clear()
        response = api.post("/masuk", data={"username": "koordinator-pusat", "password": "kata-sandi-uji-123",
                                            "next": "/"}, follow_redirects=False)
        assert response.status_code == 303, response.text
        page = api.get("/audit").text
        row = re.search(rf'<tr data-office="{re.escape(OFFICE)}">(.*?)</tr>', page, re.S).group(1)
        assert ">Utuh<" in row and "Bermasalah" not in row
        assert "dipulihkan dari cadangan pada 29-07-2024 09.30 WIB (epoch 1): entri 6–8" in row
        lost = re.findall(r'<li data-testid="lost-entry">([^<]+)</li>', row)
        assert lost == [f"#{seq} Permasalahan dicatat (29-07-2024 08.30 WIB)" for seq in (6, 7, 8)]  # in words
