"""The audit API: search the chains (at the centre: every office's, as received), their verification, and one
consultation's history across offices. Phone numbers and e-mail addresses were masked when each entry was sealed."""

from __future__ import annotations

from datetime import date
from typing import Annotated
from uuid import UUID

import msgspec
from litestar import Controller, get
from litestar.params import FromPath, FromQuery, QueryParameter

from domain.audit import AuditEntry
from domain.offices import OfficeId
from domain.roles import Permission
from gateways.audit_notes import NoteView, note_view, problem_text
from gateways.edge.auth import requires
from gateways.edge.deps import NO_CONTROL_CHARACTERS, AuditDep
from projections.audit_queries import AuditFilter


class ChainStatus(msgspec.Struct, frozen=True):
    office: str
    source: str  # "own" (sealed here) or "received" (shipped to the centre)
    entries: int
    last_seq: int
    ok: bool
    first_problem: str | None
    notes: list[NoteView] = []  # e.g. a restore from backup, with the entries the office lost


# Audit entries are kept by the offices' ids; a filter that cannot be one finds nothing, so it is refused.
OfficeQuery = Annotated[str | None, QueryParameter(pattern=r"^((kab|kota)-\d{2}\.\d{2}|prov-\d{2}|pusat)$")]
TextQuery = Annotated[str | None, QueryParameter(max_length=150, pattern=NO_CONTROL_CHARACTERS)]
MAX_OFFSET = 1_000_000_000


class AuditController(Controller):
    path = "/api/audit"
    tags = ["Audit"]
    guards = [requires(Permission.READ_AUDIT)]

    @get("/entries", sync_to_thread=True,
         summary="Cari entri audit menurut kantor, partai, konsultasi, pelaku dan rentang tanggal"
                 " (HP dan e-mail disamarkan)")
    def search_entries(
        self, audit_chains: AuditDep, office: OfficeQuery = None, party: TextQuery = None,
        consultation: FromQuery[UUID | None] = None, actor: TextQuery = None,
        since: FromQuery[date | None] = None, until: FromQuery[date | None] = None,
        limit: Annotated[int, QueryParameter(ge=1, le=1000)] = 100,
        offset: Annotated[int, QueryParameter(ge=0, le=MAX_OFFSET)] = 0,
    ) -> list[AuditEntry]:
        audit_chains.catch_up("audit")
        start, end = audit_chains.bounds(since, until)
        found = AuditFilter(office=office, party=party, consultation_id=str(consultation) if consultation else None,
                            actor=actor, since=start, until=end, limit=limit, offset=offset)
        return audit_chains.search(found)

    @get("/consultations/{consultation_id:uuid}", sync_to_thread=True,
         summary="Riwayat satu konsultasi di semua kantor yang menanganinya")
    def consultation_history(self, audit_chains: AuditDep, consultation_id: FromPath[UUID]) -> list[AuditEntry]:
        audit_chains.catch_up("audit")
        return audit_chains.search(AuditFilter(consultation_id=str(consultation_id), limit=1000))

    @get("/status", sync_to_thread=True, summary="Hasil verifikasi tiap rantai audit (hash, urutan, tanda tangan)")
    def status(self, audit_chains: AuditDep) -> list[ChainStatus]:
        return [_status(audit_chains.office, c.office, c.source, c.result) for c in audit_chains.verify()]


def _status(reader: OfficeId, office: str, source: str, result) -> ChainStatus:  # noqa: ANN001
    first = result.problems[0] if result.problems else None
    return ChainStatus(office, source, result.checked, result.last_seq, result.ok,
                       f"#{first.seq} {first.kind}: {problem_text(first)}" if first else None,
                       [note_view(note, reader) for note in result.notes])
