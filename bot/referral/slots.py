"""Appointment slots and call-back windows per organisation and location.

A slot is free while `booked_by` is NULL. Claiming is one conditional UPDATE
(`... WHERE booked_by IS NULL`) whose row count says who won: PostgreSQL
row-locks the row and re-checks the condition, SQLite serialises writers
(BEGIN IMMEDIATE, see bot.storage). Removing is soft (`removed_at`), because
old handovers keep pointing at their slot.
"""

from __future__ import annotations

import hashlib
import random
from dataclasses import dataclass
from datetime import datetime, time, timedelta, timezone
from typing import Callable, Optional, Sequence

from sqlalchemy import and_, exists, insert, select, update
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import IntegrityError

from bot.referral import audit
from bot.referral.audit import Actor
from bot.referral.codes import display_reference
from bot.referral.errors import SlotInvalid, SlotNotFound, SlotTaken
from bot.referral.ics import BRUSSELS, read_calendar
from bot.referral.tables import handover_table, slot_table

KINDS: tuple[str, ...] = ("appointment", "callback")
MAX_SLOT_LENGTH = timedelta(hours=12)
Clock = Callable[[], datetime]


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


@dataclass(frozen=True)
class Slot:
    id: int
    org_id: str
    location_id: str
    kind: str
    start: datetime  # aware, UTC
    end: datetime
    booked: bool = False

    @property
    def local_start(self) -> datetime:
        return self.start.astimezone(BRUSSELS)

    @property
    def local_end(self) -> datetime:
        return self.end.astimezone(BRUSSELS)

    def as_json(self) -> dict:
        return {"start": self.start.isoformat(), "end": self.end.isoformat(), "kind": self.kind}


@dataclass(frozen=True)
class SlotListing:
    """A slot as the inbox lists it: booked ones show only the reference code."""

    slot: Slot
    handover_id: Optional[str]
    reference: Optional[str]


@dataclass(frozen=True)
class ImportResult:
    added: int
    updated: int
    removed: int
    unchanged: int
    skipped: int


def slot_from_row(row) -> Slot:
    return Slot(row.id, row.org_id, row.location_id, row.kind, row.starts_at, row.ends_at, row.booked_by is not None)


def check_slot_times(kind: str, start: datetime, end: datetime) -> None:
    if kind not in KINDS:
        raise SlotInvalid(f"unknown slot kind {kind!r}; known: {', '.join(KINDS)}")
    if start.tzinfo is None or end.tzinfo is None:
        raise SlotInvalid("slot times need a timezone")
    if end <= start:
        raise SlotInvalid("a slot must end after it starts")
    if end - start > MAX_SLOT_LENGTH:
        raise SlotInvalid("a slot cannot be longer than 12 hours")


class Slots:
    def __init__(self, engine: Engine, clock: Clock = utcnow) -> None:
        self._engine = engine
        self._clock = clock

    def add(
        self, org_id: str, location_id: str, kind: str, start: datetime, end: datetime, actor: Optional[Actor] = None
    ) -> Slot:
        check_slot_times(kind, start, end)
        now = self._clock()
        if start <= now:
            raise SlotInvalid("a new slot must be in the future")
        _check_ids(org_id, location_id)
        with self._engine.begin() as conn:
            slot_id = conn.execute(
                insert(slot_table).values(
                    org_id=org_id, location_id=location_id, kind=kind, starts_at=start, ends_at=end,
                    source="manual", created_at=now,
                )
            ).inserted_primary_key[0]
            audit.record(conn, now, _who(actor), "slot_add", org_id, detail=f"slot {slot_id}")
        return Slot(slot_id, org_id, location_id, kind, start.astimezone(timezone.utc), end.astimezone(timezone.utc))

    def remove(self, slot_id: int, org_id: str, actor: Optional[Actor] = None) -> None:
        """Removes a free slot; a booked slot stays until its handover is cancelled or rejected."""
        now = self._clock()
        with self._engine.begin() as conn:
            removed = conn.execute(
                update(slot_table)
                .where(
                    slot_table.c.id == slot_id, slot_table.c.org_id == org_id,
                    slot_table.c.booked_by.is_(None), slot_table.c.removed_at.is_(None),
                )
                .values(removed_at=now)
            ).rowcount
            if removed != 1:
                row = _slot_row(conn, slot_id, org_id)
                if row is None:
                    raise SlotNotFound(f"no slot {slot_id} for this organisation")
                raise SlotTaken(f"slot {slot_id} is booked: cancel or reject its handover first")
            audit.record(conn, now, _who(actor), "slot_remove", org_id, detail=f"slot {slot_id}")

    def get(self, slot_id: int) -> Optional[Slot]:
        with self._engine.connect() as conn:
            row = conn.execute(
                select(slot_table).where(slot_table.c.id == slot_id, slot_table.c.removed_at.is_(None))
            ).first()
        return slot_from_row(row) if row else None

    def open_slots(
        self, org_id: str, kind: str, after: Optional[datetime] = None, limit: int = 3,
        location_id: Optional[str] = None,
    ) -> list[Slot]:
        """The first free slots of `kind` starting after `after` (never in the past), earliest first."""
        if kind not in KINDS:
            raise SlotInvalid(f"unknown slot kind {kind!r}; known: {', '.join(KINDS)}")
        now = self._clock()
        after = max(after, now) if after is not None else now
        query = (
            select(slot_table)
            .where(
                slot_table.c.org_id == org_id, slot_table.c.kind == kind, slot_table.c.starts_at > after,
                slot_table.c.booked_by.is_(None), slot_table.c.removed_at.is_(None),
            )
            .order_by(slot_table.c.starts_at, slot_table.c.id)
            .limit(limit)
        )
        if location_id is not None:
            query = query.where(slot_table.c.location_id == location_id)
        with self._engine.connect() as conn:
            return [slot_from_row(row) for row in conn.execute(query)]

    def listing(self, org_id: str, after: datetime, until: Optional[datetime] = None) -> list[SlotListing]:
        """An organisation's slots (free and booked) from `after`, for the inbox."""
        query = (
            select(slot_table, handover_table.c.reference)
            .select_from(slot_table.outerjoin(handover_table, handover_table.c.id == slot_table.c.booked_by))
            .where(slot_table.c.org_id == org_id, slot_table.c.removed_at.is_(None), slot_table.c.ends_at > after)
            .order_by(slot_table.c.starts_at, slot_table.c.id)
        )
        if until is not None:
            query = query.where(slot_table.c.starts_at < until)
        with self._engine.connect() as conn:
            return [
                SlotListing(slot_from_row(r), r.booked_by, display_reference(r.reference) if r.reference else None)
                for r in conn.execute(query)
            ]

    def locations(self, org_id: str) -> list[str]:
        """Location ids this organisation has (had) slots for."""
        query = select(slot_table.c.location_id).where(slot_table.c.org_id == org_id).distinct()
        with self._engine.connect() as conn:
            return sorted(r.location_id for r in conn.execute(query))

    def import_ics(
        self, org_id: str, location_id: str, ics_text: str, kind: str = "appointment", actor: Optional[Actor] = None
    ) -> ImportResult:
        """Adds or updates one slot per future event, keyed by UID (and occurrence):
        importing the same feed twice changes nothing. A CANCELLED event removes
        its free slot. Booked slots are never changed by an import."""
        if kind not in KINDS:
            raise SlotInvalid(f"unknown slot kind {kind!r}; known: {', '.join(KINDS)}")
        _check_ids(org_id, location_id)
        now = self._clock()
        items, skipped = read_calendar(ics_text, now)
        added = updated = removed = unchanged = 0
        with self._engine.begin() as conn:
            known = {
                row.external_uid: row
                for row in conn.execute(
                    select(slot_table).where(
                        slot_table.c.org_id == org_id, slot_table.c.location_id == location_id,
                        slot_table.c.external_uid.isnot(None),
                    )
                )
            }
            for item in items:
                row = known.get(item.uid)
                if item.cancelled:
                    if row is not None and row.removed_at is None and row.booked_by is None:
                        conn.execute(_free_slot_update(row.id).values(removed_at=now))
                        removed += 1
                    else:
                        unchanged += 1
                    continue
                try:
                    check_slot_times(kind, item.start, item.end)
                except SlotInvalid:
                    skipped += 1
                    continue
                if row is None:
                    conn.execute(
                        insert(slot_table).values(
                            org_id=org_id, location_id=location_id, kind=kind, starts_at=item.start,
                            ends_at=item.end, source="ics", external_uid=item.uid[:300], created_at=now,
                        )
                    )
                    added += 1
                elif row.removed_at is not None or row.booked_by is not None or (
                    (row.starts_at, row.ends_at, row.kind) == (item.start, item.end, kind)
                ):
                    unchanged += 1  # a caseworker's removal and a booking win over the feed
                else:
                    conn.execute(_free_slot_update(row.id).values(starts_at=item.start, ends_at=item.end, kind=kind))
                    updated += 1
            result = ImportResult(added, updated, removed, unchanged, skipped)
            audit.record(
                conn, now, _who(actor), "slot_import", org_id,
                detail=f"location {location_id[:60]}: {added} added, {updated} updated, {removed} removed, "
                f"{unchanged} unchanged, {skipped} skipped",
            )
        return result

    def seed_demo_slots(self, pairs: Sequence[tuple[str, str]], now: datetime, days: int = 14) -> int:
        """Plausible weekday appointments and call-back windows for demo
        organisations that have no future slots; returns how many were made.
        Safe to call from several processes at start-up."""
        created = 0
        for org_id, location_id in pairs:
            _check_ids(org_id, location_id)
            with self._engine.begin() as conn:
                has_slots = conn.execute(
                    select(
                        exists().where(
                            slot_table.c.org_id == org_id, slot_table.c.location_id == location_id,
                            slot_table.c.removed_at.is_(None), slot_table.c.ends_at > now,
                        )
                    )
                ).scalar()
                if has_slots:
                    continue
                rows = _demo_rows(org_id, location_id, now, days)
                try:
                    with conn.begin_nested():
                        if rows:
                            conn.execute(insert(slot_table), rows)
                except IntegrityError:
                    continue  # another process seeded this pair at the same moment
                created += len(rows)
                audit.record(conn, now, audit.SYSTEM, "slot_seed", org_id, detail=f"{len(rows)} demo slots")
        return created


def _demo_rows(org_id: str, location_id: str, now: datetime, days: int) -> list[dict]:
    # Same demo calendar for the same organisation on every start-up.
    rng = random.Random(hashlib.sha256(f"{org_id}/{location_id}".encode()).digest())
    appointment_times = [time(9, 0), time(10, 0), time(11, 0), time(13, 30), time(14, 30), time(15, 30)]
    windows = [(time(9, 0), time(12, 0)), (time(13, 0), time(16, 0))]
    today = now.astimezone(BRUSSELS).date()
    rows = []
    for offset in range(days):
        day = today + timedelta(days=offset)
        if day.weekday() >= 5:
            continue
        afternoon_closed = day.weekday() in (2, 4)  # Wednesday and Friday afternoons: no office hours
        for at in appointment_times:
            if (afternoon_closed and at.hour >= 12) or rng.random() < 0.25:
                continue
            start = datetime.combine(day, at, BRUSSELS)
            rows.append(_demo_row(org_id, location_id, "appointment", start, start + timedelta(minutes=45), now))
        for begin, finish in windows:
            if afternoon_closed and begin.hour >= 12:
                continue
            start = datetime.combine(day, begin, BRUSSELS)
            rows.append(_demo_row(org_id, location_id, "callback", start, datetime.combine(day, finish, BRUSSELS), now))
    return [r for r in rows if r["starts_at"] > now + timedelta(hours=1)]


def _demo_row(org_id: str, location_id: str, kind: str, start: datetime, end: datetime, now: datetime) -> dict:
    start_utc = start.astimezone(timezone.utc)
    return dict(
        org_id=org_id, location_id=location_id, kind=kind, starts_at=start_utc, ends_at=end.astimezone(timezone.utc),
        booked_by=None, source="demo", external_uid=f"demo:{kind}:{start_utc:%Y%m%dT%H%M%SZ}", created_at=now,
        removed_at=None,
    )


def _free_slot_update(slot_id: int):
    return update(slot_table).where(and_(slot_table.c.id == slot_id, slot_table.c.booked_by.is_(None)))


def _slot_row(conn: Connection, slot_id: int, org_id: str):
    return conn.execute(
        select(slot_table).where(
            slot_table.c.id == slot_id, slot_table.c.org_id == org_id, slot_table.c.removed_at.is_(None)
        )
    ).first()


def _check_ids(org_id: str, location_id: str) -> None:
    for name, value in (("org_id", org_id), ("location_id", location_id)):
        if not isinstance(value, str) or not value.strip() or len(value) > 100:
            raise SlotInvalid(f"{name} must be a non-empty text of at most 100 characters")


def _who(actor: Optional[Actor]) -> str:
    return actor.label if actor is not None else audit.SYSTEM
