"""Erasure and retention in every store, on SQLite and on PostgreSQL.

The tracker store's `events` table is made here with the columns Rasa's
SQLTrackerStore gives it (tests/integration/test_privacy_tracker_store.py
uses Rasa's own store).
"""

import json
from datetime import datetime, timedelta, timezone

import pytest
from cryptography.fernet import Fernet
from sqlalchemy import Column, MetaData, String, Table, inspect, insert, select, text, update

from bot.privacy import rows as privacy_rows
from bot.privacy.erasure import erase_conversation, finish_pending_erasures, finish_tracker_erasure
from bot.privacy.retention import RetentionPolicy, purge_expired
from bot.privacy.tables import erasure_table
from bot.privacy.tracker_store import TRACKER_METADATA, events_table
from bot.referral import Accounts, ConsentGiven, FieldCipher, Referrals, consent_text
from bot.referral.tables import audit_table, handover_table, receipt_table
from bot.sms.store import OutboundRecord, SmsStore, sms_contacts
from bot.storage import create_schema, make_engine

NOW = datetime(2030, 3, 4, 8, 0, tzinfo=timezone.utc)
ORG = "3f1c6a2e-0000-4000-8000-00000000000a"
CITIZEN = "sms_4f1c0e0a9b8c7d6e5f4a3b2c1d0e9f8a"
OTHER = "b7e3a1d2c4f5061728394a5b6c7d8e9f"
PHONE, EMAIL, NAME = "+32486554433", "sam.peeters@example.be", "Samira"
VALUES = {"name": NAME, "phone": PHONE, "email": EMAIL, "language": "nl", "domains": ["debt"],
          "summary": "Ik kan mijn huur niet betalen."}
FIELDS = ["name", "phone", "email", "language", "domains", "summary", "slot"]
POLICY = RetentionPolicy(timedelta(days=30), timedelta(days=30))


@pytest.fixture
def cipher():
    return FieldCipher(Fernet.generate_key().decode())


@pytest.fixture
def stores(engine):
    TRACKER_METADATA.create_all(engine)
    return engine


def add_events(engine, sender, at, message_id="SM" + "1" * 32, name=NAME):
    """A small conversation as Rasa stores it: a user message, a slot with the flow, a bot reply."""
    events = [
        ("user", {"event": "user", "text": "Sam, [☎]", "message_id": message_id,
                  "metadata": {"wegwijs_sealed": [{"kind": "phone", "token": "gAAAA-sealed"}]}}),
        ("slot", {"event": "slot", "name": "flow", "value": {"name": name, "contact": {"phone": "[☎:gAAAA]"}}}),
        ("bot", {"event": "bot", "text": "Dank je."}),
    ]
    with engine.begin() as conn:
        for offset, (kind, data) in enumerate(events):
            conn.execute(insert(events_table).values(
                sender_id=sender, type_name=kind, timestamp=(at + timedelta(seconds=offset)).timestamp(),
                data=json.dumps({**data, "timestamp": at.timestamp()})))


def add_sms(engine, sender, message_id="SM" + "1" * 32):
    store = SmsStore(engine)
    store.claim_message(message_id)
    store.contact(sender, "gAAAA-encrypted-number")
    store.record_outbound(OutboundRecord(sender, message_id, "sent", "SMxyz", None, "GSM-7", 1, 40))


def book(engine, cipher, sender, hours=24):
    referrals = Referrals(engine, cipher, lambda: NOW)
    start = NOW + timedelta(hours=hours)
    slot = referrals.slots.add(ORG, "loc-1", "appointment", start, start + timedelta(minutes=45))
    shown = consent_text("OCMW Demostad", FIELDS, "appointment", "nl")
    return referrals.book(slot.id, ORG, VALUES, ConsentGiven(shown), sender, "nl", True)


def accept(engine, cipher, booking, *statuses):
    referrals = Referrals(engine, cipher, lambda: NOW)
    actor = Accounts(engine).add(ORG, f"an-{booking.id[:8]}", "caseworker").account.actor("user")
    for status in statuses:
        referrals.set_status(actor, booking.id, status)


def every_row(engine) -> list[tuple[str, str]]:
    """(table, row as text) of every table in the database."""
    found = []
    with engine.connect() as conn:
        for name in inspect(conn).get_table_names():
            for row in conn.execute(text(f'SELECT * FROM "{name}"')):  # names come from the database itself
                found.append((name, " ".join(str(v) for v in row)))
    return found


def rows_with(engine, *needles) -> set[str]:
    return {table for table, row in every_row(engine) if any(n in row for n in needles)}


def test_an_erasure_leaves_no_row_of_the_conversation_but_the_receipts(stores, cipher):
    engine = stores
    add_events(engine, CITIZEN, NOW - timedelta(minutes=5))
    add_events(engine, OTHER, NOW - timedelta(minutes=5), message_id="SM" + "2" * 32, name="Jo")
    add_sms(engine, CITIZEN)
    sent = book(engine, cipher, CITIZEN, hours=24)
    other_booking = book(engine, cipher, OTHER, hours=26)

    report = erase_conversation(engine, cipher, CITIZEN, NOW)
    assert [n.reference for n in report.withdrawn] == [sent.reference] and report.kept_by_organisation == ()
    assert finish_tracker_erasure(engine, CITIZEN, now=NOW) == 3

    pseudonym = cipher.pseudonym(CITIZEN)
    assert rows_with(engine, CITIZEN) == set(), "no row names the conversation"
    assert rows_with(engine, PHONE, EMAIL, NAME, "SM" + "1" * 32, "gAAAA-encrypted-number") == set()
    assert rows_with(engine, pseudonym) == {"privacy_erasure"}, "only the erasure receipt, under the pseudonym"
    with engine.connect() as conn:
        handover = conn.execute(select(handover_table).where(handover_table.c.id == sent.id)).one()
        receipt = conn.execute(select(receipt_table).where(receipt_table.c.handover_id == sent.id)).one()
        erasure = conn.execute(select(erasure_table)).one()
        actions = [a for (a,) in conn.execute(select(audit_table.c.action).where(audit_table.c.handover_id == sent.id))]
        others = conn.execute(select(events_table.c.id).where(events_table.c.sender_id == OTHER)).all()
    assert handover.status == "cancelled" and handover.payload is None and handover.citizen.startswith("anon:")
    assert receipt.citizen == handover.citizen and receipt.withdrawn_at is not None, "the consent receipt stays, unlinked"
    assert actions == ["book", "cancel", "erase"], "the audit log only grew"
    assert json.loads(erasure.erased)["handovers_withdrawn"] == 1 and erasure.citizen == pseudonym
    assert len(others) == 3, "other conversations are untouched"
    assert Referrals(engine, cipher).by_reference(other_booking.reference).status == "sent"


def test_a_handover_the_organisation_accepted_is_theirs_and_stays(stores, cipher):
    engine = stores
    booking = book(engine, cipher, CITIZEN)
    accept(engine, cipher, booking, "received", "accepted")
    report = erase_conversation(engine, cipher, CITIZEN, NOW)
    assert [n.org_id for n in report.kept_by_organisation] == [ORG] and report.withdrawn == ()
    with engine.connect() as conn:
        handover = conn.execute(select(handover_table).where(handover_table.c.id == booking.id)).one()
    assert handover.status == "accepted" and handover.payload is not None and handover.reminders is False


def test_declared_tables_are_emptied_of_the_conversation(stores, cipher, monkeypatch):
    engine = stores
    declared = MetaData()
    jobs = Table("test_privacy_jobs", declared, Column("sender_id", String(64)), info={"erase_by": "sender_id"})
    declared.create_all(engine)
    with engine.begin() as conn:
        conn.execute(insert(jobs), [{"sender_id": CITIZEN}, {"sender_id": OTHER}])
    monkeypatch.setattr(privacy_rows, "METADATA", declared)
    assert erase_conversation(engine, cipher, CITIZEN, NOW).other_rows == 1
    with engine.connect() as conn:
        assert [s for (s,) in conn.execute(select(jobs.c.sender_id))] == [OTHER]


def test_the_purge_finishes_an_erasure_the_gate_could_not(stores, cipher):
    engine = stores
    add_events(engine, CITIZEN, NOW - timedelta(minutes=5))
    erase_conversation(engine, cipher, CITIZEN, NOW)
    # The SMS channel records its reply after the turn: that row goes too, later.
    SmsStore(engine).record_outbound(OutboundRecord(CITIZEN, "SM9", "sent", "SMabc", None, "GSM-7", 1, 40))
    assert finish_pending_erasures(engine, NOW + timedelta(seconds=10)) == 0, "the turn may still be running"
    assert rows_with(engine, CITIZEN) == {"events", "sms_outbound", "privacy_erasure_pending"}
    assert finish_pending_erasures(engine, NOW + timedelta(minutes=10)) == 1
    assert rows_with(engine, CITIZEN) == set()


def test_retention_purges_idle_conversations_and_never_an_active_one(stores, cipher):
    engine = stores
    add_events(engine, CITIZEN, NOW - timedelta(days=31))
    add_sms(engine, CITIZEN)
    add_events(engine, OTHER, NOW - timedelta(days=40), message_id="SM" + "2" * 32)
    add_events(engine, OTHER, NOW - timedelta(days=1), message_id="SM" + "3" * 32)  # came back yesterday
    report = purge_expired(engine, POLICY, cipher, NOW)
    assert report.tracker_store_found and report.conversations_purged == 1 and report.events_deleted == 3
    assert rows_with(engine, CITIZEN) == set()
    with engine.connect() as conn:
        assert len(conn.execute(select(events_table.c.id).where(events_table.c.sender_id == OTHER)).all()) == 6
    assert purge_expired(engine, POLICY, cipher, NOW).conversations_purged == 0, "a second pass finds nothing"


def test_the_sms_contact_stays_while_a_handover_keeps_its_data(stores, cipher):
    engine = stores
    add_events(engine, CITIZEN, NOW - timedelta(days=31))
    add_sms(engine, CITIZEN)
    with engine.begin() as conn:  # the contact was last used then, too
        conn.execute(update(sms_contacts).values(updated_at=NOW - timedelta(days=31)))
    booking = book(engine, cipher, CITIZEN, hours=24 * 20)  # the reminder needs the number
    purge_expired(engine, POLICY, cipher, NOW)
    assert rows_with(engine, CITIZEN) == {"sms_contacts"}
    accept(engine, cipher, booking, "received", "accepted", "completed")
    later = NOW + timedelta(days=31 + 20)
    report = purge_expired(engine, POLICY, cipher, later + timedelta(days=30))
    assert report.handovers_pseudonymised == 1
    assert rows_with(engine, CITIZEN) == set(), "the number goes once the handover kept its time"


def test_handovers_are_pseudonymised_a_retention_period_after_a_final_status(stores, cipher):
    engine = stores
    done = book(engine, cipher, CITIZEN, hours=2)
    running = book(engine, cipher, CITIZEN, hours=30)
    accept(engine, cipher, done, "received", "accepted", "completed")  # at NOW
    assert purge_expired(engine, POLICY, cipher, NOW + timedelta(days=29)).handovers_pseudonymised == 0
    report = purge_expired(engine, POLICY, cipher, NOW + timedelta(days=31))
    assert report.handovers_pseudonymised == 1
    with engine.connect() as conn:
        rows = {r.id: r for r in conn.execute(select(handover_table))}
        receipts = {r.handover_id: r for r in conn.execute(select(receipt_table))}
        purge_entries = conn.execute(select(audit_table).where(audit_table.c.action == "purge")).all()
    assert rows[done.id].payload is None and rows[done.id].citizen.startswith("anon:")
    assert receipts[done.id].citizen == rows[done.id].citizen and receipts[done.id].fields
    assert rows[running.id].payload is not None and rows[running.id].citizen == cipher.pseudonym(CITIZEN)
    assert [e.handover_id for e in purge_entries] == [done.id] and CITIZEN not in str(purge_entries)
    assert purge_expired(engine, POLICY, cipher, NOW + timedelta(days=32)).handovers_pseudonymised == 0


def test_the_audit_log_still_refuses_changes_after_a_purge(stores, cipher):
    engine = stores
    booking = book(engine, cipher, CITIZEN, hours=2)
    accept(engine, cipher, booking, "rejected")
    purge_expired(engine, POLICY, cipher, NOW + timedelta(days=31))
    with pytest.raises(Exception):
        with engine.begin() as conn:
            conn.execute(text("DELETE FROM referral_audit"))


def test_without_a_tracker_store_the_rest_is_still_purged(engine, cipher):
    booking = book(engine, cipher, CITIZEN, hours=2)
    accept(engine, cipher, booking, "rejected")
    report = purge_expired(engine, POLICY, cipher, NOW + timedelta(days=31))
    assert not report.tracker_store_found and report.handovers_pseudonymised == 1


def test_the_retention_settings_are_checked():
    assert RetentionPolicy.from_mapping({"retention_days": 14}).conversations == timedelta(days=14)
    assert RetentionPolicy.from_mapping({"retention": {"handovers": 90}}).handovers == timedelta(days=90)
    for bad in ({"retention": {"conversations": 0}}, {"retention": {"chats": 3}}, {"retention": {"handovers": "x"}},
                {"retention_days": 30, "retention": {"conversations": 60}}):
        with pytest.raises(ValueError):
            RetentionPolicy.from_mapping(bad)
    with pytest.raises(ValueError):
        RetentionPolicy.load("/nonexistent.yml")


def test_wegwijs_privacy_purge_runs_one_pass_and_prints_its_report(tmp_path, monkeypatch, capsys):
    from wegwijs.cli import main

    url = f"sqlite:///{tmp_path / 'cron.db'}"
    engine = make_engine(url)
    create_schema(engine)
    TRACKER_METADATA.create_all(engine)
    add_events(engine, CITIZEN, datetime.now(timezone.utc) - timedelta(days=45))
    monkeypatch.setenv("WEGWIJS_DATABASE_URL", url)
    monkeypatch.setenv("WEGWIJS_SECRET_KEY", Fernet.generate_key().decode())
    assert main(["privacy", "purge"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["conversations_purged"] == 1 and report["tracker_store_found"] is True
    monkeypatch.setenv("WEGWIJS_MUNICIPALITY", str(tmp_path / "missing.yml"))
    assert main(["privacy", "purge"]) == 2
