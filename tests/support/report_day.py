"""A busy day at the desk of kab-16.13, made through the API for the report tests: the office's staff with their full
names (and NIPs for some), walk-ins who signed the guest book, and consultations on every channel left in every
state a recap reports — closed within the SOP's standards, closed late, handed to the commissioner, still open."""

from __future__ import annotations

import io
import math
from dataclasses import dataclass, field
from datetime import UTC, datetime

from litestar.testing import TestClient
from PIL import Image, ImageDraw

from domain.roles import Role
from domain.users import User
from gateways.bootstrap import Node
from services.consultations import IdentityInput
from tests.support.samples import jpeg

OFFICE = "kab-16.13"
DAY = "2024-07-29"
MORNING = datetime(2024, 7, 29, 1, 30, tzinfo=UTC)  # 08.30 WIB
PASSWORD = "kata-sandi-uji-123"
# username: (full name, role, NIP or None). Names with letters beyond Latin-1, as people write them.
STAFF = {
    "sekretaris": ("Siti Aminah Ṣāliḥah, S.Kom.", Role.SEKRETARIS_HELPDESK, "198501012010012001"),
    "ketua": ("Drs. Ahmad Ḥasan Basri, M.Si.", Role.KETUA_HELPDESK, "197203151998031002"),
    "koordinator": ("Budi Hartono, S.H.", Role.KOORDINATOR, None),
    "koord-harian": ("Rina Marlina", Role.KOORDINATOR_HARIAN, "199002202019032011"),
    "petugas": ("Dewi Lestari", Role.ANGGOTA_HELPDESK, None),
    "komisioner": ("Muhammad Ṭāhir, S.IP.", Role.ANGGOTA_KPU, "198012122006041003"),
}
GUESTS = (("Larasati Wulandari", "0812 1111 2222", "larasati.wulandari@partai-contoh.example"),
          ("Ñoman Ṣuryadi", "0813 3333 4444", None),
          ("Yohanes Kristianto Manurung", "0852 5555 6666", "yohanes.manurung@partai-contoh.example"))


def drawn_signature(seed: int) -> bytes:
    """A signature as the guest-book canvas sends it: a loop of dark ink on white, 600 × 200 pixels."""
    picture = Image.new("RGB", (600, 200), "white")
    stroke = [(40 + t * 5.2, 100 + math.sin(t / (5 + seed)) * 55 + math.cos(t / 3) * 12) for t in range(100)]
    ImageDraw.Draw(picture).line(stroke, fill=(20, 30, 90), width=5)
    out = io.BytesIO()
    picture.save(out, format="PNG")
    return out.getvalue()


@dataclass
class Day:
    api: TestClient
    node: Node
    clock: object
    headers: dict[str, dict[str, str]] = field(default_factory=dict)

    def staff(self) -> None:
        for username, (name, role, nip) in STAFF.items():
            self.node.accounts.register_user(username, name, role, OFFICE, PASSWORD, "test")
            if nip:
                self.node.accounts.record_nip(User.create_id(username), nip, username)
            token = self.api.post("/api/auth/login", json={"username": username, "password": PASSWORD})
            assert token.status_code == 201, token.text
            self.headers[username] = {"Authorization": f"Bearer {token.json()['token']}"}
        self.api.cookies.clear()

    def step(self, cid: str, path: str, body: dict | None = None, minutes: int = 2, who: str = "petugas") -> None:
        self.clock.advance(minutes=minutes)  # type: ignore[attr-defined]
        response = self.api.post(f"/api/consultations/{cid}/{path}", headers=self.headers[who], json=body or {})
        assert response.status_code == 200, response.text

    def guest(self, n: int) -> str:
        """A walk-in at the front desk: a number taken and called, the guest book signed (opening the consultation)."""
        name, phone, email = GUESTS[n]
        helpdesk = self.node.helpdesk
        number = helpdesk.take_ticket(OFFICE)
        assert helpdesk.call_next_ticket(OFFICE, "petugas") == number
        who = IdentityInput(name=name, party_number=n + 1, phone=phone, email=email)
        return str(helpdesk.record_guest(OFFICE, number, who, drawn_signature(n), "petugas", self.node.files.put))

    def remote(self, channel: str, name: str, contact: dict) -> str:
        opened = self.api.post("/api/consultations", headers=self.headers["petugas"], json={
            "channel": channel, "consultee": {"name": name, "party_number": 4, **contact}})
        assert opened.status_code == 201, opened.text
        return opened.json()["id"]

    def answered(self, cid: str, problem: str, answer: str, slow: bool = False, restated: bool = True) -> None:
        self.step(cid, "problem", {"text": problem})
        if restated:  # said back and confirmed at the desk and in a meeting; not by e-mail or chat
            self.step(cid, "restatement", {"text": f"Jadi: {problem.lower()}"})
            self.step(cid, "confirmation")
        self.step(cid, "answer", {"text": answer, "bases": [{"kind": "pkpu", "reference": "PKPU 4/2022 Pasal 85"}]},
                  minutes=45 if slow else 12)

    def closed(self, cid: str) -> None:
        """Understood, logged in the report, documented with a photo, closed."""
        self.step(cid, "understanding", {"understood": True})
        self.step(cid, "report-entry")
        photo = self.api.post("/api/files", headers=self.headers["petugas"],
                              files={"file": ("foto.jpg", jpeg(len(cid)), "image/jpeg")})
        assert photo.status_code == 201, photo.text
        stored = photo.json()
        self.step(cid, "documentation", {"kind": "photo", "storage_key": stored["storage_key"],
                                         "sha256": stored["sha256"]})
        self.step(cid, "closure")


def busy_day(api: TestClient, node: Node, clock) -> Day:  # noqa: ANN001 - tests/conftest.py FakeClock
    """The day's consultations, from 08.30 WIB: three walk-ins, an e-mail, a chat message and an online meeting."""
    clock.now = MORNING
    day = Day(api, node, clock)
    day.staff()
    first = day.guest(0)
    day.answered(first, "Unggah KTA anggota gagal dengan galat 502 saat jam sibuk.",
                 "Pecah berkas per kecamatan dan unggah di luar jam sibuk.")
    day.closed(first)
    second = day.guest(1)
    day.answered(second, "Akun operator kecamatan tidak bisa dibuat.", "Operator kabupaten yang membuat akunnya.",
                 slow=True)
    third = day.guest(2)
    day.step(third, "problem", {"text": "Persyaratan keterwakilan perempuan 30 persen pada kepengurusan."})
    day.step(third, "restatement", {"text": "Jadi soal syarat keterwakilan perempuan?"})
    day.step(third, "confirmation")
    day.step(third, "handover", {"reason": "Tafsir ketentuan di luar FAQ Sipol."})
    mail = day.remote("email", "Fajar Nugroho", {"email": "fajar@partai-contoh.example"})
    day.answered(mail, "Lupa kata sandi akun SIPOL.", "Gunakan menu lupa kata sandi dengan e-mail terdaftar.",
                 restated=False)
    chat = day.remote("messaging", "Kadek Ayu Prameswari", {"phone": "+6281277771234"})
    day.step(chat, "problem", {"text": "Bagaimana mengganti ketua partai di SIPOL?"})
    meeting = day.remote("online_meeting", "Teuku Rizal", {"phone": "0811 6800 1234"})
    day.answered(meeting, "Dokumen domisili kantor ditolak.", "Unggah surat keterangan domisili terbaru.")
    day.closed(meeting)
    clock.now = datetime(2024, 7, 29, 9, 0, tzinfo=UTC)  # 16.00 WIB: the recap is made
    return day
