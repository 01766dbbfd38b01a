"""What the citizen reads when they ask what Wegwijs knows, and after an erasure."""

from datetime import datetime, timedelta, timezone

import pytest
from cryptography.fernet import Fernet

from bot.privacy.access import HeldData, Organisation, Wording, describe, erasure_replies, privacy_texts, shown_text
from bot.privacy.erasure import ErasureReport, HandoverNote
from bot.privacy.retention import PeriodicPurge, RetentionPolicy
from bot.referral import BookingView, ConsentRecord, FieldCipher, Slot
from bot.texts import Texts

ORG = "org-ocmw"
WORDING = Wording.from_texts(Texts.load())
NOW = datetime(2030, 3, 4, 8, 0, tzinfo=timezone.utc)


def organisation(org_id):
    return Organisation("OCMW Demostad", "015 00 00 10") if org_id == ORG else None


def booking(status="sent", withdrawn=None):
    slot = Slot(1, ORG, "loc", "appointment", NOW, NOW + timedelta(minutes=45), True)
    consent = ConsentRecord(("name", "phone", "language", "slot"), "v1", NOW, "appointment", False, withdrawn)
    return BookingView("ABCD-EFGH", status, ORG, "loc", slot, NOW, consent, "nl")


def test_the_citizen_sees_their_data_in_plain_words_and_never_their_contact_details():
    held = HeldData(
        language="nl", help_question="ik heb schulden, bel me op [☎] of via [✉]", domains=["debt"],
        flow={"profile": {"age": 67, "postcode": "2800"}, "name": "Sam",
              "contact": {"phone": "[☎:gAAAAABsealedsealedsealedsealed]"}},
        bookings=[booking()], sms_contact=True)
    text = describe(held, WORDING, organisation, 30)
    assert "Je taal: Nederlands" in text
    assert '"ik heb schulden, bel me op [je telefoonnummer] of via [je e-mailadres]"' in text
    assert "schulden" in text and "67" in text and "Je postcode: 2800" in text and "Je naam: Sam" in text
    assert "Je telefoonnummer: we bewaren het versleuteld" in text and "gAAAA" not in text
    assert "Afspraak ABCD-EFGH bij OCMW Demostad" in text
    assert "Wegwijs stuurde naar OCMW Demostad: je voornaam of de naam die je koos, je telefoonnummer" in text
    assert "versleuteld, om je sms'jes te beantwoorden" in text
    assert text.endswith("Typ dan: wis mijn gegevens") and "30 dagen" in text


@pytest.mark.parametrize("language, nothing", [("nl", "Niets meer dan je taal"), ("fr", "Rien d'autre"),
                                               ("en", "Nothing but your language")])
def test_a_new_conversation_holds_nothing_but_its_language(language, nothing):
    assert nothing in describe(HeldData(language=language), WORDING, organisation, 30)


def test_a_withdrawn_booking_says_its_data_is_gone():
    text = describe(HeldData(language="en", bookings=[booking("cancelled", withdrawn=NOW)]), WORDING, organisation, 30)
    assert "already been erased" in text and "Wegwijs sent" not in text


def test_after_an_erasure_the_citizen_learns_what_went_and_whom_to_ask_for_the_rest():
    report = ErasureReport("r1", (HandoverNote("ABCD-EFGH", ORG, "cancelled", delivered=True),),
                           (HandoverNote("KMNP-RTUV", ORG, "accepted"),), 1, 2, 0)
    replies = erasure_replies(report, "fr", organisation)
    assert replies[0].startswith("C'est fait.")
    assert "ABCD-EFGH chez OCMW Demostad est annulé" in replies[1] and "015 00 00 10" in replies[1]
    assert "OCMW Demostad a déjà accepté votre rendez-vous KMNP-RTUV" in replies[2] and "015 00 00 10" in replies[2]


def test_every_language_has_every_text_and_shown_text_is_short():
    assert set(privacy_texts("nl")) == set(privacy_texts("fr")) == set(privacy_texts("en"))
    assert len(shown_text("x" * 1000, "nl")) <= 301


def test_the_worker_step_purges_at_most_once_an_hour(tmp_path):
    from bot.storage import create_schema, make_engine

    engine = make_engine(f"sqlite:///{tmp_path / 'w.db'}")
    create_schema(engine)
    clock = [NOW]
    step = PeriodicPurge(engine, RetentionPolicy(), FieldCipher(Fernet.generate_key().decode()), lambda: clock[0])
    assert step.run_once() == 0 and step.last_report is not None
    first = step.last_report
    clock[0] = NOW + timedelta(minutes=30)
    step.run_once()
    assert step.last_report is first, "not again within the hour"
    clock[0] = NOW + timedelta(hours=1)
    step.run_once()
    assert step.last_report is not first
