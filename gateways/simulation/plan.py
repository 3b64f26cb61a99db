"""The peak day the simulation plays (issue 19): which offices take part, every consultation of every regency with its
channel, its local time and how far up it goes, and the links cut. Made from a seed alone, so every process of a run
computes the same plan and the counts it must end with are known before it starts."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from domain.offices import OfficeId, Tier
from domain.values import Channel
from gateways.reference import child_offices

CENTRE = "pusat"
OPENS, CLOSES = time(8), time(16)  # the desk's hours, each office in its own time zone
# How consultations reach a regency desk on a peak day (e-mail and groups most, SOP C.a–C.d).
CHANNEL_WEIGHTS = ((Channel.EMAIL, 40), (Channel.MESSAGING, 30), (Channel.WALK_IN, 20), (Channel.ONLINE_MEETING, 10))
ZONE_ORDER = ("Asia/Jayapura", "Asia/Makassar", "Asia/Jakarta")  # WIT, WITA, WIB: the first offices taken rotate


class PlanRefused(ValueError):
    """The day asked for cannot be played: `code` names the catalogue's words, `values` fill them."""

    def __init__(self, code: str, **values: object) -> None:
        super().__init__(code)
        self.code, self.values = code, values


class Route(StrEnum):
    """How far a consultation goes before it is answered."""

    DESK = "desk"  # answered at the regency desk
    COMMISSIONER = "commissioner"  # handed to the regency's commissioner, who answers it
    PROVINCE = "province"  # forwarded to the province, answered there
    CENTRE = "centre"  # forwarded on by the province, answered at the centre

    @property
    def escalated(self) -> bool:
        return self in (Route.PROVINCE, Route.CENTRE)


@dataclass(frozen=True)
class Shape:
    """The day's parameters (issue 19's defaults: 40 consultations per regency, 20 % to the commissioner, most of
    those to the province, a quarter of those to the centre)."""

    seed: int = 2024
    offices: int = 553  # centre, provinces and regencies taken part, at most the whole federation
    per_regency: int = 40
    scale: float = 1.0
    commissioner_share: float = 0.20
    forwarded_share: float = 0.75  # of those with the commissioner
    centre_share: float = 0.25  # of those forwarded
    regency_cut_share: float = 0.05  # regencies offline for `regency_cut_minutes` once in the day
    regency_cut_minutes: int = 60
    province_cuts: int = 3  # provinces whose link is down for `province_cut_minutes` (their hub restarted)
    province_cut_minutes: int = 5
    day: date = date(2026, 12, 14)  # a Monday, the registration's last days

    @property
    def consultations_per_regency(self) -> int:
        return max(1, round(self.per_regency * self.scale))

    def to_json(self) -> dict[str, object]:
        return {**self.__dict__, "day": self.day.isoformat()}

    @classmethod
    def from_json(cls, data: dict[str, object]) -> Shape:
        return cls(**{**data, "day": date.fromisoformat(str(data["day"]))})  # type: ignore[arg-type]


@dataclass(frozen=True)
class Planned:
    """One consultation of the day: `tag` names it in its problem text, so every office it reaches finds its plan."""

    office: str
    number: int
    channel: Channel
    at: datetime  # when the liaison arrives, UTC
    route: Route
    gaps: tuple[int, ...]  # minutes between the script's steps

    @property
    def tag(self) -> str:
        return f"{self.office}#{self.number}"


@dataclass(frozen=True)
class Cut:
    """A node's link to NATS down from `start` for `minutes` (UTC)."""

    office: str
    start: datetime
    minutes: int

    @property
    def end(self) -> datetime:
        return self.start + timedelta(minutes=self.minutes)


@dataclass(frozen=True)
class Plan:
    shape: Shape
    offices: tuple[str, ...]  # the centre first, then each province followed by its regencies
    consultations: tuple[Planned, ...]
    cuts: tuple[Cut, ...]
    by_tag: dict[str, Planned] = field(default_factory=dict, compare=False)

    @property
    def regencies(self) -> tuple[str, ...]:
        return tuple(o for o in self.offices if OfficeId(o).tier is Tier.KABKOTA)

    @property
    def provinces(self) -> tuple[str, ...]:
        return tuple(o for o in self.offices if o.startswith("prov-"))

    def children(self, office: str) -> tuple[str, ...]:
        """The offices directly below `office` that take part."""
        return tuple(o for o in self.offices if (parent := OfficeId(o).parent) is not None and parent.value == office)

    @property
    def first(self) -> datetime:
        return min(c.at for c in self.consultations)

    @property
    def last(self) -> datetime:
        return max(c.at for c in self.consultations)

    def expected(self) -> dict[str, int]:
        """What the day must end with, counted from the plan."""
        routes = [c.route for c in self.consultations]
        return {
            "consultations": len(routes),
            "with_commissioner": sum(r is not Route.DESK for r in routes),
            "to_province": sum(r.escalated for r in routes),
            "to_centre": sum(r is Route.CENTRE for r in routes),
        }


def take_offices(count: int, seed: int) -> tuple[str, ...]:
    """The centre and whole provinces with their regencies, the time zones taken in turn (a seeded order within
    each), until `count` offices; the last province may bring only some of its regencies. All 553 at 553 or more."""
    rng = random.Random(seed)
    zones: dict[str, list[str]] = {zone: [] for zone in ZONE_ORDER}
    for province in child_offices(OfficeId(CENTRE)):
        zones[OfficeId(province).timezone].append(province)
    for listed in zones.values():
        rng.shuffle(listed)
    order = [p for turn in range(max(map(len, zones.values()))) for z in ZONE_ORDER if turn < len(zones[z])
             for p in [zones[z][turn]]]
    taken = [CENTRE]
    for province in order:
        room = count - len(taken) - 1
        if room < 1:
            break
        regencies = child_offices(OfficeId(province))[:room]
        taken += [province, *regencies]
    return tuple(taken)


def make_plan(shape: Shape) -> Plan:
    if shape.offices < 3:
        raise PlanRefused("sim_too_few_offices")
    offices = take_offices(shape.offices, shape.seed)
    rng = random.Random(shape.seed + 1)
    channels, weights = zip(*CHANNEL_WEIGHTS, strict=True)
    consultations, cuts = [], []
    regencies = [o for o in offices if o.startswith(("kab-", "kota-"))]
    for office in regencies:
        opens, closes = _hours(office, shape.day)
        span = (closes - opens).total_seconds()
        for number in range(shape.consultations_per_regency):
            at = opens + timedelta(seconds=rng.uniform(0, span * 0.9))
            consultations.append(Planned(
                office=office, number=number, channel=rng.choices(channels, weights)[0], at=at,
                route=_route(rng, shape), gaps=tuple(rng.randint(1, 4) for _ in range(8)),
            ))
    for office in rng.sample(regencies, round(len(regencies) * shape.regency_cut_share)):
        opens, closes = _hours(office, shape.day)
        start = opens + timedelta(seconds=rng.uniform(0, (closes - opens).total_seconds() * 0.7))
        cuts.append(Cut(office, start, shape.regency_cut_minutes))
    provinces = [o for o in offices if o.startswith("prov-")]
    for office in rng.sample(provinces, min(len(provinces), shape.province_cuts)):
        opens, closes = _hours(office, shape.day)
        cuts.append(Cut(office, opens + timedelta(seconds=rng.uniform(0, (closes - opens).total_seconds() * 0.8)),
                        shape.province_cut_minutes))
    consultations.sort(key=lambda c: c.at)
    return Plan(shape, offices, tuple(consultations), tuple(cuts), {c.tag: c for c in consultations})


def _route(rng: random.Random, shape: Shape) -> Route:
    if rng.random() >= shape.commissioner_share:
        return Route.DESK
    if rng.random() >= shape.forwarded_share:
        return Route.COMMISSIONER
    return Route.CENTRE if rng.random() < shape.centre_share else Route.PROVINCE


def _hours(office: str, day: date) -> tuple[datetime, datetime]:
    zone = ZoneInfo(OfficeId(office).timezone)
    return (datetime.combine(day, OPENS, zone).astimezone(UTC), datetime.combine(day, CLOSES, zone).astimezone(UTC))


def tag_of(problem: str) -> str | None:
    """The plan's tag in a problem text the simulation wrote (`… [sim kab-16.13#7]`)."""
    start = problem.rfind("[sim ")
    return problem[start + 5:problem.index("]", start)] if start >= 0 and "]" in problem[start:] else None
