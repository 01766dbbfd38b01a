"""Erasure at the citizen's request ("delete my data", GDPR art. 17), from every store.

Two halves, because the request is handled inside a Rasa turn:

1. `erase_conversation` (the action server, during the turn): handovers not
   yet accepted are withdrawn as `Referrals.cancel` does, then erased and
   unlinked; handovers an organisation already accepted are theirs now and
   stay (their reminders stop); the SMS contact and log go, and every table
   that declared itself (bot.privacy.rows); a receipt of the erasure is
   written (pseudonym, time, what) and the tracker marked for deletion.
2. `finish_tracker_erasure` (the inbound gate, right after Rasa saved the
   turn): every event of the conversation goes, with the MessageSids it
   names. Deleting during the turn would not work: Rasa's save would write
   the whole conversation back (bot.privacy.tracker_store).

If the second half never runs (a crash), the retention purge finishes it
(`finish_pending_erasures`).
"""

from __future__ import annotations

import json
import logging
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Optional

from sqlalchemy import delete, insert, select, update
from sqlalchemy.engine import Connection, Engine

from bot.privacy import rows, tracker_store
from bot.privacy.tables import erasure_pending_table, erasure_table
from bot.referral import FieldCipher, IllegalStatusMove, Referrals, UnknownReference, display_reference
from bot.referral.tables import handover_table, outbox_table

logger = logging.getLogger(__name__)

# The action tells the inbound gate, through the turn's bot messages, that
# the conversation's tracker must go once the turn is saved. The gate takes
# this message out; no channel ever shows it.
ERASE_SIGNAL = {"wegwijs_privacy": "erase_conversation"}
# Statuses in which a handover belongs to the organisation that accepted it.
ACCEPTED_BY_ORGANISATION: tuple[str, ...] = ("accepted", "completed", "no_show")
# After the erasure turn the SMS channel still records its reply; the purge
# deletes that record too, if it is not younger than this after the turn.
SMS_REPLY_GRACE = timedelta(minutes=5)
# A pending erasure the gate did not finish within this time is finished by the purge.
GATE_GRACE = timedelta(minutes=1)


@dataclass(frozen=True)
class HandoverNote:
    reference: str
    org_id: str
    status: str
    delivered: bool = False  # already pushed to the organisation's own system


@dataclass(frozen=True)
class ErasureReport:
    receipt_id: str
    withdrawn: tuple[HandoverNote, ...]
    kept_by_organisation: tuple[HandoverNote, ...]
    erased_handovers: int
    sms_rows: int
    other_rows: int


def _utcnow() -> datetime:
    return datetime.now(timezone.utc)


def erase_conversation(engine: Engine, cipher: FieldCipher, sender_id: str, now: Optional[datetime] = None) -> ErasureReport:
    """Erases what Wegwijs' own tables hold of the conversation; marks its tracker for deletion."""
    now = now or _utcnow()
    referrals = Referrals(engine, cipher, clock=lambda: now)
    cancelled = set()
    for booking in referrals.bookings_for_conversation(sender_id):
        if booking.can_cancel:
            try:
                cancelled.add(referrals.cancel(booking.reference).reference)
            except (IllegalStatusMove, UnknownReference):
                pass  # accepted meanwhile: then it is the organisation's (below)
    citizen = cipher.pseudonym(sender_id)
    with engine.begin() as conn:
        handovers = conn.execute(
            select(handover_table.c.id, handover_table.c.reference, handover_table.c.org_id, handover_table.c.status)
            .where(handover_table.c.citizen == citizen)
            .order_by(handover_table.c.created_at)
        ).all()
        theirs = [h for h in handovers if h.status in ACCEPTED_BY_ORGANISATION]
        ours = [h for h in handovers if h.status not in ACCEPTED_BY_ORGANISATION]
        delivered = _delivered(conn, [h.id for h in ours])
        withdrawn = tuple(
            HandoverNote(display_reference(h.reference), h.org_id, h.status, h.id in delivered)
            for h in ours if display_reference(h.reference) in cancelled
        )
        erased = rows.pseudonymise_handovers(conn, [h.id for h in ours], now, "erase", "erased at the citizen's request")
        if theirs:
            conn.execute(update(handover_table).where(handover_table.c.id.in_([h.id for h in theirs])).values(reminders=False))
        sms = rows.delete_sms_rows(conn, sender_id)
        other = rows.delete_declared_rows(conn, sender_id, citizen)
        kept = tuple(HandoverNote(display_reference(h.reference), h.org_id, h.status) for h in theirs)
        receipt_id = str(uuid.uuid4())
        erased_what = {
            "conversation": True,
            "handovers_withdrawn": len(withdrawn),
            "handovers_erased": erased,
            "handovers_kept_by": sorted({h.org_id for h in theirs}),
            "sms_rows": sms,
            "other_rows": other,
        }
        conn.execute(insert(erasure_table).values(
            id=receipt_id, citizen=citizen, erased_at=now, erased=json.dumps(erased_what, sort_keys=True)))
        conn.execute(delete(erasure_pending_table).where(erasure_pending_table.c.sender_id == sender_id))
        conn.execute(insert(erasure_pending_table).values(sender_id=sender_id, requested_at=now))
    return ErasureReport(receipt_id, withdrawn, kept, erased, sms, other)


def _delivered(conn: Connection, handover_ids: list[str]) -> set[str]:
    if not handover_ids:
        return set()
    query = select(outbox_table.c.handover_id).where(
        outbox_table.c.handover_id.in_(handover_ids), outbox_table.c.delivered_at.isnot(None))
    return {handover_id for (handover_id,) in conn.execute(query)}


def finish_tracker_erasure(engine: Engine, sender_id: str, keep_pending: bool = False,
                           now: Optional[datetime] = None) -> int:
    """Deletes the conversation's events (and the MessageSids they name) if an erasure is pending.

    Returns the number of events deleted. With `keep_pending` (the SMS
    channel, which records its reply after the turn) the retention purge
    removes that record and the pending mark later.
    """
    now = now or _utcnow()
    with engine.begin() as conn:
        pending = conn.execute(
            select(erasure_pending_table).where(erasure_pending_table.c.sender_id == sender_id)
        ).first()
        if pending is None or pending.tracker_erased_at is not None:
            return 0
        if not tracker_store.has_tracker_store(conn):
            # Kept pending: the tracker store must live in this database (endpoints.yml).
            logger.error("erasure: no tracker store (table `events`) in the Wegwijs database; events not deleted")
            return 0
        deleted = _delete_tracker(conn, sender_id)
        if keep_pending:
            conn.execute(update(erasure_pending_table).where(erasure_pending_table.c.sender_id == sender_id)
                         .values(tracker_erased_at=now))
        else:
            conn.execute(delete(erasure_pending_table).where(erasure_pending_table.c.sender_id == sender_id))
    return deleted


def _delete_tracker(conn: Connection, sender_id: str) -> int:
    if not tracker_store.has_tracker_store(conn):
        return 0
    ids = tracker_store.message_ids(conn, sender_id)
    deleted = tracker_store.delete_conversation(conn, sender_id)
    rows.delete_sms_rows(conn, sender_id, ids)
    return deleted


def finish_pending_erasures(engine: Engine, now: Optional[datetime] = None) -> int:
    """Finishes erasures the gate left: the tracker (if the gate never ran) and the SMS reply's record."""
    now = now or _utcnow()
    with engine.connect() as conn:
        pending = conn.execute(select(erasure_pending_table)).all()
    finished = 0
    for row in pending:
        with engine.begin() as conn:
            if row.tracker_erased_at is None:
                if row.requested_at > now - GATE_GRACE:
                    continue  # the turn may still be running
                _delete_tracker(conn, row.sender_id)
                done_at = row.requested_at
            else:
                done_at = row.tracker_erased_at
            rows.delete_sms_outbound(conn, row.sender_id, until=done_at + SMS_REPLY_GRACE)
            if now >= done_at + SMS_REPLY_GRACE:
                conn.execute(delete(erasure_pending_table).where(erasure_pending_table.c.sender_id == row.sender_id))
                finished += 1
    return finished
