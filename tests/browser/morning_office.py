"""One regency office for the browser's morning (tests/browser/test_morning.py): a node built in this process with the
test's fake clock, its staff registered, its app served by uvicorn on a free 127.0.0.1 port in a background thread.
`helpdesk local` runs on the machine's clock; a day of the roster and the 08.00/17.00 reports needs the test's."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import NamedTuple

import httpx
import uvicorn

from domain.roles import Role
from gateways.app import create_app
from gateways.bootstrap import Node
from tests.support.ports import free_port
from tests.support.waiting import wait_until

PASSWORD = "piket-pagi-selayar-2024"  # every account of the morning (the password policy's length, not common)
STARTUP_STALL = 60.0  # uvicorn up and /health answering: seconds, rarely more; a stall this long is a failure


class Staff(NamedTuple):
    username: str
    full_name: str
    role: Role


# The Koordinator Harian who runs the day, the desk member at the front desk, the reporter on duty for the SIPOL
# monitoring reports and the commissioner they report to.
KEEPER = Staff("hana.harian", "Hana Harian", Role.KOORDINATOR_HARIAN)
DESK = Staff("ani.meja", "Ani Lestari", Role.ANGGOTA_HELPDESK)
REPORTER = Staff("rudi.pantau", "Rudi Pratama", Role.ANGGOTA_HELPDESK)
COMMISSIONER = Staff("yusuf.kpu", "Yusuf Mappiasse", Role.ANGGOTA_KPU)
TEAM = (KEEPER, DESK, REPORTER, COMMISSIONER)


def register_team(node: Node) -> dict[str, str]:
    """The office's accounts, made as the CLI makes them; {username: account id}."""
    return {s.username: str(node.accounts.register_user(s.username, s.full_name, s.role, node.office.value, PASSWORD,
                                                        "cli")) for s in TEAM}


@contextmanager
def served(node: Node) -> Iterator[str]:
    """The node's web app under uvicorn until the block ends; yields its base URL once /health answers 200."""
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(create_app(node), host="127.0.0.1", port=port, log_level="warning",
                                           lifespan="on"))
    thread = threading.Thread(target=server.run, name="morning-uvicorn", daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{port}"
    try:
        with httpx.Client(base_url=base, timeout=5) as client:

            def healthy() -> bool:
                assert thread.is_alive(), "uvicorn stopped before /health answered (see the log above)"
                try:
                    return client.get("/health").status_code == 200
                except httpx.TransportError:
                    return False

            # Progress: the server's own steps (lifespan started, socket bound) restart the stall window.
            wait_until(healthy, what=f"/health answering 200 on {base}", progress=lambda: server.started,
                       stall=STARTUP_STALL, poll=0.1)
        yield base
    finally:
        server.should_exit = True
        thread.join(timeout=60)
