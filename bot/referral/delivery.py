"""Push delivery of new handovers to an organisation's own system.

An organisation may register a webhook URL. Each new handover is queued in
the outbox in the booking's transaction, then POSTed as the JSON of
contracts §4, wrapped as {"event", "idempotency_key", "handover"}, signed:

    X-Wegwijs-Signature: t=<unix time>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>
    Idempotency-Key: handover.created:<handover id>

A worker claims due jobs with a conditional UPDATE (a lease), so several
workers never send the same job at once; a failure is retried with backoff
(30 s doubling up to 10 min) for three days, so a receiver that is down for
hours loses nothing. A crash after sending but before recording it can send
a job twice: receivers drop copies by the Idempotency-Key.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
import threading
from datetime import datetime, timedelta
from typing import Optional
from urllib.parse import urlsplit

import httpx
from sqlalchemy import and_, delete, insert, or_, select, update
from sqlalchemy.engine import Engine

from bot.referral import audit
from bot.referral.crypto import FieldCipher
from bot.referral.errors import ReferralError
from bot.referral.referrals import Referrals
from bot.referral.slots import Clock, utcnow
from bot.referral.tables import outbox_table, webhook_table

FIRST_RETRY = timedelta(seconds=30)
MAX_RETRY = timedelta(minutes=10)
GIVE_UP_AFTER = timedelta(days=3)
LEASE = timedelta(minutes=2)
TIMEOUT_SECONDS = 10.0
_LOOPBACK = ("localhost", "127.0.0.1", "::1")


class WebhookError(ReferralError, ValueError):
    """A webhook URL that cannot be used."""


def signature(secret: str, timestamp: int, body: bytes) -> str:
    mac = hmac.new(secret.encode("utf-8"), f"{timestamp}.".encode("ascii") + body, hashlib.sha256)
    return f"t={timestamp},v1={mac.hexdigest()}"


def verify_signature(secret: str, header: str, body: bytes) -> bool:
    """For receivers (and tests): does `header` sign `body` with `secret`?"""
    parts = dict(p.split("=", 1) for p in header.split(",") if "=" in p)
    try:
        expected = signature(secret, int(parts.get("t", "")), body)
    except ValueError:
        return False
    return hmac.compare_digest(expected, header)


def backoff(attempts: int) -> timedelta:
    return min(FIRST_RETRY * (2 ** max(attempts - 1, 0)), MAX_RETRY)


class Deliveries:
    def __init__(self, engine: Engine, cipher: FieldCipher, clock: Clock = utcnow,
                 http: Optional[httpx.Client] = None) -> None:
        self._engine = engine
        self._cipher = cipher
        self._clock = clock
        self._http = http or httpx.Client(timeout=TIMEOUT_SECONDS)
        self._referrals = Referrals(engine, cipher, clock)

    def set_webhook(self, org_id: str, url: str) -> str:
        """Registers (or replaces) the organisation's webhook; returns the new signing secret, once."""
        parts = urlsplit(url)
        if parts.scheme != "https" and not (parts.scheme == "http" and parts.hostname in _LOOPBACK):
            raise WebhookError("a webhook URL must use https:// (http:// only for localhost)")
        if not parts.hostname or len(url) > 500:
            raise WebhookError("not a usable webhook URL")
        secret = secrets.token_urlsafe(32)
        now = self._clock()
        with self._engine.begin() as conn:
            conn.execute(delete(webhook_table).where(webhook_table.c.org_id == org_id))
            conn.execute(insert(webhook_table).values(
                org_id=org_id, url=url, secret=self._cipher.encrypt_json(secret), created_at=now))
            audit.record(conn, now, audit.SYSTEM, "webhook_set", org_id, detail=parts.hostname)
        return secret

    def remove_webhook(self, org_id: str) -> None:
        with self._engine.begin() as conn:
            conn.execute(delete(webhook_table).where(webhook_table.c.org_id == org_id))
            audit.record(conn, self._clock(), audit.SYSTEM, "webhook_remove", org_id)

    def deliver_due(self, limit: int = 20) -> int:
        """Sends the jobs that are due now; returns how many were delivered."""
        now = self._clock()
        with self._engine.connect() as conn:
            ids = [r.id for r in conn.execute(
                select(outbox_table.c.id).where(_due(now)).order_by(outbox_table.c.id).limit(limit))]
        delivered = 0
        for job_id in ids:
            claim = self._claim(job_id, now)
            if claim is not None:
                delivered += self._send(*claim, now)
        return delivered

    def _claim(self, job_id: int, now: datetime):
        """(job, webhook) if this worker got the job's lease, else None."""
        with self._engine.begin() as conn:
            claimed = conn.execute(
                update(outbox_table).where(outbox_table.c.id == job_id, _due(now)).values(claimed_until=now + LEASE)
            ).rowcount
            if claimed != 1:
                return None  # another worker was first
            job = conn.execute(select(outbox_table).where(outbox_table.c.id == job_id)).one()
            hook = conn.execute(select(webhook_table).where(webhook_table.c.org_id == job.org_id)).first()
        return job, hook

    def _send(self, job, hook, now: datetime) -> int:
        record = self._referrals.handover_by_id(job.handover_id)
        if hook is None or record is None or record.withdrawn:
            reason = "no webhook any more" if hook is None else "withdrawn before delivery"
            self._finish(job, now, gave_up=True, error=reason)
            return 0
        body = json.dumps(
            {"event": job.event, "idempotency_key": job.idempotency_key, "handover": record.as_json()},
            ensure_ascii=False,
        ).encode("utf-8")
        headers = {
            "Content-Type": "application/json",
            "Idempotency-Key": job.idempotency_key,
            "X-Wegwijs-Event": job.event,
            "X-Wegwijs-Signature": signature(self._cipher.decrypt_json(hook.secret), int(now.timestamp()), body),
        }
        try:
            reply = self._http.post(hook.url, content=body, headers=headers)
            error = None if 200 <= reply.status_code < 300 else f"HTTP {reply.status_code}"
        except httpx.HTTPError as failure:
            error = type(failure).__name__
        if error is None:
            self._finish(job, now)
            return 1
        gave_up = now - job.created_at >= GIVE_UP_AFTER
        self._finish(job, now, gave_up=gave_up, error=error)
        return 0

    def _finish(self, job, now: datetime, gave_up: bool = False, error: Optional[str] = None) -> None:
        attempts = job.attempts + 1
        values = dict(attempts=attempts, claimed_until=None, last_error=error)
        if error is None:
            values["delivered_at"] = now
        elif gave_up:
            values["gave_up_at"] = now
        else:
            values["next_attempt_at"] = now + backoff(attempts)
        with self._engine.begin() as conn:
            conn.execute(update(outbox_table).where(outbox_table.c.id == job.id).values(**values))
            if error is None:
                audit.record(conn, now, audit.SYSTEM, "delivered", job.org_id, job.handover_id, f"attempt {attempts}")
            elif gave_up:
                audit.record(conn, now, audit.SYSTEM, "delivery_stopped", job.org_id, job.handover_id, error)

    def run(self, stop: threading.Event, interval: float = 5.0) -> None:
        """The worker loop: deliver, wait, until `stop` is set."""
        while not stop.is_set():
            self.deliver_due()
            stop.wait(interval)


def _due(now: datetime):
    return and_(
        outbox_table.c.delivered_at.is_(None), outbox_table.c.gave_up_at.is_(None),
        outbox_table.c.next_attempt_at <= now,
        or_(outbox_table.c.claimed_until.is_(None), outbox_table.c.claimed_until < now),
    )
