"""A conversation's rows outside the tracker store, and how they go.

- The SMS channel's tables (bot.sms.store): the contact (encrypted number,
  opt-out, shown choices), the outbound log, and the processed MessageSids.
- Handovers and consent receipts (bot.referral): they stay, for the
  organisation and as proof of consent, but lose the link to the citizen:
  the payload is erased and the pseudonym replaced by a random one, so two
  handovers of one citizen cannot be linked any more. The audit log is never
  changed (its triggers forbid it): it holds no personal data, only who
  (an account, "citizen", "system"), what, when and the handover's id.
- Any other table can join the erasure by declaring which column names the
  conversation: `Table(..., info={"erase_by": "sender_id"})` (the tracker's
  sender id) or `info={"erase_by": "citizen"}` (the keyed pseudonym of
  bot.referral.crypto). Its rows are deleted when the citizen asks; its
  retention otherwise is its owner's (a reminder may outlive a quiet chat).
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Iterable, Optional

from sqlalchemy import delete, select, update
from sqlalchemy.engine import Connection

from bot.referral import audit
from bot.referral.tables import handover_table, outbox_table, receipt_table
from bot.sms.store import sms_contacts, sms_inbound, sms_outbound
from bot.storage import METADATA

ERASE_BY = "erase_by"
ANONYMOUS_PREFIX = "anon:"


def delete_sms_rows(conn: Connection, sender_id: str, message_ids: Iterable[str] = ()) -> int:
    """The sender's SMS contact and outbound log, and the given MessageSids."""
    deleted = conn.execute(delete(sms_contacts).where(sms_contacts.c.sender_id == sender_id)).rowcount
    return deleted + delete_sms_outbound(conn, sender_id) + delete_sms_inbound(conn, message_ids)


def delete_sms_inbound(conn: Connection, message_ids: Iterable[str]) -> int:
    """The processed-MessageSid rows of these messages."""
    ids, deleted = list(message_ids), 0
    for start in range(0, len(ids), 500):
        deleted += conn.execute(delete(sms_inbound).where(sms_inbound.c.message_sid.in_(ids[start:start + 500]))).rowcount
    return deleted


def delete_sms_outbound(conn: Connection, sender_id: str, until: Optional[datetime] = None) -> int:
    """The sender's outbound SMS log (up to `until`)."""
    query = delete(sms_outbound).where(sms_outbound.c.sender_id == sender_id)
    if until is not None:
        query = query.where(sms_outbound.c.created_at <= until)
    return conn.execute(query).rowcount


def delete_declared_rows(conn: Connection, sender_id: str, pseudonym: Optional[str]) -> int:
    """Rows of tables that declared `info={"erase_by": ...}` for this conversation."""
    deleted = 0
    for table in METADATA.sorted_tables:
        column = table.info.get(ERASE_BY)
        if column == "sender_id":
            deleted += conn.execute(delete(table).where(table.c.sender_id == sender_id)).rowcount
        elif column == "citizen" and pseudonym is not None:
            deleted += conn.execute(delete(table).where(table.c.citizen == pseudonym)).rowcount
    return deleted


def anonymous_pseudonym() -> str:
    return ANONYMOUS_PREFIX + uuid.uuid4().hex


def pseudonymise_handovers(conn: Connection, handover_ids: Iterable[str], now: datetime, action: str, why: str) -> int:
    """Erases the payloads and unlinks the handovers (and their consent receipts) from the citizen.

    Reminders stop too. One audit entry per handover says what happened and
    why, without personal data.
    """
    count = 0
    for handover_id in handover_ids:
        row = conn.execute(
            select(handover_table.c.org_id).where(handover_table.c.id == handover_id)
        ).first()
        if row is None:
            continue
        anonymous = anonymous_pseudonym()
        conn.execute(
            update(handover_table)
            .where(handover_table.c.id == handover_id)
            .values(payload=None, citizen=anonymous, reminders=False)
        )
        conn.execute(update(receipt_table).where(receipt_table.c.handover_id == handover_id).values(citizen=anonymous))
        # A handover without data is never delivered (any more); done jobs only point at it.
        conn.execute(delete(outbox_table).where(outbox_table.c.handover_id == handover_id))
        audit.record(conn, now, audit.SYSTEM, action, row.org_id, handover_id, why)
        count += 1
    return count
