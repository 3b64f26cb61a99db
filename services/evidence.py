"""Evidence that travels with escalations (part of the Helpdesk application): which documents a case file names when
it goes up, what this office owes the office above, what it sends, and the documents that arrive from below.

The bytes travel beside the messages, not inside them (gateways/nats/documents.py): the relay sends a document to an
office once it is both kept here and owed there (domain/held_document.py), and the receiver keeps it only when its
bytes are exactly the SHA-256 the case file names.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

import msgspec

from domain.casefile import CaseFile
from domain.consultation import Consultation
from domain.errors import NotFound
from domain.evidence import Evidence, check_arrived, evidence_of
from domain.frontdesk import QueueDay, local_day, queue_day_id
from domain.held_document import HeldDocument, held_document_id
from domain.offices import OfficeId
from domain.values import Channel
from services.base import NodeApplication
from services.ports import StoredFiles


class DocumentSend(msgspec.Struct, frozen=True):
    """One document's bytes to send to one office: what it is and where this office keeps it."""

    to: str
    evidence: Evidence
    storage_key: str


class HeldEvidence(msgspec.Struct, frozen=True):
    """A document a case names, as this office holds it: `storage_key` None while its bytes are on their way."""

    evidence: Evidence
    storage_key: str | None


# What each event of a held document sends: (event, the document as it stood right after it) -> sends.
SENDS: dict[type, Callable[[Any, HeldDocument], list[DocumentSend]]] = {
    HeldDocument.Kept: lambda event, held: [DocumentSend(to, held.evidence, event.storage_key) for to in held.owed],
    HeldDocument.Owed: lambda event, held: (
        [DocumentSend(event.to_office, held.evidence, held.storage_key)] if held.storage_key else []),
}


def document_sends(event: Any, as_it_stood: Callable[[Any], Any]) -> list[DocumentSend]:
    """The documents an event of this log sends (none for any other event)."""
    send = SENDS.get(type(event))
    return send(event, as_it_stood(event)) if send else []


class EvidenceCommands(NodeApplication):
    """Part of the Helpdesk application (through EscalationCommands): the documents that go up with a case."""

    office: OfficeId
    stored_files: StoredFiles

    def travelling_evidence(self, consultation: Consultation) -> tuple[Evidence, ...]:
        """The documents of a consultation that go up with it: never a guest-book signature (domain/evidence.py)."""
        return evidence_of(consultation.documentation, self._signatures_of(consultation), self._size_of)

    def _size_of(self, storage_key: str) -> int | None:
        try:
            return len(self.stored_files.get(storage_key))
        except FileNotFoundError:
            return None  # lost or damaged here since it was attached: nothing to send

    def documents_owed(self, case: CaseFile, to_office: str, at: datetime,
                       consultation: Consultation | None = None) -> list[HeldDocument]:
        """The held documents a case sent up to `to_office` makes owed there; at the origin (`consultation`) they are
        kept here too, under the keys the desk attached them with. Saved with the record that sent the case."""
        attached = {d.sha256: d.storage_key for d in consultation.documentation} if consultation else {}
        changed = []
        for evidence in case.documents:
            held = self._held(evidence, at)
            if evidence.sha256 in attached:
                held.keep(attached[evidence.sha256], "", at)
            held.owe(to_office, at)
            changed.append(held)
        return changed

    def keep_arrived_document(self, sender: str, evidence: Evidence, data: bytes) -> bool:
        """Keeps a document that arrived from `sender`, if its bytes are exactly the ones named (DocumentRefused when
        not: nothing is stored); False when it was kept already (delivered twice, kept once)."""
        check_arrived(evidence, data)
        at = self.clock()
        held = self._held(evidence, at)
        if held.is_kept and self.stored_files.holds(held.storage_key or "", evidence.sha256):
            return False
        key, _ = self.stored_files.put(data, evidence.media_type)
        if not held.keep(key, sender, at):
            return False
        self._save(held)
        return True

    def held_evidence(self, office_id: str, evidence: tuple[Evidence, ...]) -> list[HeldEvidence]:
        """The documents a case names, each with where this office keeps it, if it has arrived."""
        found = []
        for item in evidence:
            held = self._find_held(office_id, item.sha256)
            found.append(HeldEvidence(item, held.storage_key if held is not None else None))
        return found

    def document_kept(self, sha256: str) -> bool:
        held = self._find_held(self.office.value, sha256)
        return held is not None and held.is_kept

    def evidence_bytes(self, storage_key: str) -> bytes:
        return self.stored_files.get(storage_key)

    def _held(self, evidence: Evidence, at: datetime) -> HeldDocument:
        held = self._find_held(self.office.value, evidence.sha256)
        return held if held is not None else HeldDocument.note(self.office.value, evidence, at)

    def _find_held(self, office_id: str, sha256: str) -> HeldDocument | None:
        try:
            held = self._load(held_document_id(office_id, sha256))
        except NotFound:
            return None
        return held if isinstance(held, HeldDocument) else None

    def _signatures_of(self, consultation: Consultation) -> frozenset[str]:
        """The SHA-256 of the guest-book signature a walk-in consultation was opened with (none for other channels)."""
        if consultation.channel is not Channel.WALK_IN:
            return frozenset()
        office = consultation.office_id
        try:
            queue = self._load(queue_day_id(office, local_day(consultation.created_on, office)))
        except NotFound:
            return frozenset()
        if not isinstance(queue, QueueDay):
            return frozenset()
        return frozenset(t.guest.signature_sha256 for t in queue.tickets.values()
                         if t.guest is not None and t.guest.consultation_id == consultation.id)
