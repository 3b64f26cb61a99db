"""The Telegram channel through the node's real webhook: a question put to the office's bot in a liaison group
becomes a consultation on the messaging channel, once however often Telegram delivers it; the desk answers through
the API and the answer is posted in the group as a reply to the question (on a local stand-in for api.telegram.org
that records the documented sendMessage call); what is not for the bot, or not signed with the secret, is not
recorded."""

from __future__ import annotations

import re
from uuid import UUID

import pytest
from litestar.testing import TestClient

from domain.messaging import Network, message_key
from domain.values import Channel
from gateways.app import create_app
from gateways.bootstrap import Node
from tests.support.chat_nodes import BASES, PASSWORD, SECRET, consultations, desk_headers
from tests.support.chat_payloads import (
    BOT,
    GROUP_ID,
    bot_message,
    command,
    mention,
    telegram_headers,
    telegram_message,
)
from tests.support.chat_recorder import ChatRecorder
from tests.support.waiting import wait_until


def test_a_question_to_the_bot_becomes_one_consultation_and_its_answer_a_reply_in_the_group(
        chat_node: Node, recorder: ChatRecorder) -> None:
    with TestClient(create_app(chat_node)) as client:
        desk = desk_headers(client, chat_node)
        # A liaison asks in the group, mentioning the bot after an emoji (offsets in UTF-16 units).
        text = f"Selamat pagi 🙏 @{BOT} akun operator SIPOL kami terkunci sejak tadi"
        update = telegram_message(4711, text, message_id=321, entities=mention(text))
        # Telegram delivers the same update three times (it retries whatever it thinks was not taken).
        for _ in range(3):
            response = client.post("/webhook/telegram", json=update, headers=telegram_headers(SECRET))
            assert response.status_code == 200, response.text
        opened = consultations(chat_node)
        assert len(opened) == 1 and opened[0].channel == Channel.MESSAGING
        cid = opened[0].id
        view = chat_node.helpdesk.get_consultation(chat_node.office.value, UUID(str(cid)))
        assert view.problem == "Selamat pagi 🙏 akun operator SIPOL kami terkunci sejak tadi"
        assert view.identity.name == "Tono Sugiarto" and view.identity.party.name == "Belum diketahui"
        # The sender's name and Telegram id are sealed in the stored record of the message.
        stored = chat_node.helpdesk.recorder.select_events(message_key("kab-16.13", Network.TELEGRAM, "4711"))
        assert b"Sugiarto" not in stored[0].state and b"5550001" not in stored[0].state

        # The desk answers through the API, citing its basis.
        answered = client.post(f"/api/consultations/{cid}/answer", headers=desk, json={
            "text": "Atur ulang kata sandi lewat menu Lupa Sandi.", "bases": BASES})
        assert answered.status_code == 200, answered.text
        posted = wait_until(lambda: recorder.sent("sendMessage"), what="the answer posted to the group")
        body = posted[0].body
        assert body["chat_id"] == GROUP_ID and body["reply_parameters"]["message_id"] == 321
        assert "Atur ulang kata sandi lewat menu Lupa Sandi." in body["text"]
        assert "Dasar jawaban" in body["text"] and "FAQ SIPOL no. 9" in body["text"]
        assert f"HD-{UUID(str(cid)).hex[:8]}" in body["text"]
        assert "Tono" not in body["text"]  # the group sees the answer, not the consultee's name
        wait_until(lambda: chat_node.chat.queries.sent_count() == 1, what="the answer recorded as sent")

        # The liaison replies to the bot's answer: it joins the same consultation, still one.
        follow = telegram_message(4712, "Sudah bisa, terima kasih", message_id=330,
                                  reply_to=bot_message(9001))
        assert client.post("/webhook/telegram", json=follow, headers=telegram_headers(SECRET)).status_code == 200
        assert [c.id for c in consultations(chat_node)] == [cid]
        rows = chat_node.chat.queries.of_consultation(UUID(str(cid)))
        assert [r.disposition for r in rows] == ["opened", "joined"]
        # The workspace's "Pesan" panel shows both messages and the answer posted back.
        page = client.get(f"/konsultasi/{cid}", headers=desk)
        assert page.status_code == 200, page.text
        panel = page.text.split('data-testid="consultation-chat"', 1)[1].split("</section>", 1)[0]
        assert "akun operator SIPOL kami terkunci" in panel and "Sudah bisa, terima kasih" in panel
        assert panel.count('data-testid="sent-chat"') == 1 and "Jawaban terkirim sebagai balasan" in panel
    assert len(recorder.sent("sendMessage")) == 1  # posted once


def test_a_command_opens_a_consultation_and_chatter_or_other_updates_are_ignored(chat_node: Node) -> None:
    with TestClient(create_app(chat_node)) as client:
        headers = telegram_headers(SECRET)
        for update in (
            telegram_message(10, "Rapat koordinasi besok jam 9"),  # group chatter
            telegram_message(11, "/start", entities=command("/start")),  # another command
            {"update_id": 12, "my_chat_member": {"chat": {"id": GROUP_ID, "type": "supergroup"}}},  # unknown kind
            {"update_id": 13, "edited_message": telegram_message(1, "x")["message"]},
        ):
            response = client.post("/webhook/telegram", json=update, headers=headers)
            assert (response.status_code, response.json()["recorded"]) == (200, 0), update
        assert consultations(chat_node) == [] and chat_node.chat.queries.count() == 0

        text = f"/tanya@{BOT} Bagaimana cara unggah KTA?"
        response = client.post("/webhook/telegram", json=telegram_message(14, text, entities=command(text),
                                                                          user_id=42), headers=headers)
        assert response.json()["recorded"] == 1
        [opened] = consultations(chat_node)
        assert chat_node.helpdesk.get_consultation("kab-16.13", UUID(str(opened.id))).problem == (
            "Bagaimana cara unggah KTA?")
        # The dashboard's messaging queue shows it (a step running: the answer).
        desk_headers(client, chat_node, "petugas-dasbor")
        signed_in = client.post("/masuk", data={"username": "petugas-dasbor", "password": PASSWORD, "next": "/"},
                                follow_redirects=False)
        assert signed_in.status_code == 303
        queue = re.search(r'data-testid="queue-messaging"[^>]*>([^<]*)<', client.get("/dasbor").text)
        assert queue is not None and queue.group(1).strip() == "1"


@pytest.mark.parametrize("headers", [{}, telegram_headers("salah"), telegram_headers(SECRET + "x")])
def test_a_wrong_or_missing_secret_is_refused_and_nothing_is_recorded(chat_node: Node,
                                                                      headers: dict[str, str]) -> None:
    text = f"@{BOT} tolong"
    with TestClient(create_app(chat_node)) as client:
        response = client.post("/webhook/telegram", json=telegram_message(20, text, entities=mention(text)),
                               headers=headers)
        assert response.status_code == 401, response.text
        assert response.json()["code"] == "unauthenticated"
        # Junk with the right secret is a clear 400, never a 500.
        junk = client.post("/webhook/telegram", content=b"{not json", headers=telegram_headers(SECRET))
        assert junk.status_code == 400
    assert consultations(chat_node) == [] and chat_node.chat.queries.count() == 0
