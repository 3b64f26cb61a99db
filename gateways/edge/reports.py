"""The report use cases the API and the reports page share: the SOP's daily lists, a draft, and submitting or
correcting a frozen report (its content built and encoded one way), each within the domain's bounds on days."""

from __future__ import annotations

from datetime import date
from enum import StrEnum

import msgspec

from domain.frozen_report import InvalidPeriod, ReportKind, check_days, check_period
from domain.offices import OfficeId
from gateways.reports.builders import ReportBuilder
from gateways.reports.dates import today
from services.documents import ReportDocument
from services.frozen_reports import ReportVersionView
from services.helpdesk import Helpdesk
from services.ports import Clock
from services.views import UserView

DRAFT_NOTE = "Draf — belum diserahkan"


class DailyList(StrEnum):
    ATTENDANCE = "daftar_hadir"
    PROBLEMS = "daftar_permasalahan"
    ANSWERS = "jawaban_solusi"
    STAFF_DAILY = "laporan_harian"
    PHOTOS = "dokumentasi_foto"


# The daily lists built from the day alone, by name.
_DAILY = {
    DailyList.ATTENDANCE: ReportBuilder.attendance,
    DailyList.PROBLEMS: ReportBuilder.problems,
    DailyList.ANSWERS: ReportBuilder.answers,
    DailyList.PHOTOS: ReportBuilder.photo_documentation,
}


class ReportDesk:
    def __init__(self, helpdesk: Helpdesk, builder: ReportBuilder, clock: Clock, office: OfficeId) -> None:
        self.helpdesk, self.builder, self.clock, self.office = helpdesk, builder, clock, office

    def today(self) -> date:
        """The office's own day now."""
        return today(self.clock(), self.office)

    def check(self, first: date, last: date, kind: ReportKind | None = None, field: str | None = None) -> None:
        """The domain's bounds on report days (in order, at most 366, none after the office's today), checked before
        anything is built; a frozen report's kind adds its own shape (a recap covers one day). `field` names the
        caller's own input instead of the report's (the API's `end`, a daily list's `day`)."""
        try:
            if kind is None:
                check_days(first, last, self.today())
            else:
                check_period(kind, first, last, self.today())
        except InvalidPeriod as error:
            if field is None:
                raise
            raise type(error)(field=field, **error.params) from None

    def daily(self, name: DailyList, day: date, staff: str) -> ReportDocument:
        if name is DailyList.STAFF_DAILY:
            return self.builder.staff_daily(day, staff)
        return _DAILY[name](self.builder, day)

    def draft(self, kind: ReportKind, first: date, last: date, username: str) -> ReportDocument:
        content = self.builder.content(kind.value, first, last)
        return self.builder.frozen(msgspec.json.encode(content), DRAFT_NOTE, username)

    def submit(self, caller: UserView, kind: ReportKind, first: date, last: date, field: str | None = None
               ) -> ReportVersionView:
        self.check(first, last, kind, field)
        content = msgspec.json.encode(self.builder.content(kind.value, first, last))
        return self.helpdesk.submit_report(caller.office_id, kind, first, last, content, caller.username, caller.role)

    def correct(self, caller: UserView, kind: ReportKind, first: date, last: date, reason: str,
                field: str | None = None) -> ReportVersionView:
        self.check(first, last, kind, field)
        content = msgspec.json.encode(self.builder.content(kind.value, first, last))
        return self.helpdesk.correct_report(caller.office_id, kind, first, last, content, reason, caller.username,
                                            caller.role)

    def versions(self, caller: UserView, kind: ReportKind, first: date, last: date) -> list[ReportVersionView]:
        return self.helpdesk.report_versions(caller.office_id, kind, first, last)
