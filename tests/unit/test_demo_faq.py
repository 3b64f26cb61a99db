"""The demo FAQ Sipol of `make run` (issue 15): at least 40 entries, each a valid entry of the knowledge base; the
centre publishes them once (a second start adds nothing), the offices below publish none of their own."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from domain.faq import FaqEntry
from domain.faq_values import FaqStatus, make_content
from gateways.bootstrap import Node
from gateways.cli.demo_faq import demo_entry_id, publish_demo_faq
from gateways.config import Settings
from gateways.faq_demo import load_demo_faq
from tests.support.settings import settings_for


def test_the_demo_faq_has_forty_valid_entries_with_distinct_keys() -> None:
    entries = load_demo_faq()
    assert len(entries) >= 40
    assert len({e["key"] for e in entries}) == len(entries)
    for e in entries:  # each passes the domain's checks as typed in the form would
        make_content(e["question"], e.get("phrasings", []), e["answer"],
                     [(b["kind"], b["reference"]) for b in e.get("bases", [])], e["topics"])


def test_the_centre_publishes_the_demo_once_and_a_regency_none(
    tmp_path: Path, open_node: Callable[[Settings], Node]
) -> None:
    centre = open_node(settings_for("memory", tmp_path / "pusat", node_id="pusat"))
    count = publish_demo_faq(centre.helpdesk, centre.settings.office)
    assert count == len(load_demo_faq())
    assert publish_demo_faq(centre.helpdesk, centre.settings.office) == 0
    entry = centre.helpdesk._load(demo_entry_id(load_demo_faq()[0]["key"]))
    assert isinstance(entry, FaqEntry) and entry.status is FaqStatus.PUBLISHED and entry.owner == "pusat"
    regency = open_node(settings_for("memory", tmp_path / "kab", node_id="kab-16.13"))
    assert publish_demo_faq(regency.helpdesk, regency.settings.office) == 0
