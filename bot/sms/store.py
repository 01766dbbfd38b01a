"""The SMS channel's tables: processed MessageSids, contacts, outbound log.

- `sms_inbound`: one row per Twilio MessageSid. The primary key makes
  "process once" hold across server instances: the first INSERT wins, every
  later one (a Twilio retry, another instance) inserts nothing.
- `sms_contacts`: per sender id (keyed hash), the number encrypted, the
  opt-out state and the numbered choices last shown.
- `sms_outbound`: every reply we tried to send, its segments and outcome; a
  failed reply keeps its (encrypted) body so it is never lost silently.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Optional, Sequence

from sqlalchemy import Boolean, Column, DateTime, Integer, String, Table, Text, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError

from bot.sms.render import Choice
from bot.storage import METADATA

sms_inbound = Table(
    "sms_inbound",
    METADATA,
    Column("message_sid", String(64), primary_key=True),
    Column("received_at", DateTime(timezone=True), nullable=False),
)

sms_contacts = Table(
    "sms_contacts",
    METADATA,
    Column("sender_id", String(64), primary_key=True),
    Column("phone_encrypted", Text, nullable=False),
    Column("opted_out", Boolean, nullable=False, default=False),
    Column("choices", Text, nullable=False, default="[]"),  # JSON [{"title", "payload"}]
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
)

sms_outbound = Table(
    "sms_outbound",
    METADATA,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("sender_id", String(64), nullable=False, index=True),
    Column("reply_to", String(64)),  # the inbound MessageSid, if any
    Column("status", String(16), nullable=False),  # sent | opted_out | failed
    Column("twilio_sid", String(64)),
    Column("error_code", Integer),
    Column("encoding", String(8), nullable=False),
    Column("segments", Integer, nullable=False),
    Column("chars", Integer, nullable=False),
    Column("body_encrypted", Text),  # kept only for a failed reply, to send it later
    Column("created_at", DateTime(timezone=True), nullable=False),
)


def _now() -> datetime:
    return datetime.now(timezone.utc)


def _insert_ignoring_duplicates(engine: Engine, table: Table, key: str, values: dict) -> bool:
    """INSERT, doing nothing if `key` exists; True if this call inserted the row."""
    dialect = engine.dialect.name
    if dialect in ("sqlite", "postgresql"):
        insert = sqlite.insert if dialect == "sqlite" else postgresql.insert
        statement = insert(table).values(**values).on_conflict_do_nothing(index_elements=[key])
        with engine.begin() as connection:
            return connection.execute(statement).rowcount == 1
    try:
        with engine.begin() as connection:
            connection.execute(table.insert().values(**values))
        return True
    except IntegrityError:
        return False


@dataclass(frozen=True)
class Contact:
    sender_id: str
    phone_encrypted: str
    opted_out: bool
    choices: tuple[Choice, ...]


@dataclass(frozen=True)
class OutboundRecord:
    sender_id: str
    reply_to: Optional[str]
    status: str
    twilio_sid: Optional[str]
    error_code: Optional[int]
    encoding: str
    segments: int
    chars: int
    body_encrypted: Optional[str] = None


class SmsStore:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def claim_message(self, message_sid: str) -> bool:
        """True the first time a MessageSid is seen (by any instance), False after."""
        return _insert_ignoring_duplicates(
            self.engine, sms_inbound, "message_sid", {"message_sid": message_sid, "received_at": _now()}
        )

    def contact(self, sender_id: str, phone_encrypted: str) -> Contact:
        """The contact for a sender id, created with the encrypted number if new."""
        now = _now()
        _insert_ignoring_duplicates(
            self.engine,
            sms_contacts,
            "sender_id",
            {"sender_id": sender_id, "phone_encrypted": phone_encrypted, "opted_out": False, "choices": "[]",
             "created_at": now, "updated_at": now},
        )
        found = self.find_contact(sender_id)
        if found is None:  # deleted in between (erasure, retention purge)
            raise LookupError("SMS contact disappeared while being read")
        return found

    def find_contact(self, sender_id: str) -> Optional[Contact]:
        with self.engine.connect() as connection:
            row = connection.execute(select(sms_contacts).where(sms_contacts.c.sender_id == sender_id)).first()
        if row is None:
            return None
        try:
            choices = tuple(Choice.from_dict(c) for c in json.loads(row.choices or "[]"))
        except (ValueError, TypeError, AttributeError):
            choices = ()
        return Contact(row.sender_id, row.phone_encrypted, bool(row.opted_out), choices)

    def set_opted_out(self, sender_id: str, opted_out: bool) -> None:
        self._update(sender_id, opted_out=opted_out, choices="[]")

    def set_choices(self, sender_id: str, choices: Sequence[Choice]) -> None:
        self._update(sender_id, choices=json.dumps([c.as_dict() for c in choices], ensure_ascii=False))

    def _update(self, sender_id: str, **values: object) -> None:
        with self.engine.begin() as connection:
            connection.execute(
                update(sms_contacts).where(sms_contacts.c.sender_id == sender_id).values(updated_at=_now(), **values)
            )

    def record_outbound(self, record: OutboundRecord) -> None:
        with self.engine.begin() as connection:
            connection.execute(sms_outbound.insert().values(created_at=_now(), **record.__dict__))

    def outbound(self, sender_id: str) -> list[OutboundRecord]:
        fields = [c for c in OutboundRecord.__dataclass_fields__]
        with self.engine.connect() as connection:
            rows = connection.execute(
                select(*[sms_outbound.c[name] for name in fields])
                .where(sms_outbound.c.sender_id == sender_id)
                .order_by(sms_outbound.c.id)
            ).all()
        return [OutboundRecord(**dict(row._mapping)) for row in rows]
