"""Reference data for forms: the election period's party register (national list and this office's additions) and
Kemendagri regions."""

from __future__ import annotations

from typing import Annotated

import msgspec
from litestar import Controller, Response, delete, get, post
from litestar.params import FromPath, FromQuery, JSONBody

from domain.parties import Party
from domain.roles import Permission
from gateways.edge.auth import requires
from gateways.edge.deps import Caller, HelpdeskDep, PartyListDep
from gateways.reference import Region, provinces, regencies
from projections.parties import OfficeParty

MANAGE = [requires(Permission.MANAGE_PARTIES)]


class PartyRequest(msgspec.Struct, forbid_unknown_fields=True):
    """A calon peserta not on the national list: its name as registered, and its abbreviation if it has one."""

    name: Annotated[str, msgspec.Meta(max_length=150)]
    abbreviation: Annotated[str, msgspec.Meta(max_length=30)] | None = None


class ReferenceController(Controller):
    path = "/api/reference"
    tags = ["Referensi"]

    @get("/parties", sync_to_thread=True,
         summary="Partai politik periode pemilu ini: daftar nasional lalu yang ditambahkan kantor ini")
    def parties(self, request: Caller, party_list: PartyListDep) -> list[Party]:
        return list(party_list.register(request.user.office_id).parties)

    @get("/parties/added", sync_to_thread=True, summary="Partai yang ditambahkan kantor ini (siapa, kapan)")
    def added_parties(self, request: Caller, party_list: PartyListDep) -> list[OfficeParty]:
        return party_list.added(request.user.office_id)

    @post("/parties", guards=MANAGE, sync_to_thread=True, summary="Tambah partai calon peserta ke daftar kantor ini")
    def add_party(self, request: Caller, helpdesk: HelpdeskDep, party_list: PartyListDep, data: JSONBody[PartyRequest]
                  ) -> Response[list[OfficeParty]]:
        user = request.user
        helpdesk.add_party(user.office_id, data.name, data.abbreviation, user.username)
        return Response(party_list.added(user.office_id), status_code=201)

    @delete("/parties/{name:str}", guards=MANAGE, status_code=200, sync_to_thread=True,
            summary="Hapus partai yang keliru ditambahkan (konsultasi yang menyebutnya tetap)")
    def remove_party(self, request: Caller, helpdesk: HelpdeskDep, party_list: PartyListDep, name: FromPath[str]
                     ) -> list[OfficeParty]:
        user = request.user
        helpdesk.remove_party(user.office_id, name, user.username)
        return party_list.added(user.office_id)

    @get("/regions", sync_to_thread=False, summary="Provinsi, atau kabupaten/kota satu provinsi (kode Kemendagri)")
    def regions(self, province: FromQuery[str | None] = None) -> list[Region]:
        return regencies(province) if province else provinces()
