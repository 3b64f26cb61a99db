"""The messaging groups' register over the API (the list masked, the detail in full for the office's staff), and a
message clipped from a group into a new or an open consultation."""

from __future__ import annotations

from typing import Annotated, Any
from uuid import UUID

import msgspec
from litestar import Controller, Response, delete, get, post
from litestar.enums import RequestEncodingType
from litestar.params import Body, FromPath, FromQuery, HeaderParameter, JSONBody

from domain.roles import Permission
from gateways.edge.auth import requires, step_guard
from gateways.edge.clips import consultation_of, read_clip
from gateways.edge.deps import Caller, GroupsDep, HelpdeskDep, HereDep
from gateways.edge.errors import LARGEST_FILE
from gateways.storage import MAX_FILE_BYTES, MAX_UPLOAD_BYTES
from projections.groups_queries import ClipRow, GroupRow
from services.clips import ClipResult
from services.groups import GroupInput, GroupView

MANAGE = [requires(Permission.MANAGE_GROUPS)]
GroupId = FromPath[UUID]
Name = Annotated[str, msgspec.Meta(max_length=200)]
Multipart = Annotated[dict[str, Any], Body(media_type=RequestEncodingType.MULTI_PART)]


class GroupRequest(msgspec.Struct, forbid_unknown_fields=True):
    """A group: its platform (whatsapp, telegram, other), its name as shown, its party (ballot number or name), and
    for Telegram the chat id the bot reports."""

    platform: Annotated[str, msgspec.Meta(max_length=20)]
    name: Name
    party_number: int | None = None
    party_name: Name | None = None
    chat_id: Annotated[str, msgspec.Meta(max_length=30)] | None = None


class MemberRequest(msgspec.Struct, forbid_unknown_fields=True):
    name: Name
    role: Annotated[str, msgspec.Meta(max_length=20)] = "liaison"
    phone: Annotated[str, msgspec.Meta(max_length=40)] | None = None


class WatcherRequest(msgspec.Struct, forbid_unknown_fields=True):
    user_id: UUID


class Created(msgspec.Struct):
    id: UUID


class GroupController(Controller):
    path = "/api/groups"
    tags = ["Grup pesan"]
    guards = [requires(Permission.READ_CONSULTATIONS)]

    @get("/", sync_to_thread=True, summary="Grup pesan kantor ini (anggota disamarkan)")
    def list_groups(self, request: Caller, groups: GroupsDep, retired: FromQuery[bool] = False) -> list[GroupRow]:
        return groups.list(request.user.office_id, retired=retired)

    @post("/", guards=MANAGE, sync_to_thread=True, summary="Daftarkan grup pesan (koordinator)")
    def register(self, request: Caller, helpdesk: HelpdeskDep, data: JSONBody[GroupRequest]) -> Response[Created]:
        given = msgspec.convert(data, GroupInput, from_attributes=True)
        group_id = helpdesk.register_group(request.user, given)
        return Response(Created(group_id), status_code=201, headers={"Location": f"{self.path}/{group_id}"})

    @get("/{group_id:uuid}", sync_to_thread=True, summary="Satu grup: anggota dan petugas pemantau")
    def group(self, request: Caller, helpdesk: HelpdeskDep, group_id: GroupId) -> GroupView:
        return helpdesk.group_view(request.user.office_id, group_id)

    @post("/{group_id:uuid}/members", guards=MANAGE, sync_to_thread=True,
          summary="Tambah narahubung (liaison) atau operator partai ke grup")
    def add_member(self, request: Caller, helpdesk: HelpdeskDep, group_id: GroupId, data: JSONBody[MemberRequest]
                   ) -> Response[Created]:
        member_id = helpdesk.add_group_member(request.user, group_id, data.name, data.role, data.phone)
        return Response(Created(member_id), status_code=201)

    @delete("/{group_id:uuid}/members/{member_id:uuid}", guards=MANAGE, status_code=200, sync_to_thread=True,
            summary="Keluarkan anggota dari daftar grup")
    def remove_member(self, request: Caller, helpdesk: HelpdeskDep, group_id: GroupId,
                      member_id: FromPath[UUID]) -> GroupView:
        helpdesk.remove_group_member(request.user, group_id, member_id)
        return helpdesk.group_view(request.user.office_id, group_id)

    @post("/{group_id:uuid}/watchers", guards=MANAGE, status_code=200, sync_to_thread=True,
          summary="Tugaskan petugas memantau grup")
    def assign_watcher(self, request: Caller, helpdesk: HelpdeskDep, group_id: GroupId,
                       data: JSONBody[WatcherRequest]) -> GroupView:
        helpdesk.assign_group_watcher(request.user, group_id, data.user_id)
        return helpdesk.group_view(request.user.office_id, group_id)

    @delete("/{group_id:uuid}/watchers/{user_id:uuid}", guards=MANAGE, status_code=200, sync_to_thread=True,
            summary="Lepaskan petugas dari pemantauan grup")
    def unassign_watcher(self, request: Caller, helpdesk: HelpdeskDep, group_id: GroupId,
                         user_id: FromPath[UUID]) -> GroupView:
        helpdesk.unassign_group_watcher(request.user, group_id, user_id)
        return helpdesk.group_view(request.user.office_id, group_id)

    @post("/{group_id:uuid}/retirement", guards=MANAGE, status_code=200, sync_to_thread=True,
          summary="Nonaktifkan grup (tetap tercatat)")
    def retire(self, request: Caller, helpdesk: HelpdeskDep, group_id: GroupId) -> GroupView:
        helpdesk.retire_group(request.user, group_id)
        return helpdesk.group_view(request.user.office_id, group_id)


class ClipController(Controller):
    path = "/api/clips"
    tags = ["Grup pesan"]

    @post("/", guards=step_guard("open_consultation"), sync_to_thread=True, request_max_body_size=MAX_UPLOAD_BYTES,
          opt={LARGEST_FILE: MAX_FILE_BYTES}, summary="Tempel pesan dari grup ke konsultasi baru atau yang terbuka",
          description="Multipart: `sender`, `sent_at` (ISO 8601), `text` dan/atau `file` (tangkapan layar), "
                      "`group_id` (dari daftar grup) atau `group_name`+`platform`, `phone` (opsional), "
                      "`consultation_id` (opsional: konsultasi terbuka). Kunci `Idempotency-Key` (atau `key`): "
                      "pesan yang sama dikirim ulang tetap satu.")
    def paste(self, request: Caller, helpdesk: HelpdeskDep, here: HereDep, data: Multipart,
              idempotency_key: Annotated[str | None, HeaderParameter(name="Idempotency-Key", max_length=100)] = None
              ) -> Response[ClipResult]:
        clip = read_clip(data, here.office, idempotency_key)
        result = helpdesk.paste_clip(request.user.office_id, clip, request.user.username, into=consultation_of(data))
        return Response(result, status_code=201 if result.new else 200)

    @get("/consultations/{consultation_id:uuid}", guards=[requires(Permission.READ_CONSULTATIONS)],
         sync_to_thread=True, summary="Pesan tempelan satu konsultasi (pengirim disamarkan)")
    def of_consultation(self, request: Caller, helpdesk: HelpdeskDep, groups: GroupsDep,
                        consultation_id: FromPath[UUID]) -> list[ClipRow]:
        helpdesk.get_consultation(request.user.office_id, consultation_id)
        return groups.clips_of(consultation_id)
