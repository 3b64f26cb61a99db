"""The SIPOL data-fill monitoring reports (part of the Helpdesk application): submitted with the beranda's screenshot
and frozen, corrected with a reason, and recorded as missed by the watcher, each slot once."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime

import msgspec

from domain.errors import ConcurrentChange, NotFound
from domain.evidence import media_type_of
from domain.frozen_report import ReportAlreadySubmitted, ReportVersion
from domain.monitoring import MonitoringReport, monitoring_report_id, monitors
from domain.monitoring_values import (
    FigureInput,
    MonitoringContent,
    PartyFigures,
    ScreenshotRef,
    Slot,
    active_parties,
    check_report_input,
    check_screenshot,
)
from domain.offices import OfficeId
from domain.parties import Party, PartyRegister
from domain.roles import Permission, Role, check_permitted
from services.base import NodeApplication
from services.clips import Screenshot
from services.ports import StoredFiles


class MonitoringVersionView(msgspec.Struct, frozen=True, kw_only=True):
    """One version of a monitoring report, its content decoded, with the hash that proves it unchanged."""

    office_id: str
    day: date
    slot: Slot
    version: int
    content_hash: str
    submitter: str
    submitter_role: str
    submitted_at: datetime
    late: bool
    missed: bool  # the slot was recorded missed before this report came
    corrects: int | None
    reason: str | None
    figures: tuple[PartyFigures, ...]
    screenshot: ScreenshotRef
    note: str


class MonitoringCommands(NodeApplication):
    """Part of the Helpdesk application: SOP part D's reports."""

    office: OfficeId
    stored_files: StoredFiles
    register_for: Callable[[str | None], PartyRegister]  # provided by PartyCommands
    # Who held the monitoring duty on a day, by username (the roster's read model; provided by the composition root).
    monitoring_reporters: Callable[[str, date], tuple[str, ...]]

    def monitored_parties(self, office_id: str) -> tuple[Party, ...]:
        """The parties a report covers: the office's register (national list and its own additions)."""
        return active_parties(self.register_for(office_id).parties, OfficeId(office_id).province_code)

    def check_monitoring_input(self, office_id: str, figures: list[FigureInput], has_screenshot: bool,
                               note: str) -> None:
        """The checks a submission passes, without submitting (a form not yet confirmed shows every refusal)."""
        check_report_input(figures, self.monitored_parties(office_id), has_screenshot, note)

    def submit_monitoring(self, office_id: str, day: date, slot: Slot, figures: list[FigureInput],
                          screenshot: Screenshot | None, note: str, actor: str, role: Role) -> MonitoringVersionView:
        check_permitted(role, Permission.REPORT_MONITORING)
        slot = Slot(slot)
        existing = self._find_monitoring(office_id, day, slot)
        if existing is not None and existing.submitted:
            raise ReportAlreadySubmitted(version=existing.latest.version)
        checked, text = check_report_input(figures, self.monitored_parties(office_id), screenshot is not None, note)
        at = self.clock()
        content = MonitoringContent(office_id=office_id, day=day, slot=slot, figures=checked,
                                    screenshot=self._keep_beranda_screenshot(screenshot), note=text)
        report = self._monitoring_submitted(existing, content, actor, Role(role).value, at)
        try:
            self._save(report)
        except ConcurrentChange:
            # The watcher recorded the miss (or a colleague submitted) between our look and our save: once more.
            again = self._find_monitoring(office_id, day, slot)
            report = self._monitoring_submitted(again, content, actor, Role(role).value, at)
            self._save(report)
        return _view(report, report.latest)

    def correct_monitoring(self, office_id: str, day: date, slot: Slot, figures: list[FigureInput],
                           screenshot: Screenshot | None, note: str, reason: str, actor: str,
                           role: Role) -> MonitoringVersionView:
        """A new version; without a new screenshot the corrected figures keep the one already submitted."""
        check_permitted(role, Permission.REPORT_MONITORING)
        slot = Slot(slot)
        report = self._find_monitoring(office_id, day, slot)
        if report is None or not report.submitted:
            raise NotFound()
        checked, text = check_report_input(figures, self.monitored_parties(office_id), True, note)
        kept = (self._keep_beranda_screenshot(screenshot) if screenshot is not None
                else report.content_of(report.latest).screenshot)
        content = MonitoringContent(office_id=office_id, day=day, slot=slot, figures=checked, screenshot=kept,
                                    note=text)
        report.correct(content, reason, actor, Role(role).value, self.clock())
        self._save(report)
        return _view(report, report.latest)

    def record_missed_monitoring(self, slots: list[tuple[date, Slot]], now: datetime | None = None) -> int:
        """Records each slot of this office with no report as missed, once: a slot already recorded (here, by another
        watcher, or before a restart) or submitted is left alone. Returns how many misses were new."""
        if not monitors(self.office):
            return 0
        at = now or self.clock()
        office_id, recorded = self.office.value, 0
        for day, slot in slots:
            if self._find_monitoring(office_id, day, slot) is not None:
                continue
            try:
                self._save(MonitoringReport.record_missed(office_id=office_id, day=day, slot=slot, at=at,
                                                          reporters=self.monitoring_reporters(office_id, day)))
            except ConcurrentChange:
                continue  # recorded or submitted meanwhile: the slot has its record
            recorded += 1
        return recorded

    # Queries.

    def monitoring_versions(self, office_id: str, day: date, slot: Slot) -> list[MonitoringVersionView]:
        """Every version, oldest first; none when the report was never submitted."""
        report = self._find_monitoring(office_id, day, Slot(slot))
        return [] if report is None else [_view(report, v) for v in report.versions]

    def monitoring_screenshot(self, office_id: str, day: date, slot: Slot, version: int) -> tuple[bytes, str]:
        """The screenshot of one version (its bytes and media type), for the report's page."""
        report = self._find_monitoring(office_id, day, Slot(slot))
        found = report.version_of(version) if report is not None else None
        if report is None or found is None:
            raise NotFound()
        shot = report.content_of(found).screenshot
        return self.stored_files.get(shot.storage_key), shot.media_type

    def _monitoring_submitted(self, existing: MonitoringReport | None, content: MonitoringContent, actor: str,
                              role: str, at: datetime) -> MonitoringReport:
        if existing is None:
            return MonitoringReport.submit(content=content, submitter=actor, submitter_role=role, at=at)
        existing.submit_after_miss(content, actor, role, at)
        return existing

    def _keep_beranda_screenshot(self, screenshot: Screenshot | None) -> ScreenshotRef:
        """Stores the screenshot (the file store refuses what is not what it claims) once the report is checked."""
        if screenshot is None:
            return check_screenshot(None)
        key, digest = self.stored_files.put(screenshot.data, screenshot.media_type)
        return check_screenshot(ScreenshotRef(key, digest, media_type_of(key) or screenshot.media_type))

    def _find_monitoring(self, office_id: str, day: date, slot: Slot) -> MonitoringReport | None:
        try:
            report = self._load(monitoring_report_id(office_id, day, slot))
        except NotFound:
            return None
        return report if isinstance(report, MonitoringReport) and report.office_id == office_id else None


def _view(report: MonitoringReport, version: ReportVersion) -> MonitoringVersionView:
    content = report.content_of(version)
    return MonitoringVersionView(
        office_id=report.office_id, day=report.day, slot=report.slot, version=version.version,
        content_hash=version.content_hash, submitter=version.submitter, submitter_role=version.submitter_role,
        submitted_at=version.submitted_at, late=report.late, missed=report.missed, corrects=version.corrects,
        reason=version.reason, figures=content.figures, screenshot=content.screenshot, note=content.note,
    )
