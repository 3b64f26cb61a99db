"""The Erasure aggregate: one erasure of personal data, on a person's request or because its retention passed.

It records who erased what and why — the kinds and counts of records and the subjects whose keys were destroyed —
and never the personal data itself: its events land in the audit chain like every event, and the centre reads them.
Its id is derived from the office and the subjects erased, so a run retried after a failure finds its own record.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate

from domain.retention import HeldRecord, RecordKind, counts
from domain.values import clean_name, clean_text

MAX_REASON = 500


def erasure_id(office_id: str, purpose: str, subjects: Iterable[str]) -> UUID:
    """The same id for the same office, purpose and set of subjects, wherever and however often it is computed."""
    return uuid5(NAMESPACE_URL, f"helpdesk-sipol:erasure:{office_id}:{purpose}:{','.join(sorted(set(subjects)))}")


class Erasure(Aggregate):
    """What was erased of one person's (or, on expiry, several people's) data, by whom and why."""

    class PersonalDataErased(Aggregate.Created):
        """Erased on the person's request (UU 27/2022 Pasal 8)."""

        office_id: str
        reason: str
        by: str
        kinds: tuple[RecordKind, ...]
        counts: dict[str, int]
        subjects: tuple[str, ...]

    class RetentionExpired(Aggregate.Created):
        """Erased because the retention of every record of these subjects had passed (`scope` "subjects": their keys
        were destroyed), or of their guest-book lines ("signatures": the drawn signatures deleted, the keys kept)."""

        office_id: str
        rule: str
        by: str
        kinds: tuple[RecordKind, ...]
        counts: dict[str, int]
        subjects: tuple[str, ...]
        scope: str = "subjects"

    def __init__(
        self, office_id: str, by: str, kinds: tuple[RecordKind, ...], counts: dict[str, int],
        subjects: tuple[str, ...], reason: str | None = None, rule: str | None = None, scope: str = "subjects",
    ) -> None:
        self.office_id = office_id
        self.by = by
        self.kinds = kinds
        self.counts = counts
        self.subjects = subjects
        self.reason = reason
        self.rule = rule
        self.scope = scope

    @classmethod
    def on_request(cls, *, office_id: str, records: list[HeldRecord], reason: str, by: str, at: datetime) -> Erasure:
        """A person asked: `records` are what `check_erasable` allowed."""
        subjects = _subjects(records)
        return cls._create(
            cls.PersonalDataErased, id=erasure_id(office_id, "request", subjects), timestamp=at, office_id=office_id,
            reason=clean_text(reason, "reason", MAX_REASON), by=clean_name(by, "by"), kinds=_kinds(records),
            counts=_counts(records), subjects=subjects,
        )

    @classmethod
    def on_expiry(cls, *, office_id: str, records: list[HeldRecord], rule: str, by: str, at: datetime,
                  purpose: str = "expiry") -> Erasure:
        """The retention job found these records expired: every record of each subject (their keys go), or, with
        `purpose="signatures"`, guest-book lines whose drawn signatures go before the key does."""
        subjects = _subjects(records)
        return cls._create(
            cls.RetentionExpired, id=erasure_id(office_id, purpose, subjects), timestamp=at, office_id=office_id,
            rule=rule, by=by, kinds=_kinds(records), counts=_counts(records), subjects=subjects,
            scope="signatures" if purpose == "signatures" else "subjects",
        )


def keys_destroyed(event: Erasure.PersonalDataErased | Erasure.RetentionExpired) -> tuple[str, ...]:
    """The subjects whose keys an erasure destroyed (none for signatures deleted on their own): what a key store
    restored from an older copy must lose again."""
    return () if getattr(event, "scope", "subjects") == "signatures" else tuple(event.subjects)


def _subjects(records: list[HeldRecord]) -> tuple[str, ...]:
    return tuple(sorted({record.subject for record in records}))


def _kinds(records: list[HeldRecord]) -> tuple[RecordKind, ...]:
    return tuple(kind for kind in RecordKind if any(record.kind is kind for record in records))


def _counts(records: list[HeldRecord]) -> dict[str, int]:
    return {kind.value: number for kind, number in counts(records).items()}
