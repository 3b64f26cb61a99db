"""The words a report prints for the system's codes (channels, statuses, answer sources), in Bahasa Indonesia."""

from __future__ import annotations

from lokal import parse_phone

# A consultee's sealed cell in a frozen report whose ciphertext does not open under its key (altered, or moved).
BROKEN_SEAL = "[segel rusak]"

CHANNELS = {
    "walk_in": "Tatap muka",
    "email": "Surat elektronik",
    "messaging": "Grup pesan",
    "online_meeting": "Pertemuan daring",
}

STATUSES = {
    "opened": "Identitas dicatat",
    "problem_recorded": "Permasalahan dicatat",
    "problem_restated": "Permasalahan diulang",
    "problem_confirmed": "Permasalahan dikonfirmasi",
    "with_commissioner": "Di Anggota KPU",
    "escalated": "Diteruskan ke atas",
    "clarification_requested": "Diminta klarifikasi",
    "answered": "Dijawab",
    "not_understood": "Belum dipahami",
    "understood": "Dipahami",
    "logged": "Dicatat di laporan",
    "closed": "Selesai",
}

BASES = {
    "uu": "UU",
    "pkpu": "PKPU",
    "keputusan_kpu": "Keputusan KPU/Juknis",
    "petunjuk_pelaksanaan": "Juklak",
    "faq_sipol": "FAQ SIPOL",
}


def channel(code: str) -> str:
    return CHANNELS.get(code, code)


def status(code: str) -> str:
    return STATUSES.get(code, code)


def answer_source(code: str | None) -> str:
    """Who answered: the desk, the office's commissioner, or an office above (by its id)."""
    if not code:
        return "-"
    if code == "desk":
        return "Tim Helpdesk"
    if code == "commissioner":
        return "Anggota KPU"
    if code == "pusat":
        return "Helpdesk KPU RI"
    if code.startswith("prov-"):
        return f"Helpdesk KPU Provinsi ({code})"
    return code


def bases(items: list[tuple[str, str]]) -> str:
    return "; ".join(f"{BASES.get(kind, kind)}: {reference}" for kind, reference in items)


# A hop between two offices (domain/hops.py HopState): the one table the pages and reports name its states with.
HOP_STATES = {
    "sent": "terkirim",
    "received": "diterima",
    "accepted": "diproses",
    "answered": "dijawab",
    "returned": "dikembalikan",
}


def hop_state(code: str) -> str:
    return HOP_STATES.get(code, code)


def phone(e164: str | None) -> str | None:
    """A stored number (E.164) the way an Indonesian office writes it: +6281277771234 → 0812-7777-1234."""
    if not e164:
        return e164
    info = parse_phone(e164)
    return info.national if info.valid and info.national else e164
