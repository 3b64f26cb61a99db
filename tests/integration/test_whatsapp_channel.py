"""The WhatsApp channel through the node's real webhook: the subscription check, a direct message to the office's
number (signed with the app secret over the raw body) becomes a consultation once however often it is delivered, and
the desk's answer leaves through the messages endpoint as a reply to it (on a local stand-in for graph.facebook.com
that records the documented call). A body not signed, or signed with another secret, records nothing."""

from __future__ import annotations

import json
from uuid import UUID

from litestar.testing import TestClient

from domain.values import Channel
from gateways.app import create_app
from gateways.bootstrap import Node
from tests.support.chat_nodes import APP_SECRET, BASES, PHONE_ID, VERIFY, WA_TOKEN, consultations, desk_headers
from tests.support.chat_payloads import signed, whatsapp_payload, whatsapp_status
from tests.support.chat_recorder import ChatRecorder
from tests.support.waiting import wait_until

WAMID = "wamid.HBgNNjI4MTIzNDU2Nzg5MBUCABIYFjNFQjBDMEQ5RjFBMjNBQjQ1Njc4AA=="


def test_the_subscription_check_answers_the_challenge_only_to_the_verify_token(chat_node: Node) -> None:
    with TestClient(create_app(chat_node)) as client:
        query = {"hub.mode": "subscribe", "hub.verify_token": VERIFY, "hub.challenge": "1158201444"}
        checked = client.get("/webhook/whatsapp", params=query)
        assert (checked.status_code, checked.text) == (200, "1158201444")
        wrong = client.get("/webhook/whatsapp", params={**query, "hub.verify_token": "bukan"})
        assert wrong.status_code == 403 and "1158201444" not in wrong.text


def test_a_direct_message_becomes_one_consultation_and_the_answer_a_reply_to_it(
        chat_node: Node, recorder: ChatRecorder) -> None:
    with TestClient(create_app(chat_node)) as client:
        desk = desk_headers(client, chat_node)
        raw, headers = signed(APP_SECRET, whatsapp_payload(WAMID, "Bagaimana cara mengganti operator SIPOL?",
                                                           phone_number_id=PHONE_ID))
        # Delivered three times (WhatsApp retries until it sees 200 quickly enough).
        for _ in range(3):
            response = client.post("/webhook/whatsapp", content=raw, headers=headers)
            assert response.status_code == 200, response.text
        # A delivery receipt of the same number records nothing.
        receipt, receipt_headers = signed(APP_SECRET, whatsapp_status("wamid.X", phone_number_id=PHONE_ID))
        assert client.post("/webhook/whatsapp", content=receipt, headers=receipt_headers).json()["recorded"] == 0
        [opened] = consultations(chat_node)
        view = chat_node.helpdesk.get_consultation("kab-16.13", UUID(str(opened.id)))
        assert (view.channel, view.identity.name, view.identity.phone) == (
            Channel.MESSAGING, "Siti Aminah", "+6281234567890")
        assert view.problem == "Bagaimana cara mengganti operator SIPOL?"

        answered = client.post(f"/api/consultations/{opened.id}/answer", headers=desk, json={
            "text": "Ajukan pergantian lewat menu Operator dengan surat tugas.", "bases": BASES})
        assert answered.status_code == 200, answered.text
        [sent] = wait_until(lambda: recorder.sent("/messages"), what="the answer sent to WhatsApp")
        assert sent.path == f"/v21.0/{PHONE_ID}/messages"
        assert sent.headers["authorization"] == f"Bearer {WA_TOKEN}"
        body = sent.body
        assert (body["messaging_product"], body["to"], body["type"]) == ("whatsapp", "6281234567890", "text")
        assert body["context"] == {"message_id": WAMID}
        assert "Ajukan pergantian lewat menu Operator" in body["text"]["body"]
        assert "FAQ SIPOL no. 9" in body["text"]["body"]
        wait_until(lambda: chat_node.chat.queries.sent_count() == 1, what="the answer recorded as sent")

        # The same number writes again: it joins its consultation.
        again, again_headers = signed(APP_SECRET, whatsapp_payload("wamid.kedua", "Terima kasih, sudah berhasil",
                                                                   phone_number_id=PHONE_ID))
        assert client.post("/webhook/whatsapp", content=again, headers=again_headers).json()["recorded"] == 1
        assert [c.id for c in consultations(chat_node)] == [opened.id]
    assert len(recorder.sent("/messages")) == 1


def test_an_unsigned_or_wrongly_signed_body_is_refused_and_nothing_is_recorded(chat_node: Node) -> None:
    payload = whatsapp_payload(WAMID, "Halo", phone_number_id=PHONE_ID)
    raw, headers = signed(APP_SECRET, payload)
    _, other = signed("rahasia-lain", payload)
    # The same JSON serialised again (spaces) no longer matches the signature of the bytes that were signed.
    reserialised = json.dumps(payload, indent=1).encode()
    with TestClient(create_app(chat_node)) as client:
        for body, sent_headers in ((raw, {"Content-Type": "application/json"}), (raw, other),
                                   (reserialised, headers), (raw, {"X-Hub-Signature-256": "md5=abc"})):
            response = client.post("/webhook/whatsapp", content=body, headers=sent_headers)
            assert response.status_code == 401, response.text
        junk, junk_headers = signed(APP_SECRET, {"object": 5})
        assert client.post("/webhook/whatsapp", content=junk, headers=junk_headers).status_code == 400
    assert consultations(chat_node) == [] and chat_node.chat.queries.count() == 0
