"""The append-only audit log: who did what to which handover, when.

Only `record` writes, and only with INSERT; database triggers refuse UPDATE
and DELETE on the table. Details never hold personal data.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Optional

from sqlalchemy import insert, select
from sqlalchemy.engine import Connection

from bot.referral.tables import audit_table

CITIZEN = "citizen"
SYSTEM = "system"


@dataclass(frozen=True)
class Actor:
    """A caseworker in the inbox (kind `user`) or a case system with a token (kind `token`)."""

    kind: str
    account_id: str
    org_id: str
    name: str = ""
    role: str = "caseworker"

    @property
    def label(self) -> str:
        return f"{self.kind}:{self.account_id}"


@dataclass(frozen=True)
class AuditEntry:
    at: datetime
    actor: str
    org_id: Optional[str]
    action: str
    handover_id: Optional[str]
    detail: Optional[str]


def record(
    conn: Connection,
    at: datetime,
    actor: str,
    action: str,
    org_id: Optional[str] = None,
    handover_id: Optional[str] = None,
    detail: Optional[str] = None,
) -> None:
    conn.execute(
        insert(audit_table).values(
            at=at, actor=actor[:120], org_id=org_id, action=action[:40], handover_id=handover_id,
            detail=detail[:300] if detail else None,
        )
    )


def entries(conn: Connection, handover_id: Optional[str] = None, actor: Optional[str] = None) -> list[AuditEntry]:
    query = select(audit_table).order_by(audit_table.c.id)
    if handover_id is not None:
        query = query.where(audit_table.c.handover_id == handover_id)
    if actor is not None:
        query = query.where(audit_table.c.actor == actor)
    return [
        AuditEntry(r.at, r.actor, r.org_id, r.action, r.handover_id, r.detail) for r in conn.execute(query)
    ]
