"""Document numbers, kept beside the read models in the read store (outside the tables a rebuild drops): a counter per
office and year, and the number each document was given. A document (its kind, period and version) is numbered the
first time it is printed; printed again it shows the same number and the same date, and the next new one gets the
next number. Taking the number is one transaction holding the store's write lock, the counter moved by one atomic
INSERT … ON CONFLICT … RETURNING, so two printings at once never share a number or leave a gap."""

from __future__ import annotations

from datetime import date

import msgspec

from domain.document_number import document_number
from domain.offices import OfficeId
from projections.runner import Store
from services.documents import DocumentKey

COUNTERS = "document_counters"
NUMBERS = "document_numbers"
_TABLES = {
    COUNTERS: "office TEXT NOT NULL, year INTEGER NOT NULL, last_seq INTEGER NOT NULL, PRIMARY KEY (office, year)",
    NUMBERS: """office TEXT NOT NULL, kind TEXT NOT NULL, period_start TEXT NOT NULL, period_end TEXT NOT NULL,
        version TEXT NOT NULL, year INTEGER NOT NULL, seq INTEGER NOT NULL, issued_on TEXT NOT NULL,
        number TEXT NOT NULL, PRIMARY KEY (office, kind, period_start, period_end, version)""",
}
_FIND = (f"SELECT number, issued_on FROM {NUMBERS}"
         " WHERE office = ? AND kind = ? AND period_start = ? AND period_end = ? AND version = ?")


class Issued(msgspec.Struct, frozen=True):
    number: str
    issued_on: date  # the office's day it was first printed: the date under which it is signed


class DocumentNumbers:
    def __init__(self, store: Store, office: OfficeId, template: str) -> None:
        self.store, self.office, self.template = store, office, template
        with store.transaction() as tx:
            for table, columns in _TABLES.items():
                tx.execute(f"CREATE TABLE IF NOT EXISTS {table} ({columns})")

    def issue(self, key: DocumentKey, today: date) -> Issued:
        """The document's number: the one it was given, or the next of `today`'s year."""
        where = (self.office.value, key.kind, key.period_start.isoformat(), key.period_end.isoformat(), key.version)
        found = self.store.query(_FIND, where)  # printed before: no write lock taken
        if found:
            return Issued(found[0][0], date.fromisoformat(found[0][1]))
        with self.store.transaction() as tx:
            found = tx.execute(_FIND, where)  # printed meanwhile, by a request that held the lock first
            if found:
                return Issued(found[0][0], date.fromisoformat(found[0][1]))
            [(seq,)] = tx.execute(
                f"INSERT INTO {COUNTERS} (office, year, last_seq) VALUES (?, ?, 1) ON CONFLICT (office, year)"
                f" DO UPDATE SET last_seq = {COUNTERS}.last_seq + 1 RETURNING last_seq",
                (self.office.value, today.year))
            number = document_number(self.template, int(seq), self.office, today)
            tx.execute(f"INSERT INTO {NUMBERS} (office, kind, period_start, period_end, version, year, seq, issued_on,"
                       " number) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", (*where, today.year, int(seq), today.isoformat(),
                                                                       number))
        return Issued(number, today)
