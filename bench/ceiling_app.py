"""The HTTP ceiling for P1: a trivial Litestar POST endpoint, served by uvicorn exactly as `helpdesk serve` serves a
node (as many worker processes, the same uvicorn options, access log at level info), answering with a body of the
node's size.

    python -m bench.ceiling_app --port 8123 --body-bytes 1500 [--workers 2]
"""

from __future__ import annotations

import argparse
import os
from typing import Any

import uvicorn
from litestar import Litestar, get, post

from gateways.cli.serve import run_processes
from gateways.logs import configure_logging


def create_app(body_bytes: int) -> Litestar:
    filler = "x" * max(0, body_bytes - 40)

    @post("/echo", sync_to_thread=False)
    def echo(data: dict[str, Any]) -> dict[str, Any]:
        return {"status": "ok", "received": len(data), "filler": filler}

    @get("/health", sync_to_thread=False)
    def health() -> dict[str, str]:
        return {"status": "ok"}

    return Litestar(route_handlers=[echo, health], debug=False)


def app_of_process() -> Litestar:
    """Each worker process's app (uvicorn's factory with --workers N), its body size from the environment."""
    configure_logging("info")
    return create_app(int(os.environ[BODY_BYTES]))


BODY_BYTES = "BENCH_CEILING_BODY_BYTES"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--body-bytes", type=int, default=1500)
    parser.add_argument("--workers", type=int, default=1)
    args = parser.parse_args()
    configure_logging("info")
    options: dict[str, Any] = dict(host="127.0.0.1", port=args.port, log_level="info", proxy_headers=False,
                                   server_header=False)
    # The same calls as gateways/cli/serve.py: the app itself for one process, a factory for several.
    if args.workers == 1:
        uvicorn.run(create_app(args.body_bytes), **options)
    else:
        os.environ[BODY_BYTES] = str(args.body_bytes)
        run_processes("bench.ceiling_app:app_of_process", args.workers, **options)


if __name__ == "__main__":
    main()
