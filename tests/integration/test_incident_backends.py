"""Special incidents on SQLite and PostgreSQL too (the unit tests run the story on the memory node): the same story
of report, receive, pass and close read back from the read store, only the backend changes."""

from __future__ import annotations

from gateways.bootstrap import Node
from tests.unit.test_incidents import incident_story


def test_an_incident_goes_up_the_chain_on_every_backend(node: Node) -> None:
    incident_story(node)
