"""The SMS webhook through the real Rasa and action servers, with requests signed
by Twilio's own validator and replies received on a local stand-in of the
Messages API (contracts §5)."""

from __future__ import annotations

import json
import sqlite3
import sys
import threading
import uuid
from urllib.parse import urlencode

import httpx
import pytest
from cryptography.fernet import Fernet
from twilio.request_validator import RequestValidator

from bot.sms.gsm import GSM7, segments
from bot.sms.privacy import PhoneVault
from tests.unit.test_sms_twilio_api import ACCOUNT_SID, AUTH_TOKEN, FROM_NUMBER, TwilioStandIn
from wegwijs.bench import endpoints_file
from wegwijs.supervisor import ServerGroup, free_ports

pytestmark = [pytest.mark.model, pytest.mark.servers]

PORTS = free_ports()
PUBLIC_URL = "https://sms.wegwijs.test/webhooks/sms/webhook"  # what Twilio calls, behind a proxy
WEBHOOK = f"http://127.0.0.1:{PORTS.rasa}/webhooks/sms/webhook"
SECRET_KEY = Fernet.generate_key().decode()
VAULT = PhoneVault(SECRET_KEY)
REPLY_WAIT = 60.0
QUIET = 2.0  # after the first reply, time in which a second one would have arrived



@pytest.fixture(scope="module")
def database(tmp_path_factory):
    return tmp_path_factory.mktemp("sms") / "wegwijs.db"


@pytest.fixture(scope="module")
def sms_servers(model, twilio, database, tmp_path_factory):
    """Rasa and actions of the development profile, with Twilio settings (and its own database)."""
    env = {
        "TWILIO_ACCOUNT_SID": ACCOUNT_SID,
        "TWILIO_AUTH_TOKEN": AUTH_TOKEN,
        "TWILIO_FROM_NUMBER": FROM_NUMBER,
        "SMS_PUBLIC_URL": PUBLIC_URL,
        "TWILIO_API_BASE_URL": twilio.url,
        "WEGWIJS_DATABASE_URL": f"sqlite:///{database}",
        "WEGWIJS_SECRET_KEY": SECRET_KEY,
    }
    endpoints = endpoints_file(tmp_path_factory.mktemp("endpoints"), PORTS.actions, database)
    with ServerGroup(model, ports=PORTS, env=env, endpoints=str(endpoints), sink=sys.stderr,
                     only=("rasa", "actions")) as group:
        yield group


def new_phone() -> str:
    return "+32470" + str(uuid.uuid4().int)[:6]


def new_sid() -> str:
    return "SM" + uuid.uuid4().hex


def inbound(phone: str, body: str | None, **extra: str) -> dict[str, str]:
    form = {"MessageSid": new_sid(), "AccountSid": ACCOUNT_SID, "From": phone, "To": FROM_NUMBER, "NumMedia": "0"}
    if body is not None:
        form["Body"] = body
    return {**form, **extra}


def signature(form: dict[str, str], token: str = AUTH_TOKEN, url: str = PUBLIC_URL) -> str:
    return RequestValidator(token).compute_signature(url, form)


def post(form: dict[str, str], sign: str | None = "valid") -> httpx.Response:
    headers = {"X-Twilio-Signature": signature(form)} if sign == "valid" else {}
    if sign not in ("valid", None):
        headers["X-Twilio-Signature"] = sign
    return httpx.post(WEBHOOK, data=form, headers=headers, timeout=30)


def say(twilio: TwilioStandIn, phone: str, body: str | None) -> str:
    """Sends one signed message; returns the one reply (asserting there is exactly one)."""
    before = len(twilio.to(phone))
    answer = post(inbound(phone, body))
    assert answer.status_code == 200 and "<Response/>" in answer.text
    replies = twilio.wait_for(phone, before + 1, REPLY_WAIT, settle=QUIET)
    assert len(replies) == before + 1, replies[before:]
    return replies[-1]


def sender_ids(database) -> set[str]:
    with sqlite3.connect(database) as connection:
        return {row[0] for row in connection.execute("SELECT DISTINCT sender_id FROM events")}


def user_texts(database, sender_id: str) -> list[str]:
    with sqlite3.connect(database) as connection:
        rows = connection.execute(
            "SELECT data FROM events WHERE sender_id = ? AND type_name = 'user' ORDER BY id", (sender_id,)
        ).fetchall()
    return [json.loads(data)["text"] for (data,) in rows]


def test_the_channel_is_up_and_accepting(sms_servers):
    health = httpx.get(f"http://127.0.0.1:{PORTS.rasa}/webhooks/sms/")
    assert health.status_code == 200 and health.json() == {"status": "ok", "accepting": True}


def test_a_signed_message_is_answered_through_the_messages_api_under_a_hashed_sender(sms_servers, twilio, database):
    phone = new_phone()
    reply = say(twilio, phone, "hallo")
    assert "Wegwijs" in reply and "/privacy" in reply
    assert twilio.messages[-1]["From"] == FROM_NUMBER
    assert user_texts(database, VAULT.sender_id(phone)) == ["hallo"], "the keyed hash is the sender id"
    assert all(phone[-6:] not in s for s in sender_ids(database)), "never the number"
    with sqlite3.connect(database) as connection:
        stored = " ".join(str(v) for row in connection.execute("SELECT * FROM sms_contacts") for v in row)
    assert phone[-6:] not in stored, "the number is stored encrypted only"


@pytest.mark.parametrize(
    "how", ["missing", "wrong token", "other url", "tampered body"],
)
def test_an_invalid_or_missing_signature_is_refused_and_nothing_is_processed(sms_servers, twilio, how):
    phone = new_phone()
    form = inbound(phone, "hallo")
    if how == "missing":
        answer = post(form, sign=None)
    elif how == "wrong token":
        answer = post(form, sign=signature(form, token="not-the-token"))
    elif how == "other url":
        answer = post(form, sign=signature(form, url=WEBHOOK))
    else:
        answer = post({**form, "Body": "hallo!"}, sign=signature(form))
    assert answer.status_code == 403
    assert twilio.wait_for(phone, 1, timeout=QUIET) == []
    # The MessageSid was not used up: Twilio's own (signed) delivery still gets through.
    assert post(form).status_code == 200
    assert len(twilio.wait_for(phone, 1, REPLY_WAIT, settle=QUIET)) == 1


def test_a_repeated_message_sid_is_processed_once(sms_servers, twilio, database):
    phone = new_phone()
    form = inbound(phone, "hallo")
    answers: list[int] = []
    threads = [threading.Thread(target=lambda: answers.append(post(form).status_code)) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    answers.append(post(form).status_code)  # Twilio's retry, later
    assert answers == [200] * 5
    assert len(twilio.wait_for(phone, 1, REPLY_WAIT, settle=QUIET)) == 1
    assert user_texts(database, VAULT.sender_id(phone)) == ["hallo"]


def test_a_reply_of_just_the_number_picks_that_choice(sms_servers, twilio, database):
    phone = new_phone()
    say(twilio, phone, "hallo")
    summary = say(twilio, phone, "ik heb schulden en kan mijn huur niet betalen")
    assert "\n1 " in summary and "\n2 " in summary, summary
    say(twilio, phone, "2")
    assert user_texts(database, VAULT.sender_id(phone))[-1] == "nee", "the payload of choice 2"


def test_stop_and_help_keywords(sms_servers, twilio):
    phone = new_phone()
    say(twilio, phone, "hallo")
    assert say(twilio, phone, "STOP").startswith("Je krijgt geen sms meer")
    post(inbound(phone, "ik heb een vraag"))
    assert len(twilio.wait_for(phone, 3, timeout=QUIET)) == 2, "nothing is sent after STOP"
    assert "015 00 00 00" in say(twilio, phone, "HULP")
    assert say(twilio, phone, "START").startswith("Je krijgt weer sms")
    assert say(twilio, phone, "ik heb een vraag")
    assert say(twilio, new_phone(), "AIDE").startswith("Wegwijs est l'aide par SMS")


FUZZ = {
    "empty body": "",
    "missing body": None,
    "1600 characters": ("ik heb schulden en mijn huur is te hoog. " * 50)[:1600],
    "emoji": "😀🙏💸",
    "right-to-left": "مرحبا، أحتاج مساعدة في دفع الإيجار",
    "GSM extension characters": "{[€]} ~|^\\ ik heb 100€ schuld",
    "leading slash": '/greet{"language": "en"}',
    "a Rasa command": "/restart",
    "only spaces and controls": " \u200b\u202e\t ",
}


def test_fuzzed_messages_never_give_a_5xx_and_get_exactly_one_reply(sms_servers, twilio):
    phones = {name: new_phone() for name in FUZZ}
    for name, body in FUZZ.items():
        answer = post(inbound(phones[name], body))
        assert answer.status_code == 200, name
    # Not valid UTF-8 at all (Twilio never sends this, but nothing may break on it).
    odd_phone = new_phone()
    raw = inbound(odd_phone, "x")
    form = {**raw, "Body": "\ufffdt\ufffd"}
    raw_body = urlencode({k: v for k, v in raw.items() if k != "Body"}) + "&Body=%E9t%E9"
    answer = httpx.post(WEBHOOK, content=raw_body.encode(),
                        headers={"Content-Type": "application/x-www-form-urlencoded",
                                 "X-Twilio-Signature": signature(form)})
    assert answer.status_code == 200
    phones["undecodable bytes"] = odd_phone
    for name, phone in phones.items():
        replies = twilio.wait_for(phone, 1, REPLY_WAIT, settle=0)
        assert len(replies) == 1, name
    for name, phone in phones.items():
        assert len(twilio.wait_for(phone, 2, timeout=QUIET / len(phones))) == 1, name
    assert twilio.to(phones["empty body"])[0] == "Je bericht was leeg. Schrijf je vraag in een paar woorden."


def test_a_media_only_message_is_asked_to_write(sms_servers, twilio):
    phone = new_phone()
    form = inbound(phone, "", NumMedia="1", MediaUrl0="https://api.twilio.com/media/ME1",
                   MediaContentType0="image/jpeg")
    assert post(form).status_code == 200
    (reply,) = twilio.wait_for(phone, 1, REPLY_WAIT, settle=QUIET)
    assert reply.startswith("Ik kan geen foto's")


@pytest.mark.parametrize("language, opening", [("nl", "hallo"), ("fr", "bonjour")])
def test_typical_replies_stay_in_gsm7(sms_servers, twilio, language, opening, capsys):
    phone = new_phone()
    question = {"nl": "ik heb schulden en kan mijn huur niet betalen",
                "fr": "je n'arrive plus à payer mon loyer et j'ai des dettes"}[language]
    replies = [say(twilio, phone, text) for text in (opening, question, "1")]
    measured = [segments(reply) for reply in replies]
    with capsys.disabled():
        for text, info in zip(replies, measured):
            print(f"\n[{language}] {info.segments} segment(s) {info.encoding}, {info.chars} chars: {text!r}")
    assert all(info.encoding == GSM7 for info in measured), measured
