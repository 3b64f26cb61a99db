"""The dashboard: two charts of the last 14 days drawn on the server (consultations per day by channel, SOP compliance
per step) at the top; today's figures (the office's local day); the SOP steps running now, grouped by step and by
person, each named by the consultee's party and the staff member's full name, the most overdue first; today's online
meetings."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, timedelta

from litestar import Controller, get
from litestar.response import Template

from domain.roles import Permission
from gateways.edge.auth import requires
from gateways.edge.deps import (
    Caller,
    ClockDep,
    ClocksDep,
    FaqLoopDep,
    HereDep,
    MailDeskDep,
    OpenedBetweenDep,
    OpenStepsDep,
    UsersDep,
)
from gateways.edge.meetings import MeetingsDep
from gateways.messages import number
from gateways.reports import labels
from gateways.reports.dates import clock_time, long_date, today
from gateways.web.charts import Bar, Series, horizontal_bars, stacked_bars
from gateways.web.dashboard_steps import by_person, by_step, grouped, running_step
from gateways.web.i18n import translator
from gateways.web.meeting_panel import meeting_item
from gateways.web.render import language, page
from projections.clock_queries import StepFigure

DAYS_SHOWN = 14
CHANNELS = tuple(labels.CHANNELS)  # in the order the reports list them


@dataclass(frozen=True)
class DayCount:
    day: date
    label: str
    by_channel: tuple[int, ...]
    total: int


def percent(value: float, lang: str) -> str:
    """`87,5 %` in Bahasa Indonesia, `87.5 %` in English."""
    return f"{number(value, lang, '#,##0.#')} %"


def day_text(day: date, lang: str) -> str:
    """`Senin, 29 Juli 2024` in Bahasa Indonesia, `Monday 29 July 2024` in English."""
    return long_date(day, lang)


def day_counts(rows_by_day: Counter[tuple[str, str]], days: list[date]) -> list[DayCount]:
    found = []
    for d in days:
        values = tuple(rows_by_day[(d.isoformat(), channel)] for channel in CHANNELS)
        found.append(DayCount(d, f"{d:%d/%m}", values, sum(values)))
    return found


def compliance_bars(figures: list[StepFigure], lang: str, _) -> list[Bar]:  # noqa: ANN001
    bars = []
    for f in figures:
        if f.measured:
            share = 100 * f.met / f.measured
            bars.append(Bar(_(f.label), share, f"{percent(share, lang)} ({f.met}/{f.measured})"))
        else:
            bars.append(Bar(_(f.label), None, _("belum diukur")))
    return bars


class DashboardPages(Controller):
    path = "/dasbor"
    include_in_schema = False
    guards = [requires(Permission.READ_CONSULTATIONS)]

    @get("/", sync_to_thread=True)
    def dashboard(self, request: Caller, here: HereDep, clock: ClockDep, clocks: ClocksDep, open_steps: OpenStepsDep,
                  opened_between: OpenedBetweenDep, meetings: MeetingsDep, mail_desk: MailDeskDep,
                  faq_loop: FaqLoopDep, users: UsersDep) -> Template:
        lang = language(request)
        _ = translator(lang)
        office_id = request.user.office_id
        now = clock()
        day = today(now, here.office)
        first = day - timedelta(days=DAYS_SHOWN - 1)

        rows = opened_between(first, day)
        per_day = day_counts(Counter((r.local_day, r.channel) for r in rows), [
            first + timedelta(days=i) for i in range(DAYS_SHOWN)
        ])
        this_day = per_day[-1]
        open_now = open_steps.open_now(office_id, now)
        running = [running_step(s, here.office, _, lang) for s in open_now]
        # Each channel's queue: its consultations with a step running now (the ones the desk works on).
        waiting = Counter(s.channel for s in open_now if s.kind != "case")
        ended_today = clocks.step_figures(office_id, day, day)
        breaches_today = sum(f.breached for f in ended_today) + sum(1 for r in running if r.left_s < 0)
        figures = clocks.step_figures(office_id, first, day)
        # SOP C.c: the online meetings starting on the office's day, earliest first (cancelled ones left out).
        meetings_today = [meeting_item(m, here.office, now, lang) for m in meetings.on_day(office_id, day)]
        # A meeting's consultation named as its running step names it (the id's start when none runs).
        named = {r.record_id: r.title for r in running}

        channel_names = [_(labels.channel(c)) for c in CHANNELS]
        per_day_chart = stacked_bars(
            "grafik-harian", [d.label for d in per_day],
            [Series(name, tuple(d.by_channel[i] for d in per_day)) for i, name in enumerate(channel_names)],
            title=_("Konsultasi per hari, 14 hari terakhir"),
            description=_("Batang bertumpuk: jumlah konsultasi yang dibuka tiap hari, menurut saluran."),
            empty_text=_("Belum ada konsultasi dalam 14 hari terakhir."),
            x_title=_("Tanggal"), y_title=_("Jumlah konsultasi"),
        )
        compliance_chart = horizontal_bars(
            "grafik-kepatuhan", compliance_bars(figures, lang, _),
            title=_("Kepatuhan mutu baku waktu SOP per langkah, 14 hari terakhir"),
            description=_("Persentase langkah yang selesai dalam standar waktunya, untuk tiap langkah SOP."),
            empty_text=_("Belum ada langkah SOP yang selesai dalam 14 hari terakhir."),
        )
        return page(
            request, here, "dashboard/index.html",
            day=day, day_text=day_text(day, lang), first=first, first_text=day_text(first, lang),
            now_time=clock_time(now, here.office, lang),
            channels=list(zip(CHANNELS, channel_names, this_day.by_channel, strict=True)),
            today_total=this_day.total, running=running, breaches_today=breaches_today,
            overdue=sum(1 for r in running if r.left_s < 0),
            steps=grouped(running, by_step), people=grouped(running, by_person), named=named,
            per_day=per_day, channel_names=channel_names, per_day_chart=per_day_chart,
            figures=figures, compliance_chart=compliance_chart, meetings_today=meetings_today,
            queues=[(code, name, waiting.get(code, 0)) for code, name in zip(CHANNELS, channel_names, strict=True)],
            mail_waiting=len(mail_desk.waiting(office_id)),
            faq=faq_loop.figures(office_id),
            staff_names=users.full_names(office_id),  # a meeting's host by name
            shares={f.step: percent(100 * f.met / f.measured, lang) if f.measured else "–" for f in figures},
        )
