"""Staff accounts of the office, managed by the Ketua Helpdesk."""

from __future__ import annotations

from uuid import UUID

from litestar import Controller, Response, get, post
from litestar.params import FromPath, JSONBody

from domain.errors import NotFound
from domain.roles import Permission
from gateways.http.auth import requires
from gateways.http.deps import Caller, NodeDep
from gateways.http.dto import CreateUserRequest
from services.views import UserView


class UserController(Controller):
    path = "/api/users"
    tags = ["Pengguna"]
    guards = [requires(Permission.MANAGE_USERS)]

    @get("/", sync_to_thread=True, summary="Petugas kantor ini")
    def list_users(self, request: Caller, node: NodeDep) -> list[UserView]:
        return node.users.list(request.user.office_id)

    @post("/", sync_to_thread=True, summary="Tambah petugas di kantor ini")
    def add_user(self, request: Caller, node: NodeDep, data: JSONBody[CreateUserRequest]) -> Response[UserView]:
        new_id = node.accounts.register_user(data.username, data.full_name, data.role, request.user.office_id,
                                             data.password, request.user.username)
        return Response(node.accounts.get_user(new_id), status_code=201)

    @post("/{user_id:uuid}/deactivation", status_code=200, sync_to_thread=True, summary="Nonaktifkan petugas")
    def deactivate(self, request: Caller, node: NodeDep, user_id: FromPath[UUID]) -> UserView:
        if node.accounts.get_user(user_id).office_id != request.user.office_id:
            raise NotFound()
        node.accounts.deactivate(user_id, request.user.username)
        return node.accounts.get_user(user_id)
