"""Queues a new handover for push delivery, in the booking's own transaction,
when its organisation has a webhook (see bot.referral.delivery)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import insert, select
from sqlalchemy.engine import Connection

from bot.referral.tables import outbox_table, webhook_table

NEW_HANDOVER = "handover.created"


def enqueue_new_handover(conn: Connection, handover_id: str, org_id: str, now: datetime) -> None:
    if conn.execute(select(webhook_table.c.org_id).where(webhook_table.c.org_id == org_id)).first() is None:
        return
    conn.execute(
        insert(outbox_table).values(
            handover_id=handover_id, org_id=org_id, event=NEW_HANDOVER,
            idempotency_key=f"{NEW_HANDOVER}:{handover_id}", created_at=now, next_attempt_at=now, attempts=0,
        )
    )
