"""The FAQ Sipol's learning loop as the dashboard reads it (issue 15): which escalated cases answered here became
FAQ entries, which answers cited an entry, and what each handover to the commissioner was shown of the FAQ.

The cases themselves are the cases read model's (projections/cases.py): a candidate is a case this office answered
with no entry drafted from it yet (projections/faq_loop_queries.py)."""

from __future__ import annotations

from typing import Any, ClassVar

from domain.consultation import Consultation
from domain.escalation import EscalationCase
from domain.faq import FaqEntry
from projections.base import ReadModel, Writer, iso

NAME = "faq_loop"
FROM_CASE = "case_id TEXT PRIMARY KEY, entry_id TEXT NOT NULL, drafted_at TEXT NOT NULL"
CITATIONS = """
    cited_in TEXT NOT NULL, kind TEXT NOT NULL, entry_id TEXT NOT NULL, version INTEGER NOT NULL, at TEXT NOT NULL,
    PRIMARY KEY (cited_in, entry_id)
"""
HANDOVERS = "consultation_id TEXT PRIMARY KEY, shown INTEGER NOT NULL, at TEXT NOT NULL"


class FaqLoopProjection(ReadModel):
    name = NAME
    version = 1
    tables: ClassVar[dict[str, str]] = {
        "rm_faq_from_case": FROM_CASE, "rm_faq_citations": CITATIONS, "rm_faq_handovers": HANDOVERS,
    }
    indexes = (
        "CREATE INDEX IF NOT EXISTS rm_faq_citations_entry ON rm_faq_citations (entry_id)",
        # The dashboard's figures count citations by kind and handovers by what was shown, over the office's whole
        # history: counted from these small indexes rather than by reading every row (create() makes them on the next
        # start, without a rebuild).
        "CREATE INDEX IF NOT EXISTS rm_faq_citations_kind ON rm_faq_citations (kind)",
        "CREATE INDEX IF NOT EXISTS rm_faq_handovers_shown ON rm_faq_handovers (shown)",
    )
    topics = (FaqEntry.Drafted, Consultation.Answered, EscalationCase.Answered, Consultation.HandedToCommissioner)

    def process(self, event: Any, position: int, tx: Writer) -> None:
        HANDLERS[type(event)](event, tx)


def _drafted(event: Any, tx: Writer) -> None:
    if event.from_case is not None:
        tx.execute("INSERT INTO rm_faq_from_case (case_id, entry_id, drafted_at) VALUES (?, ?, ?)"
                   " ON CONFLICT (case_id) DO NOTHING",
                   (str(event.from_case), str(event.originator_id), iso(event.timestamp)))


def _cited(kind: str) -> Any:
    def record(event: Any, tx: Writer) -> None:
        bases = event.answer.bases if kind == "case" else event.bases
        if kind == "case" and event.up is not None:
            return  # the answer from above passed on: its citations were counted where it was given
        for basis in bases:
            if basis.entry_id is not None:
                tx.execute("INSERT INTO rm_faq_citations (cited_in, kind, entry_id, version, at)"
                           " VALUES (?, ?, ?, ?, ?) ON CONFLICT (cited_in, entry_id) DO NOTHING",
                           (str(event.originator_id), kind, str(basis.entry_id), basis.version,
                            iso(event.timestamp)))
    return record


def _handed_over(event: Any, tx: Writer) -> None:
    if event.faq is not None:  # handovers recorded before the FAQ was searched say nothing of it
        tx.execute("INSERT INTO rm_faq_handovers (consultation_id, shown, at) VALUES (?, ?, ?)"
                   " ON CONFLICT (consultation_id) DO UPDATE SET shown = excluded.shown, at = excluded.at",
                   (str(event.originator_id), len(event.faq.shown), iso(event.timestamp)))


HANDLERS = {FaqEntry.Drafted: _drafted, Consultation.Answered: _cited("consultation"),
            EscalationCase.Answered: _cited("case"), Consultation.HandedToCommissioner: _handed_over}
