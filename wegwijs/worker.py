"""`wegwijs worker`: the follow-up worker as a process (logic in bot.followup).

Sends reminders and "did you get help?" SMS, resends replies Twilio did not
take, and delivers handovers to organisations' webhooks, every 30 s, until
SIGTERM / SIGINT (it finishes the message at hand first). Several workers may
run at once: each message is claimed by one.

Health for `wegwijs run` and orchestrators: GET http://127.0.0.1:<port>/health
is 200 while cycles complete and 503 before the first one or when they stop
completing (the database is away). The port is WEGWIJS_WORKER_PORT (default
8001); WEGWIJS_WORKER_HOST (default 127.0.0.1) opens it to a probe elsewhere.
"""

from __future__ import annotations

import json
import logging
import os
import signal
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Optional

from bot.followup.worker import Worker, build_worker
from bot.settings import Settings, SettingsError
from bot.sms.settings import SmsSettings

DEFAULT_PORT = 8001


class HealthServer:
    """GET /health: 200 {"status": "ok"} while the worker's cycles complete, else 503."""

    def __init__(self, worker: Worker, host: str, port: int) -> None:
        self._server = ThreadingHTTPServer((host, port), self._handler(worker))
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.2,), daemon=True)

    @property
    def port(self) -> int:
        return self._server.server_address[1]

    def start(self) -> "HealthServer":
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    @staticmethod
    def _handler(worker: Worker):
        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args) -> None:  # probes every few seconds: not worth a log line
                pass

            def do_GET(self) -> None:  # noqa: N802
                if self.path.rstrip("/") != "/health":
                    self.send_error(404)
                    return
                healthy = worker.healthy()
                last = worker.last_cycle_at.isoformat() if worker.last_cycle_at else None
                body = json.dumps({"status": "ok" if healthy else "starting or stuck", "last_cycle_at": last,
                                   "sends_sms": worker.sends_sms}).encode()
                self.send_response(200 if healthy else 503)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        return Handler


def main(interval: Optional[float] = None) -> int:
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s", stream=sys.stdout)
    logging.getLogger("twilio.http_client").setLevel(logging.WARNING)
    logging.getLogger("httpx").setLevel(logging.WARNING)
    try:
        settings = Settings.from_env()
        sms = SmsSettings.from_env()
        port = int(os.environ.get("WEGWIJS_WORKER_PORT", DEFAULT_PORT))
    except (SettingsError, ValueError) as error:
        print(f"wegwijs worker: {error}", file=sys.stderr)
        return 2
    worker = build_worker(settings, sms, **({"interval": interval} if interval else {}))
    host = os.environ.get("WEGWIJS_WORKER_HOST", "127.0.0.1")
    health = HealthServer(worker, host, port).start()
    stop = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, lambda *_: stop.set())
    logging.getLogger(__name__).info("worker: health on http://%s:%d/health", host, health.port)
    try:
        worker.run(stop)
    finally:
        health.stop()
    return 0
