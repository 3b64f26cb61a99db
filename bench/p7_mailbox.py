"""P7's mailbox: seeded mails to the regency's helpdesk address, as liaison officers write them — Indonesian
questions about SIPOL, some with an HTML alternative (a style block and a tracking image, which sanitising drops),
some with a small PNG screenshot or PDF letter attached, some replies (In-Reply-To, References) to an earlier mail,
a few automatic replies. The same seed gives the same bytes."""

from __future__ import annotations

import email.policy
import io
import random
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime

from PIL import Image, ImageDraw

OFFICE_ADDRESS = "helpdesk@kab-1613.kpu.go.id"
SEED = 13

FIRST = ("Agus", "Budi", "Citra", "Dewi", "Eko", "Fitri", "Gilang", "Hendra", "Indah", "Joko", "Kartika", "Lestari",
         "Made", "Nur", "Putri", "Rahmat", "Siti", "Teguh", "Wayan", "Yusuf")
LAST = ("Saputra", "Wijaya", "Lubis", "Siregar", "Hasibuan", "Nasution", "Rahayu", "Pratama", "Kusuma", "Harahap",
        "Simanjuntak", "Setiawan", "Hidayat", "Purnomo", "Utami")
PARTIES = ("Partai Karya Nusantara", "Partai Suara Rakyat", "Partai Bintang Desa", "Partai Harapan Bersama",
           "Partai Tani Merdeka", "Partai Pelita Bangsa")
DOMAINS = ("gmail.com", "yahoo.co.id", "karya-nusantara.id", "suararakyat.or.id", "bintangdesa.id", "outlook.co.id")
SUBJECTS = ("Akun SIPOL terkunci", "Gagal unggah KTA anggota", "Verifikasi keanggotaan ganda",
            "Perbaikan data kepengurusan", "Lupa kata sandi operator", "Dokumen SK kepengurusan ditolak",
            "Status keanggotaan tidak muncul", "Jadwal verifikasi faktual", "Pergantian admin partai",
            "NIK anggota tidak ditemukan", "Anggota terdaftar di partai lain", "Mengubah alamat kantor partai",
            "Unggah foto KTP gagal", "Batas waktu perbaikan data", "Sinkronisasi data lambat",
            "Pertanyaan tentang keterwakilan perempuan", "Cetak berita acara gagal", "Domisili kantor tetap")
SENTENCES = (
    "Kami sudah mencoba masuk sejak pagi tetapi selalu muncul pesan kesalahan.",
    "Operator kami sudah mengikuti petunjuk pada buku panduan, namun hasilnya tetap sama.",
    "Mohon petunjuk langkah yang harus kami lakukan sebelum batas waktu perbaikan.",
    "Data anggota sebanyak {n} orang belum tampil pada menu keanggotaan.",
    "Berkas yang kami unggah berukuran kurang dari 2 MB dan berformat PDF.",
    "Apakah kami perlu datang langsung ke kantor KPU Kabupaten untuk verifikasi?",
    "Kami lampirkan tangkapan layar dari pesan yang muncul di SIPOL.",
    "Nomor induk kependudukan anggota tersebut sudah sesuai dengan KTP elektronik.",
    "Sebelumnya akun ini dipegang oleh sekretaris lama yang sudah diganti.",
    "Terdapat {n} anggota yang dinyatakan ganda dengan partai lain, padahal mereka sudah menyerahkan surat pernyataan.",
    "Kami mohon penjelasan dasar hukum yang berlaku untuk hal ini.",
    "Jaringan internet di kecamatan kami sering terputus sehingga unggahan berhenti di tengah jalan.",
)


def _png(rng: random.Random) -> bytes:
    """A small screenshot-like PNG (~15 kB): bars of colour and a band of noise, different for every call."""
    image = Image.new("RGB", (480, 300), (rng.randrange(256), rng.randrange(256), rng.randrange(256)))
    draw = ImageDraw.Draw(image)
    for _ in range(24):
        x, y = rng.randrange(440), rng.randrange(280)
        draw.rectangle((x, y, x + rng.randrange(10, 80), y + rng.randrange(5, 20)), fill=(rng.randrange(256),) * 3)
    image.paste(Image.frombytes("L", (480, 24), rng.randbytes(480 * 24)).convert("RGB"), (0, 140))
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def _pdf(rng: random.Random, lines: list[str]) -> bytes:
    """A one-page PDF letter (a few kB) whose text is `lines` and some filler."""
    body = lines + [rng.choice(SENTENCES).format(n=rng.randrange(2, 90)) for _ in range(rng.randrange(20, 60))]
    text = "BT /F1 10 Tf 50 800 Td 13 TL " + " ".join(f"({line}) '" for line in body) + " ET"
    stream = text.encode("latin-1", "replace")
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
               b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R"
               b" /Resources << /Font << /F1 5 0 R >> >> >>",
               b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream),
               b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"]
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for number_, obj in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number_, obj)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def mailbox(count: int, seed: int = SEED) -> Iterator[bytes]:
    """`count` mails to the office, the same for the same seed: ~20% replies to an earlier one, ~40% with an HTML
    alternative, ~12% with a PNG and ~8% with a PDF attached, ~2% automatic replies."""
    rng = random.Random(seed)
    sent: list[tuple[str, str, str, str, str]] = []  # (message id, references, subject, sender, party) so far
    moment = datetime(2024, 5, 6, 1, 0, tzinfo=UTC)
    for n in range(count):
        moment += timedelta(seconds=rng.randrange(30, 900))
        mail = EmailMessage(policy=email.policy.SMTP)
        domain = rng.choice(DOMAINS)
        message_id = f"<{rng.getrandbits(64):016x}.{n}@{domain}>"
        question = " ".join(rng.choice(SENTENCES).format(n=rng.randrange(2, 90)) for _ in range(rng.randrange(2, 6)))
        paragraphs = ["Yth. Admin Helpdesk KPU Kabupaten Musi Rawas,", question]
        if sent and rng.random() < 0.2:
            earlier_id, references, subject, sender, party = rng.choice(sent)
            subject = subject if subject.startswith("Re: ") else f"Re: {subject}"
            references = f"{references} {earlier_id}".strip()
            mail["In-Reply-To"], mail["References"] = earlier_id, references
            paragraphs.insert(1, "Menindaklanjuti surel kami sebelumnya, berikut keterangan tambahan.")
            quoted = f"Pada {format_datetime(moment - timedelta(days=1))}, {OFFICE_ADDRESS} menulis:"
            paragraphs.append("\n".join([quoted, *(f"> {line}" for line in question.split(". "))]))
        else:
            name, party = f"{rng.choice(FIRST)} {rng.choice(LAST)}", rng.choice(PARTIES)
            sender = f"{name} <{name.lower().replace(' ', '.')}{rng.randrange(100)}@{domain}>"
            subject, references = f"{rng.choice(SUBJECTS)} - {party}", ""
        mail["From"], mail["To"], mail["Subject"] = sender, OFFICE_ADDRESS, subject
        mail["Message-ID"], mail["Date"] = message_id, format_datetime(moment)
        if rng.random() < 0.02:
            mail["Auto-Submitted"] = "auto-replied"
            mail.replace_header("Subject", f"Balasan otomatis: {subject}")
        paragraphs.append(f"Terima kasih.\n\nHormat kami,\n{sender.split(' <')[0]}\nOperator SIPOL {party}")
        text = "\n\n".join(paragraphs)
        mail.set_content(text)
        if rng.random() < 0.4:
            html = "".join(f"<p>{part}</p>".replace("\n", "<br>") for part in paragraphs)
            mail.add_alternative(f"<html><head><style>p {{margin:0}}</style></head><body>{html}"
                                 f"<img src=\"https://tracker.example/{n}.gif\"></body></html>", subtype="html")
        draw = rng.random()
        if draw < 0.12:
            mail.add_attachment(_png(rng), maintype="image", subtype="png", filename=f"tangkapan-layar-{n}.png")
        elif draw < 0.20:
            mail.add_attachment(_pdf(rng, question.split(". ")), maintype="application", subtype="pdf",
                                filename=f"surat-{n}.pdf")
        sent.append((message_id, references, subject, sender, party))
        yield mail.as_bytes()
