"""Push delivery of new handovers to an organisation's webhook, with a real
local receiver that is unreachable, then failing, then recovers."""

import json
import socket
import threading
from datetime import datetime, timedelta, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from cryptography.fernet import Fernet
from sqlalchemy import select

from bot.referral import ConsentGiven, Deliveries, FieldCipher, Referrals, WebhookError, consent_text, verify_signature
from bot.referral.tables import audit_table, outbox_table

START = datetime(2030, 3, 4, 8, 0, tzinfo=timezone.utc)
ORG = "org-caw"
FIELDS = ["name", "phone", "language", "summary", "slot"]
VALUES = {"name": "Lies", "phone": "0470123456", "language": "nl", "summary": "Ik slaap bij vrienden."}


class Clock:
    def __init__(self) -> None:
        self.now = START

    def __call__(self) -> datetime:
        return self.now


class Receiver:
    """A case system: answers 503 while `failing`, records every request."""

    def __init__(self, port: int) -> None:
        self.failing = True
        self.requests: list[tuple[dict, bytes, int]] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - http.server's name
                body = self.rfile.read(int(self.headers["Content-Length"]))
                status = 503 if receiver.failing else 200
                receiver.requests.append((dict(self.headers), body, status))
                self.send_response(status)
                self.end_headers()

            def log_message(self, *args) -> None:
                pass

        ThreadingHTTPServer.allow_reuse_address = True
        self.server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def clock():
    return Clock()


@pytest.fixture
def cipher():
    return FieldCipher(Fernet.generate_key().decode())


def book(referrals: Referrals, hours: int = 30, conversation: str = "conv-1"):
    start = START + timedelta(hours=hours)
    slot = referrals.slots.add(ORG, "loc-1", "callback", start, start + timedelta(hours=2))
    shown = consent_text("CAW Demostad", FIELDS, "callback", "nl")
    return referrals.book(slot.id, ORG, VALUES, ConsentGiven(shown), conversation, "nl", False)


def test_a_handover_reaches_a_receiver_that_was_down_for_an_hour_exactly_once(engine, clock, cipher):
    port = free_port()  # nobody listens here yet: connections are refused
    deliveries = Deliveries(engine, cipher, clock)
    secret = deliveries.set_webhook(ORG, f"http://127.0.0.1:{port}/wegwijs")
    referrals = Referrals(engine, cipher, clock)
    booking = book(referrals)

    for _ in range(6):  # 30 minutes unreachable
        assert deliveries.deliver_due() == 0
        clock.now += timedelta(minutes=5)
    receiver = Receiver(port)
    try:
        for _ in range(6):  # 30 minutes answering 503
            assert deliveries.deliver_due() == 0
            clock.now += timedelta(minutes=5)
        failed_attempts = len(receiver.requests)
        assert failed_attempts >= 2 and all(status == 503 for _, _, status in receiver.requests)
        receiver.failing = False
        clock.now += timedelta(minutes=10)  # the longest backoff
        assert deliveries.deliver_due() == 1
        for _ in range(5):
            clock.now += timedelta(minutes=30)
            assert deliveries.deliver_due() == 0
    finally:
        receiver.close()

    delivered = [(headers, body) for headers, body, status in receiver.requests if status == 200]
    assert len(delivered) == 1 and len(receiver.requests) == failed_attempts + 1
    headers, body = delivered[0]
    assert verify_signature(secret, headers["X-Wegwijs-Signature"], body)
    assert not verify_signature("another secret", headers["X-Wegwijs-Signature"], body)
    assert {h["Idempotency-Key"] for h, _, _ in receiver.requests} == {f"handover.created:{booking.id}"}
    payload = json.loads(body)
    assert payload["event"] == "handover.created" and payload["handover"]["id"] == booking.id
    assert payload["handover"]["fields"]["phone"] == "0470123456" and payload["handover"]["org_id"] == ORG
    with engine.connect() as conn:
        job = conn.execute(select(outbox_table)).one()
        actions = [a for (a,) in conn.execute(select(audit_table.c.action).where(
            audit_table.c.handover_id == booking.id))]
    assert job.delivered_at is not None and job.attempts > 6, "unreachable and 503 attempts were all retried"
    assert actions == ["book", "delivered"]


def test_two_workers_at_once_send_a_job_once_and_withdrawn_handovers_are_not_sent(engine, clock, cipher):
    receiver = Receiver(free_port())
    receiver.failing = False
    try:
        deliveries = [Deliveries(engine, cipher, clock) for _ in range(2)]
        deliveries[0].set_webhook(ORG, f"http://127.0.0.1:{receiver.server.server_port}/hook")
        referrals = Referrals(engine, cipher, clock)
        for n in range(4):
            book(referrals, 30 + n, f"conv-{n}")
        withdrawn = book(referrals, 40, "conv-w")
        referrals.cancel(withdrawn.reference)
        barrier = threading.Barrier(2)
        counts = [0, 0]

        def work(n: int) -> None:
            barrier.wait()
            counts[n] = deliveries[n].deliver_due()

        threads = [threading.Thread(target=work, args=(n,)) for n in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(60)
    finally:
        receiver.close()
    assert sum(counts) == 4 and len(receiver.requests) == 4
    sent = {json.loads(body)["handover"]["id"] for _, body, _ in receiver.requests}
    assert withdrawn.id not in sent and len(sent) == 4


def test_an_organisation_without_a_webhook_queues_nothing_and_urls_must_be_https(engine, clock, cipher):
    book(Referrals(engine, cipher, clock))
    with engine.connect() as conn:
        assert conn.execute(select(outbox_table)).all() == []
    deliveries = Deliveries(engine, cipher, clock)
    for url in ("http://case-system.example/hook", "ftp://x/y", "https://"):
        with pytest.raises(WebhookError):
            deliveries.set_webhook(ORG, url)
    deliveries.set_webhook(ORG, "https://case-system.example/hook")
