"""A session that ends mid-step (issue 17): htmx gets a 401 it swaps nowhere, a plain form goes to the login with the
page it was sent from (not its POST address, which a GET after the login could only answer 405), and that page is
where the login returns."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

from litestar.testing import TestClient

from domain.roles import Role
from gateways.bootstrap import Node
from tests.e2e.test_web_consultations import PASSWORD, open_by_hand, sign_in


def test_a_step_sent_after_the_session_ended_comes_back_to_its_consultation(api: TestClient,
                                                                            memory_node: Node) -> None:
    name = sign_in(api, memory_node, Role.ANGGOTA_HELPDESK)
    cid = open_by_hand(api, channel="email", email="siti@partai.example")
    workspace = f"/konsultasi/{cid}"
    api.cookies.clear()  # the session ends

    # Sent by htmx (the workspace's step panel, the clock's refresh): 401, nothing to paste into the page.
    for method, path in (("post", f"{workspace}/permasalahan"), ("get", f"{workspace}/jam")):
        answer = api.request(method.upper(), path, data={"text": "KTA"} if method == "post" else None,
                             headers={"HX-Request": "true", "Referer": f"http://testserver.local{workspace}"},
                             follow_redirects=False)
        assert answer.status_code == 401, (path, answer.status_code)
        assert "Kata sandi" not in answer.text

    # A plain form: to the login, which returns to the consultation itself.
    sent = api.post(f"{workspace}/permasalahan", data={"text": "KTA"},
                    headers={"Referer": f"http://testserver.local{workspace}"}, follow_redirects=False)
    assert sent.status_code == 303
    login = urlsplit(sent.headers["location"])
    assert login.path == "/masuk" and parse_qs(login.query)["lanjut"] == [workspace]
    # Without a referer (a browser that sends none), home after the login.
    bare = api.post(f"{workspace}/permasalahan", data={"text": "KTA"}, follow_redirects=False)
    assert parse_qs(urlsplit(bare.headers["location"]).query)["lanjut"] == ["/"]

    back = api.post("/masuk", data={"username": name, "password": PASSWORD, "next": workspace},
                    follow_redirects=False)
    assert back.status_code == 303 and back.headers["location"] == workspace
    # And the step's own address opened by GET (a bookmark, the history) is the consultation, not a bare 405.
    opened = api.get(f"{workspace}/permasalahan", follow_redirects=False)
    assert opened.status_code == 303 and opened.headers["location"] == workspace
