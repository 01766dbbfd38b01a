"""A local stand-in of Twilio's Messages API, for tests and `wegwijs bench-sms`.

It records what would have been sent (To, From, Body) and answers like
Twilio (201 with a message sid), or with the errors a test asks for, so the
official `twilio` client can be pointed at it with TWILIO_API_BASE_URL.
"""

from __future__ import annotations

import base64
import json
import re
import threading
import time
import uuid
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs

ACCOUNT_SID = "AC" + "0" * 31 + "1"
AUTH_TOKEN = "test-auth-token-" + "7" * 16
FROM_NUMBER = "+3215000000"
_MESSAGES = re.compile(r"^/2010-04-01/Accounts/(AC[0-9a-f]{32})/Messages\.json$")


class TwilioStandIn:
    """Records POST /2010-04-01/Accounts/{sid}/Messages.json and answers like Twilio.

    `fail(number, (status, code), ...)` makes the next requests to that
    number fail with those answers first (429, 500, 21610 ...).
    """

    def __init__(self, account_sid: str = ACCOUNT_SID, auth_token: str = AUTH_TOKEN) -> None:
        self.account_sid, self.auth_token = account_sid, auth_token
        self.messages: list[dict[str, str]] = []
        self.requests = 0
        self._failures: dict[str, list[tuple[int, int]]] = {}
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.05,), daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def start(self) -> "TwilioStandIn":
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def fail(self, number: str, *answers: tuple[int, int]) -> None:
        with self._lock:
            self._failures.setdefault(number, []).extend(answers)

    def to(self, number: str) -> list[str]:
        with self._lock:
            return [m["Body"] for m in self.messages if m.get("To") == number]

    def wait_for(self, number: str, count: int = 1, timeout: float = 60.0, settle: float = 0.0) -> list[str]:
        """The bodies sent to `number` once there are `count`, after `settle` more seconds."""
        deadline = time.monotonic() + timeout
        while len(self.to(number)) < count and time.monotonic() < deadline:
            time.sleep(0.05)
        time.sleep(settle)
        return self.to(number)

    def _handler(self):
        stand_in = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args) -> None:  # quiet
                pass

            def _answer(self, status: int, payload: dict) -> None:
                data = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_POST(self) -> None:  # noqa: N802
                match = _MESSAGES.match(self.path)
                length = int(self.headers.get("Content-Length") or 0)
                form = {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode(), keep_blank_values=True).items()}
                expected = "Basic " + base64.b64encode(f"{stand_in.account_sid}:{stand_in.auth_token}".encode()).decode()
                with stand_in._lock:
                    stand_in.requests += 1
                    pending = stand_in._failures.get(form.get("To", ""), [])
                    failure = pending.pop(0) if pending else None
                if not match or match.group(1) != stand_in.account_sid:
                    return self._answer(404, {"code": 20404, "message": "not found", "status": 404})
                if self.headers.get("Authorization") != expected:
                    return self._answer(401, {"code": 20003, "message": "Authenticate", "status": 401})
                if failure:
                    status, code = failure
                    return self._answer(status, {"code": code, "message": "refused", "status": status})
                if not form.get("Body") or len(form["Body"]) > 1600:
                    return self._answer(400, {"code": 21617, "message": "body length", "status": 400})
                with stand_in._lock:
                    stand_in.messages.append(form)
                sid = "SM" + uuid.uuid4().hex
                now = formatdate(usegmt=True)
                self._answer(201, {
                    "sid": sid, "account_sid": stand_in.account_sid, "to": form.get("To"),
                    "from": form.get("From"), "messaging_service_sid": form.get("MessagingServiceSid"),
                    "body": form["Body"], "status": "queued", "num_segments": "1", "num_media": "0",
                    "direction": "outbound-api", "api_version": "2010-04-01", "price": None,
                    "error_code": None, "error_message": None, "date_created": now, "date_updated": now,
                    "date_sent": None, "uri": f"/2010-04-01/Accounts/{stand_in.account_sid}/Messages/{sid}.json",
                })

        return Handler
