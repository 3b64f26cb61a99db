"""Queries over FAQ Sipol's read model (projections/faq.py): the search the desk answers from, the lists that keep the
FAQ, one entry, its versions and the counts. What an office sees is the domain's rule (domain/faq_values.py
visible_to); the search reads a question as the index reads an entry (projections/faq_text.py)."""

from __future__ import annotations

import re
from datetime import datetime
from uuid import UUID

import msgspec

from domain.faq_values import FaqStatus, visible_to
from domain.offices import OfficeId
from projections.base import from_iso, from_json
from projections.faq import NAME
from projections.faq_index import attempts, ranked, rarity
from projections.faq_text import Vocabulary, query_terms, vocabulary
from projections.paging import Where
from projections.paging import page as page_of
from projections.runner import ReadModelRunner

_TOPIC = re.compile(r"[a-z]+")
COLUMNS = ("f.entry_id, f.revision, f.owner, f.reach, f.status, f.question, f.phrasings, f.answer, f.topics, f.bases,"
           " f.changed_by, f.changed_at")


class FaqHit(msgspec.Struct, frozen=True):
    entry_id: UUID
    revision: int
    owner: str  # office id that wrote it
    reach: str  # "national" | "regional" | "local"
    status: str  # "draft" | "published" | "retired"
    question: str
    phrasings: list[str]
    answer: str
    topics: list[str]
    bases: list[tuple[str, str]]  # (kind, reference)
    changed_by: str
    changed_at: datetime
    score: float = 0.0


class FaqVersionRow(msgspec.Struct, frozen=True):
    revision: int
    question: str
    answer: str
    actor: str
    at: datetime


class FaqQueries:
    def __init__(self, runner: ReadModelRunner, correct_typos: bool = True) -> None:
        self.runner = runner
        self.correct_typos = correct_typos  # off only to measure what the correction is worth (benchmark P8)
        # The index's vocabulary as last read, with the position of the event that last changed it.
        self._vocabulary: tuple[int, Vocabulary] | None = None

    def search(self, office_id: str, text: str, limit: int = 5, published_only: bool = True) -> list[FaqHit]:
        """The entries that best answer `text`, best first: published ones, and the office's own drafts too when
        `published_only` is False (staff keeping the FAQ); never a retired one."""
        self.runner.catch_up(NAME)
        known = self.vocabulary()
        # A term no entry holds matches nothing: it is left out of the query rather than looked for.
        found = [term for term in query_terms(text, known if self.correct_typos else None) if term in known.terms]
        if not found or limit < 1:
            return []
        where = Where("f.status = 'published'") if published_only else Where(
            "(f.status = 'published' OR (f.owner = ? AND f.status = 'draft'))", office_id)
        dialect = self.runner.store.dialect
        weights = {term: rarity(known.terms[term], known.entries) for term in found}
        for match in attempts(dialect, weights):
            statement, params = ranked(dialect, weights, match, COLUMNS, where.sql(), where.params, limit)
            hits = [hit for hit in (_hit(row[:-1], float(row[-1])) for row in self._query(statement, params))
                    if _visible(hit, office_id)]
            if len(hits) >= limit:
                break
        return hits

    def entries(self, office_id: str, status: str | None = None, topic: str | None = None, own_only: bool = False,
                page: int = 1, per_page: int = 50, received_only: bool = False) -> tuple[list[FaqHit], int]:
        """The entries the office keeps or reads, newest changed first, and how many there are: its own in every
        status; the others' published ones (and, asked for, their retired ones: a cited entry stays readable).
        `received_only`: only the offices above's ("Dari kantor atas")."""
        self.runner.catch_up(NAME)
        others = FaqStatus.RETIRED.value if status == FaqStatus.RETIRED else FaqStatus.PUBLISHED.value
        if received_only:
            where = Where("f.owner <> ? AND f.status = ?", office_id, others)
        elif own_only or status == FaqStatus.DRAFT:
            where = Where("f.owner = ?", office_id)
        else:
            where = Where("(f.owner = ? OR f.status = ?)", office_id, others)
        where.equals("f.status", None if status is None else str(status))
        if topic is not None:
            # A topic is a word of a fixed vocabulary (domain/faq_values.py Topic): anything else matches nothing.
            if _TOPIC.fullmatch(str(topic)):
                where.add("f.topics LIKE ?", f'%"{topic}"%')
            else:
                where.add("1 = 0")
        per_page = max(1, min(per_page, 500))
        rows, total = page_of(self.runner.store, COLUMNS, "rm_faq f", where, "f.changed_at DESC, f.entry_id",
                              (max(1, page) - 1) * per_page, per_page)
        return [_hit(row) for row in rows], total

    def entry(self, office_id: str, entry_id: UUID) -> FaqHit | None:
        """One entry the office may read: its own in any status, another office's published or retired."""
        self.runner.catch_up(NAME)
        rows = self._query(f"SELECT {COLUMNS} FROM rm_faq f WHERE f.entry_id = ?", (str(entry_id),))
        hit = _hit(rows[0]) if rows else None
        return hit if hit is not None and _visible(hit, office_id, retired_too=True) else None

    def versions(self, entry_id: UUID) -> list[FaqVersionRow]:
        """Every version of an entry, newest first, with who last changed it and when."""
        self.runner.catch_up(NAME)
        rows = self._query("SELECT revision, question, answer, actor, at FROM rm_faq_versions WHERE entry_id = ?"
                           " ORDER BY revision DESC", (str(entry_id),))
        return [FaqVersionRow(int(r[0]), r[1], r[2], r[3], from_iso(r[4])) for r in rows]  # type: ignore[arg-type]

    def counts(self, office_id: str) -> dict[str, int]:
        """The office's own entries by status, and "received": the published entries of the offices above."""
        self.runner.catch_up(NAME)
        counts = dict.fromkeys([status.value for status in FaqStatus], 0)
        for status, number in self._query("SELECT status, count(*) FROM rm_faq WHERE owner = ? GROUP BY status",
                                          (office_id,)):
            counts[status] = int(number)
        counts["received"] = int(self._query("SELECT count(*) FROM rm_faq WHERE owner <> ? AND status = 'published'",
                                             (office_id,))[0][0])
        return counts

    def vocabulary(self) -> Vocabulary:
        """The index's terms and words, read again only when an event changed them."""
        state = dict(self._query("SELECT name, value FROM rm_faq_state"))
        generation = int(state.get("vocabulary", 0))
        cached = self._vocabulary
        if cached is None or cached[0] != generation:
            held = vocabulary(dict(self._query("SELECT term, entries FROM rm_faq_terms")),
                              dict(self._query("SELECT word, entries FROM rm_faq_words")), int(state.get("entries", 0)))
            cached = self._vocabulary = (generation, held)
        return cached[1]

    def _query(self, statement: str, params: tuple | list = ()) -> list[tuple]:
        return self.runner.store.query(statement, params)


def _hit(row: tuple, score: float = 0.0) -> FaqHit:
    key, revision, owner, reach, status, question, phrasings, answer, topics, bases, by, at = row
    return FaqHit(UUID(key), int(revision), owner, reach, status, question, from_json(phrasings, list[str]), answer,
                  from_json(topics, list[str]), [(b["kind"], b["reference"]) for b in from_json(bases, list[dict])],
                  by, from_iso(at), score)  # type: ignore[arg-type]


def _visible(hit: FaqHit, office_id: str, retired_too: bool = False) -> bool:
    """The domain's rule; a retired entry of another office is read as it was published when `retired_too`."""
    status = FaqStatus(hit.status)
    if retired_too and status is FaqStatus.RETIRED:
        status = FaqStatus.PUBLISHED
    return visible_to(OfficeId(hit.owner), status, OfficeId(office_id))
