"""The values of the SIPOL data-fill monitoring (SOP part D): the two daily slots, each party's figures as read from
SIPOL's home page (beranda), the screenshot that proves them, the frozen content, and the registration thresholds
the figures are read against (UU 7/2017 Pasal 173(2): members 1,000 or 1/1,000 of the population, boards in 50 % of
the kecamatan; docs/research/domain-kpu.md §2.3).

The figures are counts, as the beranda shows them and as the thresholds are written: the kecamatan with a board
filled (pengurus), the members filled (anggota), the offices filled (kantor). A percentage is derived from them, never
typed. The content holds party figures and a file's hash only, no person's data: it may travel to the province as the
audit does.
"""

from __future__ import annotations

import math
from datetime import date, time
from enum import StrEnum

import msgspec

from domain.errors import InvalidInput, Refusals
from domain.parties import Party
from domain.values import clean_text

MAX_FIGURE = 10_000_000  # far above any regency's members; a typo of extra digits is refused
MAX_NOTE = 2_000
MEMBERS_FLOOR = 1_000  # members: 1,000, or 1/1,000 of the population when that is fewer
MEMBERS_PER_POPULATION = 1_000
BOARD_SHARE = 0.5  # boards in 50 % of the kecamatan


class Slot(StrEnum):
    """The two moments a report is due (SOP D.e: "setiap pukul 08.00 dan 17.00"), office time."""

    MORNING = "0800"
    EVENING = "1700"

    @property
    def at(self) -> time:
        return time(int(self.value[:2]), int(self.value[2:]))

    @property
    def label(self) -> str:
        """`08.00`: as the decree and an Indonesian clock write it."""
        return f"{self.value[:2]}.{self.value[2:]}"


class SlotState(StrEnum):
    DUE = "due"  # not submitted, its half hour of grace not yet over
    ON_TIME = "on_time"
    LATE = "late"  # submitted after its grace ended
    MISSED = "missed"  # not submitted, the grace over


# The errors of a monitoring report.
class NegativeFigure(InvalidInput):
    code = "monitoring_figure_invalid"


class ScreenshotRequired(InvalidInput):
    """SOP D.b-c: the screenshot of the beranda is the report's evidence."""

    code = "monitoring_screenshot_required"


class ScreenshotNotImage(InvalidInput):
    code = "monitoring_screenshot_not_image"


class PartyFigureMissing(InvalidInput):
    code = "monitoring_party_missing"


class UnknownMonitoredParty(InvalidInput):
    code = "monitoring_party_unknown"


class NoActiveParties(InvalidInput):
    code = "monitoring_no_parties"


class SlotNotOpen(InvalidInput):
    """A report is taken from an hour before its time: figures read earlier are the previous slot's."""

    code = "monitoring_slot_not_open"


class PartyFigures(msgspec.Struct, frozen=True):
    """One party's fill progress on the beranda."""

    party: str  # the party's name as the register has it
    number: int | None  # its ballot number, when it has one
    pengurus: int  # kecamatan with a board filled
    anggota: int  # members filled
    kantor: int  # offices filled


class ScreenshotRef(msgspec.Struct, frozen=True):
    """The stored screenshot (gateways/storage.py): named by its content, kept like the other documentation."""

    storage_key: str
    sha256: str
    media_type: str


class MonitoringContent(msgspec.Struct, frozen=True, kw_only=True):
    """What is frozen: the office, day and slot, each active party's figures and the screenshot's hash."""

    office_id: str
    day: date
    slot: Slot
    figures: tuple[PartyFigures, ...]
    screenshot: ScreenshotRef
    note: str = ""


class FigureInput(msgspec.Struct, frozen=True):
    """A party's figures as typed (text from a form, numbers from the API), before they are checked."""

    party: str
    pengurus: str | int | None
    anggota: str | int | None
    kantor: str | int | None


FIGURES = ("pengurus", "anggota", "kantor")


def active_parties(parties: tuple[Party, ...], province_code: str | None) -> tuple[Party, ...]:
    """The parties monitored in an office: its register, Aceh's local parties only in Aceh (province 11)."""
    aceh = province_code == "11"
    return tuple(p for p in parties if aceh or not p.local)


def check_figures(given: list[FigureInput], parties: tuple[Party, ...]) -> tuple[PartyFigures, ...]:
    """One row for each active party, in the register's order, each figure a whole number from 0; every wrong field
    refused at once (`figures[<index>].<figure>`, the index of the party in `parties`)."""
    if not parties:
        raise NoActiveParties()
    refusals = Refusals()
    by_name = {g.party.strip().lower(): g for g in given}
    known = {p.name.lower() for p in parties}
    for g in given:
        if g.party.strip().lower() not in known:
            refusals.add(UnknownMonitoredParty(field="figures", party=g.party))
    rows = []
    for index, party in enumerate(parties):
        row = by_name.get(party.name.lower())
        if row is None:
            refusals.add(PartyFigureMissing(field=f"figures[{index}].pengurus", party=party.name))
            continue
        counts = [_checked(refusals, getattr(row, name), f"figures[{index}].{name}") for name in FIGURES]
        if all(c is not None for c in counts):
            pengurus, anggota, kantor = (c or 0 for c in counts)
            rows.append(PartyFigures(party.name, party.number, pengurus, anggota, kantor))
    refusals.raise_any()
    return tuple(rows)


def check_report_input(given: list[FigureInput], parties: tuple[Party, ...], has_screenshot: bool,
                       note: str = "") -> tuple[tuple[PartyFigures, ...], str]:
    """A report as sent, checked whole before anything is stored: the figures, the screenshot's presence and the note,
    every refusal at once."""
    refusals = Refusals()
    figures = refusals.check(lambda: check_figures(given, parties))
    if not has_screenshot:
        refusals.add(ScreenshotRequired(field="screenshot"))
    checked_note = refusals.check(lambda: clean_text(note, "note", MAX_NOTE) if note.strip() else "")
    refusals.raise_any()
    return figures or (), checked_note or ""


def _checked(refusals: Refusals, value: str | int | None, field: str) -> int | None:
    try:
        return _count(value, field)
    except NegativeFigure as error:
        refusals.add(error)
        return None


def _count(value: str | int | None, field: str) -> int:
    if isinstance(value, bool):
        raise NegativeFigure(field=field)
    if isinstance(value, int):
        number = value
    else:
        text = (value or "").strip().replace(".", "").replace(",", "")  # "1.250" as Indonesians write thousands
        if not text.isdigit():
            raise NegativeFigure(field=field)
        number = int(text)
    if not 0 <= number <= MAX_FIGURE:
        raise NegativeFigure(field=field)
    return number


def check_screenshot(screenshot: ScreenshotRef | None) -> ScreenshotRef:
    if screenshot is None:
        raise ScreenshotRequired(field="screenshot")
    if not screenshot.media_type.startswith("image/"):
        raise ScreenshotNotImage(field="screenshot")
    return screenshot


def encode_content(content: MonitoringContent) -> bytes:
    """The canonical bytes the hash is taken over (msgspec JSON: fields in declared order)."""
    return msgspec.json.encode(content)


def decode_content(data: bytes) -> MonitoringContent:
    return msgspec.json.decode(data, type=MonitoringContent)


def members_threshold(population: int | None) -> int:
    """The members a party needs in the regency: 1,000, or 1/1,000 of the population when that is fewer (a city of
    92,154 needs 92, as the verification practice counts it; research §2.3 [S39]). Unknown population: 1,000."""
    if not population or population <= 0:
        return MEMBERS_FLOOR
    return max(1, min(MEMBERS_FLOOR, population // MEMBERS_PER_POPULATION))


def boards_threshold(kecamatan: int) -> int:
    """The kecamatan a party needs a board in: half of them, rounded up."""
    return math.ceil(kecamatan * BOARD_SHARE) if kecamatan > 0 else 0


class Thresholds(msgspec.Struct, frozen=True):
    """What a party needs in this regency to register, as the chart draws it beside the figures."""

    members: int
    boards: int  # kecamatan with a board
    kecamatan: int  # the regency's kecamatan (0: not a regency)


def registration_thresholds(population: int | None, kecamatan: int) -> Thresholds:
    return Thresholds(members_threshold(population), boards_threshold(kecamatan), kecamatan)
