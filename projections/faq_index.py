"""The FAQ's search index (issue 15) over its analysed text (projections/faq_text.py), per engine, and the counts of
its terms and words that rank a question's terms and correct its misspellings.

The analysed text of an entry is three columns of rm_faq: its question and phrasings (weight A), its topics (B), its
answer (C). PostgreSQL indexes them as a weighted tsvector ('simple' configuration: the words are stemmed already)
with a GIN index, each question term ranked by ts_rank and weighted by how rare it is; SQLite as an FTS5 table kept by
triggers, ranked by bm25() with column weights (bm25 weighs rarity itself).
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from domain.faq_values import FaqContent
from projections.base import Writer
from projections.faq_text import TOPIC_WORDS, terms, written_words

TABLE = "rm_faq"
FTS = "rm_faq_fts"
ANALYSED = ("terms_q", "terms_t", "terms_a")
# ts_rank's weights of D, C, B, A; bm25()'s of the FTS5 columns in ANALYSED order.
PG_WEIGHTS = "{0.05, 0.3, 0.5, 1.0}"
FTS_WEIGHTS = (4.0, 1.5, 1.0)
# The rarity (`rarity`) of a term held by a quarter of the entries: a rarer one narrows the rows PostgreSQL ranks
# first (`attempts`).
RARE = math.log(1 + 3.0)


def analysed(content: FaqContent) -> dict[str, str]:
    """An entry's texts as the index holds them, and the words it is written with (space-separated)."""
    asked = [content.question, *content.phrasings]
    return {
        "terms_q": " ".join(term for text in asked for term in terms(text)),
        "terms_t": " ".join(terms(" ".join(TOPIC_WORDS.get(topic.value, "") for topic in content.topics))),
        "terms_a": " ".join(terms(content.answer)),
        "words": " ".join(sorted(set().union(*(written_words(text) for text in (*asked, content.answer))))),
    }


def create(tx: Writer) -> None:
    for statement in _postgres() if tx.dialect == "postgresql" else _sqlite():
        tx.execute(statement)


def drop(tx: Writer) -> None:
    if tx.dialect != "postgresql":  # PostgreSQL's column and index went with the table
        tx.execute(f"DROP TABLE IF EXISTS {FTS}")


def _postgres() -> list[str]:
    vector = " || ".join(f"setweight(to_tsvector('simple', coalesce({column}, '')), '{weight}')"
                         for column, weight in zip(ANALYSED, "ABC", strict=True))
    return [f"ALTER TABLE {TABLE} ADD COLUMN IF NOT EXISTS search tsvector GENERATED ALWAYS AS ({vector}) STORED",
            # Kept in the row: a row with its answer is past TOAST's 2 kB, and the vector moved out of line was fetched
            # again by each term's ts_rank (4× slower with 2,000 entries, measured); the long texts go out instead.
            f"ALTER TABLE {TABLE} ALTER COLUMN search SET STORAGE MAIN",
            f"CREATE INDEX IF NOT EXISTS {TABLE}_search ON {TABLE} USING GIN (search)"]


def _sqlite() -> list[str]:
    columns = ", ".join(ANALYSED)
    new, old = (", ".join(f"{row}.{column}" for column in ANALYSED) for row in ("new", "old"))
    changed = " OR ".join(f"old.{column} IS NOT new.{column}" for column in ANALYSED)
    remove = f"INSERT INTO {FTS} ({FTS}, rowid, {columns}) VALUES ('delete', old.rowid, {old});"
    add = f"INSERT INTO {FTS} (rowid, {columns}) VALUES (new.rowid, {new});"
    return [
        f"CREATE VIRTUAL TABLE IF NOT EXISTS {FTS} USING fts5({columns}, content='{TABLE}', content_rowid='rowid',"
        " tokenize='unicode61')",
        f"CREATE TRIGGER IF NOT EXISTS {TABLE}_fts_insert AFTER INSERT ON {TABLE} BEGIN {add} END",
        f"CREATE TRIGGER IF NOT EXISTS {TABLE}_fts_delete AFTER DELETE ON {TABLE} BEGIN {remove} END",
        # A status or a time changes more often than the text: the text is indexed again only when it changed.
        f"CREATE TRIGGER IF NOT EXISTS {TABLE}_fts_update AFTER UPDATE ON {TABLE} WHEN {changed}"
        f" BEGIN {remove} {add} END",
    ]


def attempts(dialect: str, weights: Mapping[str, float]) -> list[list[str]]:
    """The terms a row must hold one of to be ranked, narrowest first; the search widens to the next when the first
    found fewer entries than it wants. PostgreSQL ranks first the rows holding one of the rarer terms, when there are
    any: an entry holding only common ones nearly always ranks below them, and ranking every entry that says "SIPOL"
    is most of the query's time. bm25() scores only the terms FTS5 matched, so SQLite matches them all at once."""
    found = list(weights)
    rare = [term for term in found if weights[term] >= RARE]
    return [rare, found] if dialect == "postgresql" and 0 < len(rare) < len(found) else [found]


def ranked(dialect: str, weights: Mapping[str, float], match: Sequence[str], columns: str, where: str,
           params: Sequence[Any], limit: int) -> tuple[str, list[Any]]:
    """The statement selecting `columns` (of rm_faq, as `f`) and a score, best first, of the rows holding any of the
    terms `match` (PostgreSQL; SQLite matches all the terms) and meeting `where`; `weights` holds each term's weight
    (its rarity)."""
    found = list(weights)
    if dialect == "postgresql":
        # Each term's ts_rank (its weighted frequency in the entry) times the term's rarity; a term of the question
        # held by every entry counts for little, as bm25 has it.
        score = " + ".join(f"{weights[term]:.6f} * ts_rank('{PG_WEIGHTS}', f.search, to_tsquery('simple', ?))"
                           for term in found)
        return (f"SELECT {columns}, {score} AS score FROM {TABLE} f WHERE f.search @@ to_tsquery('simple', ?)"
                f" AND {where} ORDER BY score DESC, f.changed_at DESC, f.entry_id LIMIT ?",
                [*found, " | ".join(match), *params, limit])
    # bm25() is smaller for a better match; quoted terms are plain words to FTS5 whatever they spell.
    weighting = ", ".join(str(weight) for weight in FTS_WEIGHTS)
    return (f"SELECT {columns}, -bm25({FTS}, {weighting}) AS score FROM {FTS} JOIN {TABLE} f ON f.rowid = {FTS}.rowid"
            f" WHERE {FTS} MATCH ? AND {where} ORDER BY score DESC, f.changed_at DESC, f.entry_id LIMIT ?",
            [" OR ".join(f'"{term}"' for term in found), *params, limit])


def rarity(term_entries: int, entries: int) -> float:
    """A term's weight by the entries holding it (bm25's inverse document frequency, never below a small floor)."""
    return max(0.05, math.log(1 + (entries - term_entries + 0.5) / (term_entries + 0.5)))


class TermCounts:
    """The changes a batch makes to how many entries hold each term and each written word: added up in memory,
    written once at the batch's end."""

    def __init__(self) -> None:
        self.terms: Counter[str] = Counter()
        self.words: Counter[str] = Counter()
        self.entries = 0

    def add(self, row: Mapping[str, Any], sign: int) -> None:
        """Counts an entry's analysed columns in (+1) or out (-1)."""
        self.terms.update(dict.fromkeys(_split(row[column] for column in ANALYSED), sign))
        self.words.update(dict.fromkeys(_split([row["words"]]), sign))
        self.entries += sign

    def write(self, tx: Writer, position: int) -> None:
        changed = False
        for table, key, counts in (("rm_faq_terms", "term", self.terms), ("rm_faq_words", "word", self.words)):
            rows = [(name, delta) for name, delta in counts.items() if delta]
            changed = changed or bool(rows)
            tx.executemany(f"INSERT INTO {table} ({key}, entries) VALUES (?, ?) ON CONFLICT ({key})"
                           f" DO UPDATE SET entries = {table}.entries + excluded.entries", rows)
            if rows:
                tx.execute(f"DELETE FROM {table} WHERE entries <= 0")
        if changed or self.entries:
            tx.execute("INSERT INTO rm_faq_state (name, value) VALUES ('entries', ?) ON CONFLICT (name)"
                       " DO UPDATE SET value = rm_faq_state.value + excluded.value", (self.entries,))
            tx.execute("INSERT INTO rm_faq_state (name, value) VALUES ('vocabulary', ?) ON CONFLICT (name)"
                       " DO UPDATE SET value = excluded.value", (position,))


def _split(texts: Iterable[str]) -> set[str]:
    return {word for text in texts for word in text.split()}
