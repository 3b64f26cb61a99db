"""One benchmark run: its unique tag, servers, scratch folder, and what must be cleaned up afterwards."""

from __future__ import annotations

import asyncio
import os
import secrets
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import nats
import psycopg
from psycopg import sql

from gateways.persistence import connect_postgres

POSTGRES_URL = os.environ.get("BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")
NATS_URL = os.environ.get("BENCH_NATS_URL", "nats://127.0.0.1:4222")


@dataclass
class Run:
    """Names everything a run creates after `tag` (`hdb` + random hex), so runs never meet and cleanup is exact."""

    quick: bool
    drain_count: int | None = None  # P4: escalations queued during the outage (default 10,000; 1,000 with quick)
    mail_count: int | None = None  # P7: mails in the INBOX the node reads (default 5,000; 500 with quick)
    flat_sizes: tuple[int, ...] | None = None  # P9: events in the log (default 10k, 100k, 1M; quick 10k, 30k, 100k)
    postgres_url: str = POSTGRES_URL
    nats_url: str = NATS_URL
    tag: str = field(default_factory=lambda: f"hdb{secrets.token_hex(3)}")
    scratch: Path = field(default_factory=lambda: Path(tempfile.mkdtemp(prefix="helpdesk-bench-")))
    schemas: list[str] = field(default_factory=list)
    nats_prefixes: list[str] = field(default_factory=list)

    def schema(self, name: str) -> str:
        """A PostgreSQL schema of this run (created by whoever uses it, dropped by `cleanup`)."""
        schema = f"{self.tag}_{name}"
        self.schemas.append(schema)
        return schema

    def nats_prefix(self, name: str) -> str:
        """A subject prefix of this run; its streams are named `<PREFIX>_…` and deleted by `cleanup`."""
        prefix = f"{self.tag}{name}"
        self.nats_prefixes.append(prefix)
        return prefix

    def folder(self, name: str) -> Path:
        path = self.scratch / name
        path.mkdir(parents=True, exist_ok=True)
        return path

    def pg(self, autocommit: bool = True) -> psycopg.Connection:
        connection = connect_postgres(self.postgres_url)
        connection.autocommit = autocommit
        return connection

    def cleanup(self) -> list[str]:
        """Drops this run's schemas and streams and its scratch folder; returns what could not be removed."""
        problems: list[str] = []
        try:
            with self.pg() as connection:
                for schema in self.schemas:
                    connection.execute(sql.SQL("DROP SCHEMA IF EXISTS {} CASCADE").format(sql.Identifier(schema)))
        except Exception as error:  # noqa: BLE001 - cleanup reports, never hides the results
            problems.append(f"PostgreSQL schemas {self.schemas}: {error!r}")
        try:
            if self.nats_prefixes:
                asyncio.run(_delete_streams(self.nats_url, [p.upper() + "_" for p in self.nats_prefixes]))
        except Exception as error:  # noqa: BLE001
            problems.append(f"NATS streams {self.nats_prefixes}: {error!r}")
        shutil.rmtree(self.scratch, ignore_errors=True)
        return problems


async def _delete_streams(url: str, name_prefixes: list[str]) -> None:
    if not name_prefixes:
        return
    client = await nats.connect(url, connect_timeout=3, max_reconnect_attempts=1)
    try:
        js = client.jetstream()
        for name in await js.streams_info():
            if any(name.config.name.startswith(p) for p in name_prefixes):
                await js.delete_stream(name.config.name)
    finally:
        await client.close()
