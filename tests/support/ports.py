"""Free TCP ports on 127.0.0.1 for the nodes and servers tests and benchmarks start."""

from __future__ import annotations

import random
import socket

from gateways.natsserver import ephemeral_port_range, free_port

__all__ = ["free_port", "free_port_range"]


def free_port_range(count: int = 3) -> int:
    """A base port with `count` free ports after it, chosen at random so parallel runs rarely collide."""
    for _ in range(200):
        low, _ = ephemeral_port_range()
        base = random.randint(10_000, max(low, 12_000) - count - 1)
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
