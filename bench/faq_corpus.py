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
