"""One inbound SMS to one reply, without Rasa: a scripted assistant, the real
Twilio client against the local stand-in, the real tables on SQLite."""

import asyncio
import logging

import pytest
from cryptography.fernet import Fernet

from bot.settings import PROJECT_ROOT
from bot.municipality import Municipality
from bot.sms.catalogue import Catalogue
from bot.sms.privacy import PhoneVault
from bot.sms.service import ANSWERED, ASKED_TO_WRITE, IGNORED_OPTED_OUT, KEYWORD, InboundSms, SmsService
from bot.sms.store import SmsStore
from bot.sms.twilio_api import TwilioSender
from bot.storage import create_schema, make_engine
from tests.unit.test_sms_twilio_api import ACCOUNT_SID, AUTH_TOKEN, FROM_NUMBER, TwilioStandIn

PHONE = "+32470123456"
YES_NO = [{"title": "Ja, dat klopt", "payload": "ja"}, {"title": "Nee", "payload": "nee"}]


class ScriptedAssistant:
    def __init__(self, language=None, answer=None):
        self.heard: list[tuple[str, str]] = []
        self._language = language
        self._answer = answer or (lambda text: [{"text": f"Je zei: {text}"}])

    async def reply(self, sender_id, text, message_id):
        self.heard.append((sender_id, text))
        return self._answer(text)

    async def language(self, sender_id):
        return self._language


@pytest.fixture
def twilio():
    stand_in = TwilioStandIn().start()
    yield stand_in
    stand_in.stop()


@pytest.fixture
def service(twilio, sqlite_url):
    engine = make_engine(sqlite_url)
    create_schema(engine)
    municipality = Municipality.load(PROJECT_ROOT / "config" / "municipality.yml")
    sender = TwilioSender(ACCOUNT_SID, AUTH_TOKEN, from_number=FROM_NUMBER, api_base_url=twilio.url,
                          sleep=lambda _: None)
    yield SmsService(SmsStore(engine), PhoneVault(Fernet.generate_key().decode()), sender, Catalogue.load(),
                     municipality.placeholders)
    engine.dispose()


_counter = iter(range(10**6))


def sms(body, phone=PHONE, media=0):
    return InboundSms(f"SM{next(_counter):032d}", phone, body, media)


def run(service, inbound, assistant):
    async def go():
        assert await service.claim(inbound.message_sid)
        return await service.process(inbound, assistant)

    return asyncio.run(go())


def test_the_assistant_hears_a_hashed_sender_and_its_turn_goes_out_as_one_sms(service, twilio):
    assistant = ScriptedAssistant(answer=lambda _: [{"text": "Dank je."}, {"text": "Klopt dat?", "buttons": YES_NO}])
    result = run(service, sms("ik heb schulden"), assistant)
    assert result.outcome == ANSWERED
    assert assistant.heard == [(service.vault.sender_id(PHONE), "ik heb schulden")]
    assert twilio.to(PHONE) == ["Dank je.\nKlopt dat?\n1 Ja, dat klopt\n2 Nee"]


@pytest.mark.parametrize("reply, heard", [("2", "nee"), ("nr 2", "nee"), ("1.", "ja"), ("2 keer", "2 keer")])
def test_a_number_picks_the_choice_shown_last(service, reply, heard):
    assistant = ScriptedAssistant(answer=lambda _: [{"text": "Klopt dat?", "buttons": YES_NO}])
    run(service, sms("ik heb schulden"), assistant)
    run(service, sms(reply), assistant)
    assert assistant.heard[-1][1] == heard


def test_a_turn_without_choices_forgets_the_old_ones(service):
    answers = iter([[{"text": "Klopt dat?", "buttons": YES_NO}], [{"text": "Oké."}], [{"text": "?"}]])
    assistant = ScriptedAssistant(answer=lambda _: next(answers))
    for text in ("schulden", "ja", "2"):
        run(service, sms(text), assistant)
    assert [text for _, text in assistant.heard] == ["schulden", "ja", "2"]


def test_a_leading_slash_is_cleaned_before_the_assistant_sees_it(service):
    assistant = ScriptedAssistant()
    run(service, sms('/greet{"language": "en"}'), assistant)
    assert assistant.heard[0][1] == 'greet{"language": "en"}'


def test_stop_opts_out_once_and_start_opts_back_in(service, twilio):
    assistant = ScriptedAssistant()
    assert run(service, sms("STOP"), assistant).outcome == KEYWORD
    assert twilio.to(PHONE) == ["Je krijgt geen sms meer van Wegwijs. Wil je weer berichten? Stuur START."]
    assert run(service, sms("ik heb een vraag"), assistant).outcome == IGNORED_OPTED_OUT
    run(service, sms("stop"), assistant)
    assert len(twilio.to(PHONE)) == 1, "no second confirmation, nothing while opted out"
    assert assistant.heard == []
    run(service, sms("START"), assistant)
    run(service, sms("ik heb een vraag"), assistant)
    assert [text for _, text in assistant.heard] == ["ik heb een vraag"]
    assert twilio.to(PHONE)[1].startswith("Je krijgt weer sms van Wegwijs.")


def test_keywords_answer_in_their_language_or_the_conversations(service, twilio):
    run(service, sms("ARRÊT", phone="+32470000001"), ScriptedAssistant())
    run(service, sms("AIDE", phone="+32470000002"), ScriptedAssistant(language="nl"))
    run(service, sms("STOP", phone="+32470000003"), ScriptedAssistant(language="en"))
    run(service, sms("HULP", phone="+32470000004"), ScriptedAssistant())
    assert twilio.to("+32470000001")[0].startswith("Vous ne recevrez plus de SMS")
    assert twilio.to("+32470000002")[0].startswith("Wegwijs est l'aide par SMS du Sociaal Huis Demostad.")
    assert twilio.to("+32470000003")[0].startswith("You will not get any more texts")
    assert "Bel 015 00 00 00" in twilio.to("+32470000004")[0]


def test_twilio_opt_out_keywords_and_yes_keep_our_state_in_step(service, twilio):
    assistant = ScriptedAssistant(answer=lambda _: [{"text": "Klopt dat?", "buttons": YES_NO}])
    run(service, sms("yes"), assistant)
    assert assistant.heard[-1][1] == "yes", "YES is an answer while subscribed"
    run(service, sms("CANCEL"), assistant)  # Twilio opts the number out on CANCEL
    assert run(service, sms("schulden"), assistant).outcome == IGNORED_OPTED_OUT
    run(service, sms("YES"), assistant)  # ... and back in on YES
    assert run(service, sms("schulden"), assistant).outcome == ANSWERED


def test_a_21610_from_twilio_marks_the_sender_as_opted_out(service, twilio):
    twilio.fail(PHONE, (400, 21610))
    assistant = ScriptedAssistant()
    run(service, sms("hallo"), assistant)
    assert run(service, sms("hallo?"), assistant).outcome == IGNORED_OPTED_OUT


@pytest.mark.parametrize(
    "body, media, language, expected",
    [
        (None, 0, None, "Je bericht was leeg."),
        ("", 0, "fr", "Votre message est vide."),
        ("   ", 0, "en", "Your message was empty."),
        ("", 1, "nl", "Ik kan geen foto's of bestanden lezen."),
        ("/", 0, None, "Je bericht was leeg."),
    ],
)
def test_an_empty_message_gets_one_polite_reply_in_the_conversations_language(service, twilio, body, media,
                                                                                language, expected):
    assistant = ScriptedAssistant(language=language)
    assert run(service, sms(body, media=media), assistant).outcome == ASKED_TO_WRITE
    assert assistant.heard == []
    (reply,) = twilio.to(PHONE)
    assert reply.startswith(expected)


def test_when_the_assistant_fails_the_citizen_still_gets_one_reply(service, twilio):
    def broken(_):
        raise RuntimeError("action server down")

    run(service, sms("hallo"), ScriptedAssistant(answer=broken))
    run(service, sms("hallo", phone="+32470000009"), ScriptedAssistant(answer=lambda _: []))
    assert twilio.to(PHONE) == ["Sorry, er ging iets mis. Probeer het straks opnieuw of bel 015 00 00 00."]
    assert len(twilio.to("+32470000009")) == 1


def test_a_reply_twilio_keeps_refusing_is_kept_encrypted_and_logged_without_personal_data(service, twilio, caplog):
    twilio.fail(PHONE, *[(503, 20503)] * 10)
    caplog.set_level(logging.INFO)
    run(service, sms("ik heb schulden bij de deurwaarder"), ScriptedAssistant())
    (record,) = service.store.outbound(service.vault.sender_id(PHONE))
    assert record.status == "failed" and record.body_encrypted
    assert service.vault.decrypt(record.body_encrypted) == "Je zei: ik heb schulden bij de deurwaarder"
    assert "NOT sent" in caplog.text
    assert "470123456" not in caplog.text and "deurwaarder" not in caplog.text


def test_segments_of_each_reply_are_recorded(service):
    run(service, sms("hallo"), ScriptedAssistant(answer=lambda _: [{"text": "Ça va ? Peut-être. " * 10}]))
    (record,) = service.store.outbound(service.vault.sender_id(PHONE))
    assert (record.status, record.encoding, record.segments) == ("sent", "GSM-7", 2)
