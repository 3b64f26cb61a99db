"""Offices as they run in production: `helpdesk serve` processes (HTTP, projections, NATS link) that a fault run
starts, SIGKILLs and restarts — or, in worker mode, `helpdesk serve --workers N` beside `helpdesk worker`, killed a
process at a time; their accounts, and their own CLI (`helpdesk audit verify`)."""

from __future__ import annotations

import subprocess
from pathlib import Path

from tests.faults.stream import PASSWORD
from tests.support.keys import signing_settings
from tests.support.served import HELPDESK, ServedNode, add_user
from tests.support.split_node import SplitNode

CHILDREN = {"kab-16.13": "", "prov-16": "kab-16.13", "pusat": "prov-16"}
# Upper bounds only: a start ends as soon as /health answers 200 (and fails at once if the process exits); a node
# restarted on a busy machine after a SIGKILL, or on a PostgreSQL still recovering, can take minutes to get there.
CLI_BOUND = 600


class FaultOffice(ServedNode):
    """One office's node process. Its settings are HELPDESK_* variables, as deploy/ sets them."""

    def __init__(self, node_id: str, folder: Path, database: str, nats_url: str, prefix: str, schema: str,
                 separate_domains: bool = False, audit_keys_file: Path | None = None,
                 nkey_seed_file: Path | None = None) -> None:
        self.node_id = node_id
        self.values = {
            "node_id": node_id, "database": database, "postgres_schema": schema, "data_dir": str(folder / node_id),
            "nats_url": nats_url, "nats_prefix": prefix, "child_nodes": CHILDREN[node_id],
            "nats_separate_domains": "true" if separate_domains else "false", "log_level": "info",
        }
        if audit_keys_file is None:
            # The offices sign their messages: each knows the others' public keys, as configuration tells them.
            self.values.update(signing_settings(folder / "keys", node_id, CHILDREN))
        else:
            self.values["audit_keys_file"] = str(audit_keys_file)
        if nkey_seed_file is not None:  # the office's own NATS server takes only its node's nkey (deploy/nats)
            self.values["nats_nkey_seed_file"] = str(nkey_seed_file)
        super().__init__(self.values, folder, f"{node_id}.log")

    def add_accounts(self) -> None:
        add_user(self.served, "desk", "anggota_helpdesk", PASSWORD)
        add_user(self.served, "commissioner", "anggota_kpu", PASSWORD)

    def helpdesk(self, *args: str, timeout: float = CLI_BOUND) -> subprocess.CompletedProcess[str]:
        """The office's own CLI with its settings (the node may be running)."""
        return subprocess.run([str(HELPDESK), *args], env=self.served.env, cwd=self.served.cwd, text=True,
                              capture_output=True, timeout=timeout)

    def log_tail(self, chars: int = 3000) -> str:
        log = self.served.log
        return log.read_text(errors="replace")[-chars:] if log.exists() else ""


class SplitOffice(FaultOffice, SplitNode):
    """One office's node in worker mode (PostgreSQL): `workers` HTTP processes under uvicorn's supervisor and one
    worker, each SIGKILLed apart (SplitNode.kill_worker, kill_http_process)."""

    def __init__(self, *args: object, workers: int = 2, **options: object) -> None:
        super().__init__(*args, **options)  # type: ignore[arg-type]
        self.workers = workers
        self.served.command = [str(HELPDESK), "serve", "--workers", str(workers)]
