"""The authorization matrix, generated from the app's own route table: every route × every SOP role × this office /
another office's account / nobody signed in. A route that declares no rule (gateways/edge/access.py) fails here."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import date
from enum import Enum
from typing import Any

import msgspec
import pytest
from litestar import Litestar
from litestar.enums import RequestEncodingType
from litestar.routes import HTTPRoute
from litestar.testing import TestClient

from domain.errors import OtherOfficeAccount
from domain.roles import Role
from domain.users import User
from gateways.bootstrap import Node
from gateways.edge.access import REFINED, SIGNED_IN, Rule, route_rules
from gateways.edge.auth import COOKIE_NAME
from gateways.edge.tokens import issue_token
from tests.e2e.conftest import PASSWORD

OTHER_OFFICE = "kota-16.71"  # a node id other than the test node's (kab-16.13)
Call = tuple[str, str, str, dict[str, str]]  # method, route path, concrete path, the refined parameter's value


def test_every_route_declares_who_may_call_it(api: TestClient) -> None:
    rules = route_rules(api.app)
    undeclared = sorted(key for key, rule in rules.items() if rule is None)
    # A new route names its permission (requires/step_guard), or is listed in SIGNED_IN or the public paths.
    assert undeclared == [], f"routes without a rule in gateways/edge/access.py: {undeclared}"
    # And the lists there name routes that exist (a renamed route would leave a stale entry behind).
    assert sorted(SIGNED_IN - rules.keys()) == []
    assert sorted(REFINED.keys() - rules.keys()) == []
    assert len(rules) > 100  # the enumeration saw the whole app: API, pages, static files, the OpenAPI document


def test_each_role_is_refused_exactly_where_its_rule_refuses(api: TestClient, memory_node: Node) -> None:
    rules = _declared(api.app)
    mismatches: list[str] = []
    for role in Role:
        session = _Session(api, memory_node, role)
        for (method, route), rule in rules.items():
            for call in _calls(api.app, memory_node, method, route):
                response = session.call(call)
                status = response.status_code
                allowed = rule.allows(role, memory_node.office.tier, call[3])
                refused = status == 403 or _signed_out(response)
                if allowed == refused or status >= 500:
                    mismatches.append(f"{role.value} {method} {call[2]} → {status} (rule: {_says(rule)})")
    assert mismatches == [], "\n".join(mismatches)


def test_nobody_signed_in_reaches_only_the_public_routes(api: TestClient, memory_node: Node) -> None:
    rules = _declared(api.app)
    api.cookies.clear()
    wrong: list[str] = []
    for (method, route), rule in rules.items():
        for call in _calls(api.app, memory_node, method, route):
            response = _send(api, call)
            refused = _signed_out(response)
            if refused == (rule.kind == "public") or response.status_code >= 500:
                wrong.append(f"{method} {call[2]} → {response.status_code} ({rule.kind})")
    assert wrong == [], "\n".join(wrong)


def test_an_account_of_another_office_is_refused_everywhere(api: TestClient, memory_node: Node) -> None:
    # One node serves one office's staff: such an account cannot be made any more...
    with pytest.raises(OtherOfficeAccount):
        memory_node.accounts.register_user("luar-kantor", "Petugas Kantor Lain", Role.KETUA_HELPDESK, OTHER_OFFICE,
                                           PASSWORD, "test")
    # ...and one made before that rule (an old node's data) neither signs in nor keeps a session here.
    user = User.register(username="lama-luar-kantor", full_name="Akun Lama Kantor Lain", role=Role.KETUA_HELPDESK,
                         office_id=OTHER_OFFICE, password_hash=memory_node.accounts.hasher.hash(PASSWORD),
                         actor="test", at=memory_node.clock())
    memory_node.helpdesk.save(user)
    login = api.post("/api/auth/login", json={"username": "lama-luar-kantor", "password": PASSWORD})
    assert login.status_code in (401, 403), login.text
    token, _ = issue_token(memory_node.secret_key, user.id, user.session_generation, memory_node.clock(), 1)
    api.cookies.set(COOKIE_NAME, token)
    let_in: list[str] = []
    for (method, route), rule in _declared(api.app).items():
        if rule.kind == "public":
            continue
        for call in _calls(api.app, memory_node, method, route):
            response = _send(api, call)
            if not (_signed_out(response) or response.status_code == 403):
                let_in.append(f"{method} {call[2]} → {response.status_code}")
    assert let_in == [], "\n".join(let_in)


class _Session:
    """One role's signed-in browser: a session cookie, signed in again when a route (logout) ended the session."""

    def __init__(self, api: TestClient, node: Node, role: Role) -> None:
        self.api, self.username = api, f"matriks-{role.value.replace('_', '-')}"
        node.accounts.register_user(self.username, f"Petugas {role.value}", role, node.office.value, PASSWORD, "test")
        self._sign_in()

    def _sign_in(self) -> None:
        self.api.cookies.clear()
        response = self.api.post("/api/auth/login", json={"username": self.username, "password": PASSWORD})
        assert response.status_code == 201, response.text
        self.token = response.cookies[COOKIE_NAME]

    def call(self, call: Call) -> Any:
        self.api.cookies.set(COOKIE_NAME, self.token)
        response = _send(self.api, call)
        if _signed_out(response):
            self._sign_in()  # an earlier call (a logout) ended the session
            self.api.cookies.set(COOKIE_NAME, self.token)
            response = _send(self.api, call)
        return response


def _signed_out(response: Any) -> bool:
    """The API's 401 asking for a login, or a page sending a signed-out person to the login form (the form's own
    401 for a wrong password is an answer, not a refusal)."""
    if response.status_code == 303:
        return response.headers["location"].startswith("/masuk?lanjut=")  # bare /masuk: after logging out
    return response.status_code == 401 and response.headers["content-type"].startswith("application/json") and (
        response.json()["code"] == "unauthenticated")


def _declared(app: Litestar) -> dict[tuple[str, str], Rule]:
    rules = route_rules(app)
    return {key: rule for key, rule in sorted(rules.items()) if rule is not None}


def _calls(app: Litestar, node: Node, method: str, route: str) -> Iterator[Call]:
    """The route with minimal parameters: one call, or one per value of the parameter its service decides by."""
    handler, path_parameters = _handler(app, method, route)
    refined = REFINED.get((method, route))
    values: dict[str, list[str]] = {}
    for name, definition in path_parameters.items():
        annotation = handler.parsed_fn_signature.parameters[name].annotation
        values[name] = _values(definition.type, annotation, node, all_of=refined is not None and refined[0] == name)
    choices = [{}] if not values else [dict(zip(values, combo, strict=True)) for combo in _product(values)]
    for chosen in choices:
        path = route
        for name, value in chosen.items():
            path = path.replace("{" + name + "}", value)
        yield method, route, path, ({refined[0]: chosen[refined[0]]} if refined else {})


def _product(values: dict[str, list[str]]) -> list[tuple[str, ...]]:
    combos: list[tuple[str, ...]] = [()]
    for options in values.values():
        combos = [(*combo, option) for combo in combos for option in options]
    return combos


def _values(kind: type, annotation: Any, node: Node, *, all_of: bool) -> list[str]:
    if isinstance(annotation, type) and issubclass(annotation, Enum):
        members = [str(member.value) for member in annotation]
        return members if all_of else members[:1]
    today = node.clock().date()
    sample: dict[type, str] = {uuid.UUID: str(uuid.uuid4()), date: today.isoformat(), int: "1"}
    return [sample.get(kind, "contoh")]


def _handler(app: Litestar, method: str, route: str) -> tuple[Any, dict[str, Any]]:
    for each in app.routes:
        if isinstance(each, HTTPRoute) and each.path_format == route and method in each.route_handler_map:
            entry = each.route_handler_map[method]
            return (entry[0] if isinstance(entry, tuple) else entry), dict(each.path_parameters)
    raise LookupError(route)


def _send(api: TestClient, call: Call) -> Any:
    """The request with the body the route takes, empty (a refusal comes before the body is read)."""
    method, route, path, _ = call
    handler, _ = _handler(api.app, method, route)
    data = handler.parsed_fn_signature.parameters.get("data")
    media = getattr(getattr(data, "kwarg_definition", None), "media_type", None) if data is not None else None
    body: dict[str, Any] = {}
    if data is not None and media == RequestEncodingType.MULTI_PART:
        body["files"] = {"file": ("catatan.txt", b"bukan gambar", "text/plain")}
    elif data is not None and media == RequestEncodingType.URL_ENCODED:
        body["data"] = {}
        body["headers"] = {"Content-Type": "application/x-www-form-urlencoded"}
    elif data is not None:
        # A route whose service decides by a parameter reads a body first: one it accepts, so the decision is made.
        body["json"] = _filled(data.annotation) if (method, route) in REFINED else {}
    return api.request(method, path, follow_redirects=False, **body)


def _filled(kind: Any) -> dict[str, Any]:
    """The required text fields of a body struct, filled in."""
    return {each.encode_name: "Contoh isian untuk uji matriks" for each in msgspec.structs.fields(kind)
            if each.required and each.type is str}


def _says(rule: Rule) -> str:
    if rule.kind != "permissions":
        return rule.kind + (", by role" if rule.by_role else "")
    return " and ".join("/".join(sorted(p.value for p in guard)) for guard in rule.guards) + (
        f", by {rule.refined_by[0]}" if rule.refined_by else "") + (", by role" if rule.by_role else "")
