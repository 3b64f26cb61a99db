"""The groups' register and a clip's story on SQLite and PostgreSQL too (the unit tests run them on the memory node):
the same scenarios, only the backend changes."""

from __future__ import annotations

from gateways.bootstrap import Node
from tests.unit.test_clip import test_a_clip_opens_a_messaging_consultation_once_with_the_groups_party as clip_story
from tests.unit.test_groups import test_the_register_is_kept_by_a_coordinator_sealed_and_listed_masked as register_story


def test_the_register_is_kept_sealed_and_listed_masked_on_every_backend(node: Node) -> None:
    register_story(node)


def test_a_clip_opens_one_consultation_on_every_backend(node: Node) -> None:
    clip_story(node)
