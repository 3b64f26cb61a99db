"""Who is at the other end: the connecting address, or the client a trusted proxy names (`trusted_proxies`).

uvicorn's proxy-headers middleware does the trusting: it replaces the connecting address with the last untrusted
one of X-Forwarded-For only when the connection comes from a configured proxy; a header from anyone else is ignored.
"""

from __future__ import annotations

from typing import Any

from litestar import Request

from gateways.config import Settings


def proxy_options(settings: Settings) -> dict[str, Any]:
    """uvicorn's options for the node's trusted proxies: none trusted unless configured."""
    trusted = [part.strip() for part in settings.trusted_proxies.split(",") if part.strip()]
    return {"proxy_headers": bool(trusted), "forwarded_allow_ips": trusted or []}


def client_address(request: Request[Any, Any, Any]) -> str:
    client = request.client
    return client.host if client is not None and client.host else "unknown"
