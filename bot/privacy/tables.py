"""The privacy tables (SQLAlchemy Core on bot.storage.METADATA).

- `privacy_erasure`: the receipt of an erasure the citizen asked for: a
  pseudonym (keyed hash of the conversation id, as on consent receipts),
  when, and what was erased (counts and organisation ids, never values).
- `privacy_erasure_pending`: a conversation whose tracker events still have
  to go. The inbound gate deletes them right after Rasa saved the erasure
  turn; the retention purge finishes anything left (a crash, the SMS reply's
  delivery record). The row goes once that is done.
"""

from __future__ import annotations

from sqlalchemy import Column, String, Table, Text

from bot.referral.tables import UTCDateTime
from bot.storage import METADATA

erasure_table = Table(
    "privacy_erasure",
    METADATA,
    Column("id", String(36), primary_key=True),
    Column("citizen", String(64), nullable=False, index=True),
    Column("erased_at", UTCDateTime, nullable=False),
    Column("erased", Text, nullable=False),  # JSON: what was erased, no personal data
)

erasure_pending_table = Table(
    "privacy_erasure_pending",
    METADATA,
    Column("sender_id", String(255), primary_key=True),
    Column("requested_at", UTCDateTime, nullable=False),
    Column("tracker_erased_at", UTCDateTime, nullable=True),
)
