"""Contact data written into a free text is replaced whole before the text leaves the office (domain/outgoing.py)."""

from __future__ import annotations

import re

import pytest

from domain.outgoing import mask_contacts

PHONE, EMAIL, NIK = "[nomor telepon]", "[alamat e-mail]", "[NIK]"


@pytest.mark.parametrize(
    ("typed", "sent"),
    [
        ("hubungi +62 812-2222-3333 ya", f"hubungi {PHONE} ya"),
        ("hubungi 0813 2222 3333 ya", f"hubungi {PHONE} ya"),
        ("hubungi 0813-2222-3333 ya", f"hubungi {PHONE} ya"),
        ("kantor (021) 555-1234 siang", f"kantor {PHONE} siang"),
        ("WA 628123456789.", f"WA {PHONE}."),
        ("HP +6281322223333", f"HP {PHONE}"),
        ("surel tono.s+kpu@gmail.com, terima kasih", f"surel {EMAIL}, terima kasih"),
        ("ke ketua.dpc@partai-maju.or.id", f"ke {EMAIL}"),
        ("NIK 1613011203840002 tercatat ganda", f"NIK {NIK} tercatat ganda"),
        ("NIK 1613 0112 0384 0002 tercatat ganda", f"NIK {NIK} tercatat ganda"),
        ("NIK: 1613-0112-0384-0002", f"NIK: {NIK}"),
        # Shapes lokal leaves (no context, or a failed check) and the backstop catches.
        ("hubungi 0813 - 2222 - 3333 ya", f"hubungi {PHONE} ya"),
        ("kantor 0711-123456", f"kantor {PHONE}"),
        ("kantor 021 5551234", f"kantor {PHONE}"),
        ("nomor 1234567890123456 tercatat", f"nomor {NIK} tercatat"),
        ("kartu 1613.0112.0384.0002", f"kartu {NIK}"),
    ],
)
def test_each_kind_is_replaced_whole_by_its_placeholder(typed: str, sent: str) -> None:
    assert mask_contacts(typed) == sent


def test_no_digit_and_no_letter_of_a_value_survives() -> None:
    typed = "hubungi 0813-2222-3333 atau tono.s@gmail.com; NIK 1613011203840002"
    sent = mask_contacts(typed)
    assert sent == f"hubungi {PHONE} atau {EMAIL}; NIK {NIK}"
    assert not re.search(r"\d", sent)
    assert "tono" not in sent and "gmail" not in sent and "@" not in sent


@pytest.mark.parametrize(
    "text",
    [
        "Akun operator SIPOL terkunci sejak kemarin.",
        "Rapat pleno tanggal 12-03-2024 pukul 10.30.",
        "Partai nomor urut 12 dan 24, tahun 2024.",
        "Dokumen nomor 123/PL.01.1-Kpt/03/2024, Rp 1.500.000.",
        "PKPU 4/2022 Pasal 85 ayat (1).",
        "Rekap 123.456.789.012 suara; SK 1234567890; pukul 08.30 - 10.00; 2024-03-12.",
        "Layanan 08.00 - 12.00 - 13.00 WIB, 03-12-2024 s.d. 05-12-2024.",
        "",
    ],
)
def test_a_text_without_contact_data_is_left_as_written(text: str) -> None:
    assert mask_contacts(text) == text


def test_masking_twice_changes_nothing_more() -> None:
    once = mask_contacts("telp 0813-2222-3333, NIK 1613011203840002")
    assert mask_contacts(once) == once
