"""A stand-in for api.telegram.org and graph.facebook.com (which tests cannot reach): a local HTTP server in a thread
that records each request in the documented formats and answers as the documentation says.

- Telegram: POST /bot<token>/sendMessage with a JSON body → {"ok": true, "result": <Message>}; a wrong token → 401
  {"ok": false, "error_code": 401, "description": "Unauthorized"}.
- WhatsApp Cloud API: POST /<version>/<phone_number_id>/messages with "Authorization: Bearer <token>" →
  {"messaging_product": "whatsapp", "contacts": [{"input", "wa_id"}], "messages": [{"id": "wamid.…"}]}; a wrong
  token → 401.

`refuse(n)` makes the next n requests fail with 502 (an outage), recorded all the same.
"""

from __future__ import annotations

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

            def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - quiet
                return

        return Handler
