"""The SOP clocks API: the steps running now with their time left, and compliance with the time standards."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from litestar import Controller, get
from litestar.params import FromQuery, QueryParameter

from domain.frozen_report import InvalidPeriod, check_days
from domain.roles import Permission
from gateways.edge.auth import requires
from gateways.edge.deps import Caller, ClockDep, ClocksDep, HereDep
from gateways.reports.dates import today
from projections.clock_queries import ComplianceBy, ComplianceRow, OpenClock

ByQuery = Annotated[ComplianceBy, QueryParameter(description="staff | day | channel | step")]


class ClockController(Controller):
    path = "/api/clocks"
    tags = ["Jam SOP"]
    guards = [requires(Permission.READ_CONSULTATIONS)]

    @get("/open", sync_to_thread=True,
         summary="Konsultasi yang sedang berjalan: langkah SOP saat ini dan sisa waktunya, yang paling mendesak dulu")
    def open_now(self, request: Caller, clocks: ClocksDep, clock: ClockDep) -> list[OpenClock]:
        return clocks.open_now(request.user.office_id, clock())

    @get("/compliance", sync_to_thread=True,
         summary="Kepatuhan mutu baku waktu per langkah, per petugas, hari, saluran atau langkah (default: hari ini)")
    def compliance(self, request: Caller, clocks: ClocksDep, clock: ClockDep, here: HereDep,
                   start: FromQuery[date | None] = None, end: FromQuery[date | None] = None,
                   by: ByQuery = ComplianceBy.STEP) -> list[ComplianceRow]:
        office_today = today(clock(), here.office)
        first = start or office_today
        last = end or first
        try:
            check_days(first, last, office_today)  # the same bounds as every report's days
        except InvalidPeriod as error:
            raise type(error)(field="end", **error.params) from None
        return clocks.compliance(request.user.office_id, first, last, by)
