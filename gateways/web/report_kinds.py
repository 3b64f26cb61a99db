"""The reports, one page each (/laporan/<jenis>): the SOP's five daily lists of a day, the daily recap, the
SOP-compliance report and the periodic report of a range; what each page shows, and the index's card for it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from domain.frozen_report import ReportKind
from domain.roles import Permission, may
from gateways.edge.reports import DailyList, ReportDesk
from gateways.web.report_parts import N_, Period, downloads, preview, version_rows
from services.views import UserView

DAILY_ROWS = 50  # a daily list's own page shows this many rows; the downloads hold them all
RECAP, COMPLIANCE, RANGE = "rekapitulasi", "kepatuhan", "berkala"


@dataclass(frozen=True)
class ReportPage:
    title: str  # Indonesian, translated where shown
    blurb: str
    span: str  # "day": of the day chosen; "range": of the range chosen
    template: str
    build: Callable[[ReportDesk, UserView, Period], dict[str, Any]]
    frozen: ReportKind | None = None  # a report submitted and kept in versions

    def shows(self, shown: Period) -> bool:
        """Whether there is anything to build for the period (a range the domain refuses has nothing)."""
        return self.span == "day" or shown.range_ok


def daily(name: DailyList) -> Callable[[ReportDesk, UserView, Period], dict[str, Any]]:
    def build(desk: ReportDesk, user: UserView, shown: Period) -> dict[str, Any]:
        document = desk.daily(name, shown.day, user.username)
        return {"name": name.value, "preview": preview(document, DAILY_ROWS),
                "downloads": downloads(f"daily/{name.value}", day=shown.day.isoformat())}
    return build


def frozen(kind: ReportKind, permission: Permission, desk: ReportDesk, user: UserView, first: date, last: date
           ) -> dict[str, Any]:
    """A frozen report of `first`..`last`: its versions, its draft (the content now), whether the caller may submit."""
    start, end = first.isoformat(), last.isoformat()
    return {
        "versions": version_rows(desk, kind, first, last, desk.versions(user, kind, first, last)),
        "draft": preview(desk.draft(kind, first, last, user.username)),
        "draft_pdf": downloads(f"{kind.value}/{start}/{end}/draft", (("pdf", N_("Unduh draf PDF"), {}),)),
        "may_submit": may(user.role, permission),
    }


def recap(desk: ReportDesk, user: UserView, shown: Period) -> dict[str, Any]:
    return frozen(ReportKind.DAILY_RECAP, Permission.SUBMIT_RECAP, desk, user, shown.day, shown.day)


def compliance(desk: ReportDesk, user: UserView, shown: Period) -> dict[str, Any]:
    start, end = shown.first.isoformat(), shown.last.isoformat()
    return {"preview": preview(desk.builder.compliance(shown.first, shown.last), rows=None),
            "downloads": downloads("compliance", start=start, end=end)}


def periodic(desk: ReportDesk, user: UserView, shown: Period) -> dict[str, Any]:
    return frozen(ReportKind.PERIODIC, Permission.REPORT_PERIODIC, desk, user, shown.first, shown.last)


PAGES: dict[str, ReportPage] = {
    "daftar-hadir": ReportPage(N_("Daftar Hadir"), N_("Tamu yang mengisi buku tamu, dengan tanda tangannya."), "day",
                               "reports/daily.html", daily(DailyList.ATTENDANCE)),
    "daftar-permasalahan": ReportPage(N_("Daftar Permasalahan"), N_("Permasalahan yang dicatat hari itu."), "day",
                                      "reports/daily.html", daily(DailyList.PROBLEMS)),
    "jawaban-solusi": ReportPage(N_("Jawaban/Solusi"), N_("Jawaban atau solusi yang diberikan, dengan dasarnya."),
                                 "day", "reports/daily.html", daily(DailyList.ANSWERS)),
    "laporan-harian": ReportPage(N_("Laporan Harian"), N_("Konsultasi yang Anda layani hari itu."), "day",
                                 "reports/daily.html", daily(DailyList.STAFF_DAILY)),
    "dokumentasi-foto": ReportPage(N_("Dokumentasi Foto"), N_("Foto dokumentasi konsultasi hari itu."), "day",
                                   "reports/daily.html", daily(DailyList.PHOTOS)),
    RECAP: ReportPage(N_("Rekapitulasi harian"), N_("Diserahkan sekali lalu dibekukan; perubahan menjadi versi baru."),
                      "day", "reports/recap.html", recap, ReportKind.DAILY_RECAP),
    COMPLIANCE: ReportPage(N_("Kepatuhan mutu baku waktu SOP"), N_("Langkah SOP yang selesai dalam standar waktunya."),
                           "range", "reports/compliance.html", compliance),
    RANGE: ReportPage(N_("Laporan berkala"),
                      N_("Rentang tanggal; diserahkan sekali lalu dibekukan, perubahan menjadi versi baru."), "range",
                      "reports/periodic.html", periodic, ReportKind.PERIODIC),
}


@dataclass(frozen=True)
class Card:
    slug: str
    page: ReportPage
    href: str
    versions: int | None  # how many versions were submitted (a frozen report), else None


def index_cards(desk: ReportDesk, user: UserView, shown: Period) -> list[Card]:
    """Each report's card on /laporan, its link keeping the period; a frozen report says how far it has got."""
    cards = []
    for slug, report in PAGES.items():
        versions = None
        if report.frozen is not None and report.shows(shown):
            first, last = (shown.day, shown.day) if report.span == "day" else (shown.first, shown.last)
            versions = len(desk.versions(user, report.frozen, first, last))
        cards.append(Card(slug, report, f"/laporan/{slug}?{shown.query()}", versions))
    return cards
