"""FAQ Sipol (part of the Helpdesk application, issue 15): each command checks who acts, loads the entry, takes one
domain step and saves it. Entries of the offices above arrive as copies (domain/faq_copy.py, services/inbound.py);
an answer cites an entry the office reads (`faq_citations`); an escalated case answered here becomes a draft
(`draft_faq_from_case`, the learning loop). Lists and search read projections/faq*.py."""

from __future__ import annotations

from collections.abc import Sequence
from uuid import NAMESPACE_URL, UUID, uuid5

import msgspec

from domain.errors import NotFound
from domain.escalation import EscalationCase
from domain.faq import FaqEntry
from domain.faq_copy import FaqCopy
from domain.faq_values import (
    Editor,
    FaqCaseAlreadyDrafted,
    FaqCaseNotAnsweredHere,
    FaqContent,
    FaqNotCitable,
    FaqVersion,
    cite,
    make_content,
    prefill_from_case,
    visible_to,
)
from domain.offices import OfficeId
from domain.values import Basis
from domain.views import UserView
from services.base import NodeApplication


class FaqInput(msgspec.Struct, frozen=True):
    """An entry as typed in the FAQ's form or the API."""

    question: str
    answer: str
    topics: list[str]
    phrasings: list[str] = []
    bases: list[tuple[str, str]] = []


class FaqEntryView(msgspec.Struct, frozen=True):
    """One of this office's own entries in full, with its versions, as its edit page shows it."""

    id: UUID
    owner: str
    status: str
    revision: int
    content: FaqContent
    history: list[FaqVersion]
    changed_by: str
    from_case: UUID | None
    version: int  # the aggregate's, for the form's concurrency check


class FaqCommands(NodeApplication):
    def draft_faq(self, caller: UserView, given: FaqInput, entry_id: UUID | None = None) -> UUID:
        """A new draft; `entry_id` names it when its id must follow from something (an imported FAQ's keys)."""
        entry = FaqEntry.draft(_content(given), _editor(caller), self.clock(), id=entry_id)
        self._save(entry)
        return entry.id

    def edit_faq_draft(self, caller: UserView, entry_id: UUID, given: FaqInput) -> None:
        entry = self._own_entry(caller, entry_id)
        entry.edit_draft(_content(given), _editor(caller), self.clock())
        self._save(entry)

    def publish_faq(self, caller: UserView, entry_id: UUID) -> None:
        entry = self._own_entry(caller, entry_id)
        entry.publish(_editor(caller), self.clock())
        self._save(entry)

    def revise_faq(self, caller: UserView, entry_id: UUID, given: FaqInput) -> None:
        entry = self._own_entry(caller, entry_id)
        entry.revise(_content(given), _editor(caller), self.clock())
        self._save(entry)

    def retire_faq(self, caller: UserView, entry_id: UUID, reason: str) -> None:
        entry = self._own_entry(caller, entry_id)
        entry.retire(reason, _editor(caller), self.clock())
        self._save(entry)

    def draft_faq_from_case(self, caller: UserView, case_id: UUID) -> UUID:
        """The learning loop: a case this office answered becomes a draft, prefilled without personal data. One
        draft per case (its id follows from the case's), so a second click names the first draft."""
        case = self._load_or_none(case_id)
        if not isinstance(case, EscalationCase) or case.office_id != caller.office_id:
            raise NotFound(field="case_id")
        answer = case.answer
        if answer is None or answer.office != caller.office_id:
            raise FaqCaseNotAnsweredHere()
        entry_id = faq_id_for_case(case_id)
        if self._load_or_none(entry_id) is not None:
            raise FaqCaseAlreadyDrafted(entry_id=str(entry_id))
        content = prefill_from_case(case.case.restatement or case.case.problem, answer.text, answer.bases)
        entry = FaqEntry.draft(content, _editor(caller), self.clock(), id=entry_id, from_case=case_id)
        self._save(entry)
        return entry.id

    def faq_entry_view(self, caller: UserView, entry_id: UUID) -> FaqEntryView:
        e = self._own_entry(caller, entry_id)
        return FaqEntryView(e.id, e.owner, e.status.value, e.revision, e.content, list(e.history), e.changed_by,
                            e.from_case, e.version)

    def faq_citations(self, office_id: str, entry_ids: Sequence[UUID]) -> tuple[Basis, ...]:
        """The bases an answer records for the entries it cites: each the version this office holds now, refused
        unless it is published and read here (its own, the centre's, or its province's)."""
        office = OfficeId(office_id)
        bases = []
        for entry_id in dict.fromkeys(entry_ids):
            found = self._load_or_none(entry_id)
            if not isinstance(found, FaqEntry | FaqCopy) or not visible_to(OfficeId(found.owner), found.status,
                                                                         office):
                raise FaqNotCitable(field="faq")
            bases.append(cite(found.id, found.revision, found.content.question, found.status))
        return tuple(bases)

    def _own_entry(self, caller: UserView, entry_id: UUID) -> FaqEntry:
        """One of the caller's office's entries (another office's, or a copy, is reported as missing)."""
        found = self._load_or_none(entry_id)
        if not isinstance(found, FaqEntry) or found.owner != caller.office_id:
            raise NotFound(field="entry_id")
        return found

    def _load_or_none(self, aggregate_id: UUID) -> object | None:
        try:
            return self._load(aggregate_id)
        except NotFound:
            return None


def faq_id_for_case(case_id: UUID) -> UUID:
    return uuid5(NAMESPACE_URL, f"helpdesk-sipol:faq-from-case:{case_id}")


def _editor(caller: UserView) -> Editor:
    return Editor(caller.username, caller.role, OfficeId(caller.office_id))


def _content(given: FaqInput) -> FaqContent:
    return make_content(given.question, list(given.phrasings), given.answer, list(given.bases), list(given.topics))
