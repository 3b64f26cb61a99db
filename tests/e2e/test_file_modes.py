"""What the `helpdesk` command creates holds personal data (events, read models, keys, uploads): its owner's only.

The security review found the SQLite files and data folders made by `make run` at 0644/0755 (issue 12): anyone on
the office's machine could read every consultee's name and number. The command now sets its own umask.
"""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_a_node_made_by_the_command_keeps_its_files_and_folders_to_its_owner(tmp_path: Path) -> None:
    data = tmp_path / "node"
    env = {**os.environ, "HELPDESK_NODE_ID": "kab-16.13", "HELPDESK_DATABASE": "sqlite",
           "HELPDESK_DATA_DIR": str(data), "HELPDESK_NATS_URL": ""}
    # Run with the loosest umask a shell may have: the command must not depend on it.
    made = subprocess.run(
        [sys.executable, "-c", "import os, sys; os.umask(0); from gateways.cli.main import main; sys.exit(main())",
         "user", "add", "--username", "ketua", "--full-name", "Ketua Helpdesk", "--role", "ketua_helpdesk",
         "--password", "teh-manis-sore-hari"],
        cwd=ROOT, env=env, text=True, capture_output=True, timeout=120, check=False,
    )
    assert made.returncode == 0, made.stderr

    found = [data, *data.rglob("*")]
    files = [p for p in found if p.is_file()]
    assert {p.name for p in files} >= {"helpdesk.sqlite", "projections.sqlite", "audit-ed25519.key", "secret.key"}
    loose = {str(p.relative_to(tmp_path)): oct(stat.S_IMODE(p.stat().st_mode)) for p in found
             if stat.S_IMODE(p.stat().st_mode) & 0o077}
    assert not loose, f"readable by others: {loose}"
