"""Submitting and correcting frozen reports (the daily recap, the periodic report) and reading their versions."""

from __future__ import annotations

from datetime import date

import msgspec

from domain.errors import ConcurrentChange, NotFound
from domain.frozen_report import (
    FrozenReport,
    ReportAlreadySubmitted,
    ReportKind,
    ReportVersion,
    check_period_shape,
    frozen_report_id,
)
from domain.roles import Permission, Role, check_permitted
from services.base import NodeApplication

# Who may submit (and correct) each kind: the Sekretaris the daily recap, the Ketua the periodic report.
SUBMIT_PERMISSION: dict[ReportKind, Permission] = {
    ReportKind.DAILY_RECAP: Permission.SUBMIT_RECAP,
    ReportKind.PERIODIC: Permission.REPORT_PERIODIC,
}


class ReportVersionView(ReportVersion, frozen=True, kw_only=True):
    """One version of a submitted report, with its content and the hash that proves it unchanged, and the
    report it belongs to."""

    kind: ReportKind
    office_id: str
    period_start: date
    period_end: date


class FrozenReportCommands(NodeApplication):
    """Part of the Helpdesk application: reports frozen when submitted, changed only by new versions."""

    def submit_report(self, office_id: str, kind: ReportKind, period_start: date, period_end: date, content: bytes,
                      actor: str, role: Role) -> ReportVersionView:
        kind = _permitted(kind, role)
        existing = self._find_report(office_id, kind, period_start, period_end)
        if existing is not None:
            raise ReportAlreadySubmitted(version=existing.latest.version)
        report = FrozenReport.submit(office_id=office_id, kind=kind, period_start=period_start, period_end=period_end,
                                     content=content, submitter=actor, submitter_role=Role(role).value,
                                     at=self.clock())
        try:
            self._save(report)
        except ConcurrentChange:
            # Someone submitted the same report between our look and our save.
            raise ReportAlreadySubmitted() from None
        return _view(report, report.latest)

    def correct_report(self, office_id: str, kind: ReportKind, period_start: date, period_end: date, content: bytes,
                       reason: str, actor: str, role: Role) -> ReportVersionView:
        kind = _permitted(kind, role)
        report = self._get_report(office_id, kind, period_start, period_end)
        report.correct(content, reason, actor, Role(role).value, self.clock())
        self._save(report)
        return _view(report, report.latest)

    # Queries.

    def report_versions(
        self, office_id: str, kind: ReportKind, period_start: date, period_end: date
    ) -> list[ReportVersionView]:
        """Every version, oldest first; none when the report was never submitted."""
        report = self._find_report(office_id, ReportKind(kind), period_start, period_end)
        return [] if report is None else [_view(report, v) for v in report.versions]

    def report_version(
        self, office_id: str, kind: ReportKind, period_start: date, period_end: date, version: int
    ) -> ReportVersionView:
        report = self._get_report(office_id, ReportKind(kind), period_start, period_end)
        found = report.version_of(version)
        if found is None:
            raise NotFound(field="version")
        return _view(report, found)

    def _get_report(self, office_id: str, kind: ReportKind, period_start: date, period_end: date) -> FrozenReport:
        report = self._find_report(office_id, kind, period_start, period_end)
        if report is None:
            raise NotFound()
        return report

    def _find_report(
        self, office_id: str, kind: ReportKind, period_start: date, period_end: date
    ) -> FrozenReport | None:
        # Reading is checked for shape only: asking for the versions of a day to come finds none, and harms nothing.
        check_period_shape(kind, period_start, period_end)
        try:
            report = self._load(frozen_report_id(office_id, kind, period_start, period_end))
        except NotFound:
            return None
        if not isinstance(report, FrozenReport):
            return None
        return report


def _permitted(kind: ReportKind, role: Role) -> ReportKind:
    """The report's kind, once the role may submit (and correct) it."""
    kind = ReportKind(kind)
    check_permitted(role, SUBMIT_PERMISSION[kind])
    return kind


def _view(report: FrozenReport, version: ReportVersion) -> ReportVersionView:
    return ReportVersionView(kind=report.kind, office_id=report.office_id, period_start=report.period_start,
                             period_end=report.period_end, **msgspec.structs.asdict(version))
