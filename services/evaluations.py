"""The Koordinator's periodic evaluation (part of the Helpdesk application): each command checks who may, loads the
evaluation, takes one domain step and saves it; the figures come from the read models through one port."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from uuid import UUID

import msgspec

from domain.errors import ConcurrentChange, NotFound, Refusals
from domain.evaluation import Evaluation, decode_content
from domain.evaluation_values import (
    EvaluationContent,
    EvaluationExists,
    EvaluationFigures,
    FollowUp,
    Note,
    UnknownEvaluation,
    UnknownStaff,
    check_may_complete,
    check_may_evaluate,
    checked_follow_up,
    evaluation_id,
)
from domain.frontdesk import local_day
from domain.users import User
from domain.views import UserView
from services.base import NodeApplication

# The figures of an office's days first..last, as the read models give them (projections/evaluation_queries.py).
FiguresOf = Callable[[str, date, date], EvaluationFigures]


class EvaluationView(msgspec.Struct, frozen=True, kw_only=True):
    """One evaluation as its page shows it: live figures while it is a draft, the frozen ones once finalised."""

    id: UUID
    office_id: str
    period_start: date
    period_end: date
    drafted_by: str
    notes: list[Note]
    follow_ups: list[FollowUp]  # their state now (a follow-up is marked done after finalising too)
    content: EvaluationContent  # the frozen content once finalised, else the draft's
    finalised: bool
    finalised_by: str | None
    finalised_at: datetime | None
    content_hash: str | None
    version: int


class EvaluationCommands(NodeApplication):
    # Provided by the composition root (the read models) and by AccountCommands in the same application.
    evaluation_figures: FiguresOf
    get_user: Callable[[UUID], UserView]

    def draft_evaluation(self, caller: UserView, period_start: date, period_end: date) -> UUID:
        check_may_evaluate(caller.role)
        evaluation = Evaluation.draft(office_id=caller.office_id, period_start=period_start, period_end=period_end,
                                      actor=caller.username, at=self.clock())
        if self._find_evaluation(evaluation.id) is not None:
            raise EvaluationExists(field="period_end")
        try:
            self._save(evaluation)
        except ConcurrentChange:
            raise EvaluationExists(field="period_end") from None
        return evaluation.id

    def add_evaluation_note(self, caller: UserView, evaluation_id: UUID, text: str) -> UUID:
        check_may_evaluate(caller.role)
        evaluation = self.evaluation_of(caller.office_id, evaluation_id)
        note_id = evaluation.add_note(text, caller.username, self.clock())
        self._save(evaluation)
        return note_id

    def add_follow_up(self, caller: UserView, evaluation_id: UUID, what: str, owner: str | None, due: date | None
                      ) -> UUID:
        check_may_evaluate(caller.role)
        evaluation = self.evaluation_of(caller.office_id, evaluation_id)
        # Every field refused at once: the domain's checks and whether the owner is one of the team.
        refusals = Refusals()
        refusals.check(lambda: checked_follow_up(what, owner, due, local_day(self.clock(), caller.office_id)))
        username = self.staff_username(caller.office_id, owner or "")
        if owner and owner.strip() and username is None:
            refusals.add(UnknownStaff(field="owner"))
        refusals.raise_any()
        follow_up_id = evaluation.add_follow_up(what, username, due, caller.username, self.clock())
        self._save(evaluation)
        return follow_up_id

    def complete_follow_up(self, caller: UserView, evaluation_id: UUID, follow_up_id: UUID) -> None:
        evaluation = self.evaluation_of(caller.office_id, evaluation_id)
        check_may_complete(caller.role, caller.username, evaluation.follow_up(follow_up_id))
        evaluation.complete_follow_up(follow_up_id, caller.username, self.clock())
        self._save(evaluation)

    def finalise_evaluation(self, caller: UserView, evaluation_id: UUID) -> str:
        """Freezes the evaluation with the figures the read models give now; the SHA-256 of what was frozen."""
        check_may_evaluate(caller.role)
        evaluation = self.evaluation_of(caller.office_id, evaluation_id)
        figures = self.evaluation_figures(caller.office_id, evaluation.period_start, evaluation.period_end)
        digest = evaluation.finalise(figures, caller.username, caller.role.value, self.clock())
        self._save(evaluation)
        return digest

    # Queries.

    def evaluation_view(self, office_id: str, evaluation_id: UUID) -> EvaluationView:
        e = self.evaluation_of(office_id, evaluation_id)
        content = (decode_content(e.content) if e.content is not None
                   else e.content_of(self.evaluation_figures(office_id, e.period_start, e.period_end)))
        return EvaluationView(
            id=e.id, office_id=e.office_id, period_start=e.period_start, period_end=e.period_end,
            drafted_by=e.drafted_by, notes=list(e.notes), follow_ups=list(e.follow_ups), content=content,
            finalised=e.finalised, finalised_by=e.finalised_by, finalised_at=e.finalised_at,
            content_hash=e.content_hash, version=e.version,
        )

    def evaluation_of_period(self, office_id: str, period_start: date, period_end: date) -> UUID | None:
        found = self._find_evaluation(evaluation_id(office_id, period_start, period_end))
        return found.id if found is not None and found.office_id == office_id else None

    def evaluation_of(self, office_id: str, evaluation_id: UUID) -> Evaluation:
        """One of this office's evaluations (another office's is reported as missing)."""
        evaluation = self._find_evaluation(evaluation_id)
        if evaluation is None or evaluation.office_id != office_id:
            raise UnknownEvaluation()
        return evaluation

    def staff_username(self, office_id: str, given: str) -> str | None:
        """The username of the active account of this office `given` names (a follow-up's owner, an item's person
        responsible), however it was typed; None when it names none."""
        try:
            user = self.get_user(User.create_id(given.strip().lower()))
        except NotFound:
            return None
        return user.username if user.active and user.office_id == office_id else None

    def _find_evaluation(self, aggregate_id: UUID) -> Evaluation | None:
        try:
            found = self._load(aggregate_id)
        except NotFound:
            return None
        return found if isinstance(found, Evaluation) else None
