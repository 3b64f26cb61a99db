"""The SIPOL data-fill monitoring report (SOP part D): one per office, day and slot (08.00 and 17.00 office time),
frozen when submitted like the daily recap (its content's hash, versions, corrections with a reason), and recorded
as missed when its half hour of grace passes without it.

The due rules are pure functions of explicit moments: the slot's time in the office's zone (WIB, WITA or WIT), the
grace, and the moment a report was submitted or is looked at. `MonitoringReport.Missed` is the alert the
notifications send (to the reporter on duty, the Koordinator Harian and the commissioner); it names the office, the
day and the slot, and carries no person's data.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from uuid import NAMESPACE_URL, UUID, uuid5
from zoneinfo import ZoneInfo

from eventsourcing.domain import Aggregate

from domain.errors import DomainError
from domain.frontdesk import local_day
from domain.frozen_report import (
    CorrectionUnchanged,
    ReasonRequired,
    ReportAlreadySubmitted,
    ReportVersion,
    content_hash,
)
from domain.monitoring_values import (
    MonitoringContent,
    Slot,
    SlotNotOpen,
    SlotState,
    decode_content,
    encode_content,
)
from domain.offices import OfficeId, Tier
from domain.service_days import check_service_day
from domain.values import clean_text

GRACE = timedelta(minutes=30)  # a report not submitted 30 minutes after its time is missed
OPENS_BEFORE = timedelta(hours=1)  # the earliest a slot's figures are taken
LOOK_BACK_DAYS = 1  # the watcher records misses of the office's today and yesterday (a node down overnight)


class NotMissedYet(DomainError):
    """Recording a miss before the slot's grace has passed (a watcher's clock error, never a person's input)."""

    code = "monitoring_not_missed_yet"
    kind = "conflict"


def monitors(office: OfficeId) -> bool:
    """The regency and city offices monitor their parties' SIPOL fill (the decree is a KPU Kabupaten's); the province
    sees its regencies' reports side by side."""
    return office.tier is Tier.KABKOTA


def monitoring_report_id(office_id: str, day: date, slot: Slot) -> UUID:
    """The same id wherever it is computed: a second submission, or a second miss, finds the first."""
    return uuid5(NAMESPACE_URL, f"helpdesk-sipol:monitoring:{office_id}:{day.isoformat()}:{Slot(slot).value}")


def due_at(office_id: str, day: date, slot: Slot) -> datetime:
    """The slot's moment: 08.00 or 17.00 of `day` in the office's own zone."""
    check_service_day(day)
    zone = ZoneInfo(OfficeId(office_id).timezone)
    return datetime.combine(day, Slot(slot).at, tzinfo=zone)


def missed_from(office_id: str, day: date, slot: Slot) -> datetime:
    """From this moment on an unsubmitted report is missed."""
    return due_at(office_id, day, slot) + GRACE


def is_late(office_id: str, day: date, slot: Slot, at: datetime) -> bool:
    return at >= missed_from(office_id, day, slot)


def slot_state(office_id: str, day: date, slot: Slot, submitted_at: datetime | None, now: datetime) -> SlotState:
    """Where a slot stands at `now`: submitted on time or late, or not submitted: due, then missed."""
    if submitted_at is not None:
        return SlotState.LATE if is_late(office_id, day, slot, submitted_at) else SlotState.ON_TIME
    return SlotState.MISSED if now >= missed_from(office_id, day, slot) else SlotState.DUE


def slots_missed_by(office_id: str, now: datetime, look_back_days: int = LOOK_BACK_DAYS,
                    since: datetime | None = None) -> list[tuple[date, Slot]]:
    """The slots of the office's today and the days before it (`look_back_days`) whose grace has passed at `now`,
    oldest first: those a watcher records as missed unless a report was submitted. A slot due before `since` (when
    the office's node began keeping its log) was not the node's to report: a new node raises no alert for it."""
    today = local_day(now, office_id)
    found = []
    for back in range(look_back_days, -1, -1):
        day = today - timedelta(days=back)
        found += [(day, slot) for slot in Slot if now >= missed_from(office_id, day, slot)
                  and (since is None or due_at(office_id, day, slot) >= since)]
    return found


def check_open(office_id: str, day: date, slot: Slot, at: datetime) -> None:
    """A slot is reported from an hour before its time; a later day, or a slot still hours away, is refused."""
    if at < due_at(office_id, day, slot) - OPENS_BEFORE:
        raise SlotNotOpen(field="slot", slot=Slot(slot).label)


class MonitoringReport(Aggregate):
    """One office's monitoring report of one day and slot: missed, submitted (on time or late), corrected."""

    class Missed(Aggregate.Created):
        """The slot's grace passed with no report: the alert (past tense: it happened)."""

        office_id: str
        day: date
        slot: Slot
        due_at: datetime
        reporters: tuple[str, ...] = ()  # who held the monitoring duty that day (the roster), by username

        def apply(self, aggregate: MonitoringReport) -> None:
            aggregate.missed = True

    class Submitted(Aggregate.Created):
        office_id: str
        day: date
        slot: Slot
        due_at: datetime
        version: int
        content: bytes
        content_hash: str
        submitter: str
        submitter_role: str
        late: bool

        def apply(self, aggregate: MonitoringReport) -> None:
            aggregate.late = self.late
            aggregate.versions = (_version(self),)

    class SubmittedAfterMiss(Aggregate.Event):
        """Submitted late, after the miss was recorded: the miss stays in the history, the report is marked late."""

        version: int
        content: bytes
        content_hash: str
        submitter: str
        submitter_role: str
        late: bool

        def apply(self, aggregate: MonitoringReport) -> None:
            aggregate.late = self.late
            aggregate.versions = (_version(self),)

    class Corrected(Aggregate.Event):
        version: int
        corrects: int
        reason: str
        content: bytes
        content_hash: str
        submitter: str
        submitter_role: str

        def apply(self, aggregate: MonitoringReport) -> None:
            aggregate.versions = (*aggregate.versions, _version(self, self.corrects, self.reason))

    def __init__(self, office_id: str, day: date, slot: Slot, due_at: datetime) -> None:
        self.office_id = office_id
        self.day = day
        self.slot = Slot(slot)
        self.due_at = due_at
        self.missed = False
        self.late = False
        self.versions: tuple[ReportVersion, ...] = ()

    @classmethod
    def record_missed(cls, *, office_id: str, day: date, slot: Slot, at: datetime, reporters: tuple[str, ...] = ()
                      ) -> MonitoringReport:
        if at < missed_from(office_id, day, slot):
            raise NotMissedYet(slot=Slot(slot).label)
        return cls._create(cls.Missed, id=monitoring_report_id(office_id, day, slot), timestamp=at,
                           office_id=office_id, day=day, slot=Slot(slot), due_at=due_at(office_id, day, slot),
                           reporters=tuple(reporters))

    @classmethod
    def submit(cls, *, content: MonitoringContent, submitter: str, submitter_role: str,
               at: datetime) -> MonitoringReport:
        office_id, day, slot = content.office_id, content.day, content.slot
        check_open(office_id, day, slot, at)
        data = encode_content(content)
        return cls._create(cls.Submitted, id=monitoring_report_id(office_id, day, slot), timestamp=at,
                           office_id=office_id, day=day, slot=slot, due_at=due_at(office_id, day, slot), version=1,
                           content=data, content_hash=content_hash(data), submitter=submitter,
                           submitter_role=submitter_role, late=is_late(office_id, day, slot, at))

    def submit_after_miss(self, content: MonitoringContent, submitter: str, submitter_role: str,
                          at: datetime) -> None:
        """The report of a slot recorded as missed, submitted now (late)."""
        if self.versions:
            raise ReportAlreadySubmitted(version=self.latest.version)
        self._check_same_slot(content)
        data = encode_content(content)
        self.trigger_event(self.SubmittedAfterMiss, timestamp=at, version=1, content=data,
                           content_hash=content_hash(data), submitter=submitter, submitter_role=submitter_role,
                           late=is_late(self.office_id, self.day, self.slot, at))

    def correct(self, content: MonitoringContent, reason: str, submitter: str, submitter_role: str,
                at: datetime) -> None:
        """A new version naming the one it corrects; the earlier versions stay as they were."""
        if not self.versions:
            raise MonitoringNotSubmitted()
        if not reason or not reason.strip():
            raise ReasonRequired(field="reason")
        self._check_same_slot(content)
        data = encode_content(content)
        digest = content_hash(data)
        if digest == self.latest.content_hash:
            raise CorrectionUnchanged(version=self.latest.version)
        self.trigger_event(self.Corrected, timestamp=at, version=self.latest.version + 1,
                           corrects=self.latest.version, reason=clean_text(reason, "reason"), content=data,
                           content_hash=digest, submitter=submitter, submitter_role=submitter_role)

    @property
    def submitted(self) -> bool:
        return bool(self.versions)

    @property
    def latest(self) -> ReportVersion:
        return self.versions[-1]

    @property
    def submitted_at(self) -> datetime | None:
        return self.versions[0].submitted_at if self.versions else None

    def content_of(self, version: ReportVersion) -> MonitoringContent:
        return decode_content(version.content)

    def version_of(self, number: int) -> ReportVersion | None:
        return next((v for v in self.versions if v.version == number), None)

    def _check_same_slot(self, content: MonitoringContent) -> None:
        if (content.office_id, content.day, content.slot) != (self.office_id, self.day, self.slot):
            raise SlotMismatch(field="slot")


class SlotMismatch(DomainError):
    code = "monitoring_slot_mismatch"
    kind = "conflict"


class MonitoringNotSubmitted(DomainError):
    """A correction of a report never submitted (a missed slot is submitted late, not corrected)."""

    code = "monitoring_not_submitted"
    kind = "conflict"


def _version(event: MonitoringReport.Submitted | MonitoringReport.SubmittedAfterMiss | MonitoringReport.Corrected,
             corrects: int | None = None, reason: str | None = None) -> ReportVersion:
    return ReportVersion(version=event.version, content=event.content, content_hash=event.content_hash,
                         submitter=event.submitter, submitter_role=event.submitter_role,
                         submitted_at=event.timestamp, corrects=corrects, reason=reason)
