"""Reference data for forms: the party register and Kemendagri regions."""

from __future__ import annotations

from litestar import Controller, get
from litestar.params import FromQuery

from domain.parties import Party
from gateways.http.deps import NodeDep
from gateways.reference import Region, provinces, regencies


class ReferenceController(Controller):
    path = "/api/reference"
    tags = ["Referensi"]

    @get("/parties", sync_to_thread=False, summary="Partai politik peserta Pemilu 2024")
    def parties(self, node: NodeDep) -> list[Party]:
        return list(node.parties.parties)

    @get("/regions", sync_to_thread=False, summary="Provinsi, atau kabupaten/kota satu provinsi (kode Kemendagri)")
    def regions(self, province: FromQuery[str | None] = None) -> list[Region]:
        return regencies(province) if province else provinces()
