"""What travels with an escalation: the question and its notes, never the consultee's contact details (not even
those written into its texts: `masked`)."""

from __future__ import annotations

from datetime import datetime
from uuid import NAMESPACE_URL, UUID, uuid5

import msgspec

from domain.evidence import Evidence
from domain.outgoing import mask_contacts
from domain.parties import Party
from domain.values import Basis, Channel


class Note(msgspec.Struct, frozen=True):
    """A remark added on the way up: why the desk handed it over, why an office forwarded it."""

    office: str
    author: str
    text: str
    at: datetime

    def masked(self) -> Note:
        """The note as it may leave the office: contact data replaced (domain/outgoing.py)."""
        return msgspec.structs.replace(self, text=mask_contacts(self.text))


class CaseFile(msgspec.Struct, frozen=True):
    """The question as the origin office recorded it. Name, phone and e-mail stay at the origin (UU 27/2022:
    the offices above need the substance, not the person)."""

    origin_office: str
    origin_id: UUID  # the consultation's id at the origin office
    channel: Channel
    party: Party
    problem: str
    restatement: str
    opened_at: datetime
    notes: tuple[Note, ...] = ()
    # The documents that travel with it (domain/evidence.py). Left out of the bytes when there are none, so a case
    # file without evidence is written exactly as before evidence travelled.
    evidence: tuple[Evidence, ...] | msgspec.UnsetType = msgspec.UNSET

    @property
    def documents(self) -> tuple[Evidence, ...]:
        return () if isinstance(self.evidence, msgspec.UnsetType) else self.evidence

    def with_note(self, note: Note) -> CaseFile:
        return msgspec.structs.replace(self, notes=(*self.notes, note))

    def masked(self) -> CaseFile:
        """The case file as it may leave the office: every free text with its phone numbers, e-mail addresses and
        NIKs replaced (a consultee writes them into the problem; the offices above have no use for them)."""
        return msgspec.structs.replace(
            self, problem=mask_contacts(self.problem), restatement=mask_contacts(self.restatement),
            notes=tuple(note.masked() for note in self.notes),
        )


class Answer(msgspec.Struct, frozen=True):
    """An answer given by some office, with its basis, as it travels back down."""

    text: str
    bases: tuple[Basis, ...]
    office: str
    author: str
    at: datetime

    def masked(self) -> Answer:
        """The answer as it may leave the office, contact data replaced like every other free text."""
        return msgspec.structs.replace(self, text=mask_contacts(self.text))


def case_id(origin_office: str, origin_id: UUID) -> UUID:
    """The id of the case for one origin consultation, the same on every node: a redelivered request can
    never make a second case."""
    return uuid5(NAMESPACE_URL, f"helpdesk-sipol:case:{origin_office}:{origin_id}")
