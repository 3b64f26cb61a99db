"""A question the desk cannot answer travels kab → prov → pusat and its answer back, through the HTTP API of
three in-memory nodes; messages are carried by hand, through the wire encoding, as the relay would."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from uuid import UUID

import pytest
from litestar.testing import TestClient

from domain.casefile import case_id
from domain.roles import Role
from gateways.app import create_app
from gateways.bootstrap import Node
from gateways.config import Settings
from services.inbox import Outcome
from services.integration import decode, encode
from tests.conftest import FakeClock, settings_for
from tests.e2e.conftest import login_as
from tests.support.other_office_accounts import bearer_of, legacy_account

BASES = [{"kind": "keputusan_kpu", "reference": "Keputusan KPU 346/2022 (juknis) Bab III"}]


@dataclass
class Office:
    """One node seen from outside: its HTTP API and a way to log in as any role there."""

    node: Node
    api: TestClient

    def login(self, role: Role, office: str | None = None) -> dict[str, str]:
        return login_as(self.api, self.node, role, office or self.node.office.value)

    def get(self, path: str, headers: dict[str, str], status: int = 200) -> Any:
        response = self.api.get(path, headers=headers)
        assert response.status_code == status, response.text
        return response.json()

    def post(self, path: str, headers: dict[str, str], body: dict | None = None, status: int = 200) -> Any:
        response = self.api.post(path, headers=headers, json=body or {})
        assert response.status_code == status, response.text
        return response.json()

    def refused(self, path: str, headers: dict[str, str], body: dict | None = None, status: int = 409) -> str:
        """POSTs a step that must be refused, checks the record did not change, and returns the error code."""
        before = self.api.get(path.rsplit("/", 1)[0], headers=headers).json()
        error = self.post(path, headers, body, status)
        assert error["message"] and error["message"] != error["message_en"]  # Bahasa Indonesia first
        assert self.api.get(path.rsplit("/", 1)[0], headers=headers).json() == before
        return error["code"]


@pytest.fixture
def offices(open_node: Callable[[Settings], Node], tmp_path: Path) -> Iterator[tuple[Office, Office, Office]]:
    """A regency of South Sumatra, its province and the centre, each its own in-memory node."""
    nodes = [open_node(settings_for("memory", tmp_path / n, node_id=n)) for n in ("kab-16.13", "prov-16", "pusat")]
    with TestClient(create_app(nodes[0])) as kab, TestClient(create_app(nodes[1])) as prov, \
            TestClient(create_app(nodes[2])) as pusat:
        yield Office(nodes[0], kab), Office(nodes[1], prov), Office(nodes[2], pusat)


def case_of(consultation_id: str) -> str:
    """The id every office above knows a regency consultation's case by."""
    return str(case_id("kab-16.13", UUID(consultation_id)))


def deliver(*offices: Office) -> int:
    """Relays every pending message between the nodes until none is left; returns how many were applied."""
    by_id = {office.node.office.value: office.node for office in offices}
    applied = 0
    while True:
        moved = False
        for office in offices:
            helpdesk = office.node.helpdesk
            for position, envelopes in helpdesk.outgoing(helpdesk.relay_position()):
                for envelope in envelopes:
                    assert by_id[envelope.to].helpdesk.receive_message(decode(encode(envelope))) is Outcome.APPLIED
                    applied += 1
                helpdesk.record_relay_position(position)
                moved = True
        if not moved:
            return applied


def handed_over(office: Office, desk: dict[str, str], clock: FakeClock) -> str:
    """An e-mail consultation the desk confirmed but cannot answer from the FAQ, handed to the commissioner."""
    consultee = {"name": "Hendra Saputra", "party_number": 5, "email": "hendra@example.org"}
    cid = office.post("/api/consultations", desk, {"channel": "email", "consultee": consultee}, status=201)["id"]
    for path, body in [
        ("problem", {"text": "Anggota ganda dengan partai lain padahal sudah mengundurkan diri."}),
        ("restatement", {"text": "Jadi anggota tercatat ganda walau sudah ada surat pengunduran diri?"}),
        ("confirmation", {}),
        ("handover", {"reason": "Tidak tercakup FAQ Sipol."}),
    ]:
        clock.advance(minutes=3)
        office.post(f"/api/consultations/{cid}/{path}", desk, body)
    return cid


def test_a_question_reaches_the_centre_and_its_answer_returns_to_the_regency(
    offices: tuple[Office, Office, Office], clock: FakeClock
) -> None:
    kab, prov, pusat = offices
    desk, commissioner = kab.login(Role.ANGGOTA_HELPDESK), kab.login(Role.ANGGOTA_KPU)
    prov_desk, centre_desk = prov.login(Role.ANGGOTA_HELPDESK), pusat.login(Role.KOORDINATOR_HARIAN)
    prov_commissioner = prov.login(Role.ANGGOTA_KPU)

    # The desk at the regency hears a question the FAQ does not cover and hands it to the commissioner.
    cid = handed_over(kab, desk, clock)
    c = f"/api/consultations/{cid}"
    waiting = kab.get("/api/escalations/inbox", commissioner)
    assert [(i["kind"], i["id"], i["status"]) for i in waiting] == [("consultation", cid, "with_commissioner")]

    # From now on only the commissioner may answer it; the desk is refused.
    assert kab.refused(f"{c}/answer", desk, {"text": "x", "bases": BASES}, status=403) == "not_permitted"

    # The commissioner cannot settle it either and forwards it to the province with a note.
    clock.advance(minutes=30)
    forwarded = kab.post(f"{c}/forwarding", commissioner, {"note": "Mohon arahan provinsi."})
    assert forwarded["status"] == "escalated"
    assert (forwarded["up"]["upper_office"], forwarded["up"]["state"]) == ("prov-16", "sent")
    case = case_of(cid)
    sent = kab.get("/api/escalations/outgoing", commissioner)
    assert [(i["kind"], i["case_id"], i["up"]["state"]) for i in sent] == [("consultation", case, "sent")]

    # The province receives it and the regency hears so.
    clock.advance(minutes=1)
    assert deliver(kab, prov, pusat) == 2
    assert kab.get(c, desk)["up"]["state"] == "received"
    inbox = prov.get("/api/escalations/inbox", prov_desk)
    assert [(i["kind"], i["id"], i["status"], i["hop"]["state"]) for i in inbox] == [
        ("case", case, "received", "received")]
    k = f"/api/escalations/cases/{case}"
    held = prov.get(k, prov_desk)
    assert (held["from_office"], held["case"]["origin_office"], held["case"]["party"]["number"]) == (
        "kab-16.13", "kab-16.13", 5)
    assert [n["text"] for n in held["case"]["notes"]] == ["Tidak tercakup FAQ Sipol.", "Mohon arahan provinsi."]
    assert "hendra" not in str(held).lower()  # the consultee's name and e-mail stay at the regency

    # Nothing is answered before a named officer accepts the case, and it is accepted once.
    assert prov.refused(f"{k}/answer", prov_desk, {"text": "x", "bases": BASES}) == "case_not_accepted"
    clock.advance(minutes=5)
    accepted = prov.post(f"{k}/acceptance", prov_desk)
    assert (accepted["status"], accepted["accepted_by"]) == ("accepted", "anggota-helpdesk-prov-16")
    assert accepted["down"]["state"] == "accepted"
    assert prov.refused(f"{k}/acceptance", prov_desk) == "case_already_accepted"

    # The province needs to know more; until the regency clarifies, it neither answers nor forwards.
    clock.advance(minutes=5)
    asked = prov.post(f"{k}/clarification-request", prov_desk, {"question": "Kapan surat pengunduran diri dibuat?"})
    assert (asked["status"], asked["question"]) == ("clarification_requested", "Kapan surat pengunduran diri dibuat?")
    assert prov.refused(f"{k}/answer", prov_desk, {"text": "x", "bases": BASES}) == "awaiting_clarification"
    assert prov.refused(f"{k}/forwarding", prov_desk, {"note": "x"}) == "awaiting_clarification"

    # At the regency the question waits in the inbox; the commissioner answers it.
    clock.advance(minutes=1)
    assert deliver(kab, prov, pusat) == 2
    record = kab.get(c, desk)
    assert (record["status"], record["clarification_question"]) == (
        "clarification_requested", "Kapan surat pengunduran diri dibuat?")
    assert (record["up"]["state"], record["up"]["accepted_by"]) == ("accepted", "anggota-helpdesk-prov-16")
    assert [i["question"] for i in kab.get("/api/escalations/inbox", commissioner)] == [
        "Kapan surat pengunduran diri dibuat?"]
    clock.advance(minutes=20)
    clarified = kab.post(f"{c}/clarification", commissioner, {"text": "Tanggal 2 Juli 2024, sebelum pendaftaran."})
    assert (clarified["status"], clarified["clarifications"]) == (
        "escalated", ["Tanggal 2 Juli 2024, sebelum pendaftaran."])
    assert kab.get("/api/escalations/inbox", commissioner) == []

    # The province reads the clarification and forwards the case to the centre.
    clock.advance(minutes=1)
    assert deliver(kab, prov, pusat) == 1
    held = prov.get(k, prov_desk)
    assert (held["status"], held["question"], held["clarifications"]) == (
        "accepted", None, ["Tanggal 2 Juli 2024, sebelum pendaftaran."])
    clock.advance(minutes=10)
    onward = prov.post(f"{k}/forwarding", prov_commissioner, {"note": "Perlu tafsir pusat atas PKPU 4/2022."})
    assert (onward["status"], onward["up"]["upper_office"], onward["up"]["state"]) == ("forwarded", "pusat", "sent")

    # The centre receives and accepts it; having no office above, it must answer it itself.
    clock.advance(minutes=1)
    assert deliver(kab, prov, pusat) == 2
    assert [(i["id"], i["hop"]["lower_office"]) for i in pusat.get("/api/escalations/inbox", centre_desk)] == [
        (case, "prov-16")]
    assert len(pusat.get(k, centre_desk)["case"]["notes"]) == 3
    clock.advance(minutes=5)
    pusat.post(f"{k}/acceptance", centre_desk)
    assert pusat.refused(f"{k}/forwarding", centre_desk, {"note": "x"}) == "no_office_above"
    clock.advance(minutes=40)
    answered = pusat.post(f"{k}/answer", centre_desk, {"text": "Keanggotaan ganda gugur bila surat sah.",
                                                        "bases": BASES})
    assert (answered["status"], answered["down"]["state"]) == ("answered", "answered")

    # The answer comes down through the province to the regency; each hop is returned as it is applied.
    clock.advance(minutes=1)
    assert deliver(kab, prov, pusat) == 5  # accepted, answered down ×2, and each return confirmed up ×2
    record = kab.get(c, desk)
    assert (record["status"], record["answer"]) == ("answered", "Keanggotaan ganda gugur bila surat sah.")
    assert record["answered_by"] == "koordinator-harian-pusat (pusat)"
    at_prov, at_pusat = prov.get(k, prov_desk), pusat.get(k, centre_desk)
    assert (at_prov["status"], at_pusat["status"]) == ("returned", "returned")
    assert at_prov["answer"]["office"] == "pusat"
    # Both sides of each hop hold the same five moments.
    assert record["up"] == at_prov["down"] and record["up"]["state"] == "returned"
    assert at_prov["up"] == at_pusat["down"] and at_pusat["down"]["state"] == "returned"
    moments = [record["up"][m] for m in ("sent_at", "received_at", "accepted_at", "answered_at", "returned_at")]
    assert moments == sorted(moments)
    assert [i["up"]["state"] for i in kab.get("/api/escalations/outgoing", commissioner)] == ["returned"]
    assert [(i["kind"], i["up"]["state"]) for i in prov.get("/api/escalations/outgoing", prov_desk)] == [
        ("case", "returned")]
    for office, who in ((kab, commissioner), (prov, prov_desk), (pusat, centre_desk)):
        assert office.get("/api/escalations/inbox", who) == []

    # Every message delivered again (a relay restarted from zero) changes nothing anywhere.
    before = [kab.get(c, desk), prov.get(k, prov_desk), pusat.get(k, centre_desk)]
    for office in offices:
        for _, envelopes in office.node.helpdesk.outgoing(0):
            for envelope in envelopes:
                receiver = next(o for o in offices if o.node.office.value == envelope.to)
                assert receiver.node.helpdesk.receive_message(envelope) is Outcome.DUPLICATE
    assert [kab.get(c, desk), prov.get(k, prov_desk), pusat.get(k, centre_desk)] == before

    # The desk finishes the script: understood, logged, closed (an e-mail needs no documentation).
    for path, body in [("understanding", {"understood": True}), ("report-entry", {}), ("closure", {})]:
        kab.post(f"{c}/{path}", desk, body)
    assert kab.get(c, desk)["status"] == "closed"


def test_the_centre_asks_the_province_and_the_province_answers_from_its_file(
    offices: tuple[Office, Office, Office], clock: FakeClock
) -> None:
    kab, prov, pusat = offices
    cid, case = _case_at_the_province(offices, clock)
    k = f"/api/escalations/cases/{case}"
    prov_desk, centre_desk = prov.login(Role.ANGGOTA_HELPDESK), pusat.login(Role.ANGGOTA_HELPDESK)
    prov.post(f"{k}/acceptance", prov_desk)
    prov.post(f"{k}/forwarding", prov_desk, {"note": "Mohon tafsir pusat."})
    deliver(*offices)

    # The centre accepts and asks the province a question; while it waits it neither answers nor forwards.
    pusat.post(f"{k}/acceptance", centre_desk)
    pusat.post(f"{k}/clarification-request", centre_desk, {"question": "Partai apa?"})
    assert pusat.refused(f"{k}/answer", centre_desk, {"text": "x", "bases": BASES}) == "awaiting_clarification"
    deliver(*offices)

    # At the province the question waits in the inbox; nobody there may answer the case meanwhile.
    waiting = prov.get("/api/escalations/inbox", prov_desk)
    assert [(i["status"], i["question"]) for i in waiting] == [("clarification_from_above", "Partai apa?")]
    assert prov.refused(f"{k}/answer", prov_desk, {"text": "x", "bases": BASES}) == "already_escalated"
    assert prov.refused(f"{k}/clarification", prov.login(Role.ANGGOTA_KPU), {"text": ""}, 422) == "text_required"
    clarified = prov.post(f"{k}/clarification", prov_desk, {"text": "Partai Gelora (nomor 7)."})
    assert (clarified["status"], clarified["question_from_above"]) == ("forwarded", None)
    assert prov.refused(f"{k}/clarification", prov_desk, {"text": "lagi"}) == "no_clarification_requested"

    # The centre reads the clarification and may now answer.
    deliver(*offices)
    at_centre = pusat.get(k, centre_desk)
    assert (at_centre["status"], at_centre["clarifications"]) == ("accepted", ["Partai Gelora (nomor 7)."])
    # The regency's commissioner was not asked and cannot answer a question meant for the province.
    assert kab.get(f"/api/consultations/{cid}", kab.login(Role.ANGGOTA_KPU))["status"] == "escalated"


def test_the_commissioner_answers_what_was_handed_over(offices: tuple[Office, Office, Office], clock: FakeClock
                                                       ) -> None:
    kab = offices[0]
    desk, commissioner = kab.login(Role.ANGGOTA_HELPDESK), kab.login(Role.ANGGOTA_KPU)
    confirmed = handed_over(kab, desk, clock)
    answer = {"text": "Diputuskan oleh Anggota KPU.", "bases": BASES}
    answered = kab.post(f"/api/consultations/{confirmed}/answer", commissioner, answer)
    assert (answered["status"], answered["answered_by"]) == ("answered", "anggota-kpu-kab-16-13")
    assert kab.get("/api/escalations/inbox", commissioner) == []


def test_the_commissioner_does_not_answer_what_the_desk_still_holds(offices: tuple[Office, Office, Office]) -> None:
    kab = offices[0]
    desk, commissioner = kab.login(Role.ANGGOTA_HELPDESK), kab.login(Role.ANGGOTA_KPU)
    consultee = {"name": "Hendra", "party_number": 5, "email": "hendra@example.org"}
    cid = kab.post("/api/consultations", desk, {"channel": "email", "consultee": consultee}, status=201)["id"]
    for path, body in [("problem", {"text": "a"}), ("restatement", {"text": "b"}), ("confirmation", {})]:
        kab.post(f"/api/consultations/{cid}/{path}", desk, body)
    body = {"text": "x", "bases": BASES}
    assert kab.refused(f"/api/consultations/{cid}/answer", commissioner, body, status=403) == "not_permitted"


def test_the_centre_cannot_forward_its_own_consultation(offices: tuple[Office, Office, Office], clock: FakeClock
                                                        ) -> None:
    pusat = offices[2]
    desk, commissioner = pusat.login(Role.ANGGOTA_HELPDESK), pusat.login(Role.ANGGOTA_KPU)
    cid = handed_over(pusat, desk, clock)
    path = f"/api/consultations/{cid}/forwarding"
    assert pusat.refused(path, commissioner, {"note": "x"}) == "no_office_above"
    # Nothing unreadable was stored: the relay still reads this node's log.
    assert pusat.node.helpdesk.outgoing(0) == []


@pytest.mark.parametrize(("where", "role", "method", "path", "body"), [
    (1, Role.SEKRETARIS_HELPDESK, "POST", "/api/escalations/cases/{case}/acceptance", {}),
    (1, Role.KETUA_HELPDESK, "POST", "/api/escalations/cases/{case}/clarification-request", {"question": "x"}),
    (1, Role.KOORDINATOR, "POST", "/api/escalations/cases/{case}/acceptance", {}),
    (1, Role.SEKRETARIS_HELPDESK, "POST", "/api/escalations/cases/{case}/forwarding", {"note": "x"}),
    (0, Role.ANGGOTA_HELPDESK, "POST", "/api/consultations/{cid}/forwarding", {"note": "x"}),
    (0, Role.KETUA_HELPDESK, "POST", "/api/consultations/{cid}/answer", {"text": "x", "bases": BASES}),
    (0, Role.SEKRETARIS_HELPDESK, "POST", "/api/consultations/{cid}/clarification", {"text": "x"}),
])
def test_a_role_without_the_right_is_refused(offices: tuple[Office, Office, Office], clock: FakeClock,
                                             where: int, role: Role, method: str, path: str, body: dict | None
                                             ) -> None:
    cid, case = _case_at_the_province(offices, clock)
    office = offices[where]
    response = office.api.request(method, path.format(cid=cid, case=case), headers=office.login(role), json=body)
    assert response.status_code == 403, response.text
    assert response.json()["code"] == "forbidden"


@pytest.mark.parametrize("role", [Role.KETUA_HELPDESK, Role.SEKRETARIS_HELPDESK, Role.KOORDINATOR])
def test_the_roles_that_follow_the_desk_read_every_escalation_and_act_on_none(
    offices: tuple[Office, Office, Office], clock: FakeClock, role: Role
) -> None:
    kab, prov, _ = offices
    waiting = handed_over(kab, kab.login(Role.ANGGOTA_HELPDESK), clock)  # with the regency's commissioner
    cid, case = _case_at_the_province(offices, clock)  # forwarded, received at the province
    at_kab, at_prov = kab.login(role), prov.login(role)

    # At the regency they see what waits for the commissioner and what the commissioner sent up.
    assert {i["id"] for i in kab.get("/api/escalations/inbox", at_kab)} == {waiting}
    assert [(i["id"], i["up"]["state"]) for i in kab.get("/api/escalations/outgoing", at_kab)] == [(cid, "received")]
    # At the province: the case in the inbox, the case itself, and the history.
    assert [i["id"] for i in prov.get("/api/escalations/inbox", at_prov)] == [case]
    assert prov.get(f"/api/escalations/cases/{case}", at_prov)["status"] == "received"
    assert [i["id"] for i in prov.get("/api/escalations/history", at_prov)["items"]] == [case]

    # They may not act: accepting is refused and the case is as it was.
    response = prov.api.post(f"/api/escalations/cases/{case}/acceptance", headers=at_prov, json={})
    assert response.status_code == 403 and response.json()["code"] == "forbidden"
    assert prov.get(f"/api/escalations/cases/{case}", at_prov)["status"] == "received"


@pytest.mark.parametrize(("where", "stranger", "method", "path", "body"), [
    (1, "prov-17", "GET", "/api/escalations/cases/{case}", None),
    (1, "prov-17", "POST", "/api/escalations/cases/{case}/acceptance", {}),
    (1, "prov-17", "POST", "/api/escalations/cases/{case}/answer", {"text": "x", "bases": BASES}),
    (1, "prov-17", "POST", "/api/escalations/cases/{case}/clarification-request", {"question": "x"}),
    (1, "prov-17", "POST", "/api/escalations/cases/{case}/forwarding", {"note": "x"}),
    (1, "prov-17", "POST", "/api/escalations/cases/{case}/clarification", {"text": "x"}),
    (0, "kota-16.71", "POST", "/api/consultations/{cid}/clarification", {"text": "x"}),
    (0, "kota-16.71", "POST", "/api/consultations/{cid}/answer", {"text": "x", "bases": BASES}),
])
def test_another_offices_case_does_not_exist_for_its_staff(offices: tuple[Office, Office, Office], clock: FakeClock,
                                                            where: int, stranger: str, method: str, path: str,
                                                            body: dict | None) -> None:
    cid, case = _case_at_the_province(offices, clock)
    office = offices[where]
    # One node serves one office's staff (issue 12): another office's account, made before that rule, is refused
    # whatever it asks, even with a token issued to it.
    headers = bearer_of(office.node, legacy_account(office.node, Role.ANGGOTA_KPU, stranger))
    response = office.api.request(method, path.format(cid=cid, case=case), headers=headers, json=body)
    assert response.status_code == 401, response.text
    assert response.json()["code"] == "unauthenticated"
    for listing in ("/api/escalations/inbox", "/api/escalations/outgoing"):
        assert office.api.get(listing, headers=headers).status_code == 401


def test_a_commissioner_of_another_office_cannot_forward(offices: tuple[Office, Office, Office], clock: FakeClock
                                                         ) -> None:
    kab = offices[0]
    cid = handed_over(kab, kab.login(Role.ANGGOTA_HELPDESK), clock)
    # A commissioner of another office has no account here (issue 12); one made before the rule is refused.
    stranger = bearer_of(kab.node, legacy_account(kab.node, Role.ANGGOTA_KPU, "kota-16.71"))
    assert kab.post(f"/api/consultations/{cid}/forwarding", stranger, {"note": "x"}, status=401)["code"] == (
        "unauthenticated")


def _case_at_the_province(offices: tuple[Office, Office, Office], clock: FakeClock) -> tuple[str, str]:
    """A consultation forwarded by the regency's commissioner and received (not yet accepted) at the province."""
    kab = offices[0]
    cid = handed_over(kab, kab.login(Role.ANGGOTA_HELPDESK), clock)
    kab.post(f"/api/consultations/{cid}/forwarding", kab.login(Role.ANGGOTA_KPU), {"note": "Mohon arahan."})
    deliver(*offices)
    return cid, case_of(cid)
