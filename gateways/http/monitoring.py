"""The SIPOL data-fill monitoring reports over the API (SOP part D): a period's slots with their state, a report's
versions, each party's figures over days, and submitting or correcting a report (multipart: the figures as JSON and
the beranda's screenshot)."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

import msgspec
from litestar import Controller, Response, get, post
from litestar.datastructures import UploadFile
from litestar.enums import RequestEncodingType
from litestar.params import Body, FromPath, FromQuery

from domain.frontdesk import local_day
from domain.frozen_report import check_days
from domain.monitoring_values import FigureInput, NegativeFigure, Slot
from domain.roles import Permission
from gateways.edge.auth import requires
from gateways.edge.deps import Caller, ClockDep, HelpdeskDep, MonitoringDep
from gateways.edge.errors import LARGEST_FILE
from gateways.storage import MAX_FILE_BYTES, MAX_UPLOAD_BYTES
from projections.monitoring_queries import PartySeries, SlotView
from projections.monitoring_received_queries import RegenciesDay
from services.clips import Screenshot
from services.monitoring import MonitoringVersionView

Multipart = Annotated[dict[str, Any], Body(media_type=RequestEncodingType.MULTI_PART)]
REPORT = [requires(Permission.REPORT_MONITORING)]
UPLOAD: dict[str, Any] = {"request_max_body_size": MAX_UPLOAD_BYTES, "opt": {LARGEST_FILE: MAX_FILE_BYTES}}
FORM = ("Multipart: `figures` (JSON: [{\"party\": nama partai, \"pengurus\": kecamatan berpengurus, \"anggota\": "
        "anggota terisi, \"kantor\": kantor terisi}], satu per partai aktif), `screenshot` (tangkapan layar beranda "
        "SIPOL), `note` (opsional)")
_FIGURES = msgspec.json.Decoder(list[FigureInput])


class MonitoringController(Controller):
    path = "/api/monitoring"
    tags = ["Pemantauan SIPOL"]
    guards = [requires(Permission.READ_CONSULTATIONS)]

    @get("/", sync_to_thread=True, summary="Laporan pemantauan per hari dan pukul (08.00, 17.00) dengan statusnya")
    def slots(self, request: Caller, monitoring: MonitoringDep, clock: ClockDep, first: FromQuery[date | None] = None,
              last: FromQuery[date | None] = None) -> list[SlotView]:
        office_id, now = request.user.office_id, clock()
        last = last or local_day(now, office_id)
        first = first or last
        check_days(first, last, local_day(now, office_id))
        return monitoring.days(office_id, first, last, now)

    @get("/series", sync_to_thread=True, summary="Angka tiap partai per laporan (versi terakhir), terlama dahulu")
    def series(self, request: Caller, monitoring: MonitoringDep, clock: ClockDep, first: FromQuery[date],
               last: FromQuery[date]) -> list[PartySeries]:
        check_days(first, last, local_day(clock(), request.user.office_id))
        return monitoring.series(request.user.office_id, first, last)

    @get("/regencies", sync_to_thread=True,
         summary="Di provinsi: laporan kabupaten/kota di bawahnya berdampingan (status 08.00 dan 17.00, angka partai)")
    def regencies(self, request: Caller, monitoring: MonitoringDep, clock: ClockDep,
                  day: FromQuery[date | None] = None) -> RegenciesDay:
        today = local_day(clock(), request.user.office_id)
        chosen = day or today
        check_days(chosen, chosen, today)
        return monitoring.regencies.day(chosen)

    @get("/{day:date}/{slot:str}", sync_to_thread=True, summary="Versi-versi satu laporan (kosong: belum disampaikan)")
    def versions(self, request: Caller, helpdesk: HelpdeskDep, day: FromPath[date], slot: FromPath[Slot]
                 ) -> list[MonitoringVersionView]:
        return helpdesk.monitoring_versions(request.user.office_id, day, slot)

    @post("/{day:date}/{slot:str}", guards=REPORT, sync_to_thread=True, summary="Sampaikan laporan pemantauan",
          description=FORM, **UPLOAD)
    def submit(self, request: Caller, helpdesk: HelpdeskDep, day: FromPath[date], slot: FromPath[Slot],
               data: Multipart) -> Response[MonitoringVersionView]:
        user = request.user
        view = helpdesk.submit_monitoring(user.office_id, day, slot, _figures(data), _screenshot(data),
                                          _text(data, "note"), user.username, user.role)
        return Response(view, status_code=201)

    @post("/{day:date}/{slot:str}/corrections", guards=REPORT, sync_to_thread=True,
          summary="Koreksi laporan pemantauan (versi baru, dengan alasan)",
          description=FORM + ", `reason` (wajib); tanpa `screenshot` tangkapan layar sebelumnya dipakai", **UPLOAD)
    def correct(self, request: Caller, helpdesk: HelpdeskDep, day: FromPath[date], slot: FromPath[Slot],
                data: Multipart) -> Response[MonitoringVersionView]:
        user = request.user
        view = helpdesk.correct_monitoring(user.office_id, day, slot, _figures(data), _screenshot(data),
                                           _text(data, "note"), _text(data, "reason"), user.username, user.role)
        return Response(view, status_code=201)


def _figures(data: dict[str, Any]) -> list[FigureInput]:
    text = data.get("figures")
    try:
        return _FIGURES.decode(text if isinstance(text, str | bytes) else b"")
    except msgspec.DecodeError:
        raise NegativeFigure(field="figures") from None


def _screenshot(data: dict[str, Any]) -> Screenshot | None:
    upload = data.get("screenshot")
    content = upload.file.read() if isinstance(upload, UploadFile) else b""
    return Screenshot(content, upload.content_type or "") if content and isinstance(upload, UploadFile) else None


def _text(data: dict[str, Any], name: str) -> str:
    value = data.get(name, "")
    return value if isinstance(value, str) else ""
