"""The worker's job table: one row per message the worker must send once.

`job_key` is unique ("reminder:<handover id>", "followup:<handover id>",
"resend:<sms_outbound id>"), so two workers that find the same due message
insert one row; a conditional UPDATE on `claimed_until` (a lease, as in
bot.referral.delivery) decides which worker sends it. A row that is done
keeps its outcome, and a follow-up keeps the citizen's answer (yes / no) for
the organisation's overview.

Privacy: a citizen's "delete my data" deletes their rows (bot.privacy.rows,
`erase_by`); otherwise the sender id is forgotten a week after the answer
window (JobQueue.forget_senders), so a handover that retention later unlinks
from the citizen is not linked again through this table.
"""

from __future__ import annotations

from sqlalchemy import Column, Index, Integer, String, Table

from bot.referral.tables import UTCDateTime
from bot.storage import METADATA

followup_job = Table(
    "followup_job",
    METADATA,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("job_key", String(80), nullable=False, unique=True),
    Column("kind", String(16), nullable=False),  # reminder | followup | resend
    Column("handover_id", String(36), nullable=True),  # reminder, followup
    Column("outbound_id", Integer, nullable=True),  # resend: the failed sms_outbound row
    Column("sender_id", String(64), nullable=True),  # the SMS sender id (a keyed hash, never the number)
    Column("language", String(8), nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("next_attempt_at", UTCDateTime, nullable=False),
    Column("claimed_until", UTCDateTime, nullable=True),
    Column("attempts", Integer, nullable=False, default=0),
    Column("done_at", UTCDateTime, nullable=True),
    # sent | opted_out | no_sms_contact | cancelled | too_late | superseded | gave_up
    Column("outcome", String(16), nullable=True),
    Column("last_error", String(200), nullable=True),  # never personal data
    Column("answer", String(8), nullable=True),  # followup: yes | no | unclear (wrote something else)
    Column("answered_at", UTCDateTime, nullable=True),
    Index("ix_followup_job_due", "done_at", "next_attempt_at"),
    Index("ix_followup_job_handover", "handover_id", "kind"),
    Index("ix_followup_job_sender", "sender_id", "kind"),
    info={"erase_by": "sender_id"},
)
