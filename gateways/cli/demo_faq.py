"""The demo FAQ Sipol of `make run` (issue 15): the centre's node publishes the entries of gateways/data/faq_demo.json
as its own, so they reach the province and, passed on, the regency over NATS like any entry the centre publishes.

Each entry's id follows from its key, so starting the demo again adds only what is missing."""

from __future__ import annotations

from uuid import NAMESPACE_URL, UUID, uuid5

from domain.offices import OfficeId, Tier
from domain.roles import Role
from domain.views import UserView
from gateways.faq_demo import load_demo_faq
from services.faq import FaqInput
from services.helpdesk import Helpdesk

EDITOR = "koordinator"  # the demo account of that role (gateways/cli/local.py), named as the entries' author


def demo_entry_id(key: str) -> UUID:
    return uuid5(NAMESPACE_URL, f"helpdesk-sipol:demo-faq:{key}")


def publish_demo_faq(helpdesk: Helpdesk, office: OfficeId) -> int:
    """At the centre, drafts and publishes each demo entry not there yet; the number published. Elsewhere nothing:
    the offices below receive the centre's."""
    if office.tier is not Tier.PUSAT:
        return 0
    editor = UserView(uuid5(NAMESPACE_URL, f"helpdesk-sipol:demo-faq-editor:{office.value}"), EDITOR,
                      "Koordinator (demo)", Role.KOORDINATOR, office.value, True)
    published = 0
    for item in load_demo_faq():
        entry_id = demo_entry_id(item["key"])
        if entry_id in helpdesk.repository:
            continue
        given = FaqInput(question=item["question"], answer=item["answer"], topics=list(item["topics"]),
                         phrasings=list(item.get("phrasings", [])),
                         bases=[(b["kind"], b["reference"]) for b in item.get("bases", [])])
        helpdesk.draft_faq(editor, given, entry_id)
        helpdesk.publish_faq(editor, entry_id)
        published += 1
    return published
