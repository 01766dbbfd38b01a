"""Resending conversation replies that Twilio did not take (bot.sms.service keeps them).

The SMS service tries a reply a few times; when Twilio still refuses (down,
429 for minutes), the body stays encrypted in `sms_outbound`. The worker
sends it again with backoff, for a day at most, and only while it is still
the sender's latest reply: an older answer arriving after a newer one would
make its numbered choices point at the wrong things. Once sent, the stored
body is erased.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta, timezone

from sqlalchemy import exists, select, update
from sqlalchemy.engine import Engine

from bot.followup.queue import SENT, SUPERSEDED, TOO_LATE, JobQueue
from bot.followup.sending import FAILED, SmsOut
from bot.followup.tables import followup_job
from bot.referral.slots import Clock, utcnow
from bot.sms import twilio_api
from bot.sms.store import sms_outbound

logger = logging.getLogger(__name__)

RESEND = "resend"
RESEND_FOR = timedelta(days=1)


class Resends:
    def __init__(self, engine: Engine, out: SmsOut, clock: Clock = utcnow) -> None:
        self._engine = engine
        self._out = out
        self._clock = clock
        self._queue = JobQueue(engine)

    def run_once(self) -> int:
        self.schedule_due()
        return self.send_due()

    def schedule_due(self) -> int:
        now = self._clock()
        o, j = sms_outbound, followup_job
        query = select(o.c.id, o.c.sender_id).where(
            o.c.status == twilio_api.FAILED, o.c.body_encrypted.isnot(None), o.c.created_at > (now - RESEND_FOR).astimezone(timezone.utc),
            ~exists().where(j.c.outbound_id == o.c.id, j.c.kind == RESEND),
        )
        with self._engine.connect() as conn:
            rows = conn.execute(query).all()
        # The language is the reply's own: nothing is worded anew.
        return sum(self._queue.add(f"{RESEND}:{row.id}", RESEND, "", now, outbound_id=row.id, sender_id=row.sender_id)
                   for row in rows)

    def send_due(self, limit: int = 20) -> int:
        now = self._clock()
        sent = 0
        for job_id in self._queue.due((RESEND,), now, limit):
            job = self._queue.claim(job_id, now)
            if job is not None:
                sent += self._send(job, now)
        return sent

    def _send(self, job, now: datetime) -> int:
        o = sms_outbound
        with self._engine.connect() as conn:
            failed = conn.execute(select(o).where(o.c.id == job.outbound_id)).first()
            newer = failed is not None and conn.execute(select(o.c.id).where(
                o.c.sender_id == failed.sender_id, o.c.id > failed.id, o.c.status == twilio_api.SENT)).first()
        if failed is None or failed.body_encrypted is None or newer:
            self._queue.finish(job, now, SUPERSEDED)
            return 0
        deadline = _aware(failed.created_at) + RESEND_FOR
        if now >= deadline:
            self._queue.finish(job, now, TOO_LATE)
            return 0
        body = self._out.vault.decrypt(failed.body_encrypted)
        outcome, error = self._out.send(failed.sender_id, body, reply_to=failed.reply_to)
        if outcome == FAILED:
            logger.warning("resend: a reply is still not accepted by Twilio (%s); trying again later", error)
            self._queue.retry(job, now, error or "failed", deadline)
            return 0
        with self._engine.begin() as conn:  # kept only to be sent; not any longer
            conn.execute(update(o).where(o.c.id == failed.id).values(body_encrypted=None))
        self._queue.finish(job, now, outcome, attempted=outcome == SENT)
        return int(outcome == SENT)


def _aware(moment: datetime) -> datetime:
    """sms_outbound's times come back without a zone from SQLite; they are UTC."""
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)
