"""The regencies' SIPOL monitoring reports at their province over real NATS JetStream (issue 16), on SQLite and
PostgreSQL: the regency submits its 08.00 report and misses its 17.00 one, and the province's page and API show both;
a correction at the regency reaches the province as version 2; a forged report from an office that is not below the
province is dead-lettered, and the next genuine message is still applied. Nothing personal travels."""

from __future__ import annotations

import asyncio
import dataclasses
from datetime import UTC, date, datetime
from html import unescape
from pathlib import Path
from typing import Any

import msgspec
import nats
import pytest
from litestar.testing import TestClient

from domain.monitoring_copy import MonitoringCopy, monitoring_copy_id
from domain.monitoring_values import FigureInput, Slot
from domain.roles import Role
from gateways.app import create_app
from gateways.nats.relay import SIGNATURE_HEADER
from gateways.nats.topology import topology_of
from services.clips import Screenshot
from services.integration import SCHEMA_VERSION, Envelope, MonitoringShared, encode, subject
from tests.e2e.conftest import PASSWORD
from tests.support.federation import OFFICES, running_offices
from tests.support.office import Office
from tests.support.samples import png
from tests.support.waiting import eventually

pytestmark = pytest.mark.nats

KAB, PROV, PUSAT = "kab-16.13", "prov-16", "pusat"
DAY = date(2026, 12, 4)
DESK, NOTE = "desk.pelapor", "SIPOL lambat; dikonfirmasi Pak Joko 081233334444"


@pytest.fixture
async def offices(database: str, tmp_path: Path, nats_url: str, nats_prefix: str, clock, hasher):
    backends = dict.fromkeys(OFFICES, database)
    async with running_offices(backends, tmp_path, nats_url, nats_prefix, clock, hasher) as built:
        yield built


def held(office: Office, slot: Slot) -> MonitoringCopy | None:
    try:
        found = office.helpdesk._load(monitoring_copy_id(KAB, DAY, slot))
    except Exception:  # noqa: BLE001 - not there (yet)
        return None
    return found if isinstance(found, MonitoringCopy) else None


def figures(office: Office, anggota: int) -> list[FigureInput]:
    return [FigureInput(p.name, 4, anggota + i, 1) for i, p in enumerate(office.helpdesk.monitored_parties(KAB))]


def province_views(office: Office) -> tuple[dict[str, Any], str]:
    """The province's API answer and page for the day, read by a commissioner there. The app's lifespan is not run:
    the office's link already runs in this test, and the app's would stop it when it ends."""
    node = dataclasses.replace(office.node, link=None)
    username = "komisioner-prov"
    if not any(u.username == username for u in node.users.list(PROV)):
        node.accounts.register_user(username, "Komisioner Provinsi", Role.ANGGOTA_KPU, PROV, PASSWORD, "test")
    client = TestClient(create_app(node))
    signed = client.post("/masuk", data={"username": username, "password": PASSWORD, "next": "/"},
                         follow_redirects=False)
    assert signed.status_code == 303, signed.text
    api = client.get("/api/monitoring/regencies", params={"day": DAY.isoformat()})
    assert api.status_code == 200, api.text
    page = client.get("/pemantauan", params={"day": DAY.isoformat()})
    assert page.status_code == 200, page.text
    return api.json(), unescape(page.text)


async def publish_signed(office: Office, envelope: Envelope) -> None:
    """A bare client publishing under the envelope's own subject, signed with `office`'s own key."""
    data = encode(envelope)
    client = await nats.connect(office.settings.nats_url)
    try:
        await client.jetstream().publish(subject(envelope, office.settings.nats_prefix), data, headers={
            "Nats-Msg-Id": f"forged-{envelope.seq}", SIGNATURE_HEADER: office.node.audit_key.sign(data)})
    finally:
        await client.close()


async def dead_letter_reasons(office: Office) -> list[str]:
    topology = topology_of(office.settings)
    client = await nats.connect(office.settings.nats_url)
    try:
        js = client.jetstream()
        count = (await js.stream_info(topology.dead_letter_stream)).state.messages
        return [(await js.get_msg(topology.dead_letter_stream, seq)).headers["Helpdesk-Reason"]
                for seq in range(1, count + 1)]
    finally:
        await client.close()


async def test_the_province_sees_its_regencys_reports_and_refuses_a_forged_one(offices: dict[str, Office],
                                                                               clock) -> None:
    kab, prov, pusat = offices[KAB], offices[PROV], offices[PUSAT]

    # 07.50 WIB: the regency's reporter submits the 08.00 report, with a note naming a person.
    clock.now = datetime(2026, 12, 4, 0, 50, tzinfo=UTC)
    await kab.run("submit_monitoring", KAB, DAY, Slot.MORNING, figures(kab, 120), Screenshot(png(3), "image/png"),
                  NOTE, DESK, Role.ANGGOTA_HELPDESK)
    morning = await eventually(lambda: held(prov, Slot.MORNING), what="the 08.00 report at the province")
    assert morning.report_version == 1 and morning.via == KAB

    # 17.30 WIB: the 17.00 report was never submitted; the regency records the miss, and the province hears of it.
    clock.now = datetime(2026, 12, 4, 10, 30, tzinfo=UTC)
    assert await kab.run("record_missed_monitoring", [(DAY, Slot.EVENING)], clock()) == 1
    evening = await eventually(lambda: held(prov, Slot.EVENING), what="the 17.00 miss at the province")
    assert evening.report_version == 0 and evening.release.missed

    # The province's API and page show both slots of the regency side by side, and the figures per party.
    api, page = await asyncio.to_thread(province_views, prov)
    (regency,) = api["regencies"]
    assert regency["office_id"] == KAB
    assert [s["state"] for s in regency["slots"]] == ["on_time", "missed"]
    first_party = api["figures"][Slot.MORNING.value][0]
    assert first_party["by_office"][KAB] == [4, 120, 1] and first_party["anggota"] == 120
    assert api["figures"][Slot.EVENING.value] == []
    assert f'data-office="{KAB}"' in page and 'data-state="on_time"' in page and 'data-state="missed"' in page
    assert 'data-testid="party-figures"' in page and "<td>120</td>" in page
    # Nothing personal reached the province: not the reporter's username, not the note.
    for shown in (msgspec.json.encode(api).decode(), page):
        assert DESK not in shown and "081233334444" not in shown and "Pak Joko" not in shown

    # 18.00 WIB: a correction at the regency reaches the province as version 2 and replaces its figures.
    clock.now = datetime(2026, 12, 4, 11, 0, tzinfo=UTC)
    await kab.run("correct_monitoring", KAB, DAY, Slot.MORNING, figures(kab, 135), None, NOTE, "Salah baca beranda",
                  DESK, Role.ANGGOTA_HELPDESK)
    await eventually(lambda: (c := held(prov, Slot.MORNING)) is not None and c.report_version == 2,
                     what="version 2 at the province")
    api, _ = await asyncio.to_thread(province_views, prov)
    assert api["figures"][Slot.MORNING.value][0]["by_office"][KAB] == [4, 135, 1]

    # A forged report from the centre (genuinely signed by it, but not an office below the province), claiming a
    # version 9 of the regency's 08.00 report: dead-lettered, nothing changes.
    forged_release = msgspec.structs.replace(held(prov, Slot.MORNING).release, version=9, figures=())
    forged = Envelope(SCHEMA_VERSION, PUSAT, PROV, 1, clock(), MonitoringShared(forged_release))
    await publish_signed(pusat, forged)
    await eventually(lambda: prov.link.status.dead_letters == 1, what="the forgery dead-lettered")
    assert await dead_letter_reasons(prov) == ["inconsistent:monitoring_release_misrouted"]
    assert held(prov, Slot.MORNING).report_version == 2

    # The consumer went on: the regency's next correction (version 3) is applied.
    await kab.run("correct_monitoring", KAB, DAY, Slot.MORNING, figures(kab, 150), None, "", "Koreksi kedua",
                  DESK, Role.ANGGOTA_HELPDESK)
    await eventually(lambda: (c := held(prov, Slot.MORNING)) is not None and c.report_version == 3,
                     what="version 3 at the province")
    assert held(prov, Slot.MORNING).release.figures[0].anggota == 150
    assert prov.link.status.dead_letters == 1
    assert kab.link.status.dead_letters == 0 and pusat.link.status.dead_letters == 0
