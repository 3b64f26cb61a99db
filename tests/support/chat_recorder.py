"""A stand-in for api.telegram.org and graph.facebook.com (which tests cannot reach): a local HTTP server in a thread
that records each request in the documented formats and answers as the documentation says.

- Telegram: POST /bot<token>/sendMessage with a JSON body → {"ok": true, "result": <Message>}; a wrong token → 401
  {"ok": false, "error_code": 401, "description": "Unauthorized"}.
- WhatsApp Cloud API: POST /<version>/<phone_number_id>/messages with "Authorization: Bearer <token>" →
  {"messaging_product": "whatsapp", "contacts": [{"input", "wa_id"}], "messages": [{"id": "wamid.…"}]}; a wrong
  token → 401.

- Telegram files: POST /bot<token>/getFile {"file_id"} → {"ok": true, "result": {"file_id", "file_unique_id",
  "file_size", "file_path"}} (an unknown id → 400 "Bad Request: invalid file_id"); GET /file/bot<token>/<file_path>
  → the bytes.
- WhatsApp media: GET /<version>/<media-id> with the bearer token → {"messaging_product", "url", "mime_type",
  "sha256", "file_size", "id"}; GET <url> with the bearer token → the bytes (without it → 401).

`serve_telegram_file` / `serve_whatsapp_media` put a file there; `refuse(n)` makes the next n requests fail with 502
(an outage), recorded all the same.
"""

from __future__ import annotations

import hashlib
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import msgspec


class Recorded(msgspec.Struct, frozen=True):
    path: str
    headers: dict[str, str]
    body: dict[str, Any]
    status: int


class ChatRecorder:
    def __init__(self, telegram_token: str, whatsapp_token: str, phone_number_id: str) -> None:
        self.telegram_token, self.whatsapp_token, self.phone_number_id = telegram_token, whatsapp_token, phone_number_id
        self.requests: list[Recorded] = []
        self._refusals = 0
        self.telegram_files: dict[str, tuple[bytes, int]] = {}  # file_id → (bytes, the file_size getFile declares)
        self.whatsapp_files: dict[str, tuple[bytes, str, int]] = {}  # media id → (bytes, mime_type, file_size)
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._thread = threading.Thread(target=self._server.serve_forever, name="chat-recorder", daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def start(self) -> ChatRecorder:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=10)

    def refuse(self, count: int) -> None:
        with self._lock:
            self._refusals = count

    def serve_telegram_file(self, file_id: str, data: bytes, file_size: int | None = None) -> None:
        self.telegram_files[file_id] = (data, len(data) if file_size is None else file_size)

    def serve_whatsapp_media(self, media_id: str, data: bytes, mime_type: str, file_size: int | None = None) -> None:
        self.whatsapp_files[media_id] = (data, mime_type, len(data) if file_size is None else file_size)

    def downloads(self) -> list[Recorded]:
        """The files handed out (a Telegram file download, a WhatsApp media URL fetched), answered 200."""
        with self._lock:
            return [r for r in self.requests if r.status == 200 and r.path.startswith(("/file/", "/wa-media/"))]

    def sent(self, suffix: str) -> list[Recorded]:
        """The requests answered 200 whose path ends with `suffix` ("sendMessage", "messages")."""
        with self._lock:
            return [r for r in self.requests if r.path.endswith(suffix) and r.status == 200]

    def _answer(self, path: str, headers: dict[str, str], body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        with self._lock:
            if self._refusals > 0:
                self._refusals -= 1
                return 502, {"ok": False, "error_code": 502, "description": "Bad Gateway"}
            count = len([r for r in self.requests if r.status == 200]) + 1
        if path == f"/bot{self.telegram_token}/getFile":
            found = self.telegram_files.get(body.get("file_id", ""))
            if found is None:
                return 400, {"ok": False, "error_code": 400, "description": "Bad Request: invalid file_id"}
            return 200, {"ok": True, "result": {"file_id": body["file_id"], "file_unique_id": body["file_id"][-8:],
                                                "file_size": found[1], "file_path": f"documents/{body['file_id']}"}}
        if path.startswith("/bot") and path.endswith("/sendMessage"):
            if path != f"/bot{self.telegram_token}/sendMessage":
                return 401, {"ok": False, "error_code": 401, "description": "Unauthorized"}
            chat = {"id": body["chat_id"], "type": "supergroup"}
            return 200, {"ok": True, "result": {"message_id": 9000 + count, "date": 1, "chat": chat,
                                                "text": body.get("text", "")}}
        if path.endswith(f"/{self.phone_number_id}/messages"):
            if headers.get("authorization") != f"Bearer {self.whatsapp_token}":
                return 401, {"error": {"message": "Invalid OAuth access token.", "type": "OAuthException",
                                       "code": 190}}
            return 200, {"messaging_product": "whatsapp", "contacts": [{"input": body["to"], "wa_id": body["to"]}],
                         "messages": [{"id": f"wamid.SENT{count:04d}"}]}
        return 404, {"ok": False, "error_code": 404, "description": "Not Found"}

    def _get(self, path: str, headers: dict[str, str]) -> tuple[int, bytes, str]:
        with self._lock:
            if self._refusals > 0:
                self._refusals -= 1
                return 502, b"Bad Gateway", "text/plain"
        bearer = headers.get("authorization") == f"Bearer {self.whatsapp_token}"
        prefix = f"/file/bot{self.telegram_token}/documents/"
        if path.startswith(prefix) and path[len(prefix):] in self.telegram_files:
            return 200, self.telegram_files[path[len(prefix):]][0], "application/octet-stream"
        media_id = path.split("?")[0].rsplit("/", 1)[-1]
        if path.startswith("/wa-media/") and media_id in self.whatsapp_files:
            data, mime_type, _ = self.whatsapp_files[media_id]
            return (200, data, mime_type) if bearer else (401, b"", "text/plain")
        if path.count("/") == 2 and media_id in self.whatsapp_files:  # /<version>/<media-id>
            if not bearer:
                return 401, json.dumps({"error": {"message": "Invalid OAuth access token.", "code": 190}}).encode(), (
                    "application/json")
            data, mime_type, size = self.whatsapp_files[media_id]
            answer = {"messaging_product": "whatsapp", "url": f"{self.url}/wa-media/{media_id}?ext=1&hash=uji",
                      "mime_type": mime_type, "sha256": hashlib.sha256(data).hexdigest(), "file_size": size,
                      "id": media_id}
            return 200, json.dumps(answer).encode(), "application/json"
        return 404, json.dumps({"ok": False, "error_code": 404, "description": "Not Found"}).encode(), (
            "application/json")

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        recorder = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - http.server's name
                raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                headers = {k.lower(): v for k, v in self.headers.items()}
                try:
                    body = json.loads(raw or b"{}")
                except ValueError:
                    body = {"_unparsed": raw.decode("latin-1")}
                status, answer = recorder._answer(self.path, headers, body)
                with recorder._lock:
                    recorder.requests.append(Recorded(self.path, headers, body, status))
                data = json.dumps(answer).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self) -> None:  # noqa: N802 - http.server's name
                headers = {k.lower(): v for k, v in self.headers.items()}
                status, data, content_type = recorder._get(self.path, headers)
                with recorder._lock:
                    recorder.requests.append(Recorded(self.path, headers, {}, status))
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - quiet
                return

        return Handler
