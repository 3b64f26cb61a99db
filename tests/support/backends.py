"""Nodes of several offices on one backend, built with the test's clock and hasher and all closed at the end."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from gateways.bootstrap import Node, build_node
from tests.support.schemas import drop_schema
from tests.support.settings import settings_for


@contextmanager
def offices_on(backend: str, data_dir: Path, postgres_url: str | None, clock: Callable[[], Any], hasher: Any
               ) -> Iterator[Callable[[str], Node]]:
    """Yields `open_office(node_id)`, which builds that office's node on `backend` (its data in `data_dir/node_id`);
    every node opened is closed, and its PostgreSQL schemas dropped, when the block ends."""
    nodes: list[Node] = []

    def open_office(node_id: str) -> Node:
        settings = settings_for(backend, data_dir / node_id, postgres_url, node_id=node_id)
        nodes.append(build_node(settings, clock=clock, hasher=hasher))
        return nodes[-1]

    try:
        yield open_office
    finally:
        for node in nodes:
            node.close()
            if node.settings.backend == "postgresql":
                drop_schema(node.settings)
