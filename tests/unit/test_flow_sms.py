"""The conversation on SMS, where every 160 characters is paid: the same path and
the same choices as on the web, in fewer segments, with the rest one reply away.
Measured as the SMS channel sends it (bot.sms.render)."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select

from bot.referral.tables import consent_text_table, receipt_table
from bot.sms.render import render_turn
from tests.unit.test_flow import Citizen, _to_offer, world  # noqa: F401  (the module's fixture)


def sms(citizen: Citizen):
    """The citizen's last turn as the SMS channel renders it."""
    return render_turn([{"text": r.text, "buttons": [{"title": b.title, "payload": b.payload} for b in r.buttons]}
                        for r in citizen.replies])


def test_the_offer_by_sms_is_the_choices_with_the_health_funds_as_one(world):
    flow, _ = world
    web, phone = _to_offer(flow), _to_offer(flow, channel="sms")
    web_names = [a["name"] for a in web.state["actors"]]
    funds = [a.organization_name for a in flow.directory.core_actors("2800", ["debt"], at=flow.clock())
             if a.gbo_role == "health_fund"]
    assert len(funds) >= 2 and set(funds) <= set(web_names)
    turn = sms(phone)
    assert turn.segment_count <= 2 and len(turn.bodies) == 1
    assert phone.buttons[:-3] == [
        "Je ziekenfonds (sociale dienst)" if n in funds else n for n in web_names if n not in funds[1:]
    ], "the funds stand where the first of them stands: the neutral order is kept"
    assert "Ik weet het niet" in phone.buttons and "Meer over deze hulp" in phone.buttons
    assert "Jij kiest" in phone.text


def test_choosing_the_health_fund_by_sms_asks_which_one_then_its_times(world):
    flow, _ = world
    citizen = _to_offer(flow, channel="sms")
    citizen.says(str(citizen.buttons.index("Je ziekenfonds (sociale dienst)") + 1))
    assert citizen.pending == "flow:offer" and "Bij welk ziekenfonds" in citizen.text
    fund = citizen.buttons[1]
    citizen.says("2")
    assert citizen.pending == "flow:slot" and citizen.state["org"]["name"] == fund


def test_who_does_what_and_the_rest_of_the_offer_are_one_reply_away_by_sms(world):
    flow, _ = world
    citizen = _to_offer(flow, channel="sms")
    citizen.says("Meer over deze hulp")
    assert len(citizen.replies) == 2 and citizen.replies[0].text.startswith("Deze hulp is er in je buurt:")
    assert citizen.replies[0].text.count("\n- ") >= 5, "every service, one line each"
    citizen.says("Ik weet het niet")
    assert "Het OCMW:" in citizen.text and "Het CAW:" in citizen.text, "the orienting advice"


def test_slot_and_contact_questions_by_sms_fit_one_segment(world):
    flow, _ = world
    citizen = _to_offer(flow, channel="sms")
    citizen.says(str(next(i for i, b in enumerate(citizen.buttons, 1) if b.startswith("OCMW"))))
    assert citizen.pending == "flow:slot" and sms(citizen).segment_count == 1
    citizen.says("1")
    assert citizen.pending == "flow:contact" and sms(citizen).segment_count == 1


def test_consent_by_sms_names_every_field_in_two_segments_and_the_receipt_keeps_those_words(world):
    flow, referrals = world
    citizen = _to_offer(flow, channel="sms")
    citizen.says(str(next(i for i, b in enumerate(citizen.buttons, 1) if b.startswith("CAW"))))
    citizen.says("1")
    citizen.says("Sam, 0470 12 34 56")
    assert citizen.pending == "flow:consent" and sms(citizen).segment_count <= 2
    shown = citizen.replies[-1].text
    assert shown.startswith("Wegwijs stuurt naar CAW Demoregio (demo): je voornaam, telefoonnummer, taal, postcode")
    assert "Alleen om je afspraak voor te bereiden." in shown and "Annuleren kan altijd met je code." in shown
    citizen.says("1")
    booking = referrals.by_reference(citizen.state["reference"])
    with referrals._engine.connect() as conn:
        stored = conn.execute(select(consent_text_table.c.text).join(
            receipt_table, receipt_table.c.text_version == consent_text_table.c.version).where(
            receipt_table.c.text_version == booking.consent.text_version)).scalar()
    assert stored == shown


def test_the_rights_result_by_sms_names_the_rights_in_short_with_the_details_one_reply_away(world):
    flow, _ = world
    web, phone = (Citizen(flow, channel=c).confirm_summary(["debt", "housing"], "schulden en huur") for c in ("web", "sms"))
    for citizen in (web, phone):
        for answer in ("ja", "1", "1", "1", "0"):
            citizen.says(answer)
        assert citizen.pending == "flow:postcode"
    assert phone.text.startswith("Je hebt misschien recht op: ") and "Nog na te kijken: " in phone.text
    assert "Dit is nog geen beslissing" in phone.text and "postcode" in phone.text
    assert sms(phone).segment_count < sms(web).segment_count
    phone.says("Meer uitleg")
    assert phone.pending == "flow:postcode" and "bron" in phone.text.lower()


def test_no_reminder_question_for_a_time_later_today(world):
    flow, referrals = world
    fund = next(a for a in flow.directory.core_actors("2800", ["debt"], at=flow.clock()) if a.organization_name.startswith("Solidaris"))
    start = flow.clock() + timedelta(hours=4)
    referrals.slots.add(fund.organization_id, fund.location_id, "appointment", start, start + timedelta(minutes=30))
    citizen = _to_offer(flow, channel="sms")
    citizen.says(str(citizen.buttons.index("Je ziekenfonds (sociale dienst)") + 1))
    citizen.says(str(citizen.buttons.index(fund.organization_name) + 1))
    assert citizen.state["org"]["name"] == fund.organization_name
    citizen.says("1")
    assert datetime.fromisoformat(citizen.state["slot"]["start"]).date() == flow.clock().date()
    citizen.says("Sam, 0470 12 34 56")
    citizen.says("1")
    assert citizen.state.get("reference") and citizen.pending is None, "booked, and no question left"
    assert "herinnering" not in citizen.text, "a reminder the day before cannot be kept: not offered"
