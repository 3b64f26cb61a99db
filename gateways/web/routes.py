"""Every page handler of the web app, its public paths, and the vendored static files."""

from __future__ import annotations

from pathlib import Path

from litestar.static_files import create_static_files_router

from gateways.web.pages import SessionPages

STATIC = Path(__file__).parent / "static"
PUBLIC_PAGES = ["^/masuk$", "^/static/", "^/bahasa/"]

WEB_HANDLERS = [
    SessionPages,
    create_static_files_router(path="/static", directories=[STATIC], include_in_schema=False),
]
