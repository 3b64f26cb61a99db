"""Queries over the monitoring read model: a day's two slots with their state, the days of a period, each party's
figures over days (the chart), and the slots the watcher still has to record as missed."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta

import msgspec

from domain.monitoring import due_at, monitors, slot_state, slots_missed_by
from domain.monitoring_values import Slot, SlotState
from domain.offices import OfficeId
from projections.base import from_iso
from projections.monitoring import NAME
from projections.monitoring_received_queries import ReceivedMonitoringQueries
from projections.runner import ReadModelRunner


class SlotView(msgspec.Struct, frozen=True, kw_only=True):
    """One slot of one day: when it is due and where it stands."""

    day: date
    slot: Slot
    due_at: datetime
    state: SlotState
    missed_recorded: bool  # the watcher recorded the miss (the alert went out)
    submitted_at: datetime | None = None
    version: int = 0  # the latest version; 0: not submitted
    submitter: str | None = None
    content_hash: str | None = None


class FigurePoint(msgspec.Struct, frozen=True):
    """One party's figures in one report."""

    day: date
    slot: Slot
    pengurus: int
    anggota: int
    kantor: int


class PartySeries(msgspec.Struct, frozen=True):
    party: str
    number: int | None
    points: list[FigurePoint]


_ROW = "SELECT day, slot, missed_at, submitted_at, version, submitter, content_hash FROM rm_monitoring_reports"


class MonitoringQueries:
    def __init__(self, runner: ReadModelRunner, office: OfficeId, children: tuple[str, ...] = (),
                 began: Callable[[], datetime | None] = lambda: None) -> None:
        self.runner = runner
        self.office = office
        self.began = began  # when the office began working on the node (its first account)
        # At a province: its regencies' reports side by side (projections/monitoring_received.py).
        self.regencies = ReceivedMonitoringQueries(runner, children)

    def day(self, office_id: str, day: date, now: datetime) -> list[SlotView]:
        """The day's 08.00 and 17.00 slots, in order."""
        return self.days(office_id, day, day, now)

    def days(self, office_id: str, first: date, last: date, now: datetime, *, since_began: bool = False
             ) -> list[SlotView]:
        """Every slot from `first` to `last`, newest day first, each with its state at `now` (a slot never
        recorded is due or missed by the clock alone). `since_began`: a slot due before the office began working on
        the node, with nothing recorded, is left out (it was never the node's to report)."""
        self.runner.catch_up(NAME)
        rows = {(r[0], r[1]): r for r in self.runner.store.query(
            f"{_ROW} WHERE office_id = ? AND day >= ? AND day <= ?", (office_id, first.isoformat(), last.isoformat()))}
        began = self.began() if since_began else None
        views = []
        day = last
        while day >= first:
            for slot in Slot:
                row = rows.get((day.isoformat(), slot.value))
                if row is None and began is not None and due_at(office_id, day, slot) < began:
                    continue
                views.append(_view(office_id, day, slot, row, now))
            day -= timedelta(days=1)
        return views

    def series(self, office_id: str, first: date, last: date) -> list[PartySeries]:
        """Each party's figures over the period's submitted reports (the latest version of each), oldest first;
        parties in the order of the newest report."""
        self.runner.catch_up(NAME)
        found: dict[str, PartySeries] = {}
        for day, slot, party, number, pengurus, anggota, kantor in self.runner.store.query(
                "SELECT day, slot, party, party_number, pengurus, anggota, kantor FROM rm_monitoring_figures"
                " WHERE office_id = ? AND day >= ? AND day <= ? ORDER BY day DESC, slot DESC, position",
                (office_id, first.isoformat(), last.isoformat())):
            series = found.setdefault(party, PartySeries(party, number, []))
            series.points.insert(0, FigurePoint(date.fromisoformat(day), Slot(slot), pengurus, anggota, kantor))
        return list(found.values())

    def to_record_missed(self, now: datetime, since: datetime | None = None) -> list[tuple[date, Slot]]:
        """The slots of this node's office whose grace has passed with neither a report nor a recorded miss (none
        due before `since`, when the node began)."""
        if not monitors(self.office):
            return []
        office_id = self.office.value
        candidates = slots_missed_by(office_id, now, since=since)
        if not candidates:
            return []
        self.runner.catch_up(NAME)
        recorded = {(r[0], r[1]) for r in self.runner.store.query(
            "SELECT day, slot FROM rm_monitoring_reports WHERE office_id = ? AND day >= ? AND day <= ?",
            (office_id, candidates[0][0].isoformat(), candidates[-1][0].isoformat()))}
        return [(d, s) for d, s in candidates if (d.isoformat(), s.value) not in recorded]


def _view(office_id: str, day: date, slot: Slot, row: tuple | None, now: datetime) -> SlotView:
    submitted_at = from_iso(row[3]) if row is not None else None
    return SlotView(
        day=day, slot=slot, due_at=due_at(office_id, day, slot),
        state=slot_state(office_id, day, slot, submitted_at, now), missed_recorded=row is not None and bool(row[2]),
        submitted_at=submitted_at, version=row[4] if row is not None else 0,
        submitter=row[5] if row is not None else None, content_hash=row[6] if row is not None else None,
    )
