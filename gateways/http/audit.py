"""The audit API: search the chains (at the centre: every office's, as received), their verification, and one
consultation's history across offices. Phone numbers and e-mail addresses were masked when each entry was sealed."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated
from uuid import UUID

import msgspec
from litestar import Controller, get
from litestar.params import FromPath, FromQuery, QueryParameter

from domain.audit import AuditEntry
from domain.roles import Permission
from gateways.audit_notes import NoteView, note_view
from gateways.bootstrap import Node
from gateways.http.auth import requires
from gateways.http.deps import NO_CONTROL_CHARACTERS, NodeDep
from gateways.reports.dates import day_bounds
from projections.audit_queries import OWN, RECEIVED, AuditFilter, search, verify_all


class ChainStatus(msgspec.Struct, frozen=True):
    office: str
    source: str  # "own" (sealed here) or "received" (shipped to the centre)
    entries: int
    last_seq: int
    ok: bool
    first_problem: str | None
    notes: list[NoteView] = []  # e.g. a restore from backup, with the entries the office lost


def _table(node: Node) -> str:
    # The centre answers from every office's chain as received; any other office from its own chain.
    return RECEIVED if node.office.parent is None else OWN


# Audit entries are kept by the offices' ids; a filter that cannot be one finds nothing, so it is refused.
OfficeQuery = Annotated[str | None, QueryParameter(pattern=r"^((kab|kota)-\d{2}\.\d{2}|prov-\d{2}|pusat)$")]
TextQuery = Annotated[str | None, QueryParameter(max_length=150, pattern=NO_CONTROL_CHARACTERS)]
MAX_OFFSET = 1_000_000_000


def _bounds(node: Node, since: date | None, until: date | None) -> tuple[datetime | None, datetime | None]:
    # The first and last days of the calendar bound nothing (no entry is older or newer), and their edges in UTC
    # are not datetimes at all.
    start = day_bounds(since, node.office)[0] if since and since > date.min else None
    end = day_bounds(until, node.office)[1] if until and until < date.max else None
    return start, end


class AuditController(Controller):
    path = "/api/audit"
    tags = ["Audit"]
    guards = [requires(Permission.READ_AUDIT)]

    @get("/entries", sync_to_thread=True,
         summary="Cari entri audit menurut kantor, partai, konsultasi, pelaku dan rentang tanggal"
                 " (HP dan e-mail disamarkan)")
    def search_entries(
        self, node: NodeDep, office: OfficeQuery = None, party: TextQuery = None,
        consultation: FromQuery[UUID | None] = None, actor: TextQuery = None,
        since: FromQuery[date | None] = None, until: FromQuery[date | None] = None,
        limit: Annotated[int, QueryParameter(ge=1, le=1000)] = 100,
        offset: Annotated[int, QueryParameter(ge=0, le=MAX_OFFSET)] = 0,
    ) -> list[AuditEntry]:
        node.projections.catch_up("audit")
        start, end = _bounds(node, since, until)
        found = AuditFilter(office=office, party=party, consultation_id=str(consultation) if consultation else None,
                            actor=actor, since=start, until=end, limit=limit, offset=offset)
        return search(node.store, _table(node), found)

    @get("/consultations/{consultation_id:uuid}", sync_to_thread=True,
         summary="Riwayat satu konsultasi di semua kantor yang menanganinya")
    def consultation_history(self, node: NodeDep, consultation_id: FromPath[UUID]) -> list[AuditEntry]:
        node.projections.catch_up("audit")
        return search(node.store, _table(node), AuditFilter(consultation_id=str(consultation_id), limit=1000))

    @get("/status", sync_to_thread=True, summary="Hasil verifikasi tiap rantai audit (hash, urutan, tanda tangan)")
    def status(self, node: NodeDep) -> list[ChainStatus]:
        checks = verify_all(node.projections, node.office.value, node.keyring.verify, node.keyring.knows)
        return [_status(node, c.office, c.source, c.result) for c in checks]


def _status(node: Node, office: str, source: str, result) -> ChainStatus:  # noqa: ANN001
    first = result.problems[0] if result.problems else None
    return ChainStatus(office, source, result.checked, result.last_seq, result.ok,
                       f"#{first.seq} {first.kind}: {first.message_id}" if first else None,
                       [note_view(note, node.office) for note in result.notes])
