"""What `audit verify` found, in words from the catalogue: each problem of a chain, and the notes (an office
restored from backup and what it lost).

One function per text, shared by the CLI, the API and the audit page; times in the reading office's zone.
"""

from __future__ import annotations

from datetime import datetime

import msgspec

from domain.audit import ChainProblem, LostEntry, RestoreNote
from domain.offices import OfficeId
from gateways.messages import message
from gateways.reports.dates import stamp


class LostView(msgspec.Struct, frozen=True):
    seq: int
    type: str
    at: datetime


class NoteView(msgspec.Struct, frozen=True):
    """A restore note as the API gives it: the catalogue's code, its words in both languages, and the values."""

    code: str
    office: str
    seq: int
    epoch: str
    message: str
    message_en: str
    backup: str
    backup_en: str
    lost: list[LostView]


def _say(code: str, lang: str, **values: object) -> str:
    return message(code, lang, **values)


def problem_text(problem: ChainProblem, lang: str = "id") -> str:
    """"Entri 20 hilang sebelum entri 21." (in English the short detail: "entry 20 missing before 21")."""
    return _say(problem.code, lang, **problem.values)


def _when(text: str, reader: OfficeId) -> str:
    # The backup's time is sealed as the text of a timestamp; shown like every other time when it reads as one.
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return text
    return stamp(moment, reader) if moment.tzinfo is not None else text


def note_text(note: RestoreNote, reader: OfficeId, lang: str = "id") -> str:
    """"Kantor … dipulihkan dari cadangan pada … (epoch N): entri k+1–m yang sudah diterima pusat hilang …"."""
    return _say(note.code, lang, office=note.office, at=stamp(note.at, reader, lang), epoch=note.epoch,
                lost=note.lost_seqs, position=note.backup_position)


def backup_text(note: RestoreNote, reader: OfficeId, lang: str = "id") -> str:
    return _say("audit_restored_backup", lang, taken=_when(note.backup_taken_at, reader),
                position=note.backup_position, restored_by=note.restored_by, reason=note.reason)


def lost_text(entry: LostEntry, reader: OfficeId, lang: str = "id") -> str:
    return _say("audit_lost_entry", lang, seq=entry.seq, type=entry.type, at=stamp(entry.at, reader, lang))


def note_view(note: RestoreNote, reader: OfficeId) -> NoteView:
    return NoteView(
        code=note.code, office=note.office, seq=note.seq, epoch=note.epoch,
        message=note_text(note, reader), message_en=note_text(note, reader, "en"),
        backup=backup_text(note, reader), backup_en=backup_text(note, reader, "en"),
        lost=[LostView(e.seq, e.type, e.at) for e in note.lost],
    )
