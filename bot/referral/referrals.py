"""Warm referrals: booking a slot with a handover and a consent receipt, the
citizen's view by reference code (status, cancel, move, .ics), and the
caseworker's view of their own organisation's handovers.

Every booking, cancellation, move, status change and every caseworker or
token view writes an audit entry in the same transaction as the change.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Mapping, Optional

from sqlalchemy import insert, select, update
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import IntegrityError

from bot.referral import audit
from bot.referral.audit import Actor, AuditEntry
from bot.referral.codes import display_reference, new_reference, normalise_reference
from bot.referral.consent import ConsentGiven, ConsentText, check_consent
from bot.referral.crypto import FieldCipher
from bot.referral.errors import (
    HandoverNotFound,
    IllegalStatusMove,
    ReferralError,
    SlotNotFound,
    SlotTaken,
    SlotUnavailable,
    UnknownReference,
)
from bot.referral.fields import ALLOWED_FIELDS, SLOT_FIELD, SPECIAL_CATEGORY_FIELDS, clean_values
from bot.referral.ics import booking_calendar
from bot.referral.outbox import enqueue_new_handover
from bot.referral.slots import Clock, Slot, Slots, slot_from_row, utcnow
from bot.referral.status import (
    CITIZEN_CANCELLABLE,
    CITIZEN_MOVABLE,
    FREES_SLOT,
    check_move,
    legal_moves,
)
from bot.referral.tables import consent_text_table, handover_table, receipt_table, slot_table
from bot.referral.texts import citizen_texts

_REFERENCE_ATTEMPTS = 20


@dataclass(frozen=True)
class ConsentRecord:
    fields: tuple[str, ...]
    text_version: str
    given_at: datetime
    purpose: str
    special_category_consent: bool
    withdrawn_at: Optional[datetime]

    def as_json(self) -> dict:
        return {"fields": list(self.fields), "text_version": self.text_version, "given_at": self.given_at.isoformat()}


@dataclass(frozen=True)
class Booking:
    """What `book` made; `reference` is the code to give the citizen."""

    id: str
    reference: str
    org_id: str
    location_id: str
    slot: Slot
    status: str
    created_at: datetime
    consent: ConsentRecord


@dataclass(frozen=True)
class BookingView:
    """What a citizen may see by reference code: no handed-over values."""

    reference: str
    status: str
    org_id: str
    location_id: str
    slot: Slot
    created_at: datetime
    consent: ConsentRecord
    language: str

    @property
    def withdrawn(self) -> bool:
        return self.consent.withdrawn_at is not None

    @property
    def can_cancel(self) -> bool:
        return self.status in CITIZEN_CANCELLABLE

    @property
    def can_move(self) -> bool:
        return self.status in CITIZEN_MOVABLE

    def status_text(self, org_name: str, language: Optional[str] = None) -> str:
        """The status in plain words for the citizen (nl/fr/en)."""
        return citizen_texts(language or self.language)["status"][self.status].format(org=org_name)

    def as_json(self) -> dict:
        return {
            "reference": self.reference, "status": self.status, "org_id": self.org_id,
            "location_id": self.location_id, "slot": self.slot.as_json(), "created_at": self.created_at.isoformat(),
        }


@dataclass(frozen=True)
class HandoverRecord:
    """A handover as its organisation's caseworker sees it: the consented values, decrypted."""

    id: str
    reference: str
    org_id: str
    location_id: str
    slot: Slot
    status: str
    created_at: datetime
    updated_at: datetime
    language: str
    fields: Mapping[str, Any]
    consent: ConsentRecord

    @property
    def withdrawn(self) -> bool:
        return self.consent.withdrawn_at is not None

    @property
    def legal_moves(self) -> tuple[str, ...]:
        return legal_moves(self.status)

    def as_json(self) -> dict:
        """The handover of contracts §4."""
        return {
            "id": self.id, "reference": self.reference, "org_id": self.org_id,
            "created_at": self.created_at.isoformat(), "slot": self.slot.as_json(), "status": self.status,
            "fields": dict(self.fields), "consent": self.consent.as_json(),
        }


class Referrals:
    def __init__(self, engine: Engine, cipher: FieldCipher, clock: Clock = utcnow) -> None:
        self._engine = engine
        self._cipher = cipher
        self._clock = clock
        self.slots = Slots(engine, clock)

    # The citizen's side ------------------------------------------------------

    def book(
        self, slot_id: int, org_id: str, fields: Mapping[str, Any], consent: ConsentGiven,
        conversation_id: str, language: str, reminders: bool,
    ) -> Booking:
        """Claims the slot and hands over exactly the consented fields, in one
        transaction. Raises SlotTaken / SlotUnavailable, FieldNotAllowed,
        FieldInvalid or ConsentMissing; nothing is stored then."""
        values = clean_values(fields)
        consented = check_consent(consent, set(values) | {SLOT_FIELD})
        special = consent.special_category_consent and any(f in SPECIAL_CATEGORY_FIELDS for f in consented)
        now = self._clock()
        given_at = consent.given_at or now
        handover_id = str(uuid.uuid4())
        citizen = self._cipher.pseudonym(conversation_id)
        payload = self._cipher.encrypt_json(values)
        with self._engine.begin() as conn:
            claimed = conn.execute(
                update(slot_table)
                .where(
                    slot_table.c.id == slot_id, slot_table.c.org_id == org_id, slot_table.c.booked_by.is_(None),
                    slot_table.c.removed_at.is_(None), slot_table.c.starts_at > now,
                )
                .values(booked_by=handover_id)
            ).rowcount
            if claimed != 1:
                raise _why_not_bookable(conn, slot_id, org_id, now)
            slot = slot_from_row(conn.execute(select(slot_table).where(slot_table.c.id == slot_id)).one())
            _store_text(conn, consent.text, now)
            if special:
                _store_text(conn, consent.special_category_text, now)
            reference = _insert_handover(
                conn, id=handover_id, org_id=org_id, location_id=slot.location_id, slot_id=slot_id, status="sent",
                language=language, reminders=bool(reminders), citizen=citizen, payload=payload,
                created_at=now, updated_at=now,
            )
            conn.execute(
                insert(receipt_table).values(
                    id=str(uuid.uuid4()), handover_id=handover_id, org_id=org_id, citizen=citizen,
                    purpose=consent.purpose, fields=json.dumps(list(consented)), text_version=consent.text.version,
                    special_category_consent=special,
                    special_category_text_version=consent.special_category_text.version if special else None,
                    language=consent.text.language, given_at=given_at,
                )
            )
            audit.record(conn, now, audit.CITIZEN, "book", org_id, handover_id, f"slot {slot_id}")
            enqueue_new_handover(conn, handover_id, org_id, now)
        record = ConsentRecord(consented, consent.text.version, given_at, consent.purpose, special, None)
        return Booking(handover_id, display_reference(reference), org_id, slot.location_id, slot, "sent", now, record)

    def set_reminders(self, reference: str, wanted: bool) -> None:
        """The citizen's choice about an SMS reminder the day before (asked after booking)."""
        code = normalise_reference(reference)
        with self._engine.begin() as conn:
            changed = conn.execute(
                update(handover_table).where(handover_table.c.reference == code).values(reminders=bool(wanted))
            ).rowcount
        if changed != 1:
            raise UnknownReference("no booking with that reference code")

    def by_reference(self, reference: str) -> Optional[BookingView]:
        code = normalise_reference(reference)
        if code is None:
            return None
        with self._engine.connect() as conn:
            row = conn.execute(_handover_query().where(handover_table.c.reference == code)).first()
        return _view(row) if row else None

    def bookings_for_conversation(self, conversation_id: str) -> list[BookingView]:
        """This conversation's bookings, newest first (for "your appointments")."""
        citizen = self._cipher.pseudonym(conversation_id)
        query = _handover_query().where(handover_table.c.citizen == citizen).order_by(
            handover_table.c.created_at.desc(), handover_table.c.id
        )
        with self._engine.connect() as conn:
            return [_view(row) for row in conn.execute(query)]

    def cancel(self, reference: str) -> BookingView:
        """Withdraws the handover before a caseworker accepted it: status
        `cancelled`, slot free again, values erased, receipt marked withdrawn."""
        now = self._clock()
        with self._engine.begin() as conn:
            row = _row_by_reference(conn, reference)
            if row.status not in CITIZEN_CANCELLABLE:
                raise _citizen_refusal(row.status, "cancelled")
            changed = conn.execute(
                update(handover_table)
                .where(handover_table.c.id == row.id, handover_table.c.status.in_(CITIZEN_CANCELLABLE))
                .values(status="cancelled", payload=None, withdrawn_at=now, updated_at=now)
            ).rowcount
            if changed != 1:
                raise IllegalStatusMove(row.status, "cancelled", "the handover changed meanwhile; look it up again")
            _free_slot(conn, row.slot_id, row.id)
            conn.execute(update(receipt_table).where(receipt_table.c.handover_id == row.id).values(withdrawn_at=now))
            audit.record(conn, now, audit.CITIZEN, "cancel", row.org_id, row.id, "withdrawn by the citizen")
            row = conn.execute(_handover_query().where(handover_table.c.id == row.id)).one()
        return _view(row)

    def move(self, reference: str, new_slot_id: int) -> BookingView:
        """Moves the booking to another free slot of the same organisation,
        atomically: the new slot is claimed and the old one freed, or nothing changes."""
        now = self._clock()
        with self._engine.begin() as conn:
            row = _row_by_reference(conn, reference)
            if row.status not in CITIZEN_MOVABLE:
                raise _citizen_refusal(row.status, "moved")
            if new_slot_id == row.slot_id:
                raise SlotTaken("that is already the booked slot")
            claimed = conn.execute(
                update(slot_table)
                .where(
                    slot_table.c.id == new_slot_id, slot_table.c.org_id == row.org_id,
                    slot_table.c.booked_by.is_(None), slot_table.c.removed_at.is_(None),
                    slot_table.c.starts_at > now,
                )
                .values(booked_by=row.id)
            ).rowcount
            if claimed != 1:
                raise _why_not_bookable(conn, new_slot_id, row.org_id, now)
            new_location = conn.execute(select(slot_table.c.location_id).where(slot_table.c.id == new_slot_id)).scalar()
            changed = conn.execute(
                update(handover_table)
                .where(
                    handover_table.c.id == row.id, handover_table.c.slot_id == row.slot_id,
                    handover_table.c.status.in_(CITIZEN_MOVABLE),
                )
                .values(slot_id=new_slot_id, location_id=new_location, updated_at=now)
            ).rowcount
            if changed != 1:
                raise IllegalStatusMove(row.status, row.status, "the handover changed meanwhile; look it up again")
            _free_slot(conn, row.slot_id, row.id)
            audit.record(conn, now, audit.CITIZEN, "move", row.org_id, row.id, f"slot {row.slot_id} -> {new_slot_id}")
            row = conn.execute(_handover_query().where(handover_table.c.id == row.id)).one()
        return _view(row)

    def booking_ics(self, reference: str, org_name: str, address: Optional[str]) -> str:
        """An .ics with the appointment (or call-back window), in the booking's language."""
        with self._engine.connect() as conn:
            row = _row_by_reference(conn, reference)
        view = _view(row)
        texts = citizen_texts(view.language)
        summary = texts["ics_appointment" if view.slot.kind == "appointment" else "ics_callback"].format(org=org_name)
        description = texts["ics_description"].format(reference=view.reference)
        return booking_calendar(
            uid=f"{row.id}@wegwijs", start=view.slot.start, end=view.slot.end, summary=summary,
            description=description, location=address if view.slot.kind == "appointment" else None,
            now=self._clock(), cancelled=view.status in FREES_SLOT,
        )

    # The caseworker's side ---------------------------------------------------

    def handovers_for(self, actor: Actor, status: Optional[str] = None) -> list[HandoverRecord]:
        """The actor's organisation's handovers, newest first; each one shown is audited."""
        now = self._clock()
        query = _handover_query().where(handover_table.c.org_id == actor.org_id).order_by(
            handover_table.c.created_at.desc(), handover_table.c.reference
        )
        if status is not None:
            query = query.where(handover_table.c.status == status)
        with self._engine.begin() as conn:
            rows = conn.execute(query).all()
            for row in rows:
                audit.record(conn, now, actor.label, "list", actor.org_id, row.id)
        return [self._record(row) for row in rows]

    def handover_for(self, actor: Actor, handover_id: str) -> HandoverRecord:
        """One handover of the actor's organisation (HandoverNotFound otherwise); audited."""
        now = self._clock()
        with self._engine.begin() as conn:
            row = _own_row(conn, actor, handover_id)
            if row is not None:
                audit.record(conn, now, actor.label, "view", actor.org_id, row.id)
        if row is None:
            raise self._denied(actor, handover_id, now)
        return self._record(row)

    def set_status(self, actor: Actor, handover_id: str, status: str) -> HandoverRecord:
        """Moves the handover along the status machine; IllegalStatusMove otherwise."""
        now = self._clock()
        with self._engine.connect() as conn:
            known = _own_row(conn, actor, handover_id) is not None
        if not known:
            raise self._denied(actor, handover_id, now)
        with self._engine.begin() as conn:
            row = _own_row(conn, actor, handover_id)
            check_move(row.status, status)
            if status == "no_show" and now < row.starts_at:
                raise IllegalStatusMove(row.status, status, "the appointment has not started yet, so it cannot be a no-show")
            changed = conn.execute(
                update(handover_table)
                .where(handover_table.c.id == row.id, handover_table.c.status == row.status)
                .values(status=status, updated_at=now)
            ).rowcount
            if changed != 1:
                raise IllegalStatusMove(row.status, status, "the handover changed meanwhile; reload it")
            if status in FREES_SLOT:
                _free_slot(conn, row.slot_id, row.id)
            audit.record(conn, now, actor.label, "status", actor.org_id, row.id, f"{row.status} -> {status}")
            row = conn.execute(_handover_query().where(handover_table.c.id == row.id)).one()
        return self._record(row)

    def audit_trail(self, actor: Actor, handover_id: str) -> list[AuditEntry]:
        """Who saw and changed this handover (own organisation only)."""
        with self._engine.connect() as conn:
            row = _own_row(conn, actor, handover_id)
            trail = audit.entries(conn, handover_id=row.id) if row is not None else None
        if trail is None:
            raise self._denied(actor, handover_id, self._clock())
        return trail

    def handover_by_id(self, handover_id: str) -> Optional[HandoverRecord]:
        """For Wegwijs' own delivery worker only: not scoped to an organisation
        and not audited here (the worker audits what it delivers)."""
        with self._engine.connect() as conn:
            row = conn.execute(_handover_query().where(handover_table.c.id == handover_id)).first()
        return self._record(row) if row else None

    def _denied(self, actor: Actor, handover_id: str, now: datetime) -> HandoverNotFound:
        """Someone asked for a handover that is not theirs (or does not exist): worth an entry."""
        with self._engine.begin() as conn:
            audit.record(conn, now, actor.label, "denied", actor.org_id, str(handover_id)[:36])
        return HandoverNotFound("no such handover for your organisation")

    def _record(self, row) -> HandoverRecord:
        consent = _consent(row)
        values = self._cipher.decrypt_json(row.payload) if row.payload is not None else {}
        slot = _slot(row)
        if row.payload is not None:
            values[SLOT_FIELD] = slot.as_json()
        fields = {name: values[name] for name in ALLOWED_FIELDS if name in consent.fields and name in values}
        return HandoverRecord(
            row.id, display_reference(row.reference), row.org_id, row.location_id, slot, row.status,
            row.created_at, row.updated_at, row.language, fields, consent,
        )


def _handover_query():
    h, s, r = handover_table, slot_table, receipt_table
    return select(
        h.c.id, h.c.reference, h.c.org_id, h.c.location_id, h.c.slot_id, h.c.status, h.c.language, h.c.payload,
        h.c.created_at, h.c.updated_at,
        s.c.kind, s.c.starts_at, s.c.ends_at, s.c.booked_by.label("slot_booked_by"),
        r.c.fields.label("consent_fields"), r.c.text_version, r.c.given_at, r.c.purpose,
        r.c.special_category_consent, r.c.withdrawn_at,
    ).select_from(h.join(s, s.c.id == h.c.slot_id).join(r, r.c.handover_id == h.c.id))


def _slot(row) -> Slot:
    return Slot(
        row.slot_id, row.org_id, row.location_id, row.kind, row.starts_at, row.ends_at, row.slot_booked_by is not None
    )


def _consent(row) -> ConsentRecord:
    return ConsentRecord(
        tuple(json.loads(row.consent_fields)), row.text_version, row.given_at, row.purpose,
        bool(row.special_category_consent), row.withdrawn_at,
    )


def _view(row) -> BookingView:
    return BookingView(
        display_reference(row.reference), row.status, row.org_id, row.location_id, _slot(row), row.created_at,
        _consent(row), row.language,
    )


def _row_by_reference(conn: Connection, reference: str):
    code = normalise_reference(reference)
    row = conn.execute(_handover_query().where(handover_table.c.reference == code)).first() if code else None
    if row is None:
        raise UnknownReference("no booking with this reference code")
    return row


def _own_row(conn: Connection, actor: Actor, handover_id: str):
    return conn.execute(
        _handover_query().where(handover_table.c.id == str(handover_id), handover_table.c.org_id == actor.org_id)
    ).first()


def _citizen_refusal(status: str, verb: str) -> IllegalStatusMove:
    if status in FREES_SLOT:
        return IllegalStatusMove(status, "cancelled", f"this booking is already {status}")
    return IllegalStatusMove(
        status, "cancelled", f"this booking is {status}; it can no longer be {verb} here, please call the organisation"
    )


def _why_not_bookable(conn: Connection, slot_id: int, org_id: str, now: datetime) -> ReferralError:
    row = conn.execute(
        select(slot_table).where(
            slot_table.c.id == slot_id, slot_table.c.org_id == org_id, slot_table.c.removed_at.is_(None)
        )
    ).first()
    if row is None:
        return SlotNotFound(f"no slot {slot_id} for this organisation")
    if row.booked_by is not None:
        return SlotTaken(f"slot {slot_id} was just booked by someone else")
    if row.starts_at <= now:
        return SlotUnavailable(f"slot {slot_id} has already started")
    return SlotUnavailable(f"slot {slot_id} cannot be booked")  # pragma: no cover - the conditions above are exhaustive


def _free_slot(conn: Connection, slot_id: int, handover_id: str) -> None:
    conn.execute(
        update(slot_table)
        .where(slot_table.c.id == slot_id, slot_table.c.booked_by == handover_id)
        .values(booked_by=None)
    )


def _store_text(conn: Connection, text: ConsentText, now: datetime) -> None:
    """Keeps the exact words of every consent text version once."""
    if conn.execute(select(consent_text_table.c.version).where(consent_text_table.c.version == text.version)).first():
        return
    try:
        with conn.begin_nested():
            conn.execute(
                insert(consent_text_table).values(
                    version=text.version, language=text.language, purpose=text.purpose, text=text.text,
                    first_shown_at=now,
                )
            )
    except IntegrityError:
        pass  # stored by a concurrent booking: same version, same words


def _insert_handover(conn: Connection, **values: Any) -> str:
    """Inserts the handover under a fresh reference code; returns the code."""
    for _ in range(_REFERENCE_ATTEMPTS):
        reference = new_reference()
        if conn.execute(select(handover_table.c.id).where(handover_table.c.reference == reference)).first():
            continue
        try:
            with conn.begin_nested():
                conn.execute(insert(handover_table).values(reference=reference, **values))
            return reference
        except IntegrityError:
            continue  # a concurrent booking took this code in the meantime
    raise RuntimeError("could not find a free reference code")  # pragma: no cover - 8e10 codes
