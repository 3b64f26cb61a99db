"""The dashboard: today's figures (the office's local day), today's online meetings, the SOP steps running now with
their time left, and two charts of the last 14 days drawn on the server (consultations per day by channel, SOP
compliance per step)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from litestar import Controller, get
from litestar.response import Template

from domain.offices import OfficeId
from domain.roles import Permission
from domain.sop import Level
from gateways.edge.auth import requires
from gateways.edge.deps import Caller, ClockDep, ClocksDep, FaqLoopDep, HereDep, MailDeskDep, OpenedBetweenDep
from gateways.edge.meetings import MeetingsDep
from gateways.reports import labels
from gateways.reports.dates import clock_time, long_date, today
from gateways.web.charts import Bar, Series, horizontal_bars, stacked_bars
from gateways.web.i18n import translator
from gateways.web.meeting_panel import meeting_item
from gateways.web.render import language, page
from projections.clock_queries import OpenClock, StepFigure

DAYS_SHOWN = 14
CHANNELS = tuple(labels.CHANNELS)  # in the order the reports list them


def N_(text: str) -> str:  # noqa: N802 - gettext's marker: a text translated later, where it is shown
    return text


# Level reached → (badge class, Indonesian text).
LEVEL_BADGES: dict[Level | None, tuple[str, str]] = {
    None: ("ok", N_("Sesuai waktu")),
    Level.WARNING_50: ("warn", N_("Peringatan 50 %")),
    Level.WARNING_75: ("warn", N_("Peringatan 75 %")),
    Level.BREACH: ("bad", N_("Melanggar")),
}


@dataclass(frozen=True)
class RunningStep:
    consultation_id: str
    href: str  # the consultation's workspace, or (at an office above) the case's page
    channel: str
    step: str
    started: str
    due: str
    due_at: datetime
    left: str
    left_s: int
    badge: str
    level_text: str


@dataclass(frozen=True)
class DayCount:
    day: date
    label: str
    by_channel: tuple[int, ...]
    total: int


def minutes_seconds(seconds: int) -> str:
    """`12:05`: minutes and seconds of a duration, whatever its sign."""
    minutes, rest = divmod(abs(seconds), 60)
    return f"{minutes}:{rest:02d}"


def percent(value: float, lang: str) -> str:
    """`87,5 %` in Bahasa Indonesia, `87.5 %` in English."""
    text = f"{value:.1f}".removesuffix(".0")
    return (text.replace(".", ",") if lang == "id" else text) + " %"


def day_text(day: date, lang: str) -> str:
    """`Senin, 29 Juli 2024` in Bahasa Indonesia, `Monday 29 July 2024` in English."""
    return long_date(day) if lang == "id" else f"{day:%A} {day.day} {day:%B %Y}"


def running_steps(clocks: list[OpenClock], office: OfficeId, _) -> list[RunningStep]:  # noqa: ANN001
    found = []
    for c in sorted(clocks, key=lambda c: (c.due_at, str(c.consultation_id))):
        badge, text = LEVEL_BADGES[c.level]
        left = (_("sisa {time}", time=minutes_seconds(c.left_s)) if c.left_s >= 0
                else _("lewat {time}", time=minutes_seconds(c.left_s)))
        found.append(RunningStep(
            consultation_id=str(c.consultation_id),
            href=f"/eskalasi/kasus/{c.consultation_id}" if c.kind == "case" else f"/konsultasi/{c.consultation_id}",
            channel=_(labels.channel(c.channel)), step=_(c.step_label),
            started=clock_time(c.started_at, office), due=clock_time(c.due_at, office), due_at=c.due_at,
            left=left, left_s=c.left_s, badge=badge, level_text=_(text),
        ))
    return found


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
    def dashboard(self, request: Caller, here: HereDep, clock: ClockDep, clocks: ClocksDep,
                  opened_between: OpenedBetweenDep, meetings: MeetingsDep, mail_desk: MailDeskDep,
                  faq_loop: FaqLoopDep) -> Template:
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
        open_now = clocks.open_now(office_id, now)
        running = running_steps(open_now, here.office, _)
        # Each channel's queue: its consultations with a step running now (the ones the desk works on).
        waiting = Counter(c.channel for c in open_now if c.kind != "case")
        ended_today = clocks.step_figures(office_id, day, day)
        breaches_today = sum(f.breached for f in ended_today) + sum(1 for r in running if r.left_s < 0)
        figures = clocks.step_figures(office_id, first, day)
        # SOP C.c: the online meetings starting on the office's day, earliest first (cancelled ones left out).
        meetings_today = [meeting_item(m, here.office, now) for m in meetings.on_day(office_id, day)]

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
            now_time=clock_time(now, here.office),
            channels=list(zip(CHANNELS, channel_names, this_day.by_channel, strict=True)),
            today_total=this_day.total, running=running, breaches_today=breaches_today,
            per_day=per_day, channel_names=channel_names, per_day_chart=per_day_chart,
            figures=figures, compliance_chart=compliance_chart, meetings_today=meetings_today,
            queues=[(code, name, waiting.get(code, 0)) for code, name in zip(CHANNELS, channel_names, strict=True)],
            mail_waiting=len(mail_desk.waiting(office_id)),
            faq=faq_loop.figures(office_id),
            shares={f.step: percent(100 * f.met / f.measured, lang) if f.measured else "–" for f in figures},
        )
