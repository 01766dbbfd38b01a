"""SMS keywords, sender hashing, number encryption, settings and the signature check."""

import pytest
from cryptography.fernet import Fernet
from twilio.request_validator import RequestValidator

from bot.settings import SettingsError
from bot.sms.catalogue import Catalogue
from bot.sms.keywords import HELP, START, START_WHEN_STOPPED, STOP, Keywords
from bot.sms.privacy import PhoneVault, normalise_phone
from bot.sms.settings import DEFAULT_API_BASE_URL, SmsSettings
from bot.sms.webhook import parse_form, signature_valid

KEY = Fernet.generate_key().decode()


@pytest.fixture(scope="module")
def keywords():
    return Keywords(Catalogue.load().keywords)


@pytest.mark.parametrize(
    "text, kind, language",
    [
        ("STOP", STOP, "nl"), ("stop", STOP, "nl"), (" Stop! ", STOP, "nl"), ("Stoppen", STOP, "nl"),
        ("ARRET", STOP, "fr"), ("arrêt", STOP, "fr"), ("Arrêt.", STOP, "fr"), ("UNSUBSCRIBE", STOP, "en"),
        ("START", START, "nl"), ("begin", START, "nl"), ("DEMARRER", START, "fr"), ("démarrer", START, "fr"),
        ("HULP", HELP, "nl"), ("help", HELP, "nl"), ("AIDE", HELP, "fr"), ("info", HELP, "nl"),
        ("YES", START_WHEN_STOPPED, "en"),
    ],
)
def test_keywords_in_each_language(keywords, text, kind, language):
    match = keywords.match(text)
    assert (match.kind, match.reply_language()) == (kind, language)


def test_a_keyword_shared_by_languages_is_answered_in_the_conversations_language(keywords):
    assert keywords.match("STOP").reply_language("fr") == "fr"
    assert keywords.match("STOP").reply_language("en") == "en"
    assert keywords.match("STOPPEN").reply_language("fr") == "nl", "a Dutch-only word is answered in Dutch"
    assert keywords.match("HELP").reply_language(None) == "nl"


@pytest.mark.parametrize("text", ["stop met die sms", "ik wil stoppen met roken", "help mij", "2", "", "stopp"])
def test_a_sentence_is_not_a_keyword(keywords, text):
    assert keywords.match(text) is None


def test_a_word_with_two_meanings_is_refused():
    with pytest.raises(ValueError, match="two meanings"):
        Keywords({"nl": {"stop": ["KLAAR"]}, "fr": {"help": ["KLAAR"]}})


def test_the_sender_id_is_a_keyed_hash_stable_per_number_and_not_the_number():
    vault = PhoneVault(KEY)
    sender = vault.sender_id("+32470123456")
    assert sender.startswith("sms_") and len(sender) == 36
    assert "470123456" not in sender
    assert vault.sender_id("+32 470 12 34 56") == vault.sender_id("0032470123456") == sender
    assert vault.sender_id("+32470123457") != sender
    assert PhoneVault(Fernet.generate_key().decode()).sender_id("+32470123456") != sender, "keyed, not a plain hash"


def test_the_number_is_encrypted_and_only_our_key_reads_it():
    vault = PhoneVault(KEY)
    token = vault.encrypt("+32470123456")
    assert "470123456" not in token and vault.decrypt(token) == "+32470123456"
    assert vault.encrypt("+32470123456") != token, "no equal ciphertexts to compare"
    with pytest.raises(ValueError):
        PhoneVault(Fernet.generate_key().decode()).decrypt(token)


def test_after_a_key_rotation_old_numbers_decrypt_and_senders_keep_their_id():
    old = PhoneVault(KEY)
    rotated = PhoneVault(Fernet.generate_key().decode() + "," + KEY)
    assert rotated.decrypt(old.encrypt("+32470123456")) == "+32470123456"
    assert rotated.sender_id("+32470123456") == old.sender_id("+32470123456")


def test_a_key_that_is_not_a_fernet_key_is_refused():
    with pytest.raises(ValueError, match="Fernet"):
        PhoneVault("not-a-key")


def test_phone_numbers_are_normalised_to_e164():
    assert normalise_phone(" +32 (470) 12.34.56 ") == "+32470123456"
    assert normalise_phone("0032470123456") == "+32470123456"
    assert normalise_phone("") == ""


def _env(**extra):
    return {"WEGWIJS_SECRET_KEY": KEY, **extra}


TWILIO = dict(TWILIO_ACCOUNT_SID="AC" + "1" * 32, TWILIO_AUTH_TOKEN="token", TWILIO_FROM_NUMBER="+3215000000",
              SMS_PUBLIC_URL="https://sms.demostad.be/webhooks/sms/webhook")
PRODUCTION = dict(WEGWIJS_ENV="production", WEGWIJS_DATABASE_URL="postgresql://x/y",
                  WEGWIJS_CHAT_ORIGINS="https://www.demostad.be", WEGWIJS_PUBLIC_URL="https://wegwijs.demostad.be")


def test_development_without_twilio_loads_but_keeps_the_webhook_closed():
    settings = SmsSettings.from_env(_env())
    assert not settings.accepts_webhooks
    assert "TWILIO_AUTH_TOKEN" in settings.missing and "SMS_PUBLIC_URL" in settings.missing
    assert settings.api_base_url == DEFAULT_API_BASE_URL


def test_development_with_twilio_opens_the_webhook_and_points_the_client_elsewhere():
    settings = SmsSettings.from_env(_env(**TWILIO, TWILIO_API_BASE_URL="http://127.0.0.1:9999/"))
    assert settings.accepts_webhooks and settings.api_base_url == "http://127.0.0.1:9999"
    assert "token" not in repr(settings) and KEY not in repr(settings)


@pytest.mark.parametrize("left_out", ["TWILIO_AUTH_TOKEN", "SMS_PUBLIC_URL", "TWILIO_ACCOUNT_SID", "TWILIO_FROM_NUMBER"])
def test_production_does_not_start_without_what_the_webhook_needs(left_out):
    env = _env(**PRODUCTION, **{k: v for k, v in TWILIO.items() if k != left_out})
    with pytest.raises(SettingsError, match=left_out):
        SmsSettings.from_env(env)


def test_production_needs_the_secret_key_and_an_https_public_url():
    with pytest.raises(SettingsError, match="WEGWIJS_SECRET_KEY"):
        SmsSettings.from_env({**PRODUCTION, **TWILIO})
    with pytest.raises(SettingsError, match="https"):
        SmsSettings.from_env(_env(**PRODUCTION, **{**TWILIO, "SMS_PUBLIC_URL": "http://sms.demostad.be/x"}))
    assert SmsSettings.from_env(_env(**PRODUCTION, **TWILIO)).accepts_webhooks


URL = "https://sms.demostad.be/webhooks/sms/webhook"


def _signed(params: dict, token: str = "token", url: str = URL) -> str:
    return RequestValidator(token).compute_signature(url, params)


def test_a_twilio_signature_over_the_public_url_is_accepted_and_anything_else_refused():
    params = {"MessageSid": "SM1", "From": "+32470123456", "Body": "Dag"}
    body = b"MessageSid=SM1&From=%2B32470123456&Body=Dag"
    assert signature_valid("token", URL, parse_form(body), _signed(params))
    assert not signature_valid("token", URL, parse_form(body), None)
    assert not signature_valid("token", URL, parse_form(body), "")
    assert not signature_valid("token", URL, parse_form(body), _signed(params, token="other"))
    assert not signature_valid("token", URL, parse_form(body), _signed(params, url="https://evil.test/webhook"))
    assert not signature_valid("token", URL, parse_form(body.replace(b"Dag", b"Dag!")), _signed(params))
    assert not signature_valid("", URL, parse_form(body), _signed(params))


def test_an_empty_body_parameter_is_signed_and_checked_like_twilio_does():
    params = {"MessageSid": "SM2", "From": "+32470123456", "Body": "", "NumMedia": "1"}
    form = parse_form(b"MessageSid=SM2&From=%2B32470123456&Body=&NumMedia=1")
    assert form["Body"] == [""]
    assert signature_valid("token", URL, form, _signed(params))


def test_undecodable_bytes_do_not_raise():
    form = parse_form(b"Body=%E9t%E9&From=%2B32470123456\xff")
    assert form["Body"] == ["\ufffdt\ufffd"]
