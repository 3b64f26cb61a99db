"""One node's settings on a test backend (memory, SQLite or a PostgreSQL schema no other test uses)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from gateways.config import Settings, load_settings
from tests.support.schemas import drop_schema

NODE_ID = "kab-16.13"


def settings_for(backend: str, data_dir: Path, postgres_url: str | None = None, node_id: str = NODE_ID) -> Settings:
    """The settings of one node (kab-16.13 unless told) on `backend`; PostgreSQL gets a schema no other test
    uses."""
    database = {"memory": "memory", "sqlite": "sqlite"}.get(backend)
    if backend == "postgres":
        if postgres_url is None:
            raise ValueError("the postgres backend needs a server URL")
        database = postgres_url
    if database is None:
        raise ValueError(f"unknown backend {backend!r}")
    return load_settings(
        {},
        node_id=node_id,
        database=database,
        data_dir=str(data_dir),
        postgres_schema=f"t_{uuid.uuid4().hex[:12]}",
        nats_url="",  # HTTP and service tests run without messaging; the NATS tests set their own
    )


def settings_per_param(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Settings]:
    """For a fixture parametrized by backend: the node's settings on `request.param` (only the postgres case asks
    for the server), its PostgreSQL schema dropped afterwards."""
    url = request.getfixturevalue("postgres_url") if request.param == "postgres" else None
    settings = settings_for(request.param, tmp_path / "node", url)
    yield settings
    if settings.backend == "postgresql":
        drop_schema(settings)
