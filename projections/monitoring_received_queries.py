"""Queries over the regencies' reports a province holds: for a day, each regency below it (every one, those with
nothing received shown as such) with its 08.00 and 17.00 state, and each party's figures per regency with the totals
across them."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

import msgspec

from domain.monitoring_copy import copy_state
from domain.monitoring_values import Slot
from projections.base import from_iso
from projections.monitoring_received import NAME
from projections.runner import ReadModelRunner


class ReceivedState(StrEnum):
    NOT_RECEIVED = "not_received"  # nothing came from the regency for the slot (yet)
    ON_TIME = "on_time"
    LATE = "late"
    MISSED = "missed"  # the regency recorded the slot as missed, and no report followed


class ReceivedSlot(msgspec.Struct, frozen=True, kw_only=True):
    slot: Slot
    state: ReceivedState
    missed: bool = False  # recorded as missed at the regency (stays true when a late report followed)
    version: int = 0
    submitted_at: datetime | None = None
    changed_at: datetime | None = None
    content_hash: str | None = None


class RegencyDay(msgspec.Struct, frozen=True):
    """One regency's day: its two slots, 08.00 first."""

    office_id: str
    slots: list[ReceivedSlot]


class PartyAcross(msgspec.Struct, frozen=True):
    """One party's figures of one slot in each regency (None: no report from it) and the sums over the regencies."""

    party: str
    number: int | None
    by_office: dict[str, tuple[int, int, int] | None]  # office → (pengurus, anggota, kantor)
    pengurus: int
    anggota: int
    kantor: int


class RegenciesDay(msgspec.Struct, frozen=True):
    day: date
    regencies: list[RegencyDay]
    figures: dict[str, list[PartyAcross]]  # slot value ("0800", "1700") → parties, in the register's order


class ReceivedMonitoringQueries:
    def __init__(self, runner: ReadModelRunner, children: tuple[str, ...]) -> None:
        self.runner = runner
        self.children = tuple(children)

    def day(self, day: date) -> RegenciesDay:
        """Every regency below this office side by side for `day`, and each slot's party figures across them."""
        self.runner.catch_up(NAME)
        rows = {(r[0], r[1]): r for r in self.runner.store.query(
            "SELECT office_id, slot, missed, late, version, submitted_at, changed_at, content_hash"
            " FROM rm_monitoring_received WHERE day = ?", (day.isoformat(),))}
        offices = self._offices({r[0] for r in rows})
        regencies = [RegencyDay(o, [_slot(s, rows.get((o, s.value))) for s in Slot]) for o in offices]
        figures = self.runner.store.query(
            "SELECT office_id, slot, party, party_number, pengurus, anggota, kantor"
            " FROM rm_monitoring_received_figures WHERE day = ? ORDER BY office_id, slot, position",
            (day.isoformat(),))
        return RegenciesDay(day, regencies, {s.value: _across(s, offices, figures) for s in Slot})

    def _offices(self, received: set[str]) -> list[str]:
        """The children in their order, then any office a report came from that the list does not name."""
        extra = sorted(received - set(self.children))
        return [*self.children, *extra]


def _slot(slot: Slot, row: tuple | None) -> ReceivedSlot:
    if row is None:
        return ReceivedSlot(slot=slot, state=ReceivedState.NOT_RECEIVED)
    _, _, missed, late, version, submitted_at, changed_at, content_hash = row
    state = ReceivedState(copy_state(version, bool(late)).value)
    return ReceivedSlot(slot=slot, state=state, missed=bool(missed), version=version,
                        submitted_at=from_iso(submitted_at) if submitted_at else None,
                        changed_at=from_iso(changed_at) if changed_at else None, content_hash=content_hash)


def _across(slot: Slot, offices: list[str], rows: list[tuple]) -> list[PartyAcross]:
    """Each party reported in the slot, by ballot number (parties without one last), with its sums."""
    found: dict[str, dict] = {}
    for office_id, row_slot, party, number, pengurus, anggota, kantor in rows:
        if row_slot != slot.value:
            continue
        entry = found.setdefault(party, {"number": number, "by": {}})
        entry["by"][office_id] = (pengurus, anggota, kantor)
    parties = []
    for party, entry in found.items():
        by = {o: entry["by"].get(o) for o in offices}
        counted = [f for f in by.values() if f is not None]
        parties.append(PartyAcross(party, entry["number"], by, sum(f[0] for f in counted),
                                   sum(f[1] for f in counted), sum(f[2] for f in counted)))
    return sorted(parties, key=lambda p: (p.number is None, p.number or 0, p.party))
