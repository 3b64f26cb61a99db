"""Starting `helpdesk local` (what `make run` runs) from tests: free ports and the command."""

from __future__ import annotations

import os
import random
import socket
import sys
import sysconfig


def free_port_range(count: int = 3) -> int:
    """A base port with `count` free ports after it, chosen at random so parallel runs rarely collide."""
    for _ in range(200):
        base = random.randint(20_000, 60_000)
        sockets = []
        try:
            for port in range(base, base + count):
                probe = socket.socket()
                sockets.append(probe)
                probe.bind(("127.0.0.1", port))
            return base
        except OSError:
            continue
        finally:
            for probe in sockets:
                probe.close()
    raise RuntimeError("no free port range")


def helpdesk_command() -> list[str]:
    """The installed console script, as `make run` calls it; the module when the script is not there."""
    script = os.path.join(sysconfig.get_path("scripts"), "helpdesk")
    return [script] if os.access(script, os.X_OK) else [sys.executable, "-m", "gateways.cli.main"]
