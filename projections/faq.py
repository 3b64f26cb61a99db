"""FAQ Sipol as the desk reads and searches it (issue 15): the office's own entries (domain/faq.py) and its copies of
the entries of the offices above (domain/faq_copy.py), one row each with the analysed text the search index holds
(projections/faq_index.py), and every version of each for the history page."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, ClassVar

from domain.faq import FaqEntry
from domain.faq_copy import FaqCopy
from domain.faq_values import REACH, FaqContent
from domain.offices import OfficeId
from projections import faq_index
from projections.base import ReadModel, Writer, iso, to_json

NAME = "faq"
E, C = FaqEntry, FaqCopy
ENTRIES = """
    entry_id TEXT PRIMARY KEY, owner TEXT NOT NULL, reach TEXT NOT NULL, status TEXT NOT NULL,
    revision INTEGER NOT NULL, question TEXT NOT NULL, phrasings TEXT NOT NULL, answer TEXT NOT NULL,
    bases TEXT NOT NULL, topics TEXT NOT NULL, changed_by TEXT NOT NULL, changed_at TEXT NOT NULL,
    created_at TEXT NOT NULL, retire_reason TEXT, published_at TEXT,
    terms_q TEXT NOT NULL, terms_t TEXT NOT NULL, terms_a TEXT NOT NULL, words TEXT NOT NULL
"""
VERSIONS = """
    entry_id TEXT NOT NULL, revision INTEGER NOT NULL, question TEXT NOT NULL, answer TEXT NOT NULL,
    actor TEXT NOT NULL, at TEXT NOT NULL, PRIMARY KEY (entry_id, revision)
"""
CONTENT = ("question", "phrasings", "answer", "bases", "topics", *faq_index.ANALYSED, "words")


class FaqProjection(ReadModel):
    name = NAME
    version = 1
    tables: ClassVar[dict[str, str]] = {
        "rm_faq": ENTRIES, "rm_faq_versions": VERSIONS,
        # How many entries (not retired) hold each term and each written word: what ranks and corrects a question.
        "rm_faq_terms": "term TEXT PRIMARY KEY, entries INTEGER NOT NULL",
        "rm_faq_words": "word TEXT PRIMARY KEY, entries INTEGER NOT NULL",
        "rm_faq_state": "name TEXT PRIMARY KEY, value BIGINT NOT NULL",
    }
    indexes = (
        "CREATE INDEX IF NOT EXISTS rm_faq_owner ON rm_faq (owner, status, changed_at)",
        "CREATE INDEX IF NOT EXISTS rm_faq_status ON rm_faq (status, changed_at)",
    )
    topics = (E.Drafted, E.DraftEdited, E.Published, E.Revised, E.Retired, C.Received, C.Updated, C.Withdrawn)
    _counts: faq_index.TermCounts | None = None
    _position = 0

    def create(self, tx: Writer) -> None:
        super().create(tx)
        faq_index.create(tx)

    def drop(self, tx: Writer) -> None:
        super().drop(tx)
        faq_index.drop(tx)

    def begin_batch(self, tx: Writer, events: Sequence[Any] = ()) -> None:
        self._counts = faq_index.TermCounts()

    def end_batch(self, tx: Writer) -> None:
        counts, self._counts = self._counts, None
        if counts is not None:
            counts.write(tx, self._position)

    def process(self, event: Any, position: int, tx: Writer) -> None:
        if self._counts is None:  # outside a runner's batch (a test feeding events by hand): a batch of one
            self.begin_batch(tx)
            self.process(event, position, tx)
            self.end_batch(tx)
            return
        self._position = position
        HANDLERS[type(event)](event, str(event.originator_id), tx, self._counts)


def _content(content: FaqContent) -> dict[str, str]:
    return {"question": content.question, "phrasings": to_json(list(content.phrasings)), "answer": content.answer,
            "bases": to_json([{"kind": b.kind.value, "reference": b.reference} for b in content.bases]),
            "topics": to_json([topic.value for topic in content.topics]), **faq_index.analysed(content)}


def _insert(key: str, owner: str, status: str, revision: int, content: FaqContent, by: str, at: str, created: str,
            published: str | None, tx: Writer, counts: faq_index.TermCounts) -> None:
    row = _content(content)
    tx.execute(
        f"INSERT INTO rm_faq (entry_id, owner, reach, status, revision, changed_by, changed_at, created_at,"
        f" published_at, {', '.join(CONTENT)}) VALUES ({', '.join('?' * (9 + len(CONTENT)))})"
        " ON CONFLICT (entry_id) DO NOTHING",
        (key, owner, REACH[OfficeId(owner).tier].value, status, revision, by, at, created, published,
         *(row[column] for column in CONTENT)))
    counts.add(row, +1)
    _version(key, revision, content, by, at, tx)


def _replace(key: str, content: FaqContent, tx: Writer, counts: faq_index.TermCounts, **changes: Any) -> None:
    """A new text (and the other `changes`): the old text's terms counted out, the new one's in."""
    old = _row(key, tx)
    if old is None:
        return
    row = _content(content)
    if old["status"] != "retired":
        counts.add(old, -1)
        counts.add(row, +1)
    _update(key, tx, **row, **changes)


def _row(key: str, tx: Writer) -> dict[str, Any] | None:
    columns = ("status", "revision", *faq_index.ANALYSED, "words")
    found = tx.execute(f"SELECT {', '.join(columns)} FROM rm_faq WHERE entry_id = ?", (key,))
    return dict(zip(columns, found[0], strict=True)) if found else None


def _update(key: str, tx: Writer, **changes: Any) -> None:
    tx.execute(f"UPDATE rm_faq SET {', '.join(f'{column} = ?' for column in changes)} WHERE entry_id = ?",
               (*changes.values(), key))


def _version(key: str, revision: int, content: FaqContent, by: str, at: str, tx: Writer) -> None:
    tx.execute("INSERT INTO rm_faq_versions (entry_id, revision, question, answer, actor, at) VALUES (?, ?, ?, ?, ?, ?)"
               " ON CONFLICT (entry_id, revision) DO UPDATE SET question = excluded.question,"
               " answer = excluded.answer, actor = excluded.actor, at = excluded.at",
               (key, revision, content.question, content.answer, by, at))


def _retire(key: str, reason: str, by: str, at: str, tx: Writer, counts: faq_index.TermCounts) -> None:
    old = _row(key, tx)
    if old is None or old["status"] == "retired":
        return
    counts.add(old, -1)
    _update(key, tx, status="retired", retire_reason=reason, changed_by=by, changed_at=at)


# The office's own entries.

def _drafted(event: Any, key: str, tx: Writer, counts: faq_index.TermCounts) -> None:
    at = iso(event.timestamp)
    _insert(key, event.owner, "draft", 1, event.content, event.actor, at, at, None, tx, counts)


def _draft_edited(event: Any, key: str, tx: Writer, counts: faq_index.TermCounts) -> None:
    at = iso(event.timestamp)
    _replace(key, event.content, tx, counts, changed_by=event.actor, changed_at=at)
    revision = _row(key, tx)
    if revision is not None:
        _version(key, revision["revision"], event.content, event.actor, at, tx)


def _published(event: Any, key: str, tx: Writer, counts: faq_index.TermCounts) -> None:
    at = iso(event.timestamp)
    _update(key, tx, status="published", changed_by=event.actor, changed_at=at, published_at=at)
    tx.execute("UPDATE rm_faq_versions SET actor = ?, at = ? WHERE entry_id = ?"
               " AND revision = (SELECT revision FROM rm_faq WHERE entry_id = ?)", (event.actor, at, key, key))


def _revised(event: Any, key: str, tx: Writer, counts: faq_index.TermCounts) -> None:
    old = _row(key, tx)
    if old is None:
        return
    at = iso(event.timestamp)
    _replace(key, event.content, tx, counts, revision=old["revision"] + 1, changed_by=event.actor, changed_at=at)
    _version(key, old["revision"] + 1, event.content, event.actor, at, tx)


def _retired(event: Any, key: str, tx: Writer, counts: faq_index.TermCounts) -> None:
    _retire(key, event.reason, event.actor, iso(event.timestamp), tx, counts)


# Copies of the entries of the offices above: changed by their owner, at the time the owner changed them.

def _received(event: Any, key: str, tx: Writer, counts: faq_index.TermCounts) -> None:
    at = iso(event.changed_at)
    _insert(key, event.owner, "published", event.revision, event.content, event.owner, at,
            iso(event.timestamp), at, tx, counts)


def _updated(event: Any, key: str, tx: Writer, counts: faq_index.TermCounts) -> None:
    old = _row(key, tx)
    if old is None:
        return
    at = iso(event.changed_at)
    _replace(key, event.content, tx, counts, revision=event.revision, changed_at=at, published_at=at)
    _version(key, event.revision, event.content, _owner(key, tx), at, tx)


def _withdrawn(event: Any, key: str, tx: Writer, counts: faq_index.TermCounts) -> None:
    _retire(key, event.reason, _owner(key, tx), iso(event.changed_at), tx, counts)


def _owner(key: str, tx: Writer) -> str:
    found = tx.execute("SELECT owner FROM rm_faq WHERE entry_id = ?", (key,))
    return found[0][0] if found else ""


HANDLERS = {E.Drafted: _drafted, E.DraftEdited: _draft_edited, E.Published: _published, E.Revised: _revised,
            E.Retired: _retired, C.Received: _received, C.Updated: _updated, C.Withdrawn: _withdrawn}
