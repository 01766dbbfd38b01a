"""Jobs the worker sends once: added once, claimed by one worker, finished once.

Adding relies on the unique `job_key`: two workers that find the same due
message both try to insert it, one row results. Claiming is a conditional
UPDATE that takes a lease (`claimed_until`); its row count says who won,
on SQLite (writers serialised by BEGIN IMMEDIATE) and on PostgreSQL (row
lock, the condition re-checked). A worker that dies mid-job loses its lease
after LEASE and another worker picks the job up; only a crash between
Twilio accepting a message and the commit that records it can send twice.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Optional, Sequence

from sqlalchemy import and_, insert, or_, select, update
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError

from bot.followup.tables import followup_job
from bot.referral.delivery import backoff

LEASE = timedelta(minutes=2)
# A done job keeps its sender id this long: the citizen may answer "did you get help?" for a week.
KEEP_SENDER = timedelta(days=8)

# Outcomes of a job that is done.
SENT = "sent"
OPTED_OUT = "opted_out"
NO_SMS_CONTACT = "no_sms_contact"
CANCELLED = "cancelled"
TOO_LATE = "too_late"
SUPERSEDED = "superseded"
GAVE_UP = "gave_up"


class JobQueue:
    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def add(self, job_key: str, kind: str, language: str, now: datetime, *, handover_id: Optional[str] = None,
            outbound_id: Optional[int] = None, sender_id: Optional[str] = None,
            outcome: Optional[str] = None) -> bool:
        """Adds the job unless it exists; with `outcome` it is decided at once (nothing to send)."""
        values = dict(
            job_key=job_key, kind=kind, language=language, handover_id=handover_id, outbound_id=outbound_id,
            sender_id=sender_id, created_at=now, next_attempt_at=now, attempts=0,
        )
        if outcome is not None:
            values.update(done_at=now, outcome=outcome)
        try:
            with self._engine.begin() as conn:
                conn.execute(insert(followup_job).values(**values))
            return True
        except IntegrityError:
            return False  # another worker (or an earlier cycle) added it

    def due(self, kinds: Sequence[str], now: datetime, limit: int = 20) -> list[int]:
        query = select(followup_job.c.id).where(followup_job.c.kind.in_(kinds), _due(now)).order_by(
            followup_job.c.next_attempt_at, followup_job.c.id).limit(limit)
        with self._engine.connect() as conn:
            return [row.id for row in conn.execute(query)]

    def claim(self, job_id: int, now: datetime):
        """The job's row if this worker got its lease, else None."""
        with self._engine.begin() as conn:
            claimed = conn.execute(
                update(followup_job).where(followup_job.c.id == job_id, _due(now)).values(claimed_until=now + LEASE)
            ).rowcount
            if claimed != 1:
                return None
            return conn.execute(select(followup_job).where(followup_job.c.id == job_id)).one()

    def finish(self, job, now: datetime, outcome: str, attempted: bool = False) -> None:
        """Done: `outcome` says how; `attempted` if a message went to Twilio for it."""
        self._update(job, attempts=job.attempts + int(attempted), claimed_until=None, done_at=now, outcome=outcome)

    def retry(self, job, now: datetime, error: str, deadline: datetime) -> None:
        """A failed attempt: again after a backoff, or given up when that would be past `deadline`."""
        attempts = job.attempts + 1
        later = now + backoff(attempts)
        if later >= deadline:
            self._update(job, attempts=attempts, claimed_until=None, done_at=now, outcome=GAVE_UP, last_error=error)
        else:
            self._update(job, attempts=attempts, claimed_until=None, next_attempt_at=later, last_error=error)

    def postpone(self, job, until: datetime) -> None:
        """Not due yet after all (the appointment was moved): wait until `until`."""
        self._update(job, claimed_until=None, next_attempt_at=until)

    def forget_senders(self, now: datetime) -> int:
        """Drops the sender id of jobs done more than KEEP_SENDER ago; returns how many."""
        with self._engine.begin() as conn:
            return conn.execute(
                update(followup_job)
                .where(followup_job.c.done_at < now - KEEP_SENDER, followup_job.c.sender_id.isnot(None))
                .values(sender_id=None)
            ).rowcount

    def _update(self, job, **values) -> None:
        with self._engine.begin() as conn:
            conn.execute(update(followup_job).where(followup_job.c.id == job.id).values(**values))


def _due(now: datetime):
    return and_(
        followup_job.c.done_at.is_(None), followup_job.c.next_attempt_at <= now,
        or_(followup_job.c.claimed_until.is_(None), followup_job.c.claimed_until < now),
    )
