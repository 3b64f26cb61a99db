"""A regency's monitoring reports at its province (issue 16): the copy only moves forward, only a regency directly
below may send its own report (the inbox dead-letters anything else and goes on), and what travels holds figures and
hashes, never the submitter's username nor the note."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from itertools import count

import msgspec
import pytest

from domain.monitoring_copy import (
    MonitoringCopy,
    MonitoringRelease,
    MonitoringReleaseMisrouted,
    check_report_route,
    monitoring_copy_id,
)
from domain.monitoring_values import FigureInput, PartyFigures, Slot, SlotState
from domain.offices import OfficeId
from domain.roles import Role
from gateways.bootstrap import Node
from projections.monitoring_received_queries import ReceivedState
from services.clips import Screenshot
from services.inbox import SIGNED, Delivery, Outcome
from services.integration import Envelope, MonitoringShared, encode, subject
from tests.conftest import FakeClock
from tests.support.samples import png

KAB, KOTA, OTHER_KAB = "kab-16.13", "kota-16.71", "kab-32.01"
PROV, PUSAT = "prov-16", "pusat"
DAY = date(2026, 12, 4)
T0 = datetime(2026, 12, 4, 0, 50, tzinfo=UTC)  # 07.50 WIB
DESK, NOTE = "desk.rahasiaku", "Catatan pribadi: hubungi Bu Sri 081299998888"
STREAM = count(1)


def release(version: int, *, office: str = KAB, missed: bool = False, anggota: int = 100) -> MonitoringRelease:
    figures = () if version == 0 else (PartyFigures("Partai Contoh", 1, 3, anggota, 1),)
    return MonitoringRelease(office_id=office, day=DAY, slot=Slot.MORNING, due_at=T0, missed=missed or version == 0,
                             version=version, changed_at=T0 + timedelta(hours=version),
                             submitted_at=T0 if version else None, content_hash="ab" * 32 if version else None,
                             figures=figures)


def test_a_copy_only_moves_forward() -> None:
    copy = MonitoringCopy.receive(release(1, anggota=100), KAB, T0)
    assert copy.id == monitoring_copy_id(KAB, DAY, Slot.MORNING) and copy.report_version == 1
    # The same version again, or an older one (the miss arriving late): nothing changes.
    assert copy.take(release(1, anggota=999), T0) is False and copy.take(release(0), T0) is False
    assert copy.release.figures[0].anggota == 100
    # A correction (version 2) replaces it; another slot's release never does.
    assert copy.take(release(2, anggota=150), T0) is True and copy.release.figures[0].anggota == 150
    other = msgspec.structs.replace(release(5), slot=Slot.EVENING)
    assert copy.take(other, T0) is False and copy.report_version == 2


def test_a_miss_stays_known_when_the_late_report_follows() -> None:
    copy = MonitoringCopy.receive(release(0), KAB, T0)
    assert copy.release.state is SlotState.MISSED
    assert copy.take(msgspec.structs.replace(release(1), missed=False, late=True), T0) is True
    assert copy.release.missed and copy.release.late and copy.report_version == 1


@pytest.mark.parametrize(("holder", "sender", "origin", "allowed"), [
    (PROV, KAB, KAB, True),  # a regency's own report, to its province
    (PROV, KOTA, KOTA, True),  # a city's
    (PROV, KAB, KOTA, False),  # a regency speaking for a neighbour
    (PROV, OTHER_KAB, OTHER_KAB, False),  # a regency of another province
    (PROV, PUSAT, KAB, False),  # from above
    (PUSAT, PROV, PROV, False),  # a province does not report to the centre
    (KAB, KAB, KAB, False),  # to itself
])
def test_who_may_send_a_report_to_whom(holder: str, sender: str, origin: str, allowed: bool) -> None:
    route = (OfficeId(holder), OfficeId(sender), OfficeId(origin))
    if allowed:
        check_report_route(*route)
    else:
        with pytest.raises(MonitoringReleaseMisrouted):
            check_report_route(*route)


def figures(node: Node, anggota: int) -> list[FigureInput]:
    return [FigureInput(p.name, 3, anggota + i, 1) for i, p in enumerate(node.helpdesk.monitored_parties(KAB))]


def shared(node: Node) -> list[Envelope]:
    """What the regency's relay would send of its monitoring reports, in log order."""
    return [e for _, envelopes in node.helpdesk.outgoing(0, 1000) for e in envelopes
            if isinstance(e.body, MonitoringShared)]


def delivered(envelope: Envelope) -> Delivery:
    return Delivery(next(STREAM), subject(envelope), encode(envelope), envelope, seal=SIGNED)


def outcomes(node: Node, *envelopes: Envelope) -> list[tuple[Outcome, str]]:
    return [(r.outcome, r.reason) for r in node.helpdesk.receive_batch([delivered(e) for e in envelopes])]


def test_a_report_goes_up_without_username_or_note_and_the_province_sees_it(
        office: Callable[[str], Node], clock: FakeClock) -> None:
    kab, prov = office(KAB), office(PROV)
    # 07.50 WIB: the regency submits its 08.00 report with a note naming a person.
    clock.now = T0
    kab.helpdesk.submit_monitoring(KAB, DAY, Slot.MORNING, figures(kab, 120), Screenshot(png(1), "image/png"), NOTE,
                                   DESK, Role.ANGGOTA_HELPDESK)
    (first,) = shared(kab)
    assert (first.sender, first.to) == (KAB, PROV)
    data = encode(first)
    # Neither the username nor the note (nor any part of it) travels; the figures and the screenshot's hash do.
    assert DESK.encode() not in data and b"081299998888" not in data and b"Bu Sri" not in data
    assert b'"note"' not in data and b"storage_key" not in data and b"submitter" not in data
    assert first.body.release.screenshot_sha256 and b'"anggota":120' in data

    # The province applies it: its page's read model shows the regency on time, every other regency not received.
    assert outcomes(prov, first) == [(Outcome.APPLIED, "")]
    seen = prov.monitoring.regencies.day(DAY)
    rows = {r.office_id: r.slots for r in seen.regencies}
    assert rows[KAB][0].state is ReceivedState.ON_TIME and rows[KAB][1].state is ReceivedState.NOT_RECEIVED
    assert rows[KOTA][0].state is ReceivedState.NOT_RECEIVED  # Palembang sent nothing
    first_party = seen.figures[Slot.MORNING.value][0]
    assert first_party.by_office[KAB] == (3, 120, 1) and first_party.by_office[KOTA] is None
    assert first_party.anggota == 120

    # A regency of another province, and the centre, may not send it; a regency may not speak for a neighbour.
    forged_origin = msgspec.structs.replace(first, seq=50, body=MonitoringShared(
        msgspec.structs.replace(first.body.release, office_id=KOTA)))
    from_above = Envelope(1, PUSAT, PROV, 7, T0, first.body)
    assert outcomes(prov, forged_origin) == [(Outcome.DEAD_LETTER, "inconsistent:monitoring_release_misrouted")]
    assert outcomes(prov, from_above) == [(Outcome.DEAD_LETTER, "inconsistent:monitoring_release_misrouted")]
    assert {r.office_id: r.slots[0].state for r in prov.monitoring.regencies.day(DAY).regencies}[KOTA] is (
        ReceivedState.NOT_RECEIVED)

    # 08.40 WIB: a correction at the regency: version 2 reaches the province and replaces version 1.
    clock.now = T0 + timedelta(minutes=50)
    kab.helpdesk.correct_monitoring(KAB, DAY, Slot.MORNING, figures(kab, 140), None, NOTE, "Salah ketik", DESK,
                                    Role.ANGGOTA_HELPDESK)
    (_, second) = shared(kab)
    assert DESK.encode() not in encode(second) and b"Salah ketik" not in encode(second)
    assert outcomes(prov, second) == [(Outcome.APPLIED, "")]
    copy = prov.helpdesk._load(monitoring_copy_id(KAB, DAY, Slot.MORNING))
    assert copy.report_version == 2 and copy.via == KAB
    assert prov.monitoring.regencies.day(DAY).figures[Slot.MORNING.value][0].anggota == 140
    # The first version delivered again (a redelivery under another stream position): nothing moves back.
    assert outcomes(prov, first) == [(Outcome.DUPLICATE, "")]
    assert prov.helpdesk._load(monitoring_copy_id(KAB, DAY, Slot.MORNING)).report_version == 2


def test_a_miss_goes_up_without_the_reporters_names(office: Callable[[str], Node],
                                                               clock: FakeClock) -> None:
    kab, prov = office(KAB), office(PROV)
    clock.now = datetime(2026, 12, 4, 10, 30, tzinfo=UTC)  # 17.30 WIB: the evening grace is over
    kab.helpdesk.monitoring_reporters = lambda office_id, day: ("rep.siti",)  # the roster's reporter on duty
    assert kab.helpdesk.record_missed_monitoring([(DAY, Slot.EVENING)], clock()) == 1
    (miss,) = shared(kab)
    assert miss.body.release.version == 0 and miss.body.release.missed and miss.body.release.figures == ()
    assert b"rep.siti" not in encode(miss) and b"reporters" not in encode(miss)
    assert outcomes(prov, miss) == [(Outcome.APPLIED, "")]
    rows = {r.office_id: r.slots for r in prov.monitoring.regencies.day(DAY).regencies}
    assert rows[KAB][1].state is ReceivedState.MISSED and rows[KAB][0].state is ReceivedState.NOT_RECEIVED
