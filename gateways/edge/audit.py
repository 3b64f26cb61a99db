"""Reading the audit chains, for the audit API and the audit pages alike: which chain this office answers from, a
day range in the office's days, the search, each chain's verification."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime

from domain.audit import AuditEntry
from domain.offices import OfficeId
from gateways.reports.dates import day_bounds
from gateways.signing import Keyring
from projections.audit_queries import OWN, RECEIVED, AuditFilter, ChainCheck, chain_offices, search, verify_all
from projections.runner import ReadModelRunner, Store
from projections.subject_states import consultee_names


class AuditChains:
    def __init__(self, runner: ReadModelRunner, store: Store, keyring: Keyring, office: OfficeId) -> None:
        self.runner, self.store, self.keyring, self.office = runner, store, keyring, office

    @property
    def table(self) -> str:
        """The centre answers from every office's chain as received; any other office from its own chain."""
        return RECEIVED if self.office.parent is None else OWN

    def catch_up(self, names: str | Sequence[str]) -> None:
        self.runner.catch_up(names)

    def bounds(self, since: date | None, until: date | None) -> tuple[datetime | None, datetime | None]:
        """The office's local days as moments; the first and last days of the calendar bound nothing (no entry is
        older or newer), and their edges in UTC are not datetimes at all."""
        start = day_bounds(since, self.office)[0] if since and since > date.min else None
        end = day_bounds(until, self.office)[1] if until and until < date.max else None
        return start, end

    def search(self, found: AuditFilter) -> list[AuditEntry]:
        return search(self.store, self.table, found)

    def offices(self) -> list[str]:
        """This office and every office with a chain here, sorted."""
        return sorted({self.office.value, *chain_offices(self.store, self.table)})

    def verify(self) -> list[ChainCheck]:
        """Each chain checked: hashes, links and order, and the signatures of its checkpoints."""
        return verify_all(self.runner, self.office.value, self.keyring.verify, self.keyring.knows)

    def consultee_names(self, consultation_ids: Iterable[str]) -> dict[str, str]:
        """This office's consultees, from the consultations read model (never from the chain)."""
        return consultee_names(self.store, list(consultation_ids))
