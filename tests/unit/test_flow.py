"""The path after the help question, as a citizen walks it: rights, local offer,
a booked referral with consent, and the booking found again by its code.
Real directory and referral store on SQLite, no Rasa."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest
from cryptography.fernet import Fernet

from bot.flow import Flow, Inbound, find_reference, is_flow_step
from bot.municipality import Municipality
from bot.offer import Directory, load_demo
from bot.referral import FieldCipher, Referrals
from bot.rights import load_catalogue
from bot.settings import PROJECT_ROOT
from bot.storage import create_schema, make_engine
from bot.texts import Texts

NOW = datetime(2026, 11, 23, 8, 0, tzinfo=timezone.utc)  # a Monday morning


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    engine = make_engine(f"sqlite:///{tmp_path_factory.mktemp('flow') / 'wegwijs.db'}")
    create_schema(engine)
    load_demo(engine)
    directory = Directory(engine)
    referrals = Referrals(engine, FieldCipher(Fernet.generate_key().decode()), clock=lambda: NOW)
    pairs = sorted({(a.organization_id, a.location_id) for a in directory.core_actors("2800", [])})
    referrals.slots.seed_demo_slots(pairs, NOW)
    flow = Flow(Texts.load(), Municipality.load(PROJECT_ROOT / "config" / "municipality.yml"), load_catalogue(),
                directory, referrals, clock=lambda: NOW, public_url="https://chat.example.be")
    return flow, referrals


class Citizen:
    """One conversation: keeps the `pending` and `flow` slots as Rasa would."""

    def __init__(self, flow: Flow, language: str = "nl", channel: str = "socketio") -> None:
        self.flow, self.language, self.channel = flow, language, channel
        self.pending, self.state, self.replies = None, {}, []

    def _apply(self, turn):
        self.pending = turn.slots.get("pending")
        self.state = turn.slots.get("flow", self.state)
        self.replies = list(turn.replies)
        return self

    def confirm_summary(self, domains, summary):
        return self._apply(self.flow.start(self.language, domains, summary))

    def says(self, text, intent=""):
        assert is_flow_step(self.pending), f"no question is waiting (pending={self.pending})"
        message = Inbound(text, intent, conversation_id="conv-1", channel=self.channel)
        return self._apply(self.flow.handle(self.pending, self.language, self.state, message))

    @property
    def text(self) -> str:
        return "\n".join(r.text for r in self.replies)

    @property
    def buttons(self) -> list[str]:
        return [b.title for r in self.replies for b in r.buttons]


def test_the_citizen_can_say_no_to_the_rights_and_go_to_the_offer(world):
    flow, _ = world
    citizen = Citizen(flow).confirm_summary(["debt"], "ik heb schulden")
    assert "één korte vraag" in citizen.text and citizen.buttons == ["Ja, graag", "Nee, liever niet"]
    citizen.says("nee")
    assert citizen.pending == "flow:postcode" and "postcode" in citizen.text


def test_rights_questions_one_at_a_time_understood_in_free_text_and_skippable(world):
    flow, _ = world
    citizen = Citizen(flow).confirm_summary(["income"], "ik heb geen geld")
    citizen.says("ja")
    asked = []
    answers = {"income_sources": "ik krijg leefloon", "housing": "1", "age": "ik ben 67"}
    while citizen.pending == "flow:rights_question":
        field = citizen.state["question"]
        asked.append(field)
        assert "Liever niet zeggen" in citizen.buttons
        citizen.says(answers.get(field, "Liever niet zeggen"))
    assert asked[0] == "income_sources" and len(asked) == len(set(asked)) <= 6
    assert citizen.state["profile"]["income_sources"] == ["leefloon"]
    # The result and the next question (postcode) in one turn; details one button away.
    assert citizen.pending == "flow:postcode" and citizen.buttons == ["Meer uitleg"]
    assert "misschien" in citizen.text
    assert "Dit is nog geen beslissing" in citizen.text
    assert " hebt recht op" not in citizen.text  # never "you are entitled"
    citizen.says("Meer uitleg")
    assert citizen.pending == "flow:postcode" and "bron" in citizen.text.lower()
    citizen.says("2800")
    assert citizen.pending == "flow:offer"


def test_an_unclear_answer_asks_again_kindly_with_the_same_choices(world):
    flow, _ = world
    citizen = Citizen(flow).confirm_summary(["income"], "ik heb geen geld")
    citizen.says("ja")
    question, buttons = citizen.state["question"], citizen.buttons
    citizen.says("banaan")
    assert citizen.pending == "flow:rights_question" and citizen.state["question"] == question
    assert citizen.buttons == buttons and "begrijp ik niet" in citizen.text


def _to_offer(flow, language="nl", domains=("debt",), summary="ik heb schulden", postcode="2800", channel="socketio"):
    citizen = Citizen(flow, language, channel).confirm_summary(list(domains), summary)
    citizen.says({"nl": "nee", "fr": "non", "en": "no"}[language])
    citizen.says(postcode)
    assert citizen.pending == "flow:offer"
    return citizen


def test_the_offer_is_complete_neutral_and_the_citizen_chooses(world):
    flow, _ = world
    citizen = _to_offer(flow)
    names = [a["name"] for a in citizen.state["actors"]]
    assert len(names) >= 2 and all(name in citizen.buttons for name in names)
    assert "Jij kiest" in citizen.text
    assert "beter" not in citizen.text.lower()
    citizen.says("Ik weet het niet")
    assert citizen.pending == "flow:offer" and "org" not in citizen.state  # it does not choose for them
    assert "nog eens kort uit" in citizen.text and all(name in citizen.buttons for name in names)


def test_a_full_dutch_path_to_a_booked_appointment_with_consent(world):
    flow, referrals = world
    citizen = _to_offer(flow)
    chosen = citizen.state["actors"][0]
    citizen.says("1")
    assert citizen.pending == "flow:slot" and chosen["name"] in citizen.text
    slot_buttons = citizen.buttons
    assert len(citizen.state["slots"]) == 3 and "Bel me terug" in slot_buttons
    citizen.says("2")
    assert citizen.pending == "flow:contact" and "voornaam" in citizen.text
    citizen.says("ik ben Sam, mijn gsm is 0470 12 34 56")
    assert citizen.pending == "flow:consent"
    assert chosen["name"] in citizen.text and "je telefoonnummer" in citizen.text.lower()
    citizen.says("Ja, stuur dit")
    assert citizen.pending is None
    code = citizen.state["reference"]
    assert code in citizen.text and "https://chat.example.be/booking/" in citizen.text
    assert citizen.state["contact"] is None  # handed over, no longer kept in the conversation
    view = referrals.by_reference(code)
    assert view.status == "sent" and view.org_id == chosen["id"]
    assert view.consent.fields == ("name", "phone", "language", "postcode", "domains", "summary", "slot")


def test_optional_fields_can_be_left_out_one_by_one(world):
    flow, referrals = world
    citizen = _to_offer(flow)
    citizen.says("1")
    citizen.says("1")
    citizen.says("sam@example.be")
    citizen.says("Zelf kiezen wat")
    asked = []
    while citizen.pending == "flow:consent_field":
        asked.append(citizen.text)
        citizen.says("nee")
    assert citizen.pending == "flow:consent" and asked
    citizen.says("ja")
    view = referrals.by_reference(citizen.state["reference"])
    # Everything optional was refused, but a way to reach them stays.
    assert set(view.consent.fields) == {"email", "language", "slot"}


def test_health_details_only_after_a_separate_yes(world):
    flow, referrals = world
    citizen = _to_offer(flow, domains=("health", "debt"), summary="ik ben ziek en heb schulden")
    citizen.says("1")
    citizen.says("1")
    citizen.says("Sam 0470123456")
    assert citizen.pending == "flow:special_consent" and "gezondheid" in citizen.text
    citizen.says("nee")
    assert "health_details" not in citizen.state["send"] and "summary" not in citizen.state["send"]
    citizen.says("ja")
    view = referrals.by_reference(citizen.state["reference"])
    assert "health_details" not in view.consent.fields and not view.consent.special_category_consent


def test_a_separate_yes_sends_the_health_details_with_a_receipt_of_it(world):
    flow, referrals = world
    citizen = _to_offer(flow, domains=("health",), summary="ik ben ziek en kan de dokter niet betalen")
    for text in ("1", "1", "Sam 0470123456"):
        citizen.says(text)
    citizen.says("ja")
    assert "wat je vertelde over je gezondheid" in citizen.text
    citizen.says("Ja, stuur dit")
    view = referrals.by_reference(citizen.state["reference"])
    assert "health_details" in view.consent.fields and view.consent.special_category_consent


def test_refusing_consent_sends_nothing_and_forgets_the_contact(world):
    flow, _ = world
    citizen = _to_offer(flow)
    citizen.says("1")
    citizen.says("1")
    citizen.says("Sam 0470123456")
    citizen.says("Nee, niets sturen")
    assert citizen.pending is None and "reference" not in citizen.state
    assert citizen.state["contact"] is None and "niets" in citizen.text


def test_french_and_english_paths_book_too(world):
    flow, referrals = world
    for language, words in (("fr", ("Je suis Sam", "Oui, envoyez ceci", "Votre code")),
                            ("en", ("my name is Sam", "Yes, send this", "Your code"))):
        citizen = _to_offer(flow, language=language)
        citizen.says("1")
        citizen.says("1")
        citizen.says(words[0] + ", 0470 12 34 56")
        citizen.says(words[1])
        assert words[2] in citizen.text and referrals.by_reference(citizen.state["reference"])


def test_sms_asks_for_a_reminder_instead_of_a_calendar_link(world):
    flow, _ = world
    citizen = _to_offer(flow, channel="sms")
    citizen.says("1")  # on SMS "1" is "your health fund", then which one
    citizen.says("1")
    # A time on a later day: for later today no reminder can go out in time (bot.followup.timing),
    # and which times are still free depends on the tests before this one.
    later_day = next(i for i, title in enumerate(citizen.buttons, 1) if title.startswith("dinsdag"))
    for text in (str(later_day), "Sam 0470123456", "1"):
        citizen.says(text)
    assert citizen.pending == "flow:reminder" and "booking/" not in citizen.text
    citizen.says("1")
    assert citizen.pending is None and citizen.text == "Oké, je krijgt de dag ervoor een sms."


def test_a_booking_is_found_by_its_code_and_can_be_cancelled(world):
    flow, referrals = world
    citizen = _to_offer(flow)
    for text in ("1", "1", "Sam 0470123456", "ja"):
        citizen.says(text)
    code = citizen.state["reference"]
    later = Citizen(flow)
    later._apply(flow.booking_lookup("nl", f"mijn code is {code.lower()}"))
    assert later.pending == "flow:booking" and "Annuleren" in later.buttons
    later.says("Annuleren")
    assert "geannuleerd" in later.text and referrals.by_reference(code).status == "cancelled"


def test_a_booking_can_be_moved_to_another_time(world):
    flow, referrals = world
    citizen = _to_offer(flow)
    for text in ("1", "1", "Sam 0470123456", "ja"):
        citizen.says(text)
    code = citizen.state["reference"]
    before = referrals.by_reference(code).slot.start
    later = Citizen(flow)._apply(flow.booking_lookup("nl", code))
    later.says("Verplaatsen")
    assert later.pending == "flow:slot"
    later.says("3")
    assert referrals.by_reference(code).slot.start != before and code in later.text


def test_reference_codes_are_recognised_without_mistaking_words_for_them():
    assert find_reference("mijn code is 3ACD-EFHJ") == ("3ACDEFHJ", True)
    assert find_reference("code 3acdefhj") == ("3ACDEFHJ", True)
    assert find_reference("WERKENDE") == ("WERKENDE", False)  # only taken if such a booking exists
    assert find_reference("ik heb schulden") == (None, False)


def test_a_code_that_is_surely_a_code_but_unknown_gets_a_clear_answer(world):
    flow, _ = world
    turn = flow.booking_lookup("nl", "3ACD-EFHJ")
    assert "geen afspraak met die code" in turn.replies[0].text
    assert flow.booking_lookup("nl", "de werkende mens") is None


def test_an_answer_that_looks_like_stop_to_the_classifier_stays_an_answer(world):
    flow, _ = world
    state = {"options": [["Annuleren", "Annuleren"], ["Verplaatsen", "Verplaatsen"]]}
    assert not flow.leaves(state, "stop", "sam@example.be")
    assert not flow.leaves(state, "stop", "Annuleren")
    assert flow.leaves(state, "stop", "stop, ik wil niet meer")
    assert flow.leaves({}, "ask_privacy", "wat doen jullie met mijn gegevens?")
    assert not flow.leaves({}, "describe_problem", "stop")


def test_the_same_time_at_two_offices_is_one_choice(world):
    flow, referrals = world
    citizen = _to_offer(flow)
    citizen.says("1")
    org = citizen.state["org"]
    start = datetime(2026, 11, 30, 9, 0, tzinfo=timezone.utc)
    for location in (org["location_id"], "11111111-2222-3333-4444-555555555555"):
        referrals.slots.add(org["id"], location, "appointment", start.replace(hour=6), start.replace(hour=6, minute=45))
    turn = flow._ask_slot("nl", citizen.state, "appointment", "2026-11-30T05:59:00+00:00")
    times = [s["start"] for s in turn.slots["flow"]["slots"]]
    assert times[0] == start.replace(hour=6).isoformat() and len(times) == len(set(times))
