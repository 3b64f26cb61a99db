"""The staff web app: server-rendered pages (Litestar, Jinja2, vendored htmx), Bahasa Indonesia first."""
