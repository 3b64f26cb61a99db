"""Free-text search over a read model's text columns: PostgreSQL full-text search (the 'simple' configuration, a
generated tsvector column with a GIN index) and SQLite FTS5 (an external-content table kept by triggers). Every
word typed must match, each as the start of a word ("Ton" finds "Tono")."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from projections.base import Writer

# Letters and digits only: what reaches the engine's query language holds no quote, operator, NUL or space.
_WORD = re.compile(r"[^\W_]+")
# Bounds on what a person may type: a longer text, or more words, narrows nothing a person could use.
MAX_INPUT_CHARS = 500
MAX_WORDS = 8
MAX_WORD_CHARS = 64


def words(text: str | None) -> list[str]:
    """The words of a search text, lower-cased, first occurrence kept, bounded in number and length."""
    if not text:
        return []
    found = _WORD.findall(text[:MAX_INPUT_CHARS].lower())
    return list(dict.fromkeys(word[:MAX_WORD_CHARS] for word in found))[:MAX_WORDS]


class TextIndex:
    """The free-text index of some text columns of one table (whose rows keep their rowid, as SQLite's do)."""

    def __init__(self, table: str, columns: Sequence[str]) -> None:
        self.table = table
        self.columns = tuple(columns)
        self.fts = f"{table}_fts"

    def create(self, tx: Writer) -> None:
        """Adds the index to the table just created (each statement is a no-op when it is there already)."""
        for statement in self._postgres() if tx.dialect == "postgresql" else self._sqlite():
            tx.execute(statement)

    def drop(self, tx: Writer) -> None:
        """After the table itself was dropped (its triggers went with it); PostgreSQL's column went with it too."""
        if tx.dialect != "postgresql":
            tx.execute(f"DROP TABLE IF EXISTS {self.fts}")

    def condition(self, dialect: str, text: str | None) -> tuple[str, list[Any]]:
        """A WHERE condition on the table (its columns unqualified) and its parameters; ("", []) when the text has
        no word to look for."""
        found = words(text)
        if not found:
            return "", []
        if dialect == "postgresql":
            return "search @@ to_tsquery('simple', ?)", [" & ".join(f"{word}:*" for word in found)]
        # A quoted string followed by * is a prefix; quotes keep FTS5's keywords (AND, NEAR…) plain words.
        query = " AND ".join(f'"{word}"*' for word in found)
        return f"rowid IN (SELECT rowid FROM {self.fts} WHERE {self.fts} MATCH ?)", [query]

    def _postgres(self) -> list[str]:
        document = " || ' ' || ".join(f"coalesce({column}, '')" for column in self.columns)
        return [
            (f"ALTER TABLE {self.table} ADD COLUMN IF NOT EXISTS search tsvector"
             f" GENERATED ALWAYS AS (to_tsvector('simple', {document})) STORED"),
            f"CREATE INDEX IF NOT EXISTS {self.table}_search ON {self.table} USING GIN (search)",
        ]

    def _sqlite(self) -> list[str]:
        columns = ", ".join(self.columns)
        new = ", ".join(f"new.{column}" for column in self.columns)
        old = ", ".join(f"old.{column}" for column in self.columns)
        changed = " OR ".join(f"old.{column} IS NOT new.{column}" for column in self.columns)
        remove = f"INSERT INTO {self.fts} ({self.fts}, rowid, {columns}) VALUES ('delete', old.rowid, {old});"
        add = f"INSERT INTO {self.fts} (rowid, {columns}) VALUES (new.rowid, {new});"
        return [
            (f"CREATE VIRTUAL TABLE IF NOT EXISTS {self.fts} USING fts5({columns}, content='{self.table}',"
             " content_rowid='rowid', tokenize='unicode61 remove_diacritics 2')"),
            f"CREATE TRIGGER IF NOT EXISTS {self.table}_fts_insert AFTER INSERT ON {self.table} BEGIN {add} END",
            f"CREATE TRIGGER IF NOT EXISTS {self.table}_fts_delete AFTER DELETE ON {self.table} BEGIN {remove} END",
            # Most updates change a status or a time: the text is indexed again only when it changed.
            (f"CREATE TRIGGER IF NOT EXISTS {self.table}_fts_update AFTER UPDATE ON {self.table} WHEN {changed}"
             f" BEGIN {remove} {add} END"),
        ]
