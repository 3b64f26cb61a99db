"""Submitted reports, frozen: the daily recap and the periodic report, each version kept with its hash."""

from __future__ import annotations

import hashlib
from datetime import date, datetime
from enum import StrEnum
from uuid import NAMESPACE_URL, UUID, uuid5

import msgspec
from eventsourcing.domain import Aggregate

from domain.errors import DomainError, InvalidInput, TextRequired
from domain.frontdesk import local_day
from domain.service_days import check_service_day
from domain.values import clean_text

# The longest range a report covers: a leap year, as the reports page offers.
MAX_PERIOD_DAYS = 366


class ReportKind(StrEnum):
    DAILY_RECAP = "rekapitulasi_harian"  # the Sekretaris to the Ketua, one day
    PERIODIC = "laporan_berkala"  # the Ketua to the commissioner, over a date range


# The errors of submitting and correcting.
class ReportAlreadySubmitted(DomainError):
    """A submitted report is never replaced: a change is a correction, a new version."""

    code = "report_already_submitted"
    kind = "conflict"


class CorrectionUnchanged(DomainError):
    code = "correction_unchanged"
    kind = "conflict"


class ReasonRequired(InvalidInput):
    code = "reason_required"


class InvalidPeriod(InvalidInput):
    code = "invalid_period"


class PeriodTooLong(InvalidPeriod):
    code = "period_too_long"


class PeriodNotBegun(InvalidPeriod):
    """A day after the office's today has not happened yet; today itself may be reported (the Sekretaris recaps at
    the end of service hours, before midnight)."""

    code = "period_not_begun"


class ReportVersion(msgspec.Struct, frozen=True):
    """One submitted version, exactly as it was submitted."""

    version: int
    content: bytes
    content_hash: str
    submitter: str
    submitter_role: str
    submitted_at: datetime
    corrects: int | None = None  # the version this one corrects
    reason: str | None = None  # why it was corrected


def frozen_report_id(office_id: str, kind: ReportKind, period_start: date, period_end: date) -> UUID:
    """The id of one office's report of one kind over one period, the same wherever it is computed: a
    second submission of the same report finds the first."""
    period = f"{period_start.isoformat()}:{period_end.isoformat()}"
    return uuid5(NAMESPACE_URL, f"helpdesk-sipol:report:{office_id}:{ReportKind(kind).value}:{period}")


def sealed_cell_context(report_id: UUID, path: str) -> bytes:
    """What a consultee's sealed value in a report's content is bound to (its AES-GCM associated data): the report and
    the cell (e.g. `lines.3.consultee`). A ciphertext copied into another report or another cell does not open."""
    return f"helpdesk-sipol:report-cell:v1:{report_id}:{path}".encode()


def content_hash(content: bytes) -> str:
    """The SHA-256 of the content, in hexadecimal."""
    return hashlib.sha256(content).hexdigest()


def check_period_shape(kind: ReportKind, period_start: date, period_end: date) -> None:
    """A period never ends before it starts; a daily recap covers exactly one day."""
    if period_end < period_start or (kind is ReportKind.DAILY_RECAP and period_end != period_start):
        raise InvalidPeriod(field="period_end")


def check_days(first: date, last: date, today: date) -> None:
    """The office's days a report covers (a frozen report, a daily list, the SOP-compliance figures): in order, at
    most MAX_PERIOD_DAYS of them, and none after the office's `today`."""
    if last < first:
        raise InvalidPeriod(field="period_end")
    if (last - first).days + 1 > MAX_PERIOD_DAYS:
        raise PeriodTooLong(field="period_end", limit=MAX_PERIOD_DAYS)
    if last > today:
        raise PeriodNotBegun(field="period_end", today=today)
    check_service_day(first, "period_start")  # 0001-01-01: refused before any arithmetic on its moments
    check_service_day(last, "period_end")


def check_period(kind: ReportKind, period_start: date, period_end: date, today: date) -> None:
    """What may be submitted: a period of the right shape for its kind, within the bounds of `check_days`."""
    check_period_shape(kind, period_start, period_end)
    check_days(period_start, period_end, today)


class FrozenReport(Aggregate):
    """One report of one office over one period: its submitted version and every correction of it."""

    class Submitted(Aggregate.Created):
        office_id: str
        kind: ReportKind
        period_start: date
        period_end: date
        version: int
        content: bytes
        content_hash: str
        submitter: str
        submitter_role: str

        def apply(self, aggregate: FrozenReport) -> None:
            aggregate.versions = (_version(self),)

    class Corrected(Aggregate.Event):
        version: int
        corrects: int
        reason: str
        content: bytes
        content_hash: str
        submitter: str
        submitter_role: str

        def apply(self, aggregate: FrozenReport) -> None:
            corrected = _version(self, corrects=self.corrects, reason=self.reason)
            aggregate.versions = (*aggregate.versions, corrected)

    def __init__(self, office_id: str, kind: ReportKind, period_start: date, period_end: date) -> None:
        self.office_id = office_id
        self.kind = kind
        self.period_start = period_start
        self.period_end = period_end
        self.versions: tuple[ReportVersion, ...] = ()

    @classmethod
    def submit(
        cls,
        *,
        office_id: str,
        kind: ReportKind,
        period_start: date,
        period_end: date,
        content: bytes,
        submitter: str,
        submitter_role: str,
        at: datetime,
    ) -> FrozenReport:
        kind = ReportKind(kind)
        check_period(kind, period_start, period_end, local_day(at, office_id))
        content = _checked_content(content)
        return cls._create(
            cls.Submitted,
            id=frozen_report_id(office_id, kind, period_start, period_end),
            timestamp=at,
            office_id=office_id,
            kind=kind,
            period_start=period_start,
            period_end=period_end,
            version=1,
            content=content,
            content_hash=content_hash(content),
            submitter=submitter,
            submitter_role=submitter_role,
        )

    def correct(self, content: bytes, reason: str, submitter: str, submitter_role: str, at: datetime) -> None:
        """A new version that names the one it corrects; the earlier versions stay as they were."""
        if not reason or not reason.strip():
            raise ReasonRequired(field="reason")
        content = _checked_content(content)
        digest = content_hash(content)
        latest = self.latest
        if digest == latest.content_hash:
            raise CorrectionUnchanged(version=latest.version)
        self.trigger_event(
            self.Corrected,
            timestamp=at,
            version=latest.version + 1,
            corrects=latest.version,
            reason=clean_text(reason, "reason"),
            content=content,
            content_hash=digest,
            submitter=submitter,
            submitter_role=submitter_role,
        )

    @property
    def latest(self) -> ReportVersion:
        return self.versions[-1]

    def version_of(self, number: int) -> ReportVersion | None:
        return next((v for v in self.versions if v.version == number), None)


def _checked_content(content: bytes) -> bytes:
    """A report has content; an empty one is a mistake, not a report."""
    if not content:
        raise TextRequired(field="content")
    return bytes(content)


def _version(
    event: FrozenReport.Submitted | FrozenReport.Corrected, corrects: int | None = None, reason: str | None = None
) -> ReportVersion:
    """The version an event records, submitted at the event's moment."""
    return ReportVersion(version=event.version, content=event.content, content_hash=event.content_hash,
                         submitter=event.submitter, submitter_role=event.submitter_role,
                         submitted_at=event.timestamp, corrects=corrects, reason=reason)
