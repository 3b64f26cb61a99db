"""A regency's SIPOL data-fill monitoring report as its province holds it (issue 16): the province sees its regencies'
reports side by side. It arrives as releases over the link from the regency (sent up like an escalation), one per
event of the report: a miss, a submission, a correction. The release carries the party figures and hashes only: the
submitter's username, the free-text note and the screenshot's bytes stay at the regency.

A release of a version older than or equal to the one held changes nothing: the copy only moves forward, so a release
that comes again (a redelivery) or out of order is harmless. Only a regency or city directly below the holder may send
its own report; anything else is refused (and dead-lettered by the inbox).
"""

from __future__ import annotations

from datetime import date, datetime
from uuid import NAMESPACE_URL, UUID, uuid5

import msgspec
from eventsourcing.domain import Aggregate

from domain.errors import InvalidInput
from domain.monitoring import MonitoringReport, monitors
from domain.monitoring_values import PartyFigures, Slot, SlotState
from domain.offices import OfficeId, Tier


class MonitoringRelease(msgspec.Struct, frozen=True, kw_only=True):
    """What a regency's report says to its province: the slot, whether it was missed, and its latest version's
    figures and hashes (version 0: no report yet, only the miss). No person's data, no note."""

    office_id: str
    day: date
    slot: Slot
    due_at: datetime
    missed: bool  # the slot's grace passed with no report (it stays true once a late report follows)
    version: int  # 0: missed and not (yet) submitted
    changed_at: datetime  # when the regency recorded this version (or the miss)
    submitted_at: datetime | None = None  # the first submission: on time or late is judged by it
    late: bool = False
    content_hash: str | None = None  # the regency's SHA-256 of the frozen version (it cites it when asked)
    screenshot_sha256: str | None = None
    figures: tuple[PartyFigures, ...] = ()

    @property
    def state(self) -> SlotState:
        return copy_state(self.version, self.late)


def copy_state(version: int, late: bool) -> SlotState:
    """Where a regency's slot stands as its province holds it: missed (only the miss came), late or on time."""
    if version == 0:
        return SlotState.MISSED
    return SlotState.LATE if late else SlotState.ON_TIME


def release_of(report: MonitoringReport, at: datetime) -> MonitoringRelease:
    """The report as it stands, as its province is told it (`at`: the moment of the event that speaks)."""
    if not report.versions:
        return MonitoringRelease(office_id=report.office_id, day=report.day, slot=report.slot, due_at=report.due_at,
                                 missed=report.missed, version=0, changed_at=at)
    latest = report.latest
    content = report.content_of(latest)
    return MonitoringRelease(office_id=report.office_id, day=report.day, slot=report.slot, due_at=report.due_at,
                             missed=report.missed, version=latest.version, changed_at=latest.submitted_at,
                             submitted_at=report.submitted_at, late=report.late, content_hash=latest.content_hash,
                             screenshot_sha256=content.screenshot.sha256, figures=content.figures)


def monitoring_copy_id(office_id: str, day: date, slot: Slot) -> UUID:
    """The same id for every release of one regency's slot: the province keeps one copy of it."""
    return uuid5(NAMESPACE_URL,
                 f"helpdesk-sipol:monitoring-copy:{office_id}:{day.isoformat()}:{Slot(slot).value}")


class MonitoringCopy(Aggregate):
    class Received(Aggregate.Created):
        release: MonitoringRelease
        via: str  # the office it came from (the regency itself)

    class Updated(Aggregate.Event):
        release: MonitoringRelease

        def apply(self, aggregate: MonitoringCopy) -> None:
            aggregate.release = self.release

    def __init__(self, release: MonitoringRelease, via: str) -> None:
        self.release, self.via = release, via

    @classmethod
    def receive(cls, release: MonitoringRelease, via: str, at: datetime) -> MonitoringCopy:
        return cls._create(cls.Received, id=monitoring_copy_id(release.office_id, release.day, release.slot),
                           timestamp=at, release=release, via=via)

    @property
    def report_version(self) -> int:
        """The regency's version held (0: only the miss); not the aggregate's own `version`."""
        return self.release.version

    def take(self, release: MonitoringRelease, at: datetime) -> bool:
        """Applies a later version; False when it changes nothing (older or the same, or another slot)."""
        held = self.release
        if (release.office_id, release.day, release.slot) != (held.office_id, held.day, held.slot):
            return False
        if release.version <= held.version:
            return False
        if held.missed and not release.missed:
            release = msgspec.structs.replace(release, missed=True)  # a miss, once known, stays in the record
        self.trigger_event(self.Updated, timestamp=at, release=release)
        return True


def sees_regencies(office: OfficeId) -> bool:
    """A province sees its regencies' reports side by side (it reports none of its own)."""
    return office.tier is Tier.PROVINSI


class MonitoringReleaseMisrouted(InvalidInput):
    """A monitoring report this office must not take from its sender: not from a regency or city directly below it,
    or about another office than the sender."""

    code = "monitoring_release_misrouted"


def check_report_route(holder: OfficeId, sender: OfficeId, origin: OfficeId) -> None:
    """A report comes up from the regency or city that made it, to its own province: anything else is refused."""
    if sender.parent != holder or not monitors(sender) or origin != sender:
        raise MonitoringReleaseMisrouted(origin=origin.value, sender=sender.value)
