"""Retention: what is kept how long, enforced by `purge_expired` (the worker, or
`wegwijs privacy purge` from cron).

Per data kind, in the municipality file (config/municipality.yml):

    retention_days: 30        # conversations; the greeting tells citizens this number
    retention:
      conversations: 30       # days after the conversation's last message
      handovers: 30           # days after a handover reached a final status

- Conversations: every tracker event of a conversation idle that long, with
  its SMS log rows (outbound log, MessageSids). A conversation with a recent
  event is never touched. The SMS contact (the encrypted number) stays as
  long as a handover of the conversation is kept with its data: the
  worker's reminder and "did you get help?" need it. SMS rows of senders
  without a conversation (a lone STOP) go by their own age. Tables that
  declared themselves for erasure (bot.privacy.rows) keep their own retention.
- Handovers: once `completed`, `rejected`, `no_show` or `cancelled` for that
  long, the payload is erased and the handover and its consent receipt are
  unlinked from the citizen (a random pseudonym). The rows stay: the
  organisation's record and the proof of consent. The audit log is kept as it
  is: it holds no personal data.
- Erasures the inbound gate did not finish are finished first.
"""

from __future__ import annotations

import logging
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any, Callable, Optional

import yaml
from sqlalchemy import delete, or_, select
from sqlalchemy.engine import Engine

from bot.privacy import rows, tracker_store
from bot.privacy.erasure import finish_pending_erasures
from bot.privacy.tables import erasure_pending_table
from bot.referral import FieldCipher
from bot.referral.tables import handover_table
from bot.sms.store import sms_contacts, sms_inbound, sms_outbound

logger = logging.getLogger(__name__)
DEFAULT_DAYS = 30
FINAL_STATUSES: tuple[str, ...] = ("completed", "rejected", "no_show", "cancelled")
_BATCH = 200


@dataclass(frozen=True)
class RetentionPolicy:
    conversations: timedelta = timedelta(days=DEFAULT_DAYS)
    handovers: timedelta = timedelta(days=DEFAULT_DAYS)

    @classmethod
    def from_mapping(cls, data: Any) -> "RetentionPolicy":
        """From the municipality file's contents; ValueError naming a wrong setting."""
        data = data if isinstance(data, dict) else {}
        block = data.get("retention") or {}
        if not isinstance(block, dict):
            raise ValueError("retention: expected keys conversations and handovers (days)")
        unknown = sorted(set(block) - {"conversations", "handovers"})
        if unknown:
            raise ValueError(f"retention: unknown key(s) {', '.join(map(str, unknown))}; known: conversations, handovers")
        legacy = data.get("retention_days")
        conversations = _days("retention.conversations", block.get("conversations", legacy if legacy is not None else DEFAULT_DAYS))
        if legacy is not None and _days("retention_days", legacy) != conversations:
            raise ValueError(
                f"retention.conversations ({conversations}) and retention_days ({legacy}) differ; "
                "the greeting tells citizens retention_days, so keep them the same")
        handovers = _days("retention.handovers", block.get("handovers", DEFAULT_DAYS))
        return cls(timedelta(days=conversations), timedelta(days=handovers))

    @classmethod
    def load(cls, municipality_file: Path) -> "RetentionPolicy":
        try:
            data = yaml.safe_load(Path(municipality_file).read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise ValueError(f"municipality settings not found: {municipality_file}") from None
        try:
            return cls.from_mapping(data)
        except ValueError as error:
            raise ValueError(f"{municipality_file}: {error}") from None

    @classmethod
    def from_settings(cls, settings: Any) -> "RetentionPolicy":
        return cls.load(settings.municipality_file)


def _days(name: str, value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 3650:
        raise ValueError(f"{name} must be a whole number of days from 1 to 3650, not {value!r}")
    return value


@dataclass(frozen=True)
class PurgeReport:
    tracker_store_found: bool
    conversations_purged: int
    events_deleted: int
    sms_rows_deleted: int
    handovers_pseudonymised: int
    erasures_finished: int

    def as_json(self) -> dict:
        return asdict(self)


def purge_expired(engine: Engine, policy: RetentionPolicy, cipher: FieldCipher,
                  now: Optional[datetime] = None) -> PurgeReport:
    """Deletes or pseudonymises whatever is past its retention time; safe while Rasa runs.

    `cipher` (the project's secret key) recognises the handovers of a
    conversation by its pseudonym. Idempotent: a second run right after
    finds nothing to do.
    """
    now = now or datetime.now(timezone.utc)
    erasures = finish_pending_erasures(engine, now)
    handovers = _pseudonymise_old_handovers(engine, now - policy.handovers, now)
    conversation_cutoff = now - policy.conversations
    cutoff = conversation_cutoff.timestamp()

    with engine.connect() as conn:
        found = tracker_store.has_tracker_store(conn)
        idle = tracker_store.idle_senders(conn, cutoff) if found else []
        live = _citizens_with_live_handovers(conn)
    purged = events = sms = 0
    for sender_id in idle:
        with engine.begin() as conn:
            ids = tracker_store.message_ids(conn, sender_id)
            deleted = tracker_store.delete_if_idle(conn, sender_id, cutoff)
            if deleted == 0:
                continue  # it came back to life meanwhile
            purged += 1
            events += deleted
            if cipher.pseudonym(sender_id) in live:
                sms += rows.delete_sms_outbound(conn, sender_id) + rows.delete_sms_inbound(conn, ids)
            else:
                sms += rows.delete_sms_rows(conn, sender_id, ids)
            conn.execute(delete(erasure_pending_table).where(erasure_pending_table.c.sender_id == sender_id))

    sms += _purge_old_sms_rows(engine, conversation_cutoff, cutoff, found, live, cipher)
    return PurgeReport(found, purged, events, sms, handovers, erasures)


def purge_with_settings(settings: Any, now: Optional[datetime] = None) -> PurgeReport:
    """`purge_expired` with the database, retention and key of `settings` (bot.settings.Settings)."""
    from bot.storage import create_schema, make_engine

    engine = make_engine(settings.database_url)
    try:
        create_schema(engine)
        return purge_expired(engine, RetentionPolicy.from_settings(settings), FieldCipher.from_settings(settings), now)
    finally:
        engine.dispose()


def _citizens_with_live_handovers(conn) -> set[str]:
    """Pseudonyms of citizens with a handover still kept with its data."""
    query = select(handover_table.c.citizen).distinct().where(~handover_table.c.citizen.startswith(rows.ANONYMOUS_PREFIX))
    return {citizen for (citizen,) in conn.execute(query)}


def _purge_old_sms_rows(engine: Engine, cutoff_time: datetime, cutoff: float, tracker_found: bool,
                        live: set[str], cipher: FieldCipher) -> int:
    """SMS rows older than the conversation retention, whose sender has no recent conversation
    (and, for the contact, no handover still kept)."""
    deleted = 0
    with engine.begin() as conn:
        deleted += conn.execute(delete(sms_inbound).where(sms_inbound.c.received_at < cutoff_time)).rowcount
        deleted += conn.execute(delete(sms_outbound).where(sms_outbound.c.created_at < cutoff_time)).rowcount
        stale = [s for (s,) in conn.execute(select(sms_contacts.c.sender_id).where(sms_contacts.c.updated_at < cutoff_time))]
        active = tracker_store.active_senders(conn, stale, cutoff) if tracker_found else set()
        gone = [s for s in stale if s not in active and cipher.pseudonym(s) not in live]
        for start in range(0, len(gone), 500):
            deleted += conn.execute(delete(sms_contacts).where(sms_contacts.c.sender_id.in_(gone[start:start + 500]))).rowcount
    return deleted


def _pseudonymise_old_handovers(engine: Engine, cutoff: datetime, now: datetime) -> int:
    h = handover_table
    due = select(h.c.id).where(
        h.c.status.in_(FINAL_STATUSES),
        h.c.updated_at < cutoff,
        or_(h.c.payload.isnot(None), ~h.c.citizen.startswith(rows.ANONYMOUS_PREFIX)),
    ).order_by(h.c.updated_at).limit(_BATCH)
    total = 0
    while True:
        with engine.begin() as conn:
            ids = [handover_id for (handover_id,) in conn.execute(due)]
            if not ids:
                return total
            total += rows.pseudonymise_handovers(
                conn, ids, now, "purge", "retention: kept its time after a final status")


class PeriodicPurge:
    """A step for the worker's loop (bot.followup.worker): `purge_expired` at most once per `every`.

    `run_once` returns how many conversations and handovers it purged (0 when
    it was not yet time), like the worker's other steps return what they sent.
    """

    def __init__(self, engine: Engine, policy: RetentionPolicy, cipher: FieldCipher,
                 clock: Callable[[], datetime] = lambda: datetime.now(timezone.utc),
                 every: timedelta = timedelta(hours=1)) -> None:
        self._engine = engine
        self._policy = policy
        self._cipher = cipher
        self._clock = clock
        self._every = every
        self._last: Optional[datetime] = None
        self.last_report: Optional[PurgeReport] = None

    def run_once(self) -> int:
        now = self._clock()
        if self._last is not None and now - self._last < self._every:
            return 0
        report = purge_expired(self._engine, self._policy, self._cipher, now)
        self._last, self.last_report = now, report
        done = report.conversations_purged + report.handovers_pseudonymised + report.erasures_finished
        if done:
            logger.info("retention: %s", report.as_json())
        return done
