"""The list pages' filter forms and paging: the days and page a person asked for, checked, and the links to the
neighbouring pages ("menampilkan 1–50 dari N")."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from urllib.parse import urlencode

PAGE_SIZE = 50
# No stored text holds a control character, and PostgreSQL cannot compare text holding NUL.
CONTROL = frozenset(chr(code) for code in range(32))
MAX_TYPED = 200  # a longer filter narrows nothing a person could use; it is cut, not refused


@dataclass(frozen=True)
class Pager:
    number: int
    first: int  # the position of the first row shown (1-based); 0 when there is none
    last: int
    total: int
    previous_url: str | None
    next_url: str | None
    first_url: str  # the first page with the same filters


def page_number(text: str | None) -> int:
    # At most six digits: int() refuses 4,300 of them, SQLite an offset past 2**63, and "²" is no decimal.
    return int(text) if text and text.isdecimal() and len(text) <= 6 and int(text) > 0 else 1


def offset_of(number: int, size: int = PAGE_SIZE) -> int:
    return (number - 1) * size


def pager(path: str, query: dict[str, str], number: int, shown: int, total: int, size: int = PAGE_SIZE) -> Pager:
    """Where a page sits in the whole list, with links that keep the filters (`query`) and change only the page."""
    start = offset_of(number, size)

    def url(n: int) -> str:
        return path + "?" + urlencode({**query, "halaman": n})

    return Pager(number=number, first=start + 1 if shown else 0, last=start + shown, total=total,
                 previous_url=url(number - 1) if number > 1 else None,
                 next_url=url(number + 1) if start + shown < total else None,
                 first_url=path + ("?" + urlencode(query) if query else ""))


def typed(values: dict[str, str | None]) -> dict[str, str]:
    """The filters as typed, trimmed and bounded; a control character (never in stored text) is dropped."""
    return {key: "".join(c for c in (value or "").strip()[:MAX_TYPED] if c not in CONTROL)
            for key, value in values.items()}


def parse_day(text: str) -> date | None:
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        return None


def day_errors(since_text: str, until_text: str, _) -> tuple[date | None, date | None, dict[str, str]]:
    """The range's two days (the office's local days) and, for a day that cannot be read or a range that ends
    before it starts, a message for the field ("dari" or "sampai")."""
    since, until = parse_day(since_text), parse_day(until_text)
    errors: dict[str, str] = {}
    for field, text, value in (("dari", since_text, since), ("sampai", until_text, until)):
        if text and value is None:
            errors[field] = _("Tanggal tidak valid. Gunakan format TTTT-BB-HH.")
    if since and until and until < since:
        errors["sampai"] = _("Tanggal akhir tidak boleh sebelum tanggal awal.")
    return since, until, errors
