"""The SMS tables on SQLite and PostgreSQL: a MessageSid is processed once, even by
several instances at the same moment; contacts keep choices and opt-out state."""

import threading

from cryptography.fernet import Fernet
from sqlalchemy import select

from bot.sms.privacy import PhoneVault
from bot.sms.render import Choice
from bot.sms.store import OutboundRecord, SmsStore, sms_contacts
from bot.storage import make_engine


def test_a_message_sid_is_claimed_once(engine):
    store = SmsStore(engine)
    assert store.claim_message("SM" + "a" * 32) is True
    assert store.claim_message("SM" + "a" * 32) is False
    assert store.claim_message("SM" + "b" * 32) is True


def test_concurrent_instances_claim_a_message_sid_exactly_once(engine, database_url):
    # Each "instance" has its own engine (connection pool), as separate servers would.
    engines = [make_engine(database_url) for _ in range(4)]
    results: list[bool] = []
    barrier = threading.Barrier(len(engines) * 2)

    def claim(instance_engine) -> None:
        barrier.wait()
        results.append(SmsStore(instance_engine).claim_message("SM" + "c" * 32))

    threads = [threading.Thread(target=claim, args=(e,)) for e in engines for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for instance_engine in engines:
        instance_engine.dispose()
    assert sorted(results) == [False] * 7 + [True]


def test_a_contact_keeps_only_the_encrypted_number_its_choices_and_opt_out(engine):
    vault = PhoneVault(Fernet.generate_key().decode())
    store = SmsStore(engine)
    sender = vault.sender_id("+32470123456")
    contact = store.contact(sender, vault.encrypt("+32470123456"))
    assert (contact.opted_out, contact.choices) == (False, ())
    assert vault.decrypt(contact.phone_encrypted) == "+32470123456"
    again = store.contact(sender, vault.encrypt("+32470123456"))
    assert again.phone_encrypted == contact.phone_encrypted, "first ciphertext kept"

    store.set_choices(sender, [Choice("Ja, dat klopt", "ja"), Choice("Être rappelé", "rappel")])
    assert store.find_contact(sender).choices == (Choice("Ja, dat klopt", "ja"), Choice("Être rappelé", "rappel"))
    store.set_opted_out(sender, True)
    stopped = store.find_contact(sender)
    assert stopped.opted_out and stopped.choices == ()

    with engine.connect() as connection:
        stored = " ".join(str(v) for row in connection.execute(select(sms_contacts)) for v in row)
    assert "470123456" not in stored


def test_outbound_replies_are_recorded_with_their_segments(engine):
    store = SmsStore(engine)
    store.record_outbound(OutboundRecord("sms_x", "SM1", "sent", "SM9", None, "GSM-7", 1, 80))
    store.record_outbound(OutboundRecord("sms_x", "SM2", "failed", None, 20500, "UCS-2", 2, 90, "gAAAA..."))
    assert [(r.status, r.segments, r.body_encrypted) for r in store.outbound("sms_x")] == [
        ("sent", 1, None), ("failed", 2, "gAAAA...")
    ]
