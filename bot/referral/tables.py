"""The referral tables (SQLAlchemy Core on bot.storage.METADATA).

Times are stored as naive UTC (`UTCDateTime`) so SQLite and PostgreSQL
compare them the same way; Python always sees timezone-aware UTC.
"""

from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import (
    DDL,
    Boolean,
    Column,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
    event,
)
from sqlalchemy.types import TypeDecorator

from bot.referral.status import HOLDS_SLOT
from bot.storage import METADATA


class UTCDateTime(TypeDecorator):
    """Aware datetimes in, aware UTC datetimes out; naive UTC in the database."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("a naive datetime cannot be stored: give a timezone")
        return value.astimezone(timezone.utc).replace(tzinfo=None)

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        if isinstance(value, str):  # pragma: no cover - SQLite without type info
            value = datetime.fromisoformat(value)
        return value.replace(tzinfo=timezone.utc)


slot_table = Table(
    "referral_slot",
    METADATA,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("org_id", String(100), nullable=False),
    Column("location_id", String(100), nullable=False),
    Column("kind", String(16), nullable=False),
    Column("starts_at", UTCDateTime, nullable=False),
    Column("ends_at", UTCDateTime, nullable=False),
    # The handover holding this slot; claimed with a conditional UPDATE.
    Column("booked_by", String(36), nullable=True),
    Column("source", String(16), nullable=False),  # manual | ics | demo
    # iCalendar UID (+ occurrence) or demo key: makes imports idempotent.
    Column("external_uid", String(300), nullable=True),
    Column("created_at", UTCDateTime, nullable=False),
    Column("removed_at", UTCDateTime, nullable=True),
    UniqueConstraint("org_id", "location_id", "external_uid", name="uq_referral_slot_external"),
    Index("ix_referral_slot_open", "org_id", "kind", "starts_at"),
)

handover_table = Table(
    "referral_handover",
    METADATA,
    Column("id", String(36), primary_key=True),
    Column("reference", String(16), nullable=False, unique=True),
    Column("org_id", String(100), nullable=False, index=True),
    Column("location_id", String(100), nullable=False),
    Column("slot_id", Integer, ForeignKey("referral_slot.id"), nullable=False),
    Column("status", String(16), nullable=False),
    Column("language", String(8), nullable=False),
    Column("reminders", Boolean, nullable=False),
    Column("citizen", String(64), nullable=False, index=True),  # keyed hash of the conversation id
    Column("payload", Text, nullable=True),  # Fernet token of the consented values; NULL once withdrawn
    Column("created_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    Column("withdrawn_at", UTCDateTime, nullable=True),
)
# Second line of defence behind the conditional UPDATE: one live handover per slot.
Index(
    "uq_referral_handover_live_slot",
    handover_table.c.slot_id,
    unique=True,
    sqlite_where=handover_table.c.status.in_(HOLDS_SLOT),
    postgresql_where=handover_table.c.status.in_(HOLDS_SLOT),
)

consent_text_table = Table(
    "referral_consent_text",
    METADATA,
    Column("version", String(64), primary_key=True),
    Column("language", String(8), nullable=False),
    Column("purpose", String(32), nullable=False),
    Column("text", Text, nullable=False),
    Column("first_shown_at", UTCDateTime, nullable=False),
)

receipt_table = Table(
    "referral_consent_receipt",
    METADATA,
    Column("id", String(36), primary_key=True),
    Column("handover_id", String(36), ForeignKey("referral_handover.id"), nullable=False, unique=True),
    Column("org_id", String(100), nullable=False),
    Column("citizen", String(64), nullable=False),
    Column("purpose", String(32), nullable=False),
    Column("fields", Text, nullable=False),  # JSON list of field names (no values)
    Column("text_version", String(64), ForeignKey("referral_consent_text.version"), nullable=False),
    Column("special_category_consent", Boolean, nullable=False),
    Column("special_category_text_version", String(64), ForeignKey("referral_consent_text.version"), nullable=True),
    Column("language", String(8), nullable=False),
    Column("given_at", UTCDateTime, nullable=False),
    Column("withdrawn_at", UTCDateTime, nullable=True),
)

audit_table = Table(
    "referral_audit",
    METADATA,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("at", UTCDateTime, nullable=False),
    Column("actor", String(120), nullable=False),  # citizen | system | user:<id> | token:<id>
    Column("org_id", String(100), nullable=True),
    Column("action", String(40), nullable=False),
    Column("handover_id", String(36), nullable=True, index=True),
    Column("detail", String(300), nullable=True),  # never personal data
)

account_table = Table(
    "caseworker_account",
    METADATA,
    Column("id", String(36), primary_key=True),
    Column("org_id", String(100), nullable=False, index=True),
    Column("name", String(120), nullable=False, unique=True),
    Column("role", String(16), nullable=False),
    Column("password_hash", String(300), nullable=False),
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("created_at", UTCDateTime, nullable=False),
)

session_table = Table(
    "caseworker_session",
    METADATA,
    Column("id", String(64), primary_key=True),  # SHA-256 of the cookie value
    Column("account_id", String(36), ForeignKey("caseworker_account.id"), nullable=False),
    Column("csrf", String(64), nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("last_seen_at", UTCDateTime, nullable=False),
    Column("expires_at", UTCDateTime, nullable=False),
)

# The audit log is append-only in the database too, not only in the code.
event.listen(
    audit_table,
    "after_create",
    DDL(
        "CREATE TRIGGER referral_audit_no_update BEFORE UPDATE ON referral_audit "
        "BEGIN SELECT RAISE(ABORT, 'the referral audit log is append-only'); END"
    ).execute_if(dialect="sqlite"),
)
event.listen(
    audit_table,
    "after_create",
    DDL(
        "CREATE TRIGGER referral_audit_no_delete BEFORE DELETE ON referral_audit "
        "BEGIN SELECT RAISE(ABORT, 'the referral audit log is append-only'); END"
    ).execute_if(dialect="sqlite"),
)
event.listen(
    audit_table,
    "after_create",
    DDL(
        "CREATE OR REPLACE FUNCTION referral_audit_append_only() RETURNS trigger AS $$ "
        "BEGIN RAISE EXCEPTION 'the referral audit log is append-only'; END; $$ LANGUAGE plpgsql; "
        "CREATE TRIGGER referral_audit_no_change BEFORE UPDATE OR DELETE ON referral_audit "
        "FOR EACH ROW EXECUTE FUNCTION referral_audit_append_only()"
    ).execute_if(dialect="postgresql"),
)

webhook_table = Table(
    "referral_webhook",
    METADATA,
    Column("org_id", String(100), primary_key=True),
    Column("url", String(500), nullable=False),
    Column("secret", Text, nullable=False),  # Fernet token of the signing secret
    Column("created_at", UTCDateTime, nullable=False),
)

outbox_table = Table(
    "referral_outbox",
    METADATA,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("handover_id", String(36), nullable=False),
    Column("org_id", String(100), nullable=False),
    Column("event", String(40), nullable=False),
    # Sent as Idempotency-Key: a receiver that sees it twice can drop the copy.
    Column("idempotency_key", String(80), nullable=False, unique=True),
    Column("created_at", UTCDateTime, nullable=False),
    Column("next_attempt_at", UTCDateTime, nullable=False),
    Column("claimed_until", UTCDateTime, nullable=True),
    Column("attempts", Integer, nullable=False, default=0),
    Column("delivered_at", UTCDateTime, nullable=True),
    Column("gave_up_at", UTCDateTime, nullable=True),
    Column("last_error", String(200), nullable=True),  # never personal data
    Index("ix_referral_outbox_due", "delivered_at", "next_attempt_at"),
)
