"""The "Pemantauan SIPOL" pages (SOP part D): today's 08.00 and 17.00 slots with their state, the form with one row per
active party (pengurus, anggota, kantor) and the beranda's screenshot, confirmed before it is submitted and frozen;
the frozen report and its versions, a correction with its reason, and each party's figures over days beside the
registration thresholds."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

from litestar import Controller, Response, get, post
from litestar.datastructures import UploadFile
from litestar.exceptions import NotFoundException
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template

from domain.errors import DomainError
from domain.frontdesk import local_day
from domain.monitoring_copy import sees_regencies
from domain.monitoring_values import FIGURES, FigureInput, Slot, SlotState, Thresholds
from domain.offices import OfficeId
from domain.roles import Permission, may
from gateways.edge.auth import requires
from gateways.edge.deps import Caller, ClockDep, HelpdeskDep, HereDep, MonitoringDep, ThresholdsDep
from gateways.edge.errors import LARGEST_FILE, STATUS_OF_KIND, megabytes, say
from gateways.messages import message
from gateways.storage import MAX_FILE_BYTES, MAX_UPLOAD_BYTES, FileRefused
from gateways.web.charts import Series, stacked_bars
from gateways.web.forms import Upload
from gateways.web.i18n import translator
from gateways.web.monitoring_regencies import regencies_page
from gateways.web.render import language, page
from gateways.web.workspace_view import template_helpers
from projections.monitoring_queries import PartySeries
from services.clips import Screenshot
from services.helpdesk import Helpdesk

UPLOAD = {"request_max_body_size": MAX_UPLOAD_BYTES, "opt": {LARGEST_FILE: MAX_FILE_BYTES}}
READ = [requires(Permission.READ_CONSULTATIONS)]
REPORT = [requires(Permission.REPORT_MONITORING)]
CHART_DAYS = 14
STATE_NAMES = {SlotState.DUE: "Belum disampaikan", SlotState.ON_TIME: "Tepat waktu", SlotState.LATE: "Terlambat",
               SlotState.MISSED: "Terlewat"}


class MonitoringPages(Controller):
    path = "/pemantauan"
    include_in_schema = False

    @get("/", guards=READ, sync_to_thread=True)
    def index(self, request: Caller, here: HereDep, monitoring: MonitoringDep, clock: ClockDep,
              day: FromQuery[date | None] = None, slot: FromQuery[str | None] = None) -> Template:
        office_id, now = request.user.office_id, clock()
        if sees_regencies(OfficeId(office_id)):  # a province: its regencies side by side
            return regencies_page(request, here, monitoring, now, day, slot)
        today = local_day(now, office_id)
        return page(request, here, "monitoring/index.html", today=today, slots=monitoring.day(office_id, today, now),
                    recent=monitoring.days(office_id, today - timedelta(days=6), today - timedelta(days=1), now,
                                          since_began=True),
                    may_report=may(request.user.role, Permission.REPORT_MONITORING), **_helpers(here))

    @get("/grafik", guards=READ, sync_to_thread=True)
    def chart(self, request: Caller, here: HereDep, monitoring: MonitoringDep, clock: ClockDep,
              monitoring_thresholds: ThresholdsDep) -> Template:
        office_id = request.user.office_id
        last = local_day(clock(), office_id)
        first = last - timedelta(days=CHART_DAYS - 1)
        _ = translator(language(request))
        charts = [_party_charts(s, monitoring_thresholds, _) for s in monitoring.series(office_id, first, last)]
        return page(request, here, "monitoring/chart.html", first=first, last=last, charts=charts,
                    thresholds=monitoring_thresholds, **_helpers(here))

    @get("/{day:date}/{slot:str}", guards=READ, sync_to_thread=True)
    def slot_page(self, request: Caller, here: HereDep, helpdesk: HelpdeskDep, monitoring: MonitoringDep,
                  clock: ClockDep, day: FromPath[date], slot: FromPath[str]) -> Template:
        return _slot_page(request, here, helpdesk, monitoring, clock(), day, _slot(slot), {}, {})

    @post("/{day:date}/{slot:str}", guards=REPORT, sync_to_thread=True, **UPLOAD)  # type: ignore[arg-type]
    def submit(self, request: Caller, here: HereDep, helpdesk: HelpdeskDep, monitoring: MonitoringDep,
               clock: ClockDep, day: FromPath[date], slot: FromPath[str], data: Upload) -> Response[Any] | Template:
        chosen, user = _slot(slot), request.user
        rows, shot, note = _read(helpdesk, user.office_id, data)
        lang = language(request)
        confirmed = data.get("confirm") == "1"
        errors, status = ({}, 422) if confirmed else ({"confirm": message("monitoring_confirm_required", lang)}, 422)
        try:
            if confirmed:
                helpdesk.submit_monitoring(user.office_id, day, chosen, rows, shot, note, user.username, user.role)
            else:  # not confirmed: every other refusal is shown with it, and nothing is stored
                helpdesk.check_monitoring_input(user.office_id, rows, shot is not None, note)
        except (DomainError, FileRefused) as error:
            found, status = _errors(error, lang)
            errors |= found
        if errors:
            return _slot_page(request, here, helpdesk, monitoring, clock(), day, chosen, _values(data), errors,
                              status_code=status)
        return Redirect(f"/pemantauan/{day.isoformat()}/{chosen.value}", status_code=303)

    @get("/{day:date}/{slot:str}/koreksi", guards=REPORT, sync_to_thread=True)
    def correction_form(self, request: Caller, here: HereDep, helpdesk: HelpdeskDep, day: FromPath[date],
                        slot: FromPath[str]) -> Template:
        chosen = _slot(slot)
        versions = helpdesk.monitoring_versions(request.user.office_id, day, chosen)
        if not versions:
            raise NotFoundException()
        latest = versions[-1]
        values = {f"{name}-{i}": str(getattr(f, name)) for i, f in enumerate(latest.figures) for name in FIGURES}
        return _correction_page(request, here, helpdesk, day, chosen, {**values, "note": latest.note}, {})

    @post("/{day:date}/{slot:str}/koreksi", guards=REPORT, sync_to_thread=True, **UPLOAD)  # type: ignore[arg-type]
    def correct(self, request: Caller, here: HereDep, helpdesk: HelpdeskDep, day: FromPath[date],
                slot: FromPath[str], data: Upload) -> Response[Any] | Template:
        chosen, user = _slot(slot), request.user
        rows, shot, note = _read(helpdesk, user.office_id, data)
        reason = data.get("reason") if isinstance(data.get("reason"), str) else ""
        try:
            helpdesk.correct_monitoring(user.office_id, day, chosen, rows, shot, note, reason or "", user.username,
                                        user.role)
        except (DomainError, FileRefused) as error:
            errors, status = _errors(error, language(request))
            return _correction_page(request, here, helpdesk, day, chosen, _values(data), errors, status_code=status)
        return Redirect(f"/pemantauan/{day.isoformat()}/{chosen.value}", status_code=303)

    @get("/{day:date}/{slot:str}/tangkapan-layar/{version:int}", guards=READ, sync_to_thread=True)
    def screenshot(self, request: Caller, helpdesk: HelpdeskDep, day: FromPath[date], slot: FromPath[str],
                   version: FromPath[int]) -> Response[bytes]:
        try:
            data, media_type = helpdesk.monitoring_screenshot(request.user.office_id, day, _slot(slot), version)
        except FileNotFoundError:
            raise NotFoundException() from None
        return Response(data, media_type=media_type, headers={"Content-Disposition": "inline"})


def _slot(text: str) -> Slot:
    try:
        return Slot(text)
    except ValueError:
        raise NotFoundException() from None


def _read(helpdesk: Helpdesk, office_id: str, data: dict[str, Any]) -> tuple[list[FigureInput], Screenshot | None, str]:
    """The form's rows (one per active party, by position), the screenshot when a file came, and the note."""
    rows = [FigureInput(party.name, *(_text(data, f"{name}-{i}") for name in FIGURES))
            for i, party in enumerate(helpdesk.monitored_parties(office_id))]
    upload = data.get("screenshot")
    content = upload.file.read() if isinstance(upload, UploadFile) else b""
    shot = Screenshot(content, upload.content_type or "") if content and isinstance(upload, UploadFile) else None
    return rows, shot, _text(data, "note")


def _text(data: dict[str, Any], name: str) -> str:
    value = data.get(name, "")
    return value if isinstance(value, str) else ""


def _values(data: dict[str, Any]) -> dict[str, str]:
    return {name: value for name, value in data.items() if isinstance(value, str)}


def _errors(error: DomainError | FileRefused, lang: str) -> tuple[dict[str, str], int]:
    """({form field: message}, the status): `figures[2].anggota` is the row's `anggota-2`; every refusal at once."""
    if isinstance(error, FileRefused):
        return {"screenshot": say(error.code, lang, limit=megabytes(error.limit))}, 422
    if error.kind == "forbidden":
        raise error  # the one place that words refusals (gateways/edge/errors.py)
    found: dict[str, str] = {}
    for each in error.field_errors() or [error]:
        field = each.field or ""
        if field.startswith("figures[") and "]." in field:
            index, name = field[len("figures["):].split("].", 1)
            field = f"{name}-{index}"
        found.setdefault(field, message(each.code, lang))
    return found, STATUS_OF_KIND[error.kind]


def _helpers(here: Any) -> dict[str, Any]:
    return {"state_names": STATE_NAMES, **template_helpers(here.office)}


def _slot_page(request: Caller, here: Any, helpdesk: Any, monitoring: Any, now: Any, day: date, slot: Slot,
               values: dict[str, str], errors: dict[str, str], status_code: int = 200) -> Template:
    office_id = request.user.office_id
    view = monitoring.day(office_id, day, now)[list(Slot).index(slot)]
    versions = helpdesk.monitoring_versions(office_id, day, slot)
    return page(request, here, "monitoring/slot.html", status_code=status_code, day=day, slot=slot, view=view,
                versions=versions, latest=versions[-1] if versions else None,
                parties=helpdesk.monitored_parties(office_id), values=values, errors=errors,
                may_report=may(request.user.role, Permission.REPORT_MONITORING), **_helpers(here))


def _correction_page(request: Caller, here: Any, helpdesk: Any, day: date, slot: Slot, values: dict[str, str],
                     errors: dict[str, str], status_code: int = 200) -> Template:
    return page(request, here, "monitoring/correct.html", status_code=status_code, day=day, slot=slot,
                parties=helpdesk.monitored_parties(request.user.office_id), values=values, errors=errors,
                **_helpers(here))


def _party_charts(series: PartySeries, thresholds: Thresholds, _: Callable[..., str]) -> dict[str, Any]:
    """A party's members and boards over the period's reports, each beside its registration threshold."""
    categories = [f"{p.day:%d/%m} {p.slot.label}" for p in series.points]
    key = series.number if series.number is not None else abs(hash(series.party))
    members = stacked_bars(
        f"anggota-{key}", categories, [Series(_("Anggota"), tuple(p.anggota for p in series.points))],
        title=_("{party}: anggota", party=series.party),
        description=_("Anggota terisi per laporan; ambang {threshold}", threshold=thresholds.members),
        empty_text=_("Belum ada anggota terisi."), x_title=_("Laporan"), y_title=_("Anggota"),
        threshold=(_("Ambang"), thresholds.members))
    boards = stacked_bars(
        f"pengurus-{key}", categories, [Series(_("Kecamatan berpengurus"), tuple(p.pengurus for p in series.points))],
        title=_("{party}: pengurus", party=series.party),
        description=_("Kecamatan berpengurus per laporan; ambang {threshold}", threshold=thresholds.boards),
        empty_text=_("Belum ada pengurus terisi."), x_title=_("Laporan"), y_title=_("Kecamatan"),
        threshold=(_("Ambang"), thresholds.boards) if thresholds.boards else None)
    return {"series": series, "members": members, "boards": boards}
