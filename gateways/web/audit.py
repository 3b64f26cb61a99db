"""The audit viewer: search the chain (at the centre: every office's chain as received), see whether each chain
verifies, and follow one consultation's history across offices. Entries were sealed with pseudonyms for the consultee's
name, phone and e-mail, and are shown as stored; next to this office's own entries of a consultation the page names
the consultee from the consultations read model (never from the chain, which leaves the office), for the office's
own auditor.

The same queries and rules as gateways/http/audit.py, from one place (gateways/edge/audit.py): the centre reads the
received chains, any other office its own; a day range is the office's local days; each chain is verified as
`GET /api/audit/status` does. The page reads the latest entries first (the read model's order, so paging follows it),
words each event type, key and value from the catalogue (gateways/web/audit_labels.py), shows times in the office's
zone, and names this office's staff by their full names (the staff read model) where the chain has their usernames.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from urllib.parse import urlencode

from litestar import Controller, get
from litestar.params import FromPath, FromQuery
from litestar.response import Template

from domain.audit import AuditEntry, VerifyResult
from domain.offices import OfficeId
from domain.roles import Permission
from gateways.audit_notes import backup_text, note_text, problem_text
from gateways.edge.audit import AuditChains
from gateways.edge.auth import requires
from gateways.edge.deps import AuditDep, Caller, HereDep, UsersDep
from gateways.reports.dates import stamp
from gateways.web.audit_labels import event_label, key_label, value_text
from gateways.web.i18n import translator
from gateways.web.render import language, page
from projections.audit_queries import AuditFilter

PAGE_SIZE = 50
# The chain, and the consultations read model that names this office's consultees beside it.
SHOWN = ("audit", "consultations")
# No entry holds a control character, and PostgreSQL cannot compare text holding NUL: such a filter finds nothing.
_CONTROL = re.compile(r"[\x00-\x1f]")


def N_(text: str) -> str:  # noqa: N802 - gettext's marker: a text translated later, where it is shown
    return text


OWN_CHAIN, RECEIVED_CHAIN = N_("Milik kantor ini"), N_("Diterima")
FILTERS = ("kantor", "partai", "konsultasi", "pelaku", "dari", "sampai")


@dataclass(frozen=True)
class SummaryItem:
    key: str  # as sealed (`case.notes[0].at`), shown as the label's title
    label: str  # "Catatan 1 · waktu"
    value: str  # as the reader reads it: a moment in the office's zone, a role by its name


@dataclass(frozen=True)
class EntryRow:
    office: str
    seq: int
    time: str
    at: datetime
    type: str  # as sealed (`User.Registered`)
    label: str  # "Akun didaftarkan"
    actor: str  # the full name where the staff read model has it, else as sealed
    actor_username: str | None  # as sealed, when `actor` names them otherwise
    party: str
    consultation_id: str | None
    summary: tuple[SummaryItem, ...]
    consultee: str | None = None  # this office's consultee, from the read model; never in the chain itself


@dataclass(frozen=True)
class ChainRow:
    office: str
    source: str  # Indonesian label, translated in the template
    entries: int
    last_seq: int
    ok: bool
    problem: str | None
    notes: tuple[NoteRow, ...] = ()  # a restore from backup, told in the reader's language


@dataclass(frozen=True)
class NoteRow:
    text: str
    backup: str
    lost: tuple[tuple[int, str, str], ...]  # seq, type, time of each entry the office lost


def entry_row(reader: OfficeId, e: AuditEntry, lang: str, names: dict[str, str] | None = None,
              staff: dict[str, str] | None = None) -> EntryRow:
    own = e.office == reader.value
    people = (staff or {}) if own else {}  # usernames are the office's own: another office's are not named here
    full_name = people.get(e.actor or "")
    return EntryRow(
        office=e.office, seq=e.seq, time=stamp(e.at, reader, lang), at=e.at, type=e.type,
        label=event_label(e.type, lang),
        actor=full_name or e.actor or "–", actor_username=e.actor if full_name else None, party=e.party or "–",
        consultation_id=e.consultation_id,
        summary=tuple(SummaryItem(key, key_label(key, lang), value_text(key, value, reader, lang, people))
                      for key, value in sorted(e.summary.items())),
        consultee=(names or {}).get(e.consultation_id or "") if own else None,
    )


def entry_rows(chains: AuditChains, found: list[AuditEntry], lang: str, staff: dict[str, str]) -> list[EntryRow]:
    """The entries as rows, this office's own consultations named after their consultee and its staff by their full
    names (read models)."""
    own = [e.consultation_id for e in found if e.consultation_id and e.office == chains.office.value]
    names = chains.consultee_names(own) if own else {}
    return [entry_row(chains.office, e, lang, names, staff) for e in found]


def staff_names(users: UsersDep, office: OfficeId) -> dict[str, str]:
    """This office's staff, username → full name (the staff read model), to name who acted."""
    return {u.username: u.full_name for u in users.list(office.value)}


def chain_row(office: str, source: str, result: VerifyResult, lang: str, reader: OfficeId | None = None) -> ChainRow:
    first = result.problems[0] if result.problems else None
    problem = None
    if first is not None:
        problem = f"#{first.seq} {first.kind}: " + problem_text(first, lang)
    notes = tuple(
        NoteRow(note_text(n, reader, lang), backup_text(n, reader, lang),
                tuple((e.seq, event_label(e.type, lang), stamp(e.at, reader, lang)) for e in n.lost))
        for n in result.notes
    ) if reader is not None else ()
    return ChainRow(office, source, result.checked, result.last_seq, result.ok, problem, notes)


def chain_status(chains: AuditChains, lang: str) -> list[ChainRow]:
    source = {"own": OWN_CHAIN, "received": RECEIVED_CHAIN}
    return [chain_row(c.office, source[c.source], c.result, lang, chains.office) for c in chains.verify()]


def parse_day(text: str | None) -> date | None:
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        return None


class AuditPages(Controller):
    path = "/audit"
    include_in_schema = False
    guards = [requires(Permission.READ_AUDIT)]

    @get("/", sync_to_thread=True)
    def audit(self, request: Caller, here: HereDep, audit_chains: AuditDep, users: UsersDep,
              kantor: FromQuery[str | None] = None,
              partai: FromQuery[str | None] = None, konsultasi: FromQuery[str | None] = None,
              pelaku: FromQuery[str | None] = None, dari: FromQuery[str | None] = None,
              sampai: FromQuery[str | None] = None, halaman: FromQuery[str | None] = None) -> Template:
        lang = language(request)
        _ = translator(lang)
        typed = {k: (v or "").strip() for k, v in zip(FILTERS, (kantor, partai, konsultasi, pelaku, dari, sampai),
                                                        strict=True)}
        errors: dict[str, str] = {}
        since, until = parse_day(typed["dari"]), parse_day(typed["sampai"])
        for field, text, value in (("dari", typed["dari"], since), ("sampai", typed["sampai"], until)):
            if text and value is None:
                errors[field] = _("Tanggal tidak valid. Gunakan format TTTT-BB-HH.")
        if since and until and until < since:
            errors["sampai"] = _("Tanggal akhir tidak boleh sebelum tanggal awal.")
        # A page number has at most six digits (int() refuses 4,300, SQLite an offset past 2**63, "²" is a digit).
        number = int(halaman) if halaman and halaman.isdecimal() and len(halaman) <= 6 and int(halaman) > 0 else 1

        found: list[AuditEntry] = []
        if not errors and not any(_CONTROL.search(v) for v in typed.values()):
            audit_chains.catch_up(SHOWN)
            start, end = audit_chains.bounds(since, until)
            found = audit_chains.search(AuditFilter(
                office=typed["kantor"] or None, party=typed["partai"] or None,
                consultation_id=typed["konsultasi"] or None, actor=typed["pelaku"] or None, since=start, until=end,
                limit=PAGE_SIZE + 1, offset=(number - 1) * PAGE_SIZE, newest_first=True,
            ))
        more = len(found) > PAGE_SIZE
        query = {k: v for k, v in typed.items() if v}

        def page_url(n: int) -> str:
            return "/audit?" + urlencode({**query, "halaman": n})

        offices = audit_chains.offices()
        staff = staff_names(users, here.office)
        return page(
            request, here, "audit/index.html", status_code=422 if errors else 200,
            typed=typed, errors=errors, rows=entry_rows(audit_chains, found[:PAGE_SIZE], lang, staff),
            staff=sorted(staff.items()),
            number=number, previous_url=page_url(number - 1) if number > 1 else None,
            next_url=page_url(number + 1) if more else None, offices=offices,
            chains=chain_status(audit_chains, lang), filtered=bool(query),
        )

    @get("/konsultasi/{consultation_id:str}", sync_to_thread=True)
    def consultation(self, request: Caller, here: HereDep, audit_chains: AuditDep, users: UsersDep,
                     consultation_id: FromPath[str]) -> Template:
        audit_chains.catch_up(SHOWN)
        found = [] if _CONTROL.search(consultation_id) else audit_chains.search(
            AuditFilter(consultation_id=consultation_id, limit=1000, newest_first=True))
        rows: list[Any] = entry_rows(audit_chains, found, language(request), staff_names(users, here.office))
        own = any(r.office == here.office.value for r in rows)
        consultee = next((r.consultee for r in rows if r.consultee), None)
        return page(request, here, "audit/consultation.html", status_code=200 if rows else 404,
                    consultation_id=consultation_id, rows=rows, here=own, consultee=consultee,
                    offices=sorted({r.office for r in rows}))
