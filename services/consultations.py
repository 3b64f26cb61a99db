"""The SOP script's commands and the office's consultation queries."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from datetime import datetime
from typing import cast
from uuid import UUID, uuid4

import msgspec
from eventsourcing.domain import Aggregate

from domain.consultation import Consultation
from domain.errors import NotFound
from domain.faq_values import Citation, FaqSearch
from domain.offices import OfficeId
from domain.parties import PartyRegister
from domain.roles import Role
from domain.script import check_may_take
from domain.values import (
    Basis,
    Channel,
    Identity,
    check_answer,
    check_identity,
    check_stored,
    make_documentation,
)
from services.base import NodeApplication
from services.ports import StoredFiles
from services.views import ConsultationView, HistoryEntry, IdentityView, hop_view


class IdentityInput(msgspec.Struct, frozen=True):
    """The consultee's identity as typed at the desk, before it is checked."""

    name: str
    party_number: int | None = None
    party_name: str | None = None
    phone: str | None = None
    email: str | None = None


class ConsultationCommands(NodeApplication):
    """The desk's side of the SOP script (part of the Helpdesk application)."""

    parties: PartyRegister
    stored_files: StoredFiles
    office: OfficeId
    faq_citations: Callable[[str, Sequence[UUID]], tuple[Basis, ...]]  # services/faq.py, same application
    # Provided by PartyCommands (the same Helpdesk application).
    register_for: Callable[[str | None], PartyRegister]

    # Commands: load, one domain call, save.

    def open_consultation(
        self, office_id: str, channel: Channel, who: IdentityInput, actor: str, arrived_at: datetime | None = None
    ) -> UUID:
        return self.open_consultation_view(office_id, channel, who, actor, arrived_at).id

    def open_consultation_view(
        self, office_id: str, channel: Channel, who: IdentityInput, actor: str, arrived_at: datetime | None = None
    ) -> ConsultationView:
        """Opens a consultation and answers with it as saved (the API's answer, without loading it again)."""
        identity = self._identity(who, office_id)
        consultation = Consultation.open(
            id=uuid4(), office_id=office_id, channel=channel, identity=identity, actor=actor, at=self.clock(),
            arrived_at=arrived_at,
        )
        self._save(consultation)
        return _view(consultation, self._has_office_above)

    # Each step answers with the consultation as it saved it.

    def correct_identity(
        self, office_id: str, consultation_id: UUID, who: IdentityInput, actor: str
    ) -> ConsultationView:
        return self._update(
            office_id, consultation_id, lambda c, at: c.correct_identity(self._identity(who, office_id), actor, at)
        )

    def record_problem(self, office_id: str, consultation_id: UUID, text: str, actor: str) -> ConsultationView:
        return self._update(office_id, consultation_id, lambda c, at: c.record_problem(text, actor, at))

    def restate_problem(self, office_id: str, consultation_id: UUID, text: str, actor: str) -> ConsultationView:
        return self._update(office_id, consultation_id, lambda c, at: c.restate_problem(text, actor, at))

    def confirm_problem(self, office_id: str, consultation_id: UUID, actor: str) -> ConsultationView:
        return self._update(office_id, consultation_id, lambda c, at: c.confirm_problem(actor, at))

    def correct_problem(self, office_id: str, consultation_id: UUID, text: str, actor: str) -> ConsultationView:
        return self._update(office_id, consultation_id, lambda c, at: c.correct_problem(text, actor, at))

    def answer_problem(
        self, office_id: str, consultation_id: UUID, text: str, bases: list[tuple[str, str]], actor: str, *, role: Role,
        faq: Sequence[UUID] = (),
    ) -> ConsultationView:
        """The desk answers what it holds; once handed to the commissioner, only the commissioner answers. The FAQ
        Sipol entries it cites (`faq`) are recorded with their id and version, before any other basis."""
        checked = self.faq_citations(office_id, faq) + check_answer(text, bases, citing=bool(faq))

        def answer(c: Consultation, at: datetime) -> None:
            check_may_take(role, "answer_problem", c.status)
            c.answer_problem(text, checked, actor, at)

        return self._update(office_id, consultation_id, answer)

    def hand_to_commissioner(self, office_id: str, consultation_id: UUID, reason: str, actor: str,
                             faq_shown: Sequence[Citation] = ()) -> ConsultationView:
        """`faq_shown`: the FAQ entries the desk was shown for the problem; none means it is not in the FAQ."""
        searched = FaqSearch(tuple(faq_shown))
        return self._update(office_id, consultation_id,
                            lambda c, at: c.hand_to_commissioner(reason, actor, at, searched))

    def check_understanding(
        self, office_id: str, consultation_id: UUID, understood: bool, actor: str
    ) -> ConsultationView:
        return self._update(office_id, consultation_id, lambda c, at: c.check_understanding(understood, actor, at))

    def repeat_answer(self, office_id: str, consultation_id: UUID, text: str | None, actor: str) -> ConsultationView:
        return self._update(office_id, consultation_id, lambda c, at: c.repeat_answer(text, actor, at))

    def log_in_report(self, office_id: str, consultation_id: UUID, actor: str) -> ConsultationView:
        return self._update(office_id, consultation_id, lambda c, at: c.log_in_report(actor, at))

    def attach_documentation(
        self, office_id: str, consultation_id: UUID, kind: str, storage_key: str, sha256: str, actor: str
    ) -> ConsultationView:
        documentation = make_documentation(kind, storage_key, sha256)
        held = self.stored_files.holds(documentation.storage_key, documentation.sha256)
        return self._update(office_id, consultation_id,
                            lambda c, at: c.attach_documentation(check_stored(documentation, held), actor, at))

    def close_consultation(self, office_id: str, consultation_id: UUID, actor: str) -> ConsultationView:
        return self._update(office_id, consultation_id, lambda c, at: c.close_consultation(actor, at))

    # Queries.

    def get_consultation(self, office_id: str, consultation_id: UUID) -> ConsultationView:
        return _view(self._get(office_id, consultation_id), self._has_office_above)

    def _recorded(self, consultation_id: UUID) -> Iterator[Aggregate.Event]:
        """The consultation's events as stored: aggregate events, each with its timestamp."""
        return cast(Iterator[Aggregate.Event], iter(self.events.get(consultation_id)))

    def history(self, office_id: str, consultation_id: UUID) -> list[HistoryEntry]:
        self._get(office_id, consultation_id)
        return [
            HistoryEntry(
                version=event.originator_version,
                event=type(event).__name__,
                at=event.timestamp,
                actor=getattr(event, "actor", None),
            )
            for event in self._recorded(consultation_id)
        ]

    def consultation_at(self, office_id: str, consultation_id: UUID, at: datetime) -> ConsultationView:
        """The consultation as it stood at a moment (NotFound before it was opened)."""
        self._get(office_id, consultation_id)
        version = None
        for event in self._recorded(consultation_id):
            if event.timestamp > at:
                break
            version = event.originator_version
        if version is None:
            raise NotFound()
        return _view(self.repository.get(consultation_id, version=version), self._has_office_above)

    def _update(
        self, office_id: str, consultation_id: UUID, change: Callable[[Consultation, datetime], None]
    ) -> ConsultationView:
        consultation = self._get(office_id, consultation_id)
        change(consultation, self.clock())
        self._save(consultation)
        # The record as saved is the answer: no second load.
        return _view(consultation, self._has_office_above)

    def _get(self, office_id: str, consultation_id: UUID) -> Consultation:
        consultation = self._load(consultation_id)
        # Another office's record is reported as missing, so its existence is not disclosed.
        if not isinstance(consultation, Consultation) or consultation.office_id != office_id:
            raise NotFound()
        return consultation

    @property
    def _has_office_above(self) -> bool:
        return self.office.parent is not None

    def _identity(self, who: IdentityInput, office_id: str | None = None) -> Identity:
        register = self.register_for(office_id)
        return check_identity(register, who.name, who.party_number, who.party_name, who.phone, who.email)


def _view(c: Consultation, has_office_above: bool) -> ConsultationView:
    return ConsultationView(
        id=c.id,
        office_id=c.office_id,
        channel=c.channel,
        status=c.status,
        next_steps=list(c.steps_open(has_office_above)),
        identity=IdentityView(c.identity.name, c.identity.party, c.identity.phone, c.identity.email),
        problem=c.problem,
        restatement=c.restatement,
        corrections=c.corrections,
        answer=c.answer,
        bases=list(c.bases),
        answered_by=c.answered_by,
        handover_reason=c.handover_reason, handover_faq=c.handover_faq,
        repeats=c.repeats,
        logged_by=c.logged_by,
        documentation=list(c.documentation),
        opened_by=c.opened_by,
        opened_at=c.created_on,
        updated_at=c.modified_on,
        version=c.version,
        up=hop_view(c.up),
        clarification_question=c.clarification_question,
        clarifications=list(c.clarifications),
    )

