"""The team's accounts (Akun tim, /tim): the Ketua Helpdesk adds an account, changes its role, deactivates it, and
resets a forgotten password, within what domain/roles.py lets the Ketua appoint (APPOINTS: never a commissioner or
another Ketua, never its own account). The services decide (services/accounts.py); a refusal comes back on the page
with the API's status and the catalogue's message.

A new account's first password, and a reset one, are drawn here and shown once, on the answer to the post itself
(Cache-Control: no-store, no redirect that would show it again): the Ketua hands it over, the person changes it at
/akun."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from uuid import UUID

from litestar import Controller, get, post
from litestar.params import FromPath
from litestar.response import Template

from domain.errors import DomainError, NotFound, RoleNotAppointable, TextRequired
from domain.roles import Permission, Role, appointable_roles, check_may_appoint
from domain.users import check_password_strength, normalise_username
from domain.values import MAX_NAME, clean_name
from gateways.edge.auth import requires
from gateways.edge.deps import AccountsDep, Caller, Here, HereDep, UsersDep
from gateways.edge.errors import STATUS_OF_KIND
from gateways.messages import message
from gateways.web.forms import Form, field_errors
from gateways.web.render import ROLE_NAMES, language, page
from projections.user_queries import UserQueries
from services.accounts import AccountCommands
from services.views import UserView

PATH = "/tim"
NEW_FIELDS = ("username", "full_name", "role")
# Drawn passwords: four groups of four from letters and digits nobody misreads when it is read out (no 0/o, 1/l/i).
_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
_GROUPS, _GROUP = 4, 4


class UserPages(Controller):
    path = PATH
    include_in_schema = False
    guards = [requires(Permission.MANAGE_USERS)]

    @get("/", sync_to_thread=True)
    def index(self, request: Caller, here: HereDep, users: UsersDep) -> Template:
        return _index(request, here, users)

    @post("/", sync_to_thread=True)
    def add(self, request: Caller, here: HereDep, users: UsersDep, accounts: AccountsDep, data: Form) -> Template:
        values = {key: str(data.get(key, "") or "").strip() for key in NEW_FIELDS}
        errors, status = _check_new(request.user, values, language(request))
        if errors:
            return _index(request, here, users, values=values, errors=errors, status_code=status)
        password = new_password(values["username"])
        try:
            new_id = accounts.add_staff(request.user, values["username"], values["full_name"],
                                        _role(values["role"]), password)
        except DomainError as error:
            return _index(request, here, users, values=values, errors=field_errors(error, language(request)),
                          status_code=STATUS_OF_KIND[error.kind])
        return _password_shown(request, here, accounts.get_user(new_id), password, added=True)

    @post("/{user_id:uuid}/peran", sync_to_thread=True)
    def change_role(self, request: Caller, here: HereDep, users: UsersDep, accounts: AccountsDep,
                    user_id: FromPath[UUID], data: Form) -> Template:
        role = str(data.get("role", "") or "")
        return _acted(request, here, users, accounts, user_id,
                      lambda: accounts.change_staff_role(request.user, user_id, _role(role)), "Peran {name} diubah.")

    @get("/{user_id:uuid}/nonaktifkan", sync_to_thread=True)
    def confirm_deactivation(self, request: Caller, here: HereDep, accounts: AccountsDep, user_id: FromPath[UUID]
                             ) -> Template:
        return _confirm(request, here, accounts, user_id, "deactivate")

    @post("/{user_id:uuid}/nonaktifkan", sync_to_thread=True)
    def deactivate(self, request: Caller, here: HereDep, users: UsersDep, accounts: AccountsDep,
                   user_id: FromPath[UUID]) -> Template:
        return _acted(request, here, users, accounts, user_id, lambda: accounts.deactivate_staff(request.user, user_id),
                      "Akun {name} dinonaktifkan; sesinya berakhir.")

    @get("/{user_id:uuid}/aktifkan", sync_to_thread=True)
    def confirm_reactivation(self, request: Caller, here: HereDep, accounts: AccountsDep, user_id: FromPath[UUID]
                             ) -> Template:
        return _confirm(request, here, accounts, user_id, "reactivate")

    @post("/{user_id:uuid}/aktifkan", sync_to_thread=True)
    def reactivate(self, request: Caller, here: HereDep, users: UsersDep, accounts: AccountsDep,
                   user_id: FromPath[UUID]) -> Template:
        return _acted(request, here, users, accounts, user_id, lambda: accounts.reactivate_staff(request.user, user_id),
                      "Akun {name} aktif kembali; ia masuk dengan kata sandinya.")

    @get("/{user_id:uuid}/kata-sandi", sync_to_thread=True)
    def confirm_reset(self, request: Caller, here: HereDep, accounts: AccountsDep, user_id: FromPath[UUID]
                      ) -> Template:
        return _confirm(request, here, accounts, user_id, "reset")

    @post("/{user_id:uuid}/kata-sandi", sync_to_thread=True)
    def reset_password(self, request: Caller, here: HereDep, users: UsersDep, accounts: AccountsDep,
                       user_id: FromPath[UUID]) -> Template:
        try:
            target = accounts.get_user(user_id)
            password = new_password(target.username)
            accounts.reset_staff_password(request.user, user_id, password)
        except DomainError as error:
            return _refused(request, here, users, error, user_id)
        return _password_shown(request, here, target, password, added=False)


def new_password(username: str) -> str:
    """A random password of 16 letters and digits in groups (about 79 bits), one the domain's policy accepts."""
    while True:
        drawn = "-".join("".join(secrets.choice(_ALPHABET) for _ in range(_GROUP)) for _ in range(_GROUPS))
        try:
            check_password_strength(drawn, username)
        except DomainError:
            continue  # a draw holding the username (once in millions): draw again
        return drawn


def _check_new(me: UserView, values: dict[str, str], lang: str) -> tuple[dict[str, str], int]:
    """Every field of a new account checked by the domain at once, so the Ketua corrects all of them in one go; the
    status is a refusal's (403) when a role it may not give was posted (the form offers none), else 422."""
    errors: dict[str, str] = {}
    status = 422
    checks: dict[str, Callable[[], object]] = {
        "full_name": lambda: clean_name(values["full_name"], "full_name", MAX_NAME),
        "username": lambda: normalise_username(values["username"]),
        "role": lambda: check_may_appoint(me.role, _role(values["role"])),
    }
    for field, check in checks.items():
        try:
            check()
        except DomainError as error:
            errors[field] = message(error.code, lang)
            if error.kind == "forbidden":
                status = STATUS_OF_KIND[error.kind]
    return errors, status


def _role(text: str) -> Role:
    """The role a form names; a value that is no role is one nobody may give."""
    if not text:
        raise TextRequired(field="role")
    try:
        return Role(text)
    except ValueError:
        raise RoleNotAppointable(field="role") from None


def _index(request: Caller, here: Here, users: UserQueries, *, values: dict[str, str] | None = None,
           errors: dict[str, str] | None = None, done: tuple[str, str] | None = None, row_error: UUID | None = None,
           status_code: int = 200) -> Template:
    me: UserView = request.user
    roles = appointable_roles(me.role)
    return page(request, here, "users/index.html", status_code=status_code,
                staff=users.list(me.office_id), roles=roles, role_names=ROLE_NAMES, values=values or {},
                errors=errors or {}, done=done, row_error=row_error,
                manageable=lambda account: account.active and account.role in roles and account.id != me.id,
                revivable=lambda account: not account.active and account.role in roles and account.id != me.id)


def _refused(request: Caller, here: Here, users: UserQueries, error: DomainError, user_id: UUID) -> Template:
    """The list again, the refusal beside the account it was about, with the API's status for the same error."""
    found = field_errors(error, language(request))
    return _index(request, here, users, errors={"": next(iter(found.values()))}, row_error=user_id,
                  status_code=STATUS_OF_KIND[error.kind])


def _acted(request: Caller, here: Here, users: UserQueries, accounts: AccountCommands, user_id: UUID,
           act: Callable[[], None], done: str) -> Template:
    """One change to an account, then the list saying it was done, or the refusal beside the account."""
    try:
        act()
    except DomainError as error:
        return _refused(request, here, users, error, user_id)
    return _index(request, here, users, done=(done, accounts.get_user(user_id).full_name))


def _confirm(request: Caller, here: Here, accounts: AccountCommands, user_id: UUID, action: str) -> Template:
    target = accounts.get_user(user_id)  # NotFound: a 404 page
    if target.office_id != request.user.office_id:
        raise NotFound()  # another office's account is not said to exist
    return page(request, here, "users/confirm.html", target=target, action=action, role_names=ROLE_NAMES)


def _password_shown(request: Caller, here: Here, target: UserView, password: str, *, added: bool) -> Template:
    shown = page(request, here, "users/password.html", status_code=201 if added else 200, target=target,
                 password=password, added=added, role_names=ROLE_NAMES)
    # The password is on this page only: no cache (a shared tablet, the back button) keeps it.
    shown.headers["Cache-Control"] = "no-store"
    return shown
