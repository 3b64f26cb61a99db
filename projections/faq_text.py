"""The Indonesian text analysis of the FAQ search (issue 15), the same for an entry and for a question: words
lower-cased, chat, regional and abbreviated forms brought to one form (the centre's list,
projections/data/faq_synonyms.txt), stop words dropped, each word stemmed (Sastrawi), and in a question a word the index
never saw corrected to the nearest one it has. Pure functions; the stemmer's dictionary and the list are read once."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from rapidfuzz import process
from rapidfuzz.distance import OSA
from Sastrawi.Dictionary.ArrayDictionary import ArrayDictionary
from Sastrawi.Stemmer.Stemmer import Stemmer
from Sastrawi.Stemmer.StemmerFactory import StemmerFactory

SYNONYMS_FILE = Path(__file__).parent / "data" / "faq_synonyms.txt"
STOP_FILE = Path(__file__).parent / "data" / "faq_stopwords.txt"
# Bounds on a question: a longer text, or more terms, only makes the query slower, never better.
MAX_QUERY_CHARS = 500
MAX_QUERY_TERMS = 16

# Words that say nothing about what is asked (projections/data/faq_stopwords.txt), checked on the word as written and
# on its stem.
STOP = frozenset(word for line in STOP_FILE.read_text(encoding="utf-8").splitlines()
                 for word in line.split("#", 1)[0].split())

# The topics' words, indexed with an entry's tags (the vocabulary of domain/faq_values.py Topic in Indonesian).
TOPIC_WORDS = {
    "registration": "pendaftaran partai", "membership": "keanggotaan anggota", "board": "kepengurusan pengurus",
    "office": "kantor tetap", "account": "akun login sandi", "upload": "unggah berkas dokumen",
    "verification": "verifikasi", "other": "",
}

_WORD = re.compile(r"[^\W_]+")
_ELONGATED = re.compile(r"([a-z])\1{2,}")  # "gakkk", "tolonggg": a letter held down (never a digit: 3000)
_REDUPLICATED = re.compile(r"^([a-z]{2,})2$")  # "data2": the plural written with a 2
# Chat and loan-word affixes Sastrawi does not take off (diupload, sipolnya, daftarin), longest first.
_PREFIXES = ("", "meng", "meny", "peng", "peny", "nge", "mem", "men", "pem", "pen", "ter", "ber", "di", "ke", "me",
             "pe", "ng", "se")
_SUFFIXES = ("", "nya", "kan", "in", "an", "i")


class SynonymError(ValueError):
    """The synonym list is malformed: a form on two lines, a character outside a–z and 0–9, an empty form."""


@dataclass(frozen=True)
class Synonyms:
    words: Mapping[str, tuple[str, ...]]  # a one-word form → its group's form
    phrases: Mapping[tuple[str, ...], tuple[str, ...]]  # a form of several words → its group's form
    known: frozenset[str]  # every one-word form: what a word's affixes may be taken off down to
    longest: int  # words in the longest form


def parse_synonyms(text: str) -> Synonyms:
    """The list's format is described at the top of projections/data/faq_synonyms.txt."""
    groups: list[tuple[tuple[str, ...], list[tuple[str, ...]]]] = []
    lines: dict[tuple[str, ...], int] = {}
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        head, equals, rest = line.partition("=")
        forms = [_form(head, number)] + ([_form(part, number) for part in rest.split(",")] if equals else [])
        for form in forms:
            if form in lines:
                raise SynonymError(f"line {number}: {' '.join(form)!r} is already on line {lines[form]}")
            lines[form] = number
        groups.append((forms[0], forms[1:]))
    words = {form[0]: target for target, forms in groups for form in forms if len(form) == 1}
    for target, _forms in groups:
        if any(word in words for word in target):
            raise SynonymError(f"line {lines[target]}: {' '.join(target)!r} holds a word that becomes another")
    # A form of several words is matched after the one-word forms were replaced, so it is kept as they leave it.
    phrases = {_replaced(form, words): target for target, forms in groups for form in forms if len(form) > 1}
    return Synonyms(words, phrases, frozenset(form[0] for form in lines if len(form) == 1),
                    max((len(form) for form in phrases), default=1))


def _form(raw: str, number: int) -> tuple[str, ...]:
    form = tuple(raw.split())
    if not form or not all(re.fullmatch(r"[a-z0-9]+", word) for word in form):
        raise SynonymError(f"line {number}: {raw.strip()!r} is not lower-case words of letters and digits")
    return form


def _replaced(tokens: Sequence[str], words: Mapping[str, tuple[str, ...]]) -> tuple[str, ...]:
    return tuple(out for token in tokens for out in words.get(token, (token,)))


@lru_cache(maxsize=1)
def synonyms() -> Synonyms:
    return parse_synonyms(SYNONYMS_FILE.read_text(encoding="utf-8"))


@lru_cache(maxsize=1)
def _stemmer() -> Stemmer:
    return Stemmer(ArrayDictionary(StemmerFactory().get_words()))


def words(text: str) -> list[str]:
    """The words of a text: lower case, accents dropped, letters and digits; "gakkk" → "gak", "data2" → "data"."""
    plain = "".join(c for c in unicodedata.normalize("NFKD", text.lower()) if not unicodedata.combining(c))
    return [_REDUPLICATED.sub(r"\1", _ELONGATED.sub(r"\1", word)) for word in _WORD.findall(plain)]


def canonical(tokens: Sequence[str], table: Synonyms | None = None) -> list[str]:
    """Every form of the synonym list replaced by its group's form: the one-word forms, then the longer ones."""
    table = table or synonyms()
    replaced = _replaced(tokens, table.words)
    out: list[str] = []
    i = 0
    while i < len(replaced):
        for size in range(min(table.longest, len(replaced) - i), 1, -1):
            target = table.phrases.get(replaced[i:i + size])
            if target is not None:
                out.extend(target)
                i += size
                break
        else:
            out.append(replaced[i])
            i += 1
    return out


@lru_cache(maxsize=65_536)
def word_terms(word: str) -> tuple[str, ...]:
    """The terms one word is indexed and looked up by (none for a stop word): its stem, brought to its group's form.
    Cached: Sastrawi takes ~136 µs a word, the cache ~1 µs."""
    if len(word) < 2 or word in STOP:
        return ()
    if not word.isalpha():
        return (word,)  # a number or a code (502, f1) is looked for as written
    table = synonyms()
    if word in table.words:
        return _terms_of(table.words[word])
    stemmer = _stemmer()
    stem = stemmer.stem_word(word)
    if stem == word and word not in table.known and not stemmer.dictionary.contains(word):
        stem = _without_affixes(word, table, stemmer)
    if stem in table.words:
        return _terms_of(table.words[stem])
    return () if stem in STOP else (stem,)


def _terms_of(form: tuple[str, ...]) -> tuple[str, ...]:
    # A group's form never holds a word that becomes another (parse_synonyms), so this ends.
    return tuple(term for word in form for term in word_terms(word))


def _without_affixes(word: str, table: Synonyms, stemmer: Stemmer) -> str:
    """diupload → upload, sipolnya → sipol, daftarin → daftar: the first affixes whose removal leaves a known word."""
    for suffix in _SUFFIXES:
        if not word.endswith(suffix):
            continue
        body = word[:len(word) - len(suffix)] if suffix else word
        for prefix in _PREFIXES:
            rest = body[len(prefix):]
            if (prefix or suffix) and body.startswith(prefix) and len(rest) >= 2 and (
                    rest in table.known or (len(rest) >= 3 and stemmer.dictionary.contains(rest))):
                return rest if rest in table.known else stemmer.stem_word(rest)
    return word


def terms(text: str) -> list[str]:
    """A text as the index holds it: its terms in order, repeats kept (they count)."""
    return [term for token in canonical(words(text)) for term in word_terms(token)]


def written_words(text: str) -> set[str]:
    """The words an entry is written with that a misspelt question may be corrected to."""
    return {word for word in words(text) if len(word) >= 4 and word.isalpha() and word not in STOP}


@dataclass(frozen=True)
class Vocabulary:
    """What the index holds: its terms with the entries holding each, and the words entries were written with."""

    terms: Mapping[str, int]
    words: Sequence[str]
    counts: Sequence[int]  # entries written with each word
    entries: int

    def nearest(self, word: str) -> str | None:
        """The written word nearest a misspelt one: one edit away (a transposition is one), two for a word of eight
        letters or more; the more common of equals. None for a word of three letters or fewer."""
        if len(word) < 4:
            return None
        found = process.extract(word, self.words, scorer=OSA.distance, score_cutoff=1 if len(word) < 8 else 2,
                                limit=20)
        if not found:
            return None
        return min(found, key=lambda match: (match[1], -self.counts[match[2]]))[0]


def vocabulary(terms_held: Mapping[str, int], words_held: Mapping[str, int], entries: int) -> Vocabulary:
    """The index's vocabulary; the stop words and the synonym list's forms are words a question may be corrected to
    as well (a misspelt "tolong" is still a stop word)."""
    merged = dict.fromkeys(STOP | synonyms().known, 0) | dict(words_held)
    return Vocabulary(terms_held, list(merged), list(merged.values()), entries)


def query_terms(text: str, known: Vocabulary | None = None) -> list[str]:
    """A question's terms, each once, in order; with the index's vocabulary, a word none of whose terms the index
    holds is read as the nearest word it does hold (pendaftran → pendaftaran), unless it is a word of the language
    or of our list."""
    table, stemmer, found = synonyms(), _stemmer(), []
    for token in canonical(words(text[:MAX_QUERY_CHARS])):
        mine = word_terms(token)
        if known is not None and mine and token.isalpha() and token not in table.known and not all(
                term in known.terms for term in mine) and not stemmer.dictionary.contains(token):
            fixed = known.nearest(token)
            if fixed is not None:
                mine = tuple(term for word in canonical([fixed]) for term in word_terms(word))
        found.extend(mine)
    return list(dict.fromkeys(found))[:MAX_QUERY_TERMS]
