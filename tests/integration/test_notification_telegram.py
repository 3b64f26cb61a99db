"""Notifications by the office's Telegram bot (the Bot API's local stand-in, tests/support/chat_recorder.py): sent to
the chat a staff member linked, once each, kept and retried through an outage, with the number and no personal data."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest

from domain.roles import Role
from gateways.bootstrap import Node
from gateways.config import Settings
from services.consultations import IdentityInput
from services.notifications import ChoicesInput
from tests.support.by_hand import KAB
from tests.support.chat_nodes import chat_settings, recorder
from tests.support.chat_recorder import ChatRecorder
from tests.support.consultations import handed_to_commissioner

PASSWORD = "kuda-lari-cepat-99"
CONSULTEE = IdentityInput(name="Tono Sukarno", party_number=5, phone="081298765432")


@pytest.fixture
def bot_api() -> Iterator[ChatRecorder]:
    stand_in = recorder()
    try:
        yield stand_in
    finally:
        stand_in.stop()


def test_a_handover_reaches_the_commissioners_chat_once_even_through_an_outage(
    node_settings: Settings, open_node: Callable[[Settings], Node], bot_api: ChatRecorder,
) -> None:
    node = open_node(chat_settings(node_settings, bot_api.url))
    accounts = node.accounts
    commissioner = accounts.get_user(accounts.register_user("kpu.satu", "Kpu Satu", Role.ANGGOTA_KPU, KAB, PASSWORD,
                                                            "admin"))
    accounts.register_user("kpu.dua", "Kpu Dua", Role.ANGGOTA_KPU, KAB, PASSWORD, "admin")
    node.helpdesk.choose_notifications(commissioner, ChoicesInput(telegram_chat_id="777000111",
                                                                  telegram_kinds=["handover_waiting"]))
    job = node.notify.job
    assert job is not None
    # The Bot API is down for the first try: nothing is lost, nothing is sent twice.
    bot_api.refuse(1)
    cid = handed_to_commissioner(node.helpdesk, KAB, CONSULTEE, "Akun terkunci", "Jadi akun terkunci?",
                                 "Tidak ada di FAQ", desk="desk.ani")
    assert job.round() == 0
    assert [state for *_, state in node.notify.ledger.states()] == ["pending"]
    assert job.round() == 1
    assert job.round() == 0
    [sent] = bot_api.sent("sendMessage")
    assert sent.body["chat_id"] == 777000111
    text = sent.body["text"]
    assert f"HD-{cid.hex[:8]}" in text and "Anggota KPU" in text
    assert "Tono" not in text and "081298765432" not in text
