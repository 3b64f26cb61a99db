"""The province's "Pemantauan SIPOL" page (issue 16): its regencies' 08.00 and 17.00 reports side by side for a chosen
day (each regency's state, "belum diterima" when nothing came), and each party's figures per regency with the totals
across them, as the regencies sent them up (domain/monitoring_copy.py)."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from litestar.response import Template

from domain.frontdesk import local_day
from domain.frozen_report import check_days
from domain.monitoring_values import Slot
from domain.offices import OfficeId
from gateways.edge.deps import Caller
from gateways.reference import office_name
from gateways.web.render import page
from gateways.web.workspace_view import template_helpers
from projections.monitoring_queries import MonitoringQueries

RECEIVED_NAMES = {"not_received": "Belum diterima", "on_time": "Tepat waktu", "late": "Terlambat",
                  "missed": "Terlewat"}
RECEIVED_TONES = {"not_received": "", "on_time": "ok", "late": "warn", "missed": "bad"}


def regencies_page(request: Caller, here: Any, monitoring: MonitoringQueries, now: datetime, day: date | None,
                   slot: str | None) -> Template:
    """The regencies of this province for `day` (today, office time, when none is chosen); the party figures of
    `slot` (the latest slot any regency reported, when none is chosen)."""
    office_id = request.user.office_id
    today = local_day(now, office_id)
    chosen = day or today
    check_days(chosen, chosen, today)  # a day to come, or one before any service day, is refused (4xx)
    seen = monitoring.regencies.day(chosen)
    shown = _slot(slot, seen.figures)
    return page(request, here, "monitoring/regencies.html", day=chosen, today=today,
                previous=chosen - timedelta(days=1), following=chosen + timedelta(days=1) if chosen < today else None,
                seen=seen, slot=shown, parties=seen.figures[shown.value], slots=list(Slot),
                received_names=RECEIVED_NAMES, received_tones=RECEIVED_TONES,
                office_label=lambda office: office_name(OfficeId(office)), **template_helpers(here.office))


def _slot(text: str | None, figures: dict[str, list[Any]]) -> Slot:
    if text in {s.value for s in Slot}:
        return Slot(text)
    return Slot.EVENING if figures.get(Slot.EVENING.value) else Slot.MORNING
