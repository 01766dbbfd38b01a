"""Reminders the day before and "did you get help?" after, for SMS bookings.

Only appointments the citizen booked by SMS and said yes to reminders for
(`referral_handover.reminders`, asked by bot.flow on the SMS channel). The
worker finds them in the database itself, so the conversation needs no
extra step: a handover keeps a keyed hash of its conversation id, an SMS
conversation's id is the sender id (itself a keyed hash of the number), so
hashing the known sender ids finds the SMS contact to write to. The number
stays encrypted in `sms_contacts` until the moment of sending.

A cancelled or rejected booking gets nothing; a moved one is reminded of its
new time; a contact that sent STOP gets nothing.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Optional

from sqlalchemy import and_, exists, select
from sqlalchemy.engine import Engine

from bot.followup import timing
from bot.followup.messages import FollowupTexts
from bot.followup.queue import CANCELLED, NO_SMS_CONTACT, SENT, TOO_LATE, JobQueue
from bot.followup.sending import FAILED, SmsOut
from bot.followup.tables import followup_job
from bot.offer import Directory
from bot.referral.codes import display_reference
from bot.referral.crypto import FieldCipher
from bot.referral.slots import Clock, utcnow
from bot.referral.tables import handover_table, slot_table
from bot.sms.store import sms_contacts

logger = logging.getLogger(__name__)

REMINDER = "reminder"
FOLLOWUP = "followup"
# Statuses that still expect the citizen: before the appointment, and after it.
REMINDER_STATUSES = ("sent", "received", "accepted")
FOLLOWUP_STATUSES = ("sent", "received", "accepted", "completed", "no_show")


class SmsConversations:
    """Which SMS sender id a handover's conversation was (None for a web chat).

    Keeps the pseudonym of every sender id it has seen; new contacts are
    hashed when a handover is not found among the known ones.
    """

    def __init__(self, engine: Engine, cipher: FieldCipher) -> None:
        self._engine = engine
        self._cipher = cipher
        self._by_citizen: dict[str, str] = {}
        self._seen: set[str] = set()

    def sender_for(self, citizen: str) -> Optional[str]:
        if citizen not in self._by_citizen:
            self._refresh()
        return self._by_citizen.get(citizen)

    def _refresh(self) -> None:
        with self._engine.connect() as conn:
            senders = [row.sender_id for row in conn.execute(select(sms_contacts.c.sender_id))]
        for sender_id in senders:
            if sender_id not in self._seen:
                self._seen.add(sender_id)
                self._by_citizen[self._cipher.pseudonym(sender_id)] = sender_id


class FollowUps:
    def __init__(self, engine: Engine, cipher: FieldCipher, out: SmsOut, texts: FollowupTexts,
                 directory: Directory, clock: Clock = utcnow) -> None:
        self._engine = engine
        self._out = out
        self._texts = texts
        self._directory = directory
        self._clock = clock
        self._queue = JobQueue(engine)
        self._conversations = SmsConversations(engine, cipher)

    def run_once(self) -> int:
        """Adds what has become due, then sends what is due; returns how many were sent."""
        self.schedule_due()
        sent = self.send_due()
        self._queue.forget_senders(self._clock())
        return sent

    # -- finding what is due -------------------------------------------------------
    def schedule_due(self) -> int:
        """Adds a job for every reminder and follow-up that is due now; returns how many."""
        now = self._clock()
        if not timing.daytime(now):
            return 0
        added = 0
        s = slot_table
        reminders = and_(s.c.starts_at > now + timing.LAST_CALL, s.c.starts_at <= now + timedelta(days=2))
        for row in self._candidates(REMINDER, REMINDER_STATUSES, reminders):
            if timing.reminder_due(row.starts_at, row.created_at) <= now:
                added += self._add(REMINDER, row, now)
        after = and_(s.c.ends_at <= now, s.c.ends_at > now - timing.FOLLOWUP_FOR - timedelta(days=2))
        for row in self._candidates(FOLLOWUP, FOLLOWUP_STATUSES, after):
            if timing.followup_due(row.ends_at) <= now < timing.followup_deadline(row.ends_at):
                added += self._add(FOLLOWUP, row, now)
        return added

    def _candidates(self, kind: str, statuses: tuple[str, ...], when):
        h, s, j = handover_table, slot_table, followup_job
        no_job_yet = ~exists().where(j.c.handover_id == h.c.id, j.c.kind == kind)
        query = (
            select(h.c.id, h.c.citizen, h.c.language, h.c.created_at, s.c.starts_at, s.c.ends_at)
            .select_from(h.join(s, s.c.id == h.c.slot_id))
            .where(h.c.reminders.is_(True), s.c.kind == "appointment", h.c.status.in_(statuses),
                   h.c.withdrawn_at.is_(None), when, no_job_yet)
        )
        with self._engine.connect() as conn:
            return conn.execute(query).all()

    def _add(self, kind: str, row, now: datetime) -> int:
        sender_id = self._conversations.sender_for(row.citizen)
        added = self._queue.add(f"{kind}:{row.id}", kind, row.language, now, handover_id=row.id, sender_id=sender_id,
                                outcome=None if sender_id else NO_SMS_CONTACT)
        return int(added and sender_id is not None)

    # -- sending -----------------------------------------------------------------------
    def send_due(self, limit: int = 20) -> int:
        now = self._clock()
        sent = 0
        for job_id in self._queue.due((REMINDER, FOLLOWUP), now, limit):
            job = self._queue.claim(job_id, now)
            if job is not None:
                sent += self._send(job, now)
        return sent

    def _booking(self, handover_id: str):
        h, s = handover_table, slot_table
        query = (
            select(h.c.reference, h.c.org_id, h.c.status, h.c.reminders, h.c.withdrawn_at, h.c.created_at,
                   s.c.starts_at, s.c.ends_at)
            .select_from(h.join(s, s.c.id == h.c.slot_id)).where(h.c.id == handover_id)
        )
        with self._engine.connect() as conn:
            return conn.execute(query).first()

    def _send(self, job, now: datetime) -> int:
        booking = self._booking(job.handover_id)
        statuses = REMINDER_STATUSES if job.kind == REMINDER else FOLLOWUP_STATUSES
        if booking is None or booking.status not in statuses or not booking.reminders or booking.withdrawn_at:
            self._queue.finish(job, now, CANCELLED)
            return 0
        if job.kind == REMINDER:
            due = timing.reminder_due(booking.starts_at, booking.created_at)
            deadline = timing.reminder_deadline(booking.starts_at)
        else:
            due, deadline = timing.followup_due(booking.ends_at), timing.followup_deadline(booking.ends_at)
        if now < due:  # moved to a later appointment since the job was added
            self._queue.postpone(job, due)
            return 0
        if now >= deadline:
            self._queue.finish(job, now, TOO_LATE)
            return 0
        actor = self._directory.core_actor(booking.org_id)
        org = actor.organization_name if actor else booking.org_id
        if job.kind == REMINDER:
            body = self._texts.reminder(job.language, org, booking.starts_at, actor.address if actor else None,
                                        display_reference(booking.reference))
        else:
            body = self._texts.question(job.language, org)
        outcome, error = self._out.send(job.sender_id, body, reply_to=job.job_key)
        if outcome == FAILED:
            logger.warning("followup: %s for a handover not sent (%s); trying again later", job.kind, error)
            self._queue.retry(job, now, error or "failed", deadline)
            return 0
        self._queue.finish(job, now, outcome, attempted=outcome == SENT)
        if outcome == SENT and job.kind == FOLLOWUP:
            # "1" or "2" now answers this question (bot.followup.answers), not an older list.
            self._out.store.set_choices(job.sender_id, ())
        return int(outcome == SENT)
