"""The demo FAQ Sipol that `helpdesk local` offers (issue 15): entries written from the common SIPOL problems
(gateways/data/faq_demo.json), each with a stable `key` that the search's labelled questions name
(tests/data/faq_questions.json)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from domain.faq_values import FaqContent, make_content

DEMO_FAQ = Path(__file__).parent / "data" / "faq_demo.json"


def load_demo_faq() -> list[dict[str, Any]]:
    """Each entry: key, question, phrasings, answer, bases ([{kind, reference}]), topics."""
    return json.loads(DEMO_FAQ.read_text(encoding="utf-8"))


def demo_content(entry: dict[str, Any]) -> FaqContent:
    """A demo entry as the domain checks an entry's content."""
    return make_content(entry["question"], entry["phrasings"], entry["answer"],
                        [(basis["kind"], basis["reference"]) for basis in entry["bases"]], entry["topics"])
