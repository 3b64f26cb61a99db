"""The messaging channel's commands on an in-memory node: a delivery recorded once with the consultation it opens,
a sender's next message joining their open consultation, a closed one followed by a new one, and the group's party
from the register port."""

from __future__ import annotations

from uuid import UUID

from litestar.testing import TestClient

from domain.messaging import ChatMessage, Disposition, Network
from domain.parties import Party
from domain.roles import Role
from domain.values import Channel
from gateways.app import create_app
from gateways.bootstrap import Node

OFFICE = "kab-16.13"


def message(delivery: str, text: str, sender: str = "5550001", chat: str = "-100") -> ChatMessage:
    return ChatMessage(network=Network.TELEGRAM, delivery=delivery, chat_id=chat, chat_title="LO Partai",
                       message_id=f"m{delivery}", sender_id=sender, sender_name="Tono", text=text)


def consultation_of(node: Node, key: UUID) -> UUID:
    return node.helpdesk.chat_message(key).consultation_id


def test_a_delivery_is_recorded_once_and_the_senders_next_message_joins_it(memory_node: Node) -> None:
    first, new = memory_node.helpdesk.receive_chat(message("1", "Akun terkunci"))
    assert new and memory_node.helpdesk.receive_chat(message("1", "Akun terkunci")) == (first, False)
    cid = consultation_of(memory_node, first)
    view = memory_node.helpdesk.get_consultation(OFFICE, cid)
    assert (view.channel, view.problem, view.identity.party.name) == (Channel.MESSAGING, "Akun terkunci",
                                                                      "Belum diketahui")
    # The same sender in the same group: joined. Another sender, or the same one in another group: a new one.
    joined, _ = memory_node.helpdesk.receive_chat(message("2", "Sudah dicoba"))
    assert consultation_of(memory_node, joined) == cid
    assert memory_node.helpdesk.chat_message(joined).disposition is Disposition.JOINED
    other, _ = memory_node.helpdesk.receive_chat(message("3", "Pertanyaan lain", sender="42"))
    elsewhere, _ = memory_node.helpdesk.receive_chat(message("4", "Di grup lain", chat="-200"))
    assert len({cid, consultation_of(memory_node, other), consultation_of(memory_node, elsewhere)}) == 3


def test_after_the_consultation_is_closed_the_sender_opens_a_new_one(memory_node: Node) -> None:
    first, _ = memory_node.helpdesk.receive_chat(message("10", "Akun terkunci"))
    cid = consultation_of(memory_node, first)
    desk = "petugas"
    memory_node.helpdesk.answer_problem(OFFICE, cid, "Atur ulang sandi", [("faq_sipol", "FAQ 1")], desk,
                                        role=Role.ANGGOTA_HELPDESK)
    memory_node.helpdesk.log_in_report(OFFICE, cid, desk)
    memory_node.helpdesk.close_consultation(OFFICE, cid, desk)
    later, _ = memory_node.helpdesk.receive_chat(message("11", "Ada masalah baru"))
    assert consultation_of(memory_node, later) != cid


def test_the_groups_register_names_the_party_of_the_group(memory_node: Node) -> None:
    party = Party(name="Partai Contoh", number=99)
    memory_node.helpdesk.group_party = lambda network, chat_id: party if chat_id == "-300" else None
    key, _ = memory_node.helpdesk.receive_chat(message("20", "Tanya", chat="-300"))
    view = memory_node.helpdesk.get_consultation(OFFICE, consultation_of(memory_node, key))
    assert view.identity.party.name == "Partai Contoh"


def test_a_channel_whose_secrets_are_unset_is_not_there(memory_node: Node) -> None:
    with TestClient(create_app(memory_node)) as client:
        for method, path in (("POST", "/webhook/telegram"), ("GET", "/webhook/whatsapp"),
                             ("POST", "/webhook/whatsapp")):
            response = client.request(method, path, json={"update_id": 1},
                                      headers={"X-Telegram-Bot-Api-Secret-Token": ""})
            assert (response.status_code, response.json()["code"]) == (404, "not_found"), path
    assert memory_node.chat.queries.count() == 0 and memory_node.chat.job is None
