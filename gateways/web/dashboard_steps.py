"""The dashboard's running SOP steps as a person reads them: each named by the consultee and their party (a case from
below by its party and origin office) and by the full name of the staff member holding it, the most overdue first,
and grouped by step and by person with the counts of each group."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime

from domain.errors import InvalidOffice
from domain.offices import OfficeId, parse_office_id
from domain.parties import Party
from domain.sop import Level
from gateways.messages import DEFAULT
from gateways.reference import office_name
from gateways.reports import labels
from gateways.reports.dates import clock_time
from projections.open_step_queries import OpenStep


def N_(text: str) -> str:  # noqa: N802 - gettext's marker: a text translated later, where it is shown
    return text


# Level reached → (badge class, Indonesian text).
LEVEL_BADGES: dict[Level | None, tuple[str, str]] = {
    None: ("ok", N_("Tepat waktu")),
    Level.WARNING_50: ("warn", N_("Peringatan 50 %")),
    Level.WARNING_75: ("warn", N_("Peringatan 75 %")),
    Level.BREACH: ("bad", N_("Melanggar")),
}


@dataclass(frozen=True)
class RunningStep:
    record_id: str
    href: str  # the consultation's workspace, or (at an office above) the case's page
    title: str  # the consultee's name; for a case, the office it came from
    party: str
    staff_key: str  # their username; "" when nobody here holds it
    staff: str  # the full name of who holds the step, or a sentence saying nobody here does yet
    channel: str
    step_number: int
    step: str  # as the consultation's channel names it
    step_title: str  # as the SOP names it, whatever the channel
    started: str
    due: str
    due_at: datetime
    left: str
    left_s: int
    badge: str
    level_text: str
    kind: str


@dataclass(frozen=True)
class StepGroup:
    """The running steps of one SOP step, or of one person: how many, how many overdue or warned, the rows."""

    key: str
    title: str
    rows: tuple[RunningStep, ...]

    @property
    def overdue(self) -> int:
        return sum(1 for r in self.rows if r.left_s < 0)

    @property
    def warned(self) -> int:
        return sum(1 for r in self.rows if r.left_s >= 0 and r.badge == "warn")

    @property
    def worst(self) -> RunningStep:
        return self.rows[0]


def minutes_seconds(seconds: int) -> str:
    """`12:05`: minutes and seconds of a duration, whatever its sign."""
    minutes, rest = divmod(abs(seconds), 60)
    return f"{minutes}:{rest:02d}"


def party_text(party: Party | None) -> str:
    """`2. Partai Contoh` with its ballot number, else its name; "–" when none is known."""
    if party is None:
        return "–"
    return f"{party.number}. {party.name}" if party.number is not None else party.name


def origin_text(office_id: str) -> str:
    try:
        return office_name(parse_office_id(office_id))
    except InvalidOffice:
        return office_id


def running_step(s: OpenStep, office: OfficeId, _: Callable[..., str], lang: str = DEFAULT) -> RunningStep:
    badge, text = LEVEL_BADGES[s.level]
    left = (_("sisa {time}", time=minutes_seconds(s.left_s)) if s.left_s >= 0
            else _("lewat {time}", time=minutes_seconds(s.left_s)))
    is_case = s.kind == "case"
    return RunningStep(
        record_id=str(s.record_id),
        href=f"/eskalasi/kasus/{s.record_id}" if is_case else f"/konsultasi/{s.record_id}",
        title=_("Kasus dari {office}", office=origin_text(s.origin_office)) if is_case else (s.consultee or "–"),
        party=party_text(s.party),
        staff_key=s.staff or "", staff=s.staff_name or s.staff or _("Belum ditangani petugas kantor ini"),
        channel=_(labels.channel(s.channel)), step_number=s.step.index, step=_(s.step_label),
        step_title=_(s.step.label), started=clock_time(s.started_at, office, lang),
        due=clock_time(s.due_at, office, lang),
        due_at=s.due_at, left=left, left_s=s.left_s, badge=badge, level_text=_(text), kind=s.kind,
    )


def grouped(rows: Iterable[RunningStep], key: Callable[[RunningStep], tuple[str, str]]) -> list[StepGroup]:
    """The rows grouped by `key` (its value and its title); rows come most overdue first, so each group keeps that
    order and the groups come in the order of their worst row."""
    groups: dict[str, tuple[str, list[RunningStep]]] = {}
    for row in rows:
        value, title = key(row)
        groups.setdefault(value, (title, []))[1].append(row)
    return [StepGroup(value, title, tuple(found)) for value, (title, found) in groups.items()]


def by_step(row: RunningStep) -> tuple[str, str]:
    return str(row.step_number), f"{row.step_number}. {row.step_title}"


def by_person(row: RunningStep) -> tuple[str, str]:
    return row.staff_key, row.staff
