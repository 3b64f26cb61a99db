"""The messaging channel's rules: which Telegram group messages are for the bot, what question they put, with
entity offsets counted in UTF-16 units as Telegram counts them; one id per delivery; the consultee's identity."""

from __future__ import annotations

import pytest

from domain.mail import UNKNOWN_PARTY
from domain.messaging import (
    ChatMessage,
    Disposition,
    Entity,
    Network,
    addressed_text,
    chat_identity,
    decide,
    message_key,
    outgoing_chat_id,
    problem_text,
    utf16_slice,
)
from domain.parties import Party
from tests.support.chat_payloads import utf16_len

BOT = "helpdesk_kab1613_bot"


def mentioned(text: str, name: str = BOT) -> tuple[Entity, ...]:
    at = text.index(f"@{name}")
    return (Entity("mention", utf16_len(text[:at]), utf16_len(f"@{name}")),)


def test_offsets_are_utf16_units_so_an_emoji_before_a_mention_moves_it_by_two() -> None:
    text = "Halo 👋 @helpdesk_kab1613_bot akun terkunci"
    # Python counts the emoji as one character, Telegram as two UTF-16 units.
    assert text.index("@") == 7 and utf16_len(text[:text.index("@")]) == 8
    assert utf16_slice(text, 8, 21) == "@helpdesk_kab1613_bot"
    assert utf16_slice(text, 7, 21) != "@helpdesk_kab1613_bot"  # Python's index names the wrong span


def test_a_mention_of_the_bot_addresses_it_and_is_taken_out_of_the_question() -> None:
    text = "Halo 👋 @helpdesk_kab1613_bot akun operator kami terkunci 🙏"
    assert addressed_text(text, mentioned(text), BOT, replied_to_bot=False) == "Halo 👋 akun operator kami terkunci 🙏"
    # The username is matched whatever its case, as Telegram matches it.
    upper = "@Helpdesk_Kab1613_Bot tolong"
    assert addressed_text(upper, mentioned(upper, "Helpdesk_Kab1613_Bot"), BOT, False) == "tolong"


def test_the_tanya_command_addresses_the_bot_bare_or_naming_it() -> None:
    for text in ("/tanya Bagaimana unggah KTA?", "/tanya@helpdesk_kab1613_bot Bagaimana unggah KTA?"):
        entities = (Entity("bot_command", 0, utf16_len(text.split(" ")[0])),)
        assert addressed_text(text, entities, BOT, False) == "Bagaimana unggah KTA?"


@pytest.mark.parametrize(("text", "entities"), [
    ("Rapat besok jam 9 ya", ()),  # group chatter
    ("@bot_lain tolong cek", (Entity("mention", 0, 9),)),  # another bot mentioned
    ("/tanya@bot_lain apa kabar", (Entity("bot_command", 0, 15),)),  # our command, addressed to another bot
    ("/start", (Entity("bot_command", 0, 6),)),  # another command
    ("lihat /tanya nanti", (Entity("bot_command", 6, 6),)),  # a command not at the start is not a command
    ("helpdesk_kab1613_bot tanpa @", ()),  # the name written without being a mention entity
])
def test_what_is_not_for_the_bot_is_ignored(text: str, entities: tuple[Entity, ...]) -> None:
    assert addressed_text(text, entities, BOT, replied_to_bot=False) is None


def test_a_reply_to_the_bots_message_addresses_it_without_a_mention() -> None:
    text = "Sudah saya coba, masih gagal"
    assert addressed_text(text, (), BOT, replied_to_bot=True) == text


def test_a_delivery_has_one_id_per_office_and_network() -> None:
    first = message_key("kab-16.13", Network.TELEGRAM, "4711")
    assert first == message_key("kab-16.13", Network.TELEGRAM, "4711")
    assert first != message_key("kab-16.13", Network.WHATSAPP, "4711")
    assert first != message_key("kota-16.71", Network.TELEGRAM, "4711")
    assert outgoing_chat_id(first, 5) != outgoing_chat_id(first, 6)


def test_a_message_opens_a_consultation_unless_its_sender_has_one_open() -> None:
    assert decide(None) is Disposition.OPENED
    assert decide(message_key("kab-16.13", Network.TELEGRAM, "1")) is Disposition.JOINED


def _message(network: Network, sender_id: str, name: str) -> ChatMessage:
    return ChatMessage(network=network, delivery="1", chat_id="-100", message_id="7", sender_id=sender_id,
                       sender_name=name, text="Akun terkunci", attachments=("foto",))


def test_the_consultee_is_named_as_the_chat_names_them_with_the_party_unknown_until_set() -> None:
    whatsapp = chat_identity(_message(Network.WHATSAPP, "6281234567890", " Siti  Aminah "), None)
    assert (whatsapp.name, whatsapp.phone, whatsapp.party) == ("Siti Aminah", "+6281234567890", UNKNOWN_PARTY)
    telegram = chat_identity(_message(Network.TELEGRAM, "5550001", ""), Party(name="Partai Contoh", number=99))
    # A Telegram member has no number to give: they are answered in the group; the group's party when known.
    assert (telegram.name, telegram.phone, telegram.party.name) == ("Anggota grup", None, "Partai Contoh")
    # Invisible characters of a profile name (a joiner, a direction override) are left out, not refused.
    assert chat_identity(_message(Network.TELEGRAM, "1", "Budi\u202e 👨\u200d👩"), None).name == "Budi 👨👩"
    assert chat_identity(_message(Network.TELEGRAM, "1", "\u200b"), None).name == "Anggota grup"
    # A number the phone rules do not know is left out, not refused: the reply still goes to the chat.
    assert chat_identity(_message(Network.WHATSAPP, "12", "X"), None).phone is None


def test_the_problem_names_what_came_with_the_message() -> None:
    assert problem_text(_message(Network.TELEGRAM, "1", "T")) == "Akun terkunci\n\n[lampiran: foto]"
