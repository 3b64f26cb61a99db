"""Staff accounts of the office, managed by whoever appoints them (domain/roles.py APPOINTS: the Ketua Helpdesk)."""

from __future__ import annotations

from uuid import UUID

from litestar import Controller, Response, get, post
from litestar.params import FromPath, JSONBody

from domain.roles import Permission, Role, appointable_roles
from gateways.edge.auth import requires
from gateways.edge.deps import AccountsDep, Caller, UsersDep
from gateways.http.account_dto import RoleChangeRequest
from gateways.http.dto import CreateUserRequest
from services.views import UserView


class UserController(Controller):
    path = "/api/users"
    tags = ["Pengguna"]
    guards = [requires(Permission.MANAGE_USERS)]

    @get("/", sync_to_thread=True, summary="Petugas kantor ini")
    def list_users(self, request: Caller, users: UsersDep) -> list[UserView]:
        return users.list(request.user.office_id)

    @get("/roles", sync_to_thread=False, summary="Peran yang boleh saya berikan")
    def appointable(self, request: Caller) -> list[Role]:
        return appointable_roles(request.user.role)

    @post("/", sync_to_thread=True, summary="Tambah petugas di kantor ini (peran yang boleh saya berikan)")
    def add_user(self, request: Caller, accounts: AccountsDep, data: JSONBody[CreateUserRequest]) -> Response[UserView]:
        new_id = accounts.add_staff(request.user, data.username, data.full_name, data.role, data.password)
        return Response(accounts.get_user(new_id), status_code=201)

    @post("/{user_id:uuid}/role", status_code=200, sync_to_thread=True, summary="Ubah peran petugas")
    def change_role(self, request: Caller, accounts: AccountsDep, user_id: FromPath[UUID],
                    data: JSONBody[RoleChangeRequest]) -> UserView:
        accounts.change_staff_role(request.user, user_id, data.role)
        return accounts.get_user(user_id)

    @post("/{user_id:uuid}/deactivation", status_code=200, sync_to_thread=True, summary="Nonaktifkan petugas")
    def deactivate(self, request: Caller, accounts: AccountsDep, user_id: FromPath[UUID]) -> UserView:
        accounts.deactivate_staff(request.user, user_id)
        return accounts.get_user(user_id)
