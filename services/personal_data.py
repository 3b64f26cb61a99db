"""A data subject's requests and the retention job's needs: find a person's subjects, list old ones, erase them.

Erasure is crypto-shredding: the subject's key is destroyed in the key store (which no backup of the event store
holds), so every copy of every event that holds the person's name, phone or e-mail becomes unreadable at once; the
events themselves, and the audit chain sealed over their bytes, stay as they are and still verify. The read models
that held the decrypted values are then rebuilt from the log, which now reads "[dihapus]" in their place.

A subject is the consultee of one consultation: its id is the consultation's id (domain/personal_data.py).
Recording *why* an erasure happened is the caller's: record it on the log (so it is on the audit trail) first,
then call `erase_subjects`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Protocol

import msgspec

from domain.personal_data import ConsultationState, FieldKind, SubjectRecord, blind_index
from domain.values import normalise_email, normalise_phone
from services.ports import Clock, SubjectKeys


class ReadModels(Protocol):
    """Rebuilding read models from zero (projections/runner.py ReadModelRunner.rebuild)."""

    def rebuild(self, name: Sequence[str]) -> int: ...


class ConsultationStates(Protocol):
    def __call__(self, consultation_ids: Sequence[str]) -> dict[str, ConsultationState]:
        """Each known consultation's state as the consultations read model has it (unknown ids left out)."""
        ...


class SubjectState(msgspec.Struct, frozen=True):
    """A subject for the retention job: when its key was made, whether it is erased, and its consultation's state
    (None: no consultation of that id in the read model)."""

    subject: SubjectRecord
    consultation: ConsultationState | None


class Erasure(msgspec.Struct, frozen=True):
    """What `erase_subjects` did: keys destroyed now, subjects erased before, ids the key store never knew."""

    erased: tuple[str, ...]
    already_erased: tuple[str, ...]
    unknown: tuple[str, ...]
    read_models: tuple[str, ...]  # rebuilt afterwards (none when nothing was erased)


class PersonalData:
    """The office's personal-data service (services only: the CLI `helpdesk pdp …` and the retention job call it)."""

    def __init__(self, keys: SubjectKeys, pseudonym_key: bytes, read_models: ReadModels,
                 personal_read_models: Sequence[str], states: ConsultationStates, clock: Clock) -> None:
        self.keys = keys
        self.pseudonym_key = pseudonym_key
        self.read_models = read_models
        self.personal_read_models = tuple(personal_read_models)
        self.states = states
        self.clock = clock

    def find_subjects(self, contact: str) -> list[SubjectRecord]:
        """The subjects recorded with this phone number or e-mail address (anything holding "@" is read as an
        address, the rest as a phone number, in any common Indonesian writing: 0812…, +62 812…), through the blind
        indexes; oldest first. Erased subjects are not found (their indexes went with their keys).
        Raises domain.errors.InvalidPhone / InvalidEmail for something that is neither."""
        digest = self._digest(contact)
        return sorted(self.keys.find(digest), key=lambda s: s.created_at)

    def subjects(self, subject_ids: Iterable[str]) -> list[SubjectRecord]:
        """The key store's record of each subject named (unknown ids left out)."""
        return self.keys.subjects(list(subject_ids))

    def subjects_created_before(self, before: datetime, include_erased: bool = False) -> list[SubjectState]:
        """Subjects whose key was made before `before`, oldest first, each with its consultation's state (status,
        opened, closed), for the retention job to decide which have expired. Erased ones only if asked."""
        found = [s for s in self.keys.subjects(created_before=before) if include_erased or not s.erased]
        states = self.states([s.subject_id for s in found]) if found else {}
        return [SubjectState(s, states.get(s.subject_id)) for s in found]

    def erase_subjects(self, subject_ids: Iterable[str], rebuild: bool = True) -> Erasure:
        """Destroys the subjects' keys and blind indexes (crypto-shredding), then rebuilds the read models that hold
        personal data (consultations, front desk) so they show "[dihapus]" too. Idempotent: a subject erased before
        is reported, not an error. `rebuild=False` lets a caller erasing in several calls rebuild once at the end
        (`rebuild_personal_read_models`). The audit chain is not rebuilt: it holds pseudonyms only."""
        wanted = list(dict.fromkeys(str(s) for s in subject_ids))
        known = {s.subject_id: s for s in self.keys.subjects(wanted)} if wanted else {}
        erased = self.keys.destroy([s for s in wanted if s in known], self.clock()) if known else []
        done = set(erased)
        rebuilt = self.rebuild_personal_read_models() if erased and rebuild else ()
        return Erasure(
            erased=tuple(s for s in wanted if s in done),
            already_erased=tuple(s for s in wanted if s in known and s not in done),
            unknown=tuple(s for s in wanted if s not in known),
            read_models=rebuilt,
        )

    def rebuild_personal_read_models(self) -> tuple[str, ...]:
        """Rebuilds from zero every read model that holds decrypted personal data; returns their names."""
        self.read_models.rebuild(list(self.personal_read_models))
        return self.personal_read_models

    def _digest(self, contact: str) -> str:
        text = contact.strip()
        if "@" in text:
            return blind_index(self.pseudonym_key, FieldKind.EMAIL, normalise_email(text))
        return blind_index(self.pseudonym_key, FieldKind.PHONE, normalise_phone(text))
