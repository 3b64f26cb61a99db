"""Exactly once across a restart, on real served nodes (`helpdesk serve` processes with the settings as HELPDESK_*
variables): answers recorded while Telegram and WhatsApp could not be reached wait in the outbox through a SIGKILL
of the node, and leave once when it comes back, each as a reply to its question."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from gateways.bootstrap import build_node
from tests.support.chat_nodes import APP_SECRET, BASES, PASSWORD, SECRET, chat_values
from tests.support.chat_payloads import (
    BOT,
    GROUP_ID,
    mention,
    signed,
    telegram_headers,
    telegram_message,
    whatsapp_payload,
)
from tests.support.chat_recorder import ChatRecorder
from tests.support.served import ServedNode, add_user
from tests.support.waiting import wait_until

REFUSE_ALL = 1_000_000


@pytest.fixture
def office(tmp_path: Path, recorder: ChatRecorder) -> Iterator[ServedNode]:
    values = {"node_id": "kab-16.13", "database": "sqlite", "data_dir": str(tmp_path / "kab-16.13"), "nats_url": "",
              **chat_values(recorder.url)}
    node = ServedNode(values, tmp_path, "kab-16.13.log")
    add_user(node.served, "desk", "anggota_helpdesk", PASSWORD)
    try:
        yield node
    finally:
        node.stop()


def test_answers_recorded_before_a_crash_are_sent_once_after_the_restart(office: ServedNode,
                                                                          recorder: ChatRecorder) -> None:
    # Telegram and WhatsApp cannot be reached: every call fails.
    recorder.refuse(REFUSE_ALL)
    office.start()
    with httpx.Client(base_url=office.url, timeout=30) as client:
        # A question in the group and one by WhatsApp arrive through the webhooks.
        text = f"@{BOT} verifikasi KTA kami ditolak, kenapa?"
        assert client.post("/webhook/telegram", json=telegram_message(90, text, message_id=555, entities=mention(text)),
                           headers=telegram_headers(SECRET)).status_code == 200
        raw, headers = signed(APP_SECRET, whatsapp_payload("wamid.restart", "Berkas KTP buram, bagaimana?",
                                                           phone_number_id=office.values["whatsapp_phone_number_id"]))
        assert client.post("/webhook/whatsapp", content=raw, headers=headers).status_code == 200
        token = client.post("/api/auth/login", json={"username": "desk", "password": PASSWORD}).json()["token"]
        desk = {"Authorization": f"Bearer {token}"}
        items = client.get("/api/consultations", headers=desk).json()["items"]
        assert sorted(c["channel"] for c in items) == ["messaging", "messaging"]
        # The desk answers both; the node tries to post them and is refused.
        for item in items:
            answered = client.post(f"/api/consultations/{item['id']}/answer", headers=desk,
                                   json={"text": f"Jawaban untuk {item['id'][:8]}", "bases": BASES})
            assert answered.status_code == 200, answered.text
        wait_until(lambda: {r.path.rsplit("/", 1)[-1] for r in recorder.requests} >= {"sendMessage", "messages"},
                   what="both answers tried", limit=120)
    assert recorder.sent("sendMessage") == [] and recorder.sent("/messages") == []

    # The node dies without any shutdown; the networks come back; the node is started again.
    office.kill()
    recorder.refuse(0)
    office.start()
    wait_until(lambda: len(recorder.sent("sendMessage")) == 1 and len(recorder.sent("/messages")) == 1,
               what="each answer posted after the restart", limit=120)
    office.stop()

    # Each is recorded as sent (so no round will post it again), and was sent once, as a reply to its question.
    node = build_node(office.settings)
    try:
        assert node.chat.queries.pending() == [] and node.chat.queries.sent_count() == 2
    finally:
        node.close()
    [telegram] = recorder.sent("sendMessage")
    [whatsapp] = recorder.sent("/messages")
    assert telegram.body["chat_id"] == GROUP_ID and telegram.body["reply_parameters"]["message_id"] == 555
    assert whatsapp.body["context"] == {"message_id": "wamid.restart"} and whatsapp.body["to"] == "6281234567890"
