"""Booking, consent receipts, cancel/move, the status machine, the audit log,
encryption at rest and organisation isolation, on SQLite and PostgreSQL."""

import json
from datetime import datetime, timedelta, timezone

import pytest
from cryptography.fernet import Fernet
from icalendar import Calendar
from sqlalchemy import select, text, update
from sqlalchemy.exc import DBAPIError

from bot.referral import (
    Accounts,
    ConsentGiven,
    ConsentMissing,
    FieldCipher,
    FieldNotAllowed,
    HandoverNotFound,
    IllegalStatusMove,
    Referrals,
    SlotNotFound,
    SlotTaken,
    SlotUnavailable,
    UnknownReference,
    consent_text,
    special_category_text,
)
from bot.referral.tables import audit_table, consent_text_table, handover_table, receipt_table, slot_table

MONDAY = datetime(2030, 3, 4, 8, 0, tzinfo=timezone.utc)
ORG, OTHER_ORG = "3f1c6a2e-0000-4000-8000-00000000000a", "3f1c6a2e-0000-4000-8000-00000000000b"
VALUES = {
    "name": "Samira", "phone": "0470 12 34 56", "language": "fr", "domains": ["debt", "housing"],
    "summary": "Je ne peux plus payer mon loyer et l'huissier est passé.",
}
FIELDS = ["name", "phone", "language", "domains", "summary", "slot"]


class Clock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock():
    return Clock(MONDAY)


@pytest.fixture
def referrals(engine, clock):
    return Referrals(engine, FieldCipher(Fernet.generate_key().decode()), clock)


def add_slot(referrals, hours=3, org=ORG, location="loc-1", kind="appointment"):
    start = MONDAY + timedelta(hours=hours)
    return referrals.slots.add(org, location, kind, start, start + timedelta(minutes=45))


def book(referrals, slot, values=VALUES, fields=FIELDS, conversation="conv-1", org=ORG, **consent):
    shown = consent_text("OCMW Demostad", fields, "appointment", "fr")
    return referrals.book(slot.id, org, values, ConsentGiven(shown, **consent), conversation, "fr", True)


def caseworker(engine, org=ORG, name="An", role="caseworker"):
    return Accounts(engine).add(org, name, role).account.actor("user")


def test_a_booking_hands_over_exactly_the_consented_fields_with_a_receipt(engine, referrals):
    slot = add_slot(referrals)
    booking = book(referrals, slot)
    assert booking.status == "sent" and booking.slot.id == slot.id and booking.org_id == ORG
    shown = consent_text("OCMW Demostad", FIELDS, "appointment", "fr")
    with engine.connect() as conn:
        receipt = conn.execute(select(receipt_table)).one()
        stored_text = conn.execute(select(consent_text_table.c.text).where(
            consent_text_table.c.version == receipt.text_version)).scalar()
    assert receipt.handover_id == booking.id and receipt.org_id == ORG and receipt.purpose == "appointment"
    assert json.loads(receipt.fields) == ["name", "phone", "language", "domains", "summary", "slot"]
    assert receipt.text_version == shown.version and stored_text == shown.text
    assert receipt.given_at == MONDAY and receipt.withdrawn_at is None and not receipt.special_category_consent

    record = referrals.handover_for(caseworker(engine), booking.id)
    assert record.as_json() == {
        "id": booking.id, "reference": booking.reference, "org_id": ORG, "created_at": MONDAY.isoformat(),
        "slot": {"start": slot.start.isoformat(), "end": slot.end.isoformat(), "kind": "appointment"},
        "status": "sent",
        "fields": {
            "name": "Samira", "phone": "0470123456", "language": "fr", "domains": ["debt", "housing"],
            "summary": VALUES["summary"],
            "slot": {"start": slot.start.isoformat(), "end": slot.end.isoformat(), "kind": "appointment"},
        },
        "consent": {"fields": FIELDS[:4] + ["summary", "slot"], "text_version": shown.version,
                    "given_at": MONDAY.isoformat()},
    }


def test_a_field_outside_the_list_or_the_consent_is_refused_and_nothing_is_stored(engine, referrals):
    slot = add_slot(referrals)
    with pytest.raises(FieldNotAllowed, match="birth_date"):
        book(referrals, slot, values={**VALUES, "birth_date": "1985-01-01"})
    with pytest.raises(ConsentMissing, match="not consented: email"):
        book(referrals, slot, values={**VALUES, "email": "s@example.be"})
    with pytest.raises(ConsentMissing, match="without a value: postcode"):
        book(referrals, slot, fields=FIELDS + ["postcode"])
    with engine.connect() as conn:
        assert conn.execute(select(handover_table)).all() == []
        assert conn.execute(select(receipt_table)).all() == []
    assert [s.id for s in referrals.slots.open_slots(ORG, "appointment")] == [slot.id]


def test_health_details_go_only_with_the_separate_yes_which_the_receipt_records(engine, referrals):
    slot = add_slot(referrals)
    values = {**VALUES, "health_details": "Je suis en incapacité de travail depuis mars."}
    fields = FIELDS + ["health_details"]
    with pytest.raises(ConsentMissing, match="separate"):
        book(referrals, slot, values=values, fields=fields)
    special = special_category_text("OCMW Demostad", "fr")
    booking = book(referrals, slot, values=values, fields=fields, special_category_consent=True,
                   special_category_text=special)
    with engine.connect() as conn:
        receipt = conn.execute(select(receipt_table)).one()
        special_text = conn.execute(select(consent_text_table.c.text).where(
            consent_text_table.c.version == receipt.special_category_text_version)).scalar()
    assert receipt.special_category_consent and special_text == special.text
    record = referrals.handover_for(caseworker(engine), booking.id)
    assert record.fields["health_details"] == values["health_details"]
    assert record.consent.special_category_consent


def test_a_taken_removed_started_or_foreign_slot_cannot_be_booked(engine, referrals, clock):
    taken, removed, started, foreign = (add_slot(referrals, h) for h in (1, 2, 3, 4))
    book(referrals, taken)
    with pytest.raises(SlotTaken):
        book(referrals, taken, conversation="conv-2")
    referrals.slots.remove(removed.id, ORG)
    with pytest.raises(SlotNotFound):
        book(referrals, removed)
    with pytest.raises(SlotNotFound):
        book(referrals, foreign, org=OTHER_ORG)
    clock.now = started.start + timedelta(minutes=1)
    with pytest.raises(SlotUnavailable, match="started"):
        book(referrals, started)


def test_the_citizen_finds_the_booking_by_reference_and_the_conversation(referrals):
    slot = add_slot(referrals)
    booking = book(referrals, slot)
    view = referrals.by_reference(booking.reference.lower().replace("-", " "))
    assert view.status == "sent" and view.slot.id == slot.id and view.can_cancel and view.can_move
    assert "OCMW Demostad" in view.status_text("OCMW Demostad")
    assert referrals.by_reference("ZZZZ-ZZZZ") is None
    assert [v.reference for v in referrals.bookings_for_conversation("conv-1")] == [booking.reference]
    assert referrals.bookings_for_conversation("conv-2") == []


def test_cancelling_before_acceptance_withdraws_the_handover_and_frees_the_slot(engine, referrals, clock):
    slot = add_slot(referrals)
    booking = book(referrals, slot)
    clock.now = MONDAY + timedelta(minutes=5)
    view = referrals.cancel(booking.reference)
    assert view.status == "cancelled" and view.withdrawn and not view.can_cancel
    assert [s.id for s in referrals.slots.open_slots(ORG, "appointment")] == [slot.id]
    with engine.connect() as conn:
        row = conn.execute(select(handover_table)).one()
        receipt = conn.execute(select(receipt_table)).one()
    assert row.payload is None, "withdrawn values are erased"
    assert receipt.withdrawn_at == clock.now and json.loads(receipt.fields) == FIELDS[:4] + ["summary", "slot"]
    record = referrals.handover_for(caseworker(engine), booking.id)
    assert record.status == "cancelled" and record.fields == {}
    with pytest.raises(IllegalStatusMove, match="already cancelled"):
        referrals.cancel(booking.reference)
    with pytest.raises(UnknownReference):
        referrals.cancel("ZZZZ-ZZZZ")


def test_after_acceptance_the_citizen_can_no_longer_cancel_or_move(engine, referrals):
    slot, other = add_slot(referrals, 3), add_slot(referrals, 4)
    booking = book(referrals, slot)
    actor = caseworker(engine)
    referrals.set_status(actor, booking.id, "received")
    referrals.set_status(actor, booking.id, "accepted")
    with pytest.raises(IllegalStatusMove, match="call the organisation"):
        referrals.cancel(booking.reference)
    with pytest.raises(IllegalStatusMove):
        referrals.move(booking.reference, other.id)
    assert referrals.by_reference(booking.reference).status == "accepted"
    assert [s.id for s in referrals.slots.open_slots(ORG, "appointment")] == [other.id]


def test_moving_claims_the_new_slot_and_frees_the_old_one_or_changes_nothing(engine, referrals):
    first, second, taken = add_slot(referrals, 3), add_slot(referrals, 4), add_slot(referrals, 5)
    foreign = add_slot(referrals, 6, org=OTHER_ORG)
    booking = book(referrals, first)
    book(referrals, taken, conversation="conv-2")
    moved = referrals.move(booking.reference, second.id)
    assert moved.slot.id == second.id and moved.status == "sent"
    assert [s.id for s in referrals.slots.open_slots(ORG, "appointment")] == [first.id]
    with pytest.raises(SlotTaken):
        referrals.move(booking.reference, taken.id)
    with pytest.raises(SlotNotFound):
        referrals.move(booking.reference, foreign.id)
    assert referrals.by_reference(booking.reference).slot.id == second.id
    assert [s.id for s in referrals.slots.open_slots(ORG, "appointment")] == [first.id]
    assert referrals.handover_for(caseworker(engine), booking.id).slot.id == second.id


@pytest.mark.parametrize("path, frees_slot", [
    (["received", "accepted", "completed"], False),
    (["received", "accepted", "no_show"], False),
    (["received", "accepted", "cancelled"], True),
    (["received", "rejected"], True),
    (["received", "cancelled"], True),
    (["rejected"], True),
    (["cancelled"], True),
])
def test_each_legal_status_path(engine, referrals, clock, path, frees_slot):
    slot = add_slot(referrals)
    booking = book(referrals, slot)
    actor = caseworker(engine)
    for status in path:
        if status == "no_show":
            clock.now = slot.start + timedelta(minutes=20)
        assert referrals.set_status(actor, booking.id, status).status == status
    assert referrals.by_reference(booking.reference).status == path[-1]
    with pytest.raises(IllegalStatusMove, match="final"):
        referrals.set_status(actor, booking.id, "received")
    assert bool(referrals.slots.open_slots(ORG, "appointment")) == frees_slot


def test_illegal_moves_are_refused_with_a_clear_message(engine, referrals):
    slot = add_slot(referrals)
    booking = book(referrals, slot)
    actor = caseworker(engine)
    with pytest.raises(IllegalStatusMove, match="sent cannot become accepted; it can become: received"):
        referrals.set_status(actor, booking.id, "accepted")
    with pytest.raises(IllegalStatusMove, match="already sent"):
        referrals.set_status(actor, booking.id, "sent")
    referrals.set_status(actor, booking.id, "received")
    referrals.set_status(actor, booking.id, "accepted")
    with pytest.raises(IllegalStatusMove, match="not started yet"):
        referrals.set_status(actor, booking.id, "no_show")
    assert referrals.by_reference(booking.reference).status == "accepted"


def test_another_organisation_can_neither_see_nor_change_a_handover(engine, referrals):
    booking = book(referrals, add_slot(referrals))
    stranger = caseworker(engine, org=OTHER_ORG, name="Bram")
    assert referrals.handovers_for(stranger) == []
    with pytest.raises(HandoverNotFound):
        referrals.handover_for(stranger, booking.id)
    with pytest.raises(HandoverNotFound):
        referrals.set_status(stranger, booking.id, "received")
    with pytest.raises(HandoverNotFound):
        referrals.audit_trail(stranger, booking.id)
    assert referrals.by_reference(booking.reference).status == "sent"


def test_every_view_and_change_is_in_the_append_only_audit_log(engine, referrals, clock):
    booking = book(referrals, add_slot(referrals))
    actor, stranger = caseworker(engine), caseworker(engine, org=OTHER_ORG, name="Bram")
    referrals.handovers_for(actor)
    referrals.handover_for(actor, booking.id)
    referrals.set_status(actor, booking.id, "received")
    with pytest.raises(HandoverNotFound):
        referrals.handover_for(stranger, booking.id)
    trail = [(e.actor, e.action, e.detail) for e in referrals.audit_trail(actor, booking.id)]
    assert trail == [
        ("citizen", "book", f"slot {booking.slot.id}"),
        (actor.label, "list", None),
        (actor.label, "view", None),
        (actor.label, "status", "sent -> received"),
        (stranger.label, "denied", None),
    ]
    assert all(e.at == MONDAY for e in referrals.audit_trail(actor, booking.id))
    for statement in (update(audit_table).values(action="nothing"), audit_table.delete()):
        with pytest.raises(DBAPIError, match="append-only"):
            with engine.begin() as conn:
                conn.execute(statement)
    assert len(referrals.audit_trail(actor, booking.id)) == 5


def test_contact_details_and_the_summary_are_encrypted_at_rest(engine, referrals):
    values = {**VALUES, "email": "samira.b@example.be"}
    booking = book(referrals, add_slot(referrals), values=values, fields=FIELDS + ["email"],
                   conversation="+32470999888")
    with engine.connect() as conn:
        dump = " ".join(
            repr(tuple(row)) for table in ("referral_handover", "referral_consent_receipt", "referral_audit",
                                           "referral_slot", "referral_consent_text")
            for row in conn.execute(text(f"SELECT * FROM {table}"))  # fixed table names, no input
        )
    for secret in ("0470123456", "470 12 34 56", "samira.b@example.be", "Samira", "huissier", "+32470999888"):
        assert secret not in dump
    assert booking.reference.replace("-", "") in dump  # the dump is real
    assert referrals.handover_for(caseworker(engine), booking.id).fields["email"] == "samira.b@example.be"


def test_the_ics_file_holds_the_appointment_and_the_reference(referrals, engine):
    slot = add_slot(referrals)
    booking = book(referrals, slot)
    calendar = Calendar.from_ical(referrals.booking_ics(booking.reference, "OCMW Demostad", "Markt 1, 9999 Demostad"))
    event = calendar.walk("VEVENT")[0]
    assert event.decoded("DTSTART") == slot.start and event.decoded("DTEND") == slot.end
    assert str(event["SUMMARY"]) == "Rendez-vous chez OCMW Demostad"
    assert str(event["LOCATION"]) == "Markt 1, 9999 Demostad" and booking.reference in str(event["DESCRIPTION"])
    referrals.cancel(booking.reference)
    cancelled = Calendar.from_ical(referrals.booking_ics(booking.reference, "OCMW Demostad", "Markt 1"))
    assert str(cancelled.walk("VEVENT")[0]["STATUS"]) == "CANCELLED"
    assert str(cancelled.walk("VEVENT")[0]["UID"]) == str(event["UID"])
    callback = add_slot(referrals, 5, kind="callback")
    shown = consent_text("CAW", FIELDS, "callback", "en")
    other = referrals.book(callback.id, ORG, VALUES, ConsentGiven(shown), "conv-3", "en", False)
    event = Calendar.from_ical(referrals.booking_ics(other.reference, "CAW", "Markt 1")).walk("VEVENT")[0]
    assert str(event["SUMMARY"]) == "CAW calls you back" and "LOCATION" not in event


def test_a_reference_collision_is_retried(engine, referrals, monkeypatch):
    import bot.referral.referrals as module

    first = book(referrals, add_slot(referrals, 3))
    codes = iter([first.reference.replace("-", ""), "3333AAAA"])
    monkeypatch.setattr(module, "new_reference", lambda: next(codes))
    second = book(referrals, add_slot(referrals, 4), conversation="conv-2")
    assert second.reference == "3333-AAAA"
    with engine.connect() as conn:
        assert conn.execute(select(slot_table.c.booked_by).where(slot_table.c.id == second.slot.id)).scalar() == second.id
