"""Queries of the FAQ Sipol's learning loop (projections/faq_loop.py with the cases read model): the candidates
waiting at an office, and the figures its dashboard shows."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

import msgspec

from projections.base import from_iso
from projections.runner import ReadModelRunner

READ_MODELS = ("cases", "faq_loop")
LIMIT = 50
CANDIDATES = (
    "SELECT c.id, c.origin_office, c.problem, c.answer, c.answered_at FROM rm_cases c"
    " LEFT JOIN rm_faq_from_case f ON f.case_id = c.id"
    " WHERE c.office_id = ? AND c.answer_office = ? AND f.case_id IS NULL"
    " ORDER BY c.answered_at DESC, c.id LIMIT ?"
)
FIGURES = (
    "SELECT"
    " (SELECT count(*) FROM rm_cases WHERE office_id = ?),"
    " (SELECT count(*) FROM rm_cases WHERE office_id = ? AND answer_office = ?),"
    " (SELECT count(*) FROM rm_cases c JOIN rm_faq_from_case f ON f.case_id = c.id WHERE c.office_id = ?),"
    " (SELECT count(*) FROM rm_faq_citations WHERE kind = 'consultation'),"
    " (SELECT count(*) FROM rm_faq_citations WHERE kind = 'case'),"
    " (SELECT count(*) FROM rm_faq_handovers WHERE shown = 0),"
    " (SELECT count(*) FROM rm_faq_handovers WHERE shown > 0)"
)


class FaqCandidate(msgspec.Struct, frozen=True):
    """A case this office answered that no FAQ entry was drafted from yet."""

    case_id: UUID
    origin_office: str
    problem: str
    answer: str
    answered_at: datetime


class FaqLoopFigures(msgspec.Struct, frozen=True):
    cases_received: int  # escalated cases that reached this office from below
    answered_here: int  # of them, answered by this office (not passed down from above)
    became_faq: int  # of those, drafted into an FAQ entry
    answers_citing_faq: int  # consultations at this office answered at the desk citing an entry
    case_answers_citing_faq: int  # cases answered here citing an entry
    handovers_not_in_faq: int  # handed to the commissioner with nothing shown by the FAQ
    handovers_despite_faq: int  # handed over although the FAQ showed entries

    @property
    def candidates_waiting(self) -> int:
        """Cases answered here that no entry was drafted from yet (only such a case is drafted from)."""
        return self.answered_here - self.became_faq

    @property
    def share_became_faq(self) -> float | None:
        """The share of the cases answered here that became an entry; None before any was answered."""
        return self.became_faq / self.answered_here if self.answered_here else None


class FaqLoopQueries:
    def __init__(self, runner: ReadModelRunner) -> None:
        self.runner = runner

    def candidates(self, office_id: str, limit: int = LIMIT) -> list[FaqCandidate]:
        self.runner.catch_up(READ_MODELS)
        rows = self.runner.store.query(CANDIDATES, (office_id, office_id, limit))
        return [FaqCandidate(UUID(r[0]), r[1], r[2] or "", r[3] or "", from_iso(r[4])) for r in rows]

    def figures(self, office_id: str) -> FaqLoopFigures:
        self.runner.catch_up(READ_MODELS)
        (row,) = self.runner.store.query(FIGURES, (office_id, office_id, office_id, office_id))
        return FaqLoopFigures(*(int(value) for value in row))
