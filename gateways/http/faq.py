"""FAQ Sipol over the API (issue 15): search and list the entries this office reads, one entry with its versions,
and for the roles that keep the FAQ (domain/roles.py MANAGE_FAQ) write a draft, edit it, publish, revise and retire.
Lists and search read projections/faq_queries.py; each change is one command of services/faq.py."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

import msgspec
from litestar import Controller, Response, get, post, put
from litestar.params import FromPath, FromQuery, JSONBody, QueryParameter

from domain.faq_values import FaqStatus, Topic
from domain.roles import Permission
from gateways.edge.auth import requires
from gateways.edge.deps import NO_CONTROL_CHARACTERS, Caller, FaqDep, HelpdeskDep
from gateways.edge.faq import found, listed, readable_entry
from gateways.http.dto import BasisIn
from projections.faq_queries import FaqHit, FaqQueries, FaqVersionRow
from services.faq import FaqInput

MANAGE = [requires(Permission.MANAGE_FAQ)]
EntryId = FromPath[UUID]
# Bounds on what reaches the domain, above its own limits (domain/faq_values.py), which it words itself.
Question = Annotated[str, msgspec.Meta(max_length=1_000)]
Answer = Annotated[str, msgspec.Meta(max_length=10_000)]
SearchText = Annotated[str | None, QueryParameter(max_length=200, pattern=NO_CONTROL_CHARACTERS)]
MAX_PAGE = 10_000


class FaqRequest(msgspec.Struct, forbid_unknown_fields=True):
    """An entry: its question, other phrasings, answer, bases (kind + reference) and topics (registration,
    membership, board, office, account, upload, verification, other)."""

    question: Question
    answer: Answer
    topics: Annotated[list[Annotated[str, msgspec.Meta(max_length=40)]], msgspec.Meta(max_length=20)]
    phrasings: Annotated[list[Question], msgspec.Meta(max_length=50)] = []
    bases: Annotated[list[BasisIn], msgspec.Meta(max_length=20)] = []

    def given(self) -> FaqInput:
        return FaqInput(question=self.question, answer=self.answer, topics=list(self.topics),
                        phrasings=list(self.phrasings), bases=[(b.kind.value, b.reference) for b in self.bases])


class RetireRequest(msgspec.Struct, forbid_unknown_fields=True):
    reason: Question


class Created(msgspec.Struct):
    id: UUID


class FaqPage(msgspec.Struct):
    items: list[FaqHit]
    total: int
    page: int
    per_page: int


class FaqDetail(msgspec.Struct):
    entry: FaqHit
    versions: list[FaqVersionRow]


class FaqController(Controller):
    path = "/api/faq"
    tags = ["FAQ Sipol"]
    guards = [requires(Permission.READ_CONSULTATIONS)]

    @get("/", sync_to_thread=True, summary="FAQ Sipol yang berlaku di kantor ini: cari atau daftar",
         description="`q`: pertanyaan dengan kata-kata sendiri (bentuk berimbuhan, percakapan dan singkatan dikenali), "
                     "hasil terbaik dahulu; tanpa `q`: daftar per halaman. `status`, `topic`: saringan. Draf hanya "
                     "untuk peran penulis FAQ (Ketua Helpdesk, Koordinator, Koordinator Harian).")
    def entries(self, request: Caller, faq: FaqDep, q: SearchText = None, status: FromQuery[FaqStatus | None] = None,
                topic: FromQuery[Topic | None] = None, page: Annotated[int, QueryParameter(ge=1, le=MAX_PAGE)] = 1,
                per_page: Annotated[int, QueryParameter(ge=1, le=200)] = 50) -> FaqPage:
        user = request.user
        wanted, about = (status.value if status else None), (topic.value if topic else None)
        if q and q.strip():
            hits = found(faq, user.office_id, user.role, q, wanted, about, per_page)
            return FaqPage(hits, len(hits), 1, per_page)
        items, total = listed(faq, user.office_id, user.role, wanted, about, False, page, per_page)
        return FaqPage(items, total, page, per_page)

    @get("/{entry_id:uuid}", sync_to_thread=True, summary="Satu entri FAQ Sipol dengan riwayat versinya")
    def entry(self, request: Caller, faq: FaqDep, entry_id: EntryId) -> FaqDetail:
        return _detail(faq, request, entry_id)

    @post("/", guards=MANAGE, sync_to_thread=True, summary="Tulis entri FAQ Sipol baru (draf)")
    def create(self, request: Caller, helpdesk: HelpdeskDep, data: JSONBody[FaqRequest]) -> Response[Created]:
        entry_id = helpdesk.draft_faq(request.user, data.given())
        return Response(Created(entry_id), status_code=201, headers={"Location": f"{self.path}/{entry_id}"})

    @put("/{entry_id:uuid}", guards=MANAGE, sync_to_thread=True, summary="Ubah draf entri FAQ Sipol")
    def edit(self, request: Caller, helpdesk: HelpdeskDep, faq: FaqDep, entry_id: EntryId,
             data: JSONBody[FaqRequest]) -> FaqDetail:
        helpdesk.edit_faq_draft(request.user, entry_id, data.given())
        return _detail(faq, request, entry_id)

    @post("/{entry_id:uuid}/publication", guards=MANAGE, status_code=200, sync_to_thread=True,
          summary="Terbitkan entri FAQ Sipol",
          description="Entri KPU RI dikirim ke semua kantor di bawahnya, entri KPU Provinsi ke kabupaten/kotanya.")
    def publish(self, request: Caller, helpdesk: HelpdeskDep, faq: FaqDep, entry_id: EntryId) -> FaqDetail:
        helpdesk.publish_faq(request.user, entry_id)
        return _detail(faq, request, entry_id)

    @post("/{entry_id:uuid}/revision", guards=MANAGE, status_code=200, sync_to_thread=True,
          summary="Revisi entri yang sudah terbit (versi baru; versi lama disimpan)")
    def revise(self, request: Caller, helpdesk: HelpdeskDep, faq: FaqDep, entry_id: EntryId,
               data: JSONBody[FaqRequest]) -> FaqDetail:
        helpdesk.revise_faq(request.user, entry_id, data.given())
        return _detail(faq, request, entry_id)

    @post("/{entry_id:uuid}/retirement", guards=MANAGE, status_code=200, sync_to_thread=True,
          summary="Tarik entri FAQ Sipol (dengan alasan)")
    def retire(self, request: Caller, helpdesk: HelpdeskDep, faq: FaqDep, entry_id: EntryId,
               data: JSONBody[RetireRequest]) -> FaqDetail:
        helpdesk.retire_faq(request.user, entry_id, data.reason)
        return _detail(faq, request, entry_id)


def _detail(faq: FaqQueries, request: Caller, entry_id: UUID) -> FaqDetail:
    hit = readable_entry(faq, request.user.office_id, request.user.role, entry_id)
    return FaqDetail(hit, faq.versions(entry_id))
