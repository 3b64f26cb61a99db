"""The HTTP ceiling for P1: a trivial Litestar POST endpoint, served by uvicorn exactly as `helpdesk serve` serves a
node (one worker, the same uvicorn options, access log at level info), answering with a body of the node's size.

    python -m bench.ceiling_app --port 8123 --body-bytes 1500
"""

from __future__ import annotations

import argparse
from typing import Any

import uvicorn
from litestar import Litestar, get, post

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


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--body-bytes", type=int, default=1500)
    args = parser.parse_args()
    configure_logging("info")
    # The same call as gateways.cli.main.serve.
    uvicorn.run(create_app(args.body_bytes), host="127.0.0.1", port=args.port, log_level="info", proxy_headers=False,
                server_header=False)


if __name__ == "__main__":
    main()
