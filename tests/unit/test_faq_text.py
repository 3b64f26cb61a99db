"""The FAQ search's Indonesian text analysis (projections/faq_text.py): affixed forms share a stem, chat and regional
forms and abbreviations become one form, stop words go, and a misspelt word of a question is read as the nearest word
the index holds."""

from __future__ import annotations

import pytest

from projections.faq_text import (
    MAX_QUERY_TERMS,
    SynonymError,
    Vocabulary,
    canonical,
    parse_synonyms,
    query_terms,
    synonyms,
    terms,
    vocabulary,
    words,
)


@pytest.mark.parametrize(("forms", "term"), [
    (["daftar", "mendaftar", "pendaftaran", "didaftarkan", "daftarin"], "daftar"),
    (["akun", "akunnya"], "akun"),
    (["unggah", "mengunggah", "diunggah", "unggahan", "upload", "diupload", "uploadnya", "ngupload"], "unggah"),
    (["urus", "pengurus", "kepengurusan"], "urus"),
    (["sipol", "sipolnya", "SIPOL"], "sipol"),
    (["hapus", "dihapus", "ngapus", "delete"], "hapus"),
])
def test_the_forms_of_a_word_share_one_term(forms: list[str], term: str) -> None:
    assert {tuple(terms(form)) for form in forms} == {(term,)}


@pytest.mark.parametrize(("chat", "formal"), [
    ("gak bisa upload", "tidak bisa unggah"),
    ("ga bs login", "tidak bisa login"),
    ("nggak bisa log in", "enggak bisa login"),
    ("tdk bisa daftar", "tidak bisa mendaftar"),
    ("udh diinput tp ilang", "sudah diisi tetapi hilang"),
    ("dak pacak upload", "tidak bisa mengunggah"),  # Palembang
    ("lupa pasword", "lupa kata sandi"),
    ("akun ke lock", "akun terkunci"),
    ("gakkk bisaaa", "tidak bisa"),  # letters held down
    ("data2 anggota", "data anggota"),  # a plural written with a 2
])
def test_chat_and_regional_forms_read_as_the_formal_words(chat: str, formal: str) -> None:
    assert terms(chat) == terms(formal) != []


@pytest.mark.parametrize(("short", "long"), [
    ("KTA", "kartu tanda anggota"),
    ("SK kepengurusan", "surat keputusan kepengurusan"),
    ("parpol", "partai politik"),
    ("parpol", "partai"),
    ("no KTP", "nomor induk kependudukan"),
    ("KTP-el", "kartu tanda penduduk"),
    ("e-KTP", "KTP elektronik"),
    ("verfak", "verifikasi faktual"),
    ("vermin", "verifikasi administrasi"),
    ("TMS", "tdk memenuhi syarat"),
    ("AD/ART", "anggaran dasar"),
    ("LO partai", "penghubung parpol"),
])
def test_an_abbreviation_and_its_full_form_are_one(short: str, long: str) -> None:
    assert terms(short) == terms(long) != []


def test_stop_words_and_forms_of_address_say_nothing() -> None:
    assert terms("Assalamualaikum min, mohon bantuannya kak, bagaimana cara ini ya pak?") == []
    assert terms("mohon info min, bagaimana cara unggah KTA?") == ["unggah", "kta"]


def test_words_are_lower_case_letters_and_digits() -> None:
    assert words("Galat 502 — UNGGAH gagal!!! Café") == ["galat", "502", "unggah", "gagal", "cafe"]
    assert words("3000 anggota, gakkk") == ["3000", "anggota", "gak"]  # a held-down letter, never a number's zeros


def known_index() -> Vocabulary:
    held = {term: 1 for text in ("pendaftaran akun kepengurusan verifikasi anggota", "unggah berkas")
            for term in terms(text)}
    written = {"pendaftaran": 3, "kepengurusan": 2, "verifikasi": 2, "anggota": 5, "berkas": 1, "pendaftar": 1}
    return vocabulary(held, written, entries=5)


@pytest.mark.parametrize(("typed", "meant"), [
    ("pendaftran akun", "pendaftaran akun"),  # a letter left out
    ("kepengursan", "kepengurusan"),  # Sastrawi alone stems it to "kurs"
    ("verfikasi anggta", "verifikasi anggota"),
    ("vreifikasi", "verifikasi"),  # two letters swapped: one edit
])
def test_a_misspelt_word_is_read_as_the_nearest_word_the_index_holds(typed: str, meant: str) -> None:
    index = known_index()
    assert query_terms(typed, index) == query_terms(meant) != query_terms(typed)


def test_a_short_word_a_word_of_the_language_or_a_far_one_is_not_corrected() -> None:
    index = known_index()
    assert query_terms("akn", index) == ["akn"]  # three letters: "akun"? "akan"? Nobody can tell.
    assert query_terms("ambulans", index) == ["ambulans"]  # a word of the language the index lacks
    assert query_terms("pndftrn", index) == ["pndftrn"]  # too far from anything


def test_of_two_words_as_near_the_more_common_is_chosen() -> None:
    index = vocabulary({"daftar": 4}, {"pendaftaran": 1, "pendaftaran2": 0, "pendaftar": 4}, entries=4)
    # "pendaftarn" is one edit from "pendaftaran" and from "pendaftar"; the latter is written in more entries.
    assert index.nearest("pendaftarn") == "pendaftar"


def test_a_question_is_bounded_in_terms() -> None:
    many = " ".join(f"kata{n}" for n in range(40))
    assert len(query_terms(many)) == MAX_QUERY_TERMS
    assert query_terms("unggah diunggah mengunggah KTA kartu tanda anggota") == ["unggah", "kta"]


def test_the_centres_list_loads_and_every_form_is_on_one_line() -> None:
    table = synonyms()
    assert table.words["gak"] == ("tidak",) and table.phrases[("kartu", "tanda", "anggota")] == ("kta",)
    assert "sipol" in table.known and "upload" in table.known


@pytest.mark.parametrize(("text", "complaint"), [
    ("tidak = gak\ntdk = gak\n", "already on line 1"),
    ("tidak = Gak\n", "lower-case"),
    ("tidak = gak, \n", "lower-case"),
    ("tidak = gak\nbelum gak = blm\n", "becomes another"),  # a form that would be replaced again
])
def test_a_malformed_list_is_refused_with_its_line(text: str, complaint: str) -> None:
    with pytest.raises(SynonymError, match=complaint):
        parse_synonyms(text)


def test_the_lists_format_comments_single_words_and_longest_forms_first() -> None:
    table = parse_synonyms("# a comment\nsipol  # a word of ours\ntms = tidak memenuhi syarat\nms = memenuhi syarat\n"
                           "tidak = gak\n")
    assert "sipol" in table.known and table.longest == 3
    # "gak" becomes "tidak" first, so the longer form matches what the chat wrote.
    assert canonical(["gak", "memenuhi", "syarat"], table) == ["tms"]
    assert canonical(["memenuhi", "syarat"], table) == ["ms"]
