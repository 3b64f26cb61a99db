"""Who may call each route of the app: the rule every route declares, read from the app itself.

A route's rule is one of three:
- public: the login middleware skips its path (PUBLIC_PATHS in gateways/edge/auth.py, PUBLIC_PAGES in
  gateways/web/routes.py) — the login form, health, the OpenAPI document, static files, the language switch;
- permissions: the guards it carries (`requires(...)`, `step_guard(...)` in gateways/edge/auth.py), each naming
  the permissions of the domain's table (domain/roles.py, domain/script.py) that let a role through — every guard
  must, through any one of its permissions;
- signed in: any account of this office whatever its role — its own account and session, the home page, the
  reference lists — named in SIGNED_IN below.
Where the guard lets a role through and the service then decides, by a path parameter (REFINED) or by role
(BY_ROLE), from a table of the domain, the rule says so too.
A route with none of these, or with a guard that names no permission, has no rule: the authorization matrix test
(tests/e2e/test_authz_matrix.py) fails on it, so a new route cannot go out without saying who may call it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from re import Pattern
from typing import Any, Literal

from litestar import Litestar
from litestar.middleware import AbstractAuthenticationMiddleware, DefineMiddleware
from litestar.routes import HTTPRoute

from domain.offices import Tier
from domain.roles import Permission, Role, may
from domain.users import totp_offered
from services.frozen_reports import SUBMIT_PERMISSION

RouteKey = tuple[str, str]  # (method, path as the route table writes it: /api/consultations/{consultation_id})

# Every role of the office may use these: nothing in them is more than the caller's own or public reference data.
SIGNED_IN: frozenset[RouteKey] = frozenset({
    ("GET", "/"), ("POST", "/keluar"),
    ("GET", "/api/me"), ("POST", "/api/me/password"), ("POST", "/api/auth/logout"),
    ("GET", "/api/reference/parties"), ("GET", "/api/reference/parties/added"), ("GET", "/api/reference/regions"),
    # The caller's own password, NIP and second factor (authenticator app), on the pages and in the API.
    ("GET", "/akun"), ("POST", "/akun/kata-sandi"), ("POST", "/akun/nip"), ("POST", "/akun/totp"),
    ("POST", "/akun/totp/konfirmasi"),
    ("GET", "/api/me/security"), ("POST", "/api/me/totp"), ("POST", "/api/me/totp/confirmation"),
    # The caller's own notifications, their read marks and their choice of e-mail and Telegram (issue 16).
    ("GET", "/notifikasi"), ("GET", "/notifikasi/lencana"), ("POST", "/notifikasi/{position}/baca"),
    ("POST", "/notifikasi/baca-semua"), ("GET", "/notifikasi/pengaturan"), ("POST", "/notifikasi/pengaturan"),
    ("GET", "/api/notifications"), ("GET", "/api/notifications/counts"), ("POST", "/api/notifications/{position}/read"),
    ("POST", "/api/notifications/read-all"), ("GET", "/api/notifications/choices"),
    ("PUT", "/api/notifications/choices"),
})
# Routes whose guard lets every reader through and whose service then decides by a path parameter, from the
# domain's table: which report kind a role may submit or correct (services/frozen_reports.py).
REFINED: Mapping[RouteKey, tuple[str, Mapping[str, Permission]]] = {
    ("POST", "/api/reports/{kind}/{start}/{end}"): ("kind", SUBMIT_PERMISSION),
    ("POST", "/api/reports/{kind}/{start}/{end}/corrections"): ("kind", SUBMIT_PERMISSION),
}


# Routes every role reaches whose service offers what they do to some roles only, the domain deciding: a second
# factor for the roles that decide and appoint (domain/users.py).
BY_ROLE: Mapping[RouteKey, Callable[[Role, Tier], bool]] = {
    ("POST", "/akun/totp"): totp_offered, ("POST", "/api/me/totp"): totp_offered,
}


@dataclass(frozen=True)
class Rule:
    kind: Literal["public", "signed_in", "permissions"]
    guards: tuple[frozenset[Permission], ...] = ()
    refined_by: tuple[str, Mapping[str, Permission]] | None = field(default=None)
    by_role: Callable[[Role, Tier], bool] | None = field(default=None)

    def allows(self, role: Role, tier: Tier, path_parameters: Mapping[str, str] | None = None) -> bool:
        """Whether a signed-in account of this office (of `tier`) with `role` may call the route (with these
        parameters)."""
        if self.by_role is not None and not self.by_role(role, tier):
            return False
        if self.kind != "permissions":
            return True
        if not all(any(may(role, permission) for permission in guard) for guard in self.guards):
            return False
        if self.refined_by is not None:
            name, table = self.refined_by
            return may(role, table[(path_parameters or {})[name]])
        return True


def route_rules(app: Litestar) -> dict[RouteKey, Rule | None]:
    """Every (method, path) of the app and its rule; None where the route declares none."""
    public = _public_patterns(app)
    found: dict[RouteKey, Rule | None] = {}
    for route in app.routes:
        if not isinstance(route, HTTPRoute):
            continue
        for method, entry in route.route_handler_map.items():
            if method == "OPTIONS":
                continue  # refused on every route before login (gateways/edge/methods.py)
            handler = entry[0] if isinstance(entry, tuple) else entry
            found[(method, route.path_format)] = _rule(handler, (method, route.path_format), public)
    return found


def _rule(handler: Any, key: RouteKey, public: tuple[list[Pattern[str]], str]) -> Rule | None:
    guards = [_permissions_of(guard) for guard in handler.resolve_guards()]
    if any(permissions is None for permissions in guards):
        return None  # a guard this module cannot read: no declared rule
    if guards:
        return Rule("permissions", tuple(g for g in guards if g is not None), REFINED.get(key), BY_ROLE.get(key))
    patterns, opt_key = public
    if handler.opt.get(opt_key) or any(pattern.search(key[1]) for pattern in patterns):
        return Rule("public")
    if key in SIGNED_IN:
        return Rule("signed_in", by_role=BY_ROLE.get(key))
    return None


def _permissions_of(guard: Any) -> frozenset[Permission] | None:
    return getattr(getattr(guard, "func", guard), "permissions", None)


def _public_patterns(app: Litestar) -> tuple[list[Pattern[str]], str]:
    """The paths the login middleware skips, as it was configured for this app."""
    for each in app.middleware:
        if isinstance(each, DefineMiddleware) and isinstance(each.middleware, type) and issubclass(
                each.middleware, AbstractAuthenticationMiddleware):
            exclude = each.kwargs.get("exclude") or []
            opt_key = each.kwargs.get("exclude_opt_key", "exclude_from_auth")
            return [re.compile(pattern) for pattern in exclude], opt_key
    raise LookupError("the app has no authentication middleware")
