"""Request bodies of the session and account routes: login (with the authenticator code), the second factor's
confirmation, a role change."""

from __future__ import annotations

from typing import Annotated

import msgspec

from domain.roles import Role

Short = Annotated[str, msgspec.Meta(max_length=200)]
Code = Annotated[str, msgspec.Meta(max_length=12)]


class LoginRequest(msgspec.Struct, forbid_unknown_fields=True):
    username: Annotated[str, msgspec.Meta(max_length=64)]
    password: Short
    totp_code: Code | None = None  # the authenticator app's code, for an account with a second factor


class TotpConfirmRequest(msgspec.Struct, forbid_unknown_fields=True):
    code: Code


class RoleChangeRequest(msgspec.Struct, forbid_unknown_fields=True):
    role: Role
