"""P8's index of 2,000 FAQ entries: the demo FAQ (gateways/data/faq_demo.json) and entries made from it, and the plain
LIKE search P8 compares the project's search with. Seeded: every run makes the same entries.

Two ways of making them, each its own index in P8:
- `words`: entries written with the demo's words. For an entry of a topic, the question is 6–12 words drawn from the
  words of that topic's demo questions and phrasings, as often as they occur there (sometimes naming a regency), the
  answer 30–60 words drawn the same way from the topic's answers and a local sentence naming a regency and a party.
  The index gets the demo's vocabulary at its own frequencies, many times over, plus the 514 regencies' and the
  parties' names; no entry repeats another's sentence, as in a real FAQ.
- `sentences`: near-duplicates, a stress case. The question joins the first half of one demo question to the second
  half of another of the same topic; the answer is 2–4 real answer sentences of the topic and the local sentence. Each
  demo sentence then recurs in ~40 made entries, so a question meets dozens of entries holding the very sentences
  that answer it, and a made entry found first is often no worse an answer than the labelled one.
- `coherent`: entries as an FAQ grows, each a sentence about one matter of SIPOL: a way of asking, an action and one
  of ~60 things an operator works on (most of them named in the demo too: akun, SK, KTA, kepengurusan, kantor...), in
  a situation; the answer says who does it, where, and when, in whole sentences. The vocabulary overlaps the demo's
  heavily, but each entry means one thing, as in a real FAQ (and unlike `words`, whose questions are word salad).
"""

from __future__ import annotations

import random
import re
from collections.abc import Sequence
from typing import Any

from domain.faq_values import FaqContent, make_content
from gateways.faq_demo import demo_content
from gateways.reference import party_register, provinces, regencies
from projections.search import words

SEED = 20_240_814
_SENTENCE = re.compile(r"(?<=[.!?])\s+")


def made_entries(demo: Sequence[dict[str, Any]], count: int, kind: str = "words", seed: int = SEED
                 ) -> list[FaqContent]:
    """`count` entries made from the demo FAQ, of `kind` "words" or "sentences" (see the module's docstring)."""
    rng = random.Random(seed)
    places = [r.name.title() for p in provinces() for r in regencies(p.code)]
    parties = [party.name for party in party_register("2024").parties] or ["Partai Contoh"]
    by_topic: dict[str, list[dict[str, Any]]] = {}
    for entry in demo:
        for topic in entry["topics"]:
            by_topic.setdefault(topic, []).append(entry)
    made = []
    for _ in range(count):
        first = rng.choice(demo)
        topic = rng.choice(first["topics"])
        same = by_topic[topic]
        place, party = rng.choice(places), rng.choice(parties)
        if kind == "coherent":
            question, answer, topic = _coherent(rng, place)
            made.append(make_content(question, [], answer, [("faq_sipol", "FAQ Sipol")], [topic]))
            continue
        if kind == "words":
            asked = [w for e in same for text in (e["question"], *e["phrasings"]) for w in text.rstrip("?").split()]
            told = [w for e in same for w in e["answer"].split()]
            question = _drawn(asked, rng.randint(6, 12), rng) + "?"
            phrasings = [_drawn(asked, rng.randint(4, 8), rng) + "?" for _ in range(rng.randint(0, 2))]
            answer = " ".join(_drawn(told, rng.randint(8, 15), rng) + "." for _ in range(rng.randint(3, 4)))
        else:
            question = _joined(first["question"], rng.choice(same)["question"], rng)
            phrasings = [_joined(rng.choice(same)["question"], rng.choice(same)["question"], rng)
                         for _ in range(rng.randint(0, 2))]
            sentences = [s for entry in same for s in _SENTENCE.split(entry["answer"])]
            answer = " ".join(rng.sample(sentences, rng.randint(2, min(4, len(sentences)))))
        if rng.random() < 0.5:
            question = f"{question.rstrip('?')} di {place}?"
        answer += f" Untuk {party} di {place}, hubungi helpdesk KPU {place} pada jam kerja."
        bases = [(basis["kind"], basis["reference"]) for basis in first["bases"]]
        made.append(make_content(question, [p for p in dict.fromkeys(phrasings) if p != question], answer, bases,
                                 [topic]))
    return made


ASKING = ("Bagaimana cara", "Apakah partai boleh", "Kapan batas waktu", "Siapa yang berwenang", "Di menu mana kami",
          "Apa syarat untuk", "Mengapa SIPOL menolak saat kami", "Berapa lama proses")
ACTIONS = ("mengubah", "menghapus", "menambahkan", "mencetak", "mengunduh", "memperbaiki", "memverifikasi",
           "mengirim ulang", "membatalkan", "mengisi", "mengganti", "melengkapi")
THINGS = (
    "alamat kantor DPC", "foto KTA anggota", "SK kepengurusan tingkat kecamatan", "nomor rekening partai",
    "logo partai", "akta notaris pendirian", "data keterwakilan perempuan", "surat keterangan domisili kantor",
    "NIK anggota yang ganda", "berita acara verifikasi", "daftar nama pengurus harian", "surat pernyataan anggota",
    "tanda tangan ketua umum", "stempel partai", "nomor telepon operator", "alamat e-mail akun operator",
    "kata sandi akun admin", "lampiran KTP-el anggota", "jadwal verifikasi faktual", "bukti sewa kantor",
    "susunan pengurus kabupaten", "dokumen AD/ART", "nama partai pada kop surat", "data anggota yang meninggal",
    "anggota yang pindah domisili", "tanggal lahir anggota", "status pekerjaan anggota", "foto papan nama kantor",
    "koordinat lokasi kantor", "surat pengantar DPP", "akun operator kecamatan", "hak akses operator provinsi",
    "unggahan dokumen yang terpotong", "berkas PDF yang melebihi batas", "laporan dana awal", "nomor KTA ganda",
    "data pengurus yang merangkap", "data anggota lintas kabupaten", "surat keberatan hasil penelitian",
    "tanggapan masyarakat", "berita acara perbaikan", "formulir pendaftaran", "surat keputusan penggantian antar waktu",
    "rekapitulasi keanggotaan", "nomor induk kependudukan pengurus", "foto ketua dan sekretaris",
    "sertifikat pelatihan operator", "daftar kecamatan yang belum terisi", "status verifikasi administrasi",
    "tampilan dasbor partai", "notifikasi e-mail dari SIPOL", "cetakan tanda terima pendaftaran",
    "dokumen kepengurusan perempuan", "kartu anggota digital", "data pengurus ranting", "surat kuasa operator",
    "berkas pindaian yang buram", "salinan putusan pengadilan", "bukti kepemilikan kantor", "nama operator di SIPOL",
)
SITUATIONS = ("di tingkat kecamatan", "setelah masa perbaikan", "untuk partai lokal Aceh",
              "di kabupaten hasil pemekaran", "sebelum verifikasi faktual", "saat SIPOL sedang pemeliharaan",
              "untuk kepengurusan baru", "setelah penetapan", "di luar jam kerja", "bila operator berhalangan", "", "")
WHO = ("operator partai tingkat kabupaten/kota", "operator DPP partai", "operator partai tingkat provinsi",
       "KPU Kabupaten/Kota setelah permohonan partai", "helpdesk KPU setempat")
WHERE = ("menu Kepengurusan", "menu Keanggotaan", "menu Kantor", "menu Akun", "menu Dokumen", "menu Perbaikan",
         "halaman Profil Partai")
WHEN = ("selama masa pendaftaran", "paling lambat pada hari terakhir masa perbaikan", "kapan saja sebelum penetapan",
        "pada jam kerja KPU setempat", "setelah verifikasi administrasi selesai")


def _coherent(rng: random.Random, place: str) -> tuple[str, str, str]:
    """A question and its answer about one matter, and its topic (the topic of the thing it is about)."""
    asking, action, thing, situation = (rng.choice(ASKING), rng.choice(ACTIONS), rng.choice(THINGS),
                                        rng.choice(SITUATIONS))
    question = " ".join(filter(None, (asking, action, thing, situation))) + "?"
    answer = (f"Kegiatan {action} {thing} dilakukan oleh {rng.choice(WHO)} melalui {rng.choice(WHERE)} di SIPOL, "
              f"{rng.choice(WHEN)}. Simpan bukti perubahan dan periksa kembali hasilnya sebelum dikirim. "
              f"Untuk {place}, tanyakan ke helpdesk KPU setempat bila ada kendala.")
    topic = ("account" if "akun" in thing or "sandi" in thing or "operator" in thing else
             "office" if "kantor" in thing else "board" if "pengurus" in thing or "SK " in thing else
             "membership" if "anggota" in thing or "KTA" in thing else "upload")
    return question, answer, topic


def _drawn(pool: Sequence[str], count: int, rng: random.Random) -> str:
    text = " ".join(rng.choices(pool, k=count)).strip(",.;:")
    return text[:1].upper() + text[1:]


def _joined(a: str, b: str, rng: random.Random) -> str:
    head, tail = a.rstrip("?").split(), b.rstrip("?").split()
    cut_a = rng.randint(max(1, len(head) // 3), max(1, 2 * len(head) // 3))
    cut_b = rng.randint(max(1, len(tail) // 3), max(1, 2 * len(tail) // 3))
    return " ".join(head[:cut_a] + tail[cut_b:]) + "?"


def demo_contents(demo: Sequence[dict[str, Any]]) -> list[FaqContent]:
    return [demo_content(entry) for entry in demo]


def like_search(store: Any, text: str, limit: int = 3) -> list[str]:
    """The baseline: every word typed looked for with LIKE '%word%' in the question and the answer (lower-cased),
    published entries ranked by how many of the words they hold, newest first among equals; the entry ids."""
    found = words(text)
    if not found:
        return []
    holds = ["(lower(question) LIKE ? OR lower(answer) LIKE ?)" for _ in found]
    score = " + ".join(f"CASE WHEN {hold} THEN 1 ELSE 0 END" for hold in holds)
    params = [f"%{word}%" for word in found for _ in (0, 1)]
    rows = store.query(
        f"SELECT entry_id, {score} AS score FROM rm_faq WHERE status = 'published' AND ({' OR '.join(holds)})"
        " ORDER BY score DESC, changed_at DESC, entry_id LIMIT ?", [*params, *params, limit])
    return [row[0] for row in rows]
