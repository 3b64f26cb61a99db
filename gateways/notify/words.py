"""What a notification says and where it points, in the reader's language: the catalogue's words for its code, its
channel and kind as labels. One function for the list, the badge, the e-mail and the Telegram message."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from uuid import UUID

from domain.errors import InvalidOffice
from domain.notification_values import Kind, Subject
from domain.offices import parse_office_id
from gateways.messages import label, message
from gateways.reference import office_name

# What each subject links to: the consultation's workspace, the case's page.
LINKS = {Subject.CONSULTATION: "/konsultasi/{id}", Subject.CASE: "/eskalasi/kasus/{id}",
         Subject.INCIDENT: "/kejadian-khusus", Subject.MONITORING: "/pemantauan",
         Subject.STAFF_REPORT: "/laporan-harian", Subject.ROSTER: "/jadwal-piket"}
# A value a notice's words ask for that its event did not give.
_UNSET = {"number": "", "channel": "-", "office": "-", "step": "-"}


def notice_text(code: str, values: dict[str, str], lang: str = "id") -> str:
    """The notice's sentence: its code's words with the number, the channel's label, the office's name (never its
    node id), the day as the office writes it (29-07-2024) and the step."""
    filled = {**_UNSET, **values}
    for key, shown in _SHOWN.items():
        if key in values:
            filled[key] = shown(values[key], lang)
    return message(code, lang, **filled)


def _office(node_id: str, lang: str) -> str:
    try:
        return office_name(parse_office_id(node_id))
    except InvalidOffice:
        return node_id


def _day(iso: str, lang: str) -> str:
    try:
        return date.fromisoformat(iso).strftime("%d-%m-%Y")
    except ValueError:
        return iso


# How each value a notice's event gives is shown to a person.
_SHOWN: dict[str, Callable[[str, str], str]] = {
    "channel": lambda code, lang: label("channel", code, lang), "office": _office, "day": _day,
}


def kind_label(kind: Kind, lang: str = "id") -> str:
    return label("notification", kind.value, lang)


def link_of(subject: Subject, subject_id: UUID | str | None) -> str | None:
    """The page of what the notice is about; None for a notice about the office's day."""
    pattern = LINKS.get(subject)
    return pattern.format(id=subject_id) if pattern and subject_id else None
