"""What the reports pages show of a report: the period asked for (read from the query, checked beside its fields), a
document's first rows, the frozen versions with their downloads, and the URLs of the pages and of the JSON API's
downloads."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import singledispatch
from typing import Any
from urllib.parse import quote, urlencode

from markupsafe import Markup

from domain.frozen_report import InvalidPeriod, ReportKind
from domain.roles import Role
from domain.service_days import FIRST_YEAR, LAST_YEAR
from gateways.edge.reports import ReportDesk
from gateways.messages import message
from gateways.reports.dates import long_date, plain_date, stamp
from gateways.web.render import ROLE_NAMES
from services.documents import Cell, ImageCell, ReportDocument
from services.frozen_reports import ReportVersionView

PREVIEW_ROWS = 5
PERIODIC_DAYS = 7  # the range shown first: the week up to the chosen day


def N_(text: str) -> str:  # noqa: N802 - gettext's marker: a text translated later, where it is shown
    return text


# The CSV twice: commas, and semicolons for Excel set to Indonesian (its list separator), decimal commas.
Download = tuple[str, str, dict[str, str]]  # format, label, further query parameters
FORMATS: tuple[Download, ...] = (
    ("pdf", N_("Unduh PDF"), {}), ("xlsx", N_("Unduh XLSX"), {}), ("csv", N_("Unduh CSV"), {}),
    ("csv", N_("Unduh CSV untuk Excel Indonesia (titik koma)"), {"pemisah": "titik-koma"}),
)
UNREADABLE = N_("Tanggal tidak valid. Gunakan format TTTT-BB-HH.")


@dataclass(frozen=True)
class Preview:
    """The first rows of a report document, for reading on the page before downloading it."""

    columns: tuple[str, ...]
    numeric: tuple[bool, ...]
    rows: tuple[tuple[Any, ...], ...]
    total: int
    summary: tuple[tuple[str, str], ...]
    period: str


@dataclass(frozen=True)
class VersionRow:
    version: int
    content_hash: str
    submitter: str
    role: str
    submitted_at: str
    corrects: int | None
    reason: str | None
    downloads: tuple[tuple[str, str], ...]


@dataclass
class Period:
    """The day (of the daily lists and the recap) and the range (of the compliance and periodic reports) a page shows,
    with what was typed and the errors to show beside each field."""

    day: date
    first: date
    last: date
    typed: dict[str, str]
    errors: dict[str, str] = field(default_factory=dict)
    range_ok: bool = True

    @property
    def day_text(self) -> str:
        return long_date(self.day)

    @property
    def first_text(self) -> str:
        return plain_date(self.first)

    @property
    def last_text(self) -> str:
        return plain_date(self.last)

    def query(self, **changed: date) -> str:
        """The query string that keeps this period (with `changed` fields replaced), for the next page's link."""
        values = {"tanggal": self.day, "dari": self.first, "sampai": self.last, **changed}
        return urlencode({k: v.isoformat() for k, v in values.items()})


def parse_day(text: str | None) -> date | None:
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        return None


def period(desk: ReportDesk, lang: str, _: Any, tanggal: str | None = None, dari: str | None = None,
           sampai: str | None = None) -> Period:
    """The period asked for: an unreadable date or a day to come is said beside its field (today shown instead), a
    range the domain refuses beside "Sampai tanggal"."""
    errors: dict[str, str] = {}
    current = desk.today()
    day = parse_day(tanggal)
    if tanggal and day is None:
        errors["tanggal"] = _(UNREADABLE)
    elif day is not None and day > current:
        errors["tanggal"] = message("period_not_begun", lang)  # a day to come has no lists yet (the API agrees)
        day = None
    elif day is not None and not FIRST_YEAR <= day.year <= LAST_YEAR:
        errors["tanggal"] = message("day_out_of_range", lang, first=FIRST_YEAR, last=LAST_YEAR)
        day = None
    day = day or current
    first, last = parse_day(dari), parse_day(sampai)
    if dari and first is None:
        errors["dari"] = _(UNREADABLE)
    if sampai and last is None:
        errors["sampai"] = _(UNREADABLE)
    return ranged(desk, lang, day, first, last, errors, {"tanggal": tanggal or "", "dari": dari or "",
                                                          "sampai": sampai or ""})


def ranged(desk: ReportDesk, lang: str, day: date, first: date | None, last: date | None,
           errors: dict[str, str] | None = None, typed: dict[str, str] | None = None) -> Period:
    """The period of `day` and the range `first`..`last` (the week up to `day` where not given), checked."""
    errors = dict(errors or {})
    last = last or day
    first = first or last - min(timedelta(days=PERIODIC_DAYS - 1), last - date.min)  # none before 1 January 1
    range_ok = True
    try:
        desk.check(first, last)
    except InvalidPeriod as error:
        range_ok = False
        errors.setdefault("sampai", message(error.code, lang))
    shown = {"tanggal": day.isoformat(), "dari": first.isoformat(), "sampai": last.isoformat()}
    shown |= {k: v for k, v in (typed or {}).items() if v}
    return Period(day, first, last, shown, errors, range_ok)


@singledispatch
def preview_cell(value: Cell) -> Any:
    """A cell as the page shows it: text and numbers as they are (the template escapes them); a kind of cell other
    than text registers its own HTML below."""
    return value


@preview_cell.register(ImageCell)
def _preview_picture(value: ImageCell) -> Markup:
    if value.href:  # a documentation photo, as its consultation serves it
        return Markup('<a href="{0}"><img class="photo-thumb" src="{0}" alt="{1}" loading="lazy"></a>').format(
            value.href, value.text)
    # The signature as the front desk serves it (this office's staff only), not the report's copy of its bytes.
    return Markup('<img class="signature-thumb" src="/meja-depan/tanda-tangan/{}" alt="{}" width="120" height="40"'
                  ' loading="lazy">').format(quote(value.key), value.text)


def preview(document: ReportDocument, rows: int | None = PREVIEW_ROWS) -> Preview:
    shown = document.rows if rows is None else document.rows[:rows]
    return Preview(
        columns=tuple(c.title for c in document.columns), numeric=tuple(c.numeric for c in document.columns),
        rows=tuple(tuple(preview_cell(cell) for cell in row) for row in shown), total=len(document.rows),
        summary=document.summary, period=document.period,
    )


def api_url(path: str, **params: object) -> str:
    return f"/api/reports/{path}?{urlencode(params)}"


def downloads(path: str, formats: tuple[Download, ...] = FORMATS, **params: object) -> tuple[tuple[str, str], ...]:
    return tuple((label, api_url(path, **params, format=fmt, **extra)) for fmt, label, extra in formats)


def version_rows(desk: ReportDesk, kind: ReportKind, first: date, last: date, versions: list[ReportVersionView]
                 ) -> list[VersionRow]:
    base = f"{kind.value}/{first.isoformat()}/{last.isoformat()}/versions"
    return [
        VersionRow(
            version=v.version, content_hash=v.content_hash,
            submitter=f"{desk.builder.full_name(v.submitter)} ({v.submitter})",
            role=role_name(v.submitter_role),
            submitted_at=stamp(v.submitted_at, desk.office), corrects=v.corrects, reason=v.reason,
            downloads=downloads(f"{base}/{v.version}", FORMATS[:2]),
        )
        for v in versions
    ]


def role_name(value: str) -> str:
    """The role's Indonesian name (translated in the template); an unknown value as it was stored."""
    try:
        return ROLE_NAMES.get(Role(value), value)
    except ValueError:
        return value
