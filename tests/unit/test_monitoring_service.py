"""SOP part D on a node with a fake clock: the 08.00 report submitted with its screenshot and frozen, the 17.00 report
missed and recorded once by the watcher, then submitted late; corrections; refusals. The stories run on the memory
node here and on SQLite and PostgreSQL in tests/integration/test_monitoring_backends.py."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from domain.errors import InvalidFields, NotPermitted
from domain.frozen_report import ReportAlreadySubmitted
from domain.monitoring import MonitoringReport, monitoring_report_id
from domain.monitoring_values import FigureInput, ScreenshotRequired, Slot, SlotState
from domain.roles import Role
from gateways.bootstrap import Node
from services.clips import Screenshot
from tests.conftest import FakeClock
from tests.support.samples import png

OFFICE = "kab-16.13"  # WIB
DAY = date(2026, 12, 4)
DESK, KH = "desk.ani", "kh.budi"


def figures(node: Node, anggota: int = 120) -> list[FigureInput]:
    """One row per active party: the boards in 3 kecamatan, `anggota` members, 1 office."""
    return [FigureInput(p.name, 3, anggota + i, 1) for i, p in enumerate(node.helpdesk.monitored_parties(OFFICE))]


def states(node: Node, clock: FakeClock) -> dict[Slot, SlotState]:
    return {v.slot: v.state for v in node.monitoring.day(OFFICE, DAY, clock())}


def missed_events(node: Node, slot: Slot) -> list[MonitoringReport.Missed]:
    events = node.helpdesk.events.get(monitoring_report_id(OFFICE, DAY, slot))
    return [e for e in events if isinstance(e, MonitoringReport.Missed)]


def begin_log(node: Node, clock: FakeClock, at: datetime, office: str = OFFICE) -> None:
    """The node's log begins at `at` with its first account (the slots due before are not its to report)."""
    clock.now = at
    node.accounts.register_user("ketua.awal", "Ketua", Role.KETUA_HELPDESK, office, "sandi-panjang-sekali-42", "cli")


def monitoring_story(node: Node, clock: FakeClock) -> None:
    begin_log(node, clock, datetime(2026, 12, 2, 12, 0, tzinfo=UTC))  # 19.00 WIB on the 2nd
    # 07.50 WIB: the reporter on duty reads the beranda and submits the 08.00 report with its screenshot.
    clock.now = datetime(2026, 12, 4, 0, 50, tzinfo=UTC)
    # The watcher has looked back at yesterday, whose two slots were never reported: two misses.
    assert node.monitoring_watcher.tick(force=True) == 2
    parties = node.helpdesk.monitored_parties(OFFICE)
    assert parties and not any(p.local for p in parties)  # Musi Rawas Utara is not in Aceh
    first = node.helpdesk.submit_monitoring(OFFICE, DAY, Slot.MORNING, figures(node), Screenshot(png(1), "image/png"),
                                            "", DESK, Role.ANGGOTA_HELPDESK)
    assert first.version == 1 and not first.late and len(first.figures) == len(parties)
    assert node.files.get(first.screenshot.storage_key) == png(1)  # kept like the other documentation
    assert states(node, clock) == {Slot.MORNING: SlotState.ON_TIME, Slot.EVENING: SlotState.DUE}
    # Submitted again: refused, the report is frozen.
    with pytest.raises(ReportAlreadySubmitted):
        node.helpdesk.submit_monitoring(OFFICE, DAY, Slot.MORNING, figures(node), Screenshot(png(2), "image/png"),
                                        "", DESK, Role.ANGGOTA_HELPDESK)

    # 17.29 WIB: the evening report is due; the watcher records nothing.
    clock.now = datetime(2026, 12, 4, 10, 29, tzinfo=UTC)
    assert node.monitoring_watcher.tick(force=True) == 0
    # 17.30 WIB: missed; recorded once however often the watcher (or anyone) looks.
    clock.now = datetime(2026, 12, 4, 10, 30, tzinfo=UTC)
    assert node.monitoring_watcher.tick(force=True) == 1
    assert node.monitoring_watcher.tick(force=True) == 0
    assert node.helpdesk.record_missed_monitoring([(DAY, Slot.EVENING), (DAY, Slot.MORNING)], clock()) == 0
    assert len(missed_events(node, Slot.EVENING)) == 1 and missed_events(node, Slot.MORNING) == []
    evening = node.monitoring.day(OFFICE, DAY, clock())[1]
    assert evening.state is SlotState.MISSED and evening.missed_recorded

    # 18.10 WIB: submitted late; the miss stays on record.
    clock.now = datetime(2026, 12, 4, 11, 10, tzinfo=UTC)
    late = node.helpdesk.submit_monitoring(OFFICE, DAY, Slot.EVENING, figures(node, 130),
                                           Screenshot(png(3), "image/png"), "Sipol lambat sore ini", DESK,
                                           Role.ANGGOTA_HELPDESK)
    assert late.late and late.missed and late.note == "Sipol lambat sore ini"
    evening = node.monitoring.day(OFFICE, DAY, clock())[1]
    assert evening.state is SlotState.LATE and evening.missed_recorded

    # The Koordinator Harian corrects the morning's figures with a reason; the screenshot is kept.
    corrected = node.helpdesk.correct_monitoring(OFFICE, DAY, Slot.MORNING, figures(node, 125), None, "",
                                                 "Salah baca beranda", KH, Role.KOORDINATOR_HARIAN)
    assert corrected.version == 2 and corrected.corrects == 1 and corrected.screenshot == first.screenshot
    versions = node.helpdesk.monitoring_versions(OFFICE, DAY, Slot.MORNING)
    assert [v.content_hash for v in versions] == [first.content_hash, corrected.content_hash]

    # The chart reads the latest version of each report, oldest first.
    series = node.monitoring.series(OFFICE, DAY, DAY)
    assert series[0].party == parties[0].name
    assert [(p.slot, p.anggota) for p in series[0].points] == [(Slot.MORNING, 125), (Slot.EVENING, 130)]


def test_the_days_reports_are_submitted_missed_once_and_submitted_late(memory_node: Node, clock: FakeClock) -> None:
    monitoring_story(memory_node, clock)


def test_a_commissioner_reads_but_does_not_submit_and_a_report_needs_its_screenshot(
        memory_node: Node, clock: FakeClock) -> None:
    node = memory_node
    clock.now = datetime(2026, 12, 4, 0, 55, tzinfo=UTC)
    with pytest.raises(NotPermitted):
        node.helpdesk.submit_monitoring(OFFICE, DAY, Slot.MORNING, figures(node), Screenshot(png(), "image/png"), "",
                                        "kpu.sari", Role.ANGGOTA_KPU)
    rows = figures(node)
    rows[0] = FigureInput(rows[0].party, -1, 5, 1)
    with pytest.raises(InvalidFields) as refused:
        node.helpdesk.submit_monitoring(OFFICE, DAY, Slot.MORNING, rows, None, "", DESK, Role.ANGGOTA_HELPDESK)
    assert {e.field for e in refused.value.errors} == {"figures[0].pengurus", "screenshot"}
    with pytest.raises(ScreenshotRequired):
        node.helpdesk.submit_monitoring(OFFICE, DAY, Slot.MORNING, figures(node), None, "", DESK,
                                        Role.ANGGOTA_HELPDESK)
    # Nothing was recorded: the slot is still due.
    assert states(node, clock) == {Slot.MORNING: SlotState.DUE, Slot.EVENING: SlotState.DUE}


def test_the_watcher_looks_at_most_every_fifteen_seconds_and_records_a_wit_morning_across_midnight_utc(
        open_node, tmp_path, clock: FakeClock) -> None:  # noqa: ANN001 - fixtures
    from tests.support.settings import settings_for

    node = open_node(settings_for("memory", tmp_path / "wit", node_id="kab-94.01"))
    # An empty log is a new node: what fell due before it raises no alert.
    clock.now = datetime(2026, 12, 3, 12, 0, tzinfo=UTC)
    assert node.monitoring_watcher.tick(force=True) == 0
    begin_log(node, clock, clock.now, "kab-94.01")  # 21.00 WIT on the 3rd: the 4th was its to report
    # 23:29 UTC on the 4th is 08:29 WIT on the 5th: nothing of the 5th is missed yet, but the 4th's two slots are.
    clock.now = datetime(2026, 12, 4, 23, 29, tzinfo=UTC)
    assert node.monitoring_watcher.tick() == 2
    # 23:30 UTC: the 5th's 08.00 WIT is missed; the watcher, last looking 50 s ago, looks again and records it.
    clock.now = datetime(2026, 12, 4, 23, 29, 10, tzinfo=UTC)
    assert node.monitoring_watcher.tick() == 0  # 10 s since the last look: not yet time
    clock.now = datetime(2026, 12, 4, 23, 30, tzinfo=UTC)
    assert node.monitoring_watcher.tick() == 1
    day5 = node.monitoring.day("kab-94.01", date(2026, 12, 5), clock())
    assert [(v.slot, v.state, v.missed_recorded) for v in day5] == [
        (Slot.MORNING, SlotState.MISSED, True), (Slot.EVENING, SlotState.DUE, False)]


def test_a_province_node_records_no_misses(open_node, tmp_path, clock: FakeClock) -> None:  # noqa: ANN001
    from tests.support.settings import settings_for

    node = open_node(settings_for("memory", tmp_path / "prov", node_id="prov-16"))
    clock.now = datetime(2026, 12, 4, 12, 0, tzinfo=UTC)
    assert node.monitoring_watcher.tick(force=True) == 0
