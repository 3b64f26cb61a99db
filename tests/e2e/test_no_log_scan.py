"""No request reads the log by position: after a story across three offices, every list page and list API is
fetched while each node's recorder counts its `select_notifications` calls, and the only ones are the projection
runner's catch-up (a read model applying new events), never a handler scanning the log."""

from __future__ import annotations

import os
import traceback
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from litestar.testing import TestClient

from domain.casefile import case_id
from domain.roles import Permission, Role, may
from gateways.app import create_app
from gateways.bootstrap import Node
from gateways.config import Settings
from tests.conftest import FakeClock, settings_for
from tests.e2e.conftest import login_as
from tests.support.by_hand import KAB, PROV, PUSAT, deliver, handed_over

RUNNER = os.path.join("projections", "runner.py")
TODAY = "2024-07-29"
# Every page and API that lists something, as each office's staff open them (the 15-second refreshes included).
LISTS = [
    "/konsultasi", "/konsultasi?cari=masalah&status=with_commissioner&halaman=1", "/api/consultations",
    "/api/consultations?q=masalah&channel=email&limit=5&offset=1",
    "/eskalasi", "/eskalasi?x=refresh", "/eskalasi/riwayat", "/eskalasi/riwayat?cari=masalah&status=returned",
    "/api/escalations/inbox", "/api/escalations/outgoing", "/api/escalations/history?q=masalah",
    "/meja-depan", "/antrian", "/dasbor", "/laporan", "/audit", "/audit?partai=PDI",
    "/laporan/daftar-hadir", "/laporan/rekapitulasi", "/laporan/kepatuhan", "/laporan/berkala",  # one page per report
    "/api/clocks/open", "/api/clocks/compliance", f"/api/reports/daily/daftar_hadir?day={TODAY}",
    f"/api/reports/daily/daftar_permasalahan?day={TODAY}", "/api/audit/entries", "/api/audit/status",
    "/api/reference/parties", "/grup", "/api/groups",
    "/jadwal-piket", f"/jadwal-piket?tanggal={TODAY}", "/jadwal-piket/pengaturan", "/api/roster/coverage",
    "/api/roster/setup",  # the duty roster (issue 16)
]
# The lists some roles may not open.
GUARDED = [("/meja-depan", Permission.SERVE_CONSULTATIONS), ("/audit", Permission.READ_AUDIT),
           ("/api/audit/", Permission.READ_AUDIT), ("/api/users", Permission.MANAGE_USERS)]
# Who opens them: the desk, the commissioner, and those who follow the desk (Ketua: the staff list).
READERS = [Role.ANGGOTA_HELPDESK, Role.ANGGOTA_KPU, Role.KETUA_HELPDESK, Role.KOORDINATOR]


class LogReads:
    """Wraps a recorder's `select_notifications`: each call is kept with whether the projection runner made it."""

    def __init__(self) -> None:
        self.by_runner = 0
        self.elsewhere: list[str] = []

    def wrap(self, recorder: Any, monkeypatch: pytest.MonkeyPatch) -> None:
        select = recorder.select_notifications

        def counted(*args: Any, **kwargs: Any) -> Any:
            stack = traceback.extract_stack()
            if any(frame.name == "_run_batch" and frame.filename.endswith(RUNNER) for frame in stack):
                self.by_runner += 1
            else:
                self.elsewhere.append("".join(traceback.format_list(stack[-12:-1])))
            return select(*args, **kwargs)

        monkeypatch.setattr(recorder, "select_notifications", counted)


@pytest.fixture
def offices(open_node: Callable[[Settings], Node], tmp_path: Path) -> tuple[Node, Node, Node]:
    return tuple(open_node(settings_for("memory", tmp_path / n, node_id=n)) for n in (KAB, PROV, PUSAT))  # type: ignore[return-value]


@pytest.fixture
def clients(offices: tuple[Node, Node, Node]) -> Iterator[list[TestClient]]:
    with TestClient(create_app(offices[0])) as kab, TestClient(create_app(offices[1])) as prov, \
            TestClient(create_app(offices[2])) as pusat:
        yield [kab, prov, pusat]


def test_no_list_page_or_api_scans_the_log(
    offices: tuple[Node, Node, Node], clients: list[TestClient], clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    kab, prov, pusat = offices
    # A story across the three offices: handed over, forwarded, answered at the province and returned; another
    # forwarded on to the centre; a third still with the regency's commissioner.
    answered, sent_on = handed_over(kab, 1), handed_over(kab, 2)
    handed_over(kab, 3)
    for cid in (answered, sent_on):
        kab.helpdesk.forward_up(KAB, cid, "Mohon arahan provinsi.", "kpu")
    deliver(kab, prov)
    prov.helpdesk.accept_case(PROV, case_id(KAB, answered), "budi.prov")
    prov.helpdesk.answer_case(PROV, case_id(KAB, answered), "Jawaban provinsi.", [("pkpu", "PKPU 4/2022")], "budi")
    prov.helpdesk.accept_case(PROV, case_id(KAB, sent_on), "budi.prov")
    prov.helpdesk.forward_case(PROV, case_id(KAB, sent_on), "Perlu tafsir pusat.", "budi.prov")
    deliver(prov, kab), deliver(kab, prov), deliver(prov, pusat)
    logins = {node.office.value: {role: login_as(client, node, role, node.office.value) for role in READERS}
              for node, client in zip(offices, clients, strict=True)}

    reads = LogReads()
    for node in offices:
        reads.wrap(node.helpdesk.recorder, monkeypatch)
    # New events after the wrapping, so the read models have something to catch up on while the lists are read.
    clock.advance(minutes=1)
    handed_over(kab, 4)
    pusat.helpdesk.accept_case(PUSAT, case_id(KAB, sent_on), "rina.pusat")

    for node, client in zip(offices, clients, strict=True):
        for role, headers in logins[node.office.value].items():
            paths = [*LISTS, "/api/users"] if role is Role.KETUA_HELPDESK else LISTS
            for path in paths:
                response = client.get(path, headers={**headers, **({"HX-Request": "true"} if "refresh" in path
                                                                    else {})})
                # A page a role may not open answers 403 (the front desk is the desk's); every other one answers.
                expected = 200 if all(may(role, p) for prefix, p in GUARDED if path.startswith(prefix)) else 403
                assert response.status_code == expected, f"{node.office.value} {role} {path}: {response.text[:300]}"

    assert reads.elsewhere == [], "a request read the log by position:\n" + "\n".join(reads.elsewhere)
    assert reads.by_runner > 0  # the wrapper saw the runner's catch-up: it was in place


def test_the_count_catches_a_handler_that_scans(
    offices: tuple[Node, Node, Node], clients: list[TestClient], monkeypatch: pytest.MonkeyPatch
) -> None:
    kab, client = offices[0], clients[0]
    headers = login_as(client, kab, Role.ANGGOTA_KPU)
    reads = LogReads()
    reads.wrap(kab.helpdesk.recorder, monkeypatch)

    # The inbox as it was once written: a read of the log on every request.
    def scanning_inbox(office_id: str, role: Role | None = None) -> list[Any]:
        kab.helpdesk.recorder.select_notifications(1, 500)
        return []

    monkeypatch.setattr(kab.escalations, "inbox", scanning_inbox)
    assert client.get("/api/escalations/inbox", headers=headers).json() == []
    assert len(reads.elsewhere) == 1 and "scanning_inbox" in reads.elsewhere[0]
