"""Referral rules without a database: reference codes, allowed fields, consent
texts, the status machine, encryption and the secret key setting."""

import base64
import re

import pytest
from cryptography.fernet import Fernet

from bot.referral import (
    ALLOWED_FIELDS,
    OPTIONAL_FIELDS,
    REFERENCE_ALPHABET,
    REQUIRED_FIELDS,
    STATUSES,
    TRANSITIONS,
    ConsentGiven,
    ConsentMissing,
    FieldCipher,
    FieldInvalid,
    FieldNotAllowed,
    IllegalStatusMove,
    consent_text,
    display_reference,
    normalise_reference,
    special_category_text,
)
from bot.referral.codes import new_reference
from bot.referral.consent import check_consent
from bot.referral.fields import clean_values
from bot.referral.status import check_move
from bot.settings import Settings, SettingsError, development_secret_key

BASE_FIELDS = ["name", "phone", "language", "summary", "slot"]
PRODUCTION = {
    "WEGWIJS_ENV": "production",
    "WEGWIJS_DATABASE_URL": "postgresql://x/y",
    "WEGWIJS_CHAT_ORIGINS": "https://www.demostad.be",
    "WEGWIJS_PUBLIC_URL": "https://chat.demostad.be",
}


# Reference codes -----------------------------------------------------------------


def test_reference_codes_have_no_look_alike_characters_and_are_unpredictable():
    assert not set("0O1IL5S2Z8B") & set(REFERENCE_ALPHABET)
    codes = {new_reference() for _ in range(2000)}
    assert len(codes) == 2000
    assert all(len(c) == 8 and set(c) <= set(REFERENCE_ALPHABET) for c in codes)


def test_a_reference_is_found_however_the_citizen_types_it():
    code = new_reference()
    shown = display_reference(code)
    assert re.fullmatch(r"[A-Z0-9]{4}-[A-Z0-9]{4}", shown)
    for typed in (shown, shown.lower(), code, f" {code[:4]} {code[4:]} ", f"{code[:2]}-{code[2:6]}-{code[6:]}"):
        assert normalise_reference(typed) == code
    assert normalise_reference(code[:7]) is None
    assert normalise_reference(code[:7] + "0") is None  # not in the alphabet
    assert normalise_reference("") is None


# Fields --------------------------------------------------------------------------


def test_only_the_allowed_fields_exist_and_the_required_ones_are_a_subset():
    assert set(ALLOWED_FIELDS) == {
        "name", "phone", "email", "language", "postcode", "domains", "summary", "rights", "slot", "health_details",
    }
    assert set(REQUIRED_FIELDS) | set(OPTIONAL_FIELDS) < set(ALLOWED_FIELDS)
    assert not set(REQUIRED_FIELDS) & set(OPTIONAL_FIELDS)


def test_any_other_field_is_refused_by_name():
    with pytest.raises(FieldNotAllowed, match="national_number"):
        clean_values({"name": "An", "national_number": "85.01.01-123.45"})
    with pytest.raises(FieldNotAllowed, match="income"):
        consent_text("OCMW", BASE_FIELDS + ["income"], "appointment", "nl")


def test_values_are_checked_and_normalised():
    cleaned = clean_values({
        "name": "  An  ", "phone": "0470 12.34/56", "email": "an@example.be", "language": "NL",
        "postcode": 9000, "domains": ["debt", "housing", "debt"], "summary": "Ik heb schulden.",
        "rights": ["Verhoogde tegemoetkoming"],
    })
    assert cleaned["name"] == "An" and cleaned["phone"] == "0470123456" and cleaned["postcode"] == "9000"
    assert cleaned["language"] == "nl" and cleaned["domains"] == ["debt", "housing"]
    assert clean_values({"phone": "0032 470 12 34 56"})["phone"] == "+32470123456"
    for bad in ({"phone": "12"}, {"email": "an@"}, {"postcode": "900"}, {"domains": ["money"]},
                {"name": "x" * 81}, {"summary": ""}, {"language": "xx"}, {"rights": "not a list"}):
        with pytest.raises(FieldInvalid):
            clean_values(bad)


def test_a_handover_needs_the_language_the_slot_and_a_way_to_reach_the_citizen():
    with pytest.raises(FieldInvalid, match="phone number or an e-mail"):
        consent_text("OCMW", ["name", "language", "summary", "slot"], "appointment", "nl")
    with pytest.raises(FieldInvalid, match="slot"):
        consent_text("OCMW", ["name", "email", "language", "summary"], "appointment", "nl")
    # Name and summary are the citizen's to leave out (a question about health travels
    # as health_details only after the separate yes).
    consent_text("OCMW", ["email", "language", "slot"], "appointment", "nl")


# Consent texts -------------------------------------------------------------------


@pytest.mark.parametrize("language, word", [("nl", "telefoonnummer"), ("fr", "téléphone"), ("en", "phone number")])
def test_the_consent_text_names_each_field_the_organisation_and_the_purpose(language, word):
    shown = consent_text("CAW Demostad", BASE_FIELDS, "callback", language)
    assert "CAW Demostad" in shown.text and word in shown.text
    assert len([line for line in shown.text.splitlines() if line.startswith("- ")]) == len(BASE_FIELDS)
    assert shown.fields == ("name", "phone", "language", "summary", "slot") and shown.purpose == "callback"
    assert shown.language == language


def test_the_version_is_a_hash_of_the_exact_words():
    one = consent_text("OCMW Demostad", BASE_FIELDS, "appointment", "nl")
    assert one.version == consent_text("OCMW Demostad", BASE_FIELDS, "appointment", "nl").version
    others = [
        consent_text("CAW Demostad", BASE_FIELDS, "appointment", "nl"),
        consent_text("OCMW Demostad", BASE_FIELDS + ["postcode"], "appointment", "nl"),
        consent_text("OCMW Demostad", BASE_FIELDS, "callback", "nl"),
        consent_text("OCMW Demostad", BASE_FIELDS, "appointment", "fr"),
    ]
    assert len({one.version, *(o.version for o in others)}) == 5


def test_a_language_we_do_not_chat_in_gets_the_dutch_text():
    assert consent_text("OCMW", BASE_FIELDS, "appointment", "ar").text == consent_text(
        "OCMW", BASE_FIELDS, "appointment", "nl").text


def test_the_consent_must_cover_exactly_what_is_sent():
    shown = consent_text("OCMW", BASE_FIELDS, "appointment", "nl")
    assert check_consent(ConsentGiven(shown), set(BASE_FIELDS)) == tuple(BASE_FIELDS[:2] + ["language", "summary", "slot"])
    with pytest.raises(ConsentMissing, match="not consented: email"):
        check_consent(ConsentGiven(shown), set(BASE_FIELDS) | {"email"})
    with pytest.raises(ConsentMissing, match="without a value: phone"):
        check_consent(ConsentGiven(shown), set(BASE_FIELDS) - {"phone"})
    forged = type(shown)(shown.text.replace("OCMW", "Iedereen"), shown.version, "nl", shown.fields, shown.purpose)
    with pytest.raises(ConsentMissing, match="changed"):
        check_consent(ConsentGiven(forged), set(BASE_FIELDS))


def test_health_details_need_a_separate_explicit_yes():
    fields = BASE_FIELDS + ["health_details"]
    shown = consent_text("OCMW", fields, "appointment", "en")
    with pytest.raises(ConsentMissing, match="separate"):
        check_consent(ConsentGiven(shown), set(fields))
    special = special_category_text("OCMW", "en")
    assert "health" in special.text and "OCMW" in special.text
    with pytest.raises(ConsentMissing, match="separate"):
        check_consent(ConsentGiven(shown, special_category_consent=False, special_category_text=special), set(fields))
    with pytest.raises(ConsentMissing, match="special_category_text"):
        check_consent(ConsentGiven(shown, True, shown), set(fields))
    assert "health_details" in check_consent(ConsentGiven(shown, True, special), set(fields))


# Status machine ------------------------------------------------------------------

LEGAL = {
    ("sent", "received"), ("sent", "rejected"), ("sent", "cancelled"),
    ("received", "accepted"), ("received", "rejected"), ("received", "cancelled"),
    ("accepted", "completed"), ("accepted", "no_show"), ("accepted", "cancelled"),
}


@pytest.mark.parametrize("current", STATUSES)
@pytest.mark.parametrize("new", STATUSES)
def test_every_pair_of_statuses_is_either_a_legal_move_or_refused_clearly(current, new):
    if (current, new) in LEGAL:
        check_move(current, new)
        return
    with pytest.raises(IllegalStatusMove) as refused:
        check_move(current, new)
    assert current in str(refused.value)
    assert refused.value.current == current and refused.value.new == new


def test_the_transition_table_is_the_documented_one():
    assert {(a, b) for a, targets in TRANSITIONS.items() for b in targets} == LEGAL
    with pytest.raises(IllegalStatusMove, match="unknown status"):
        check_move("sent", "archived")


# Encryption and the secret key ---------------------------------------------------


def test_the_cipher_round_trips_and_supports_key_rotation():
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    token = FieldCipher(old).encrypt_json({"phone": "0470123456"})
    assert "0470123456" not in token
    rotated = FieldCipher(f"{new},{old}")
    assert rotated.decrypt_json(token) == {"phone": "0470123456"}
    assert rotated.pseudonym("conv-1") == FieldCipher(old).pseudonym("conv-1") != "conv-1"
    with pytest.raises(ValueError, match="cannot be decrypted"):
        FieldCipher(new).decrypt_json(token)


def test_production_refuses_to_start_without_a_real_secret_key(tmp_path):
    with pytest.raises(SettingsError, match="WEGWIJS_SECRET_KEY is required"):
        Settings.from_env(PRODUCTION)
    placeholder = base64.urlsafe_b64encode(b"\0" * 32).decode()
    for bad in ("change-me", "secret", placeholder, "x" * 44):
        with pytest.raises(SettingsError, match="WEGWIJS_SECRET_KEY"):
            Settings.from_env({**PRODUCTION, "WEGWIJS_SECRET_KEY": bad})
    key = Fernet.generate_key().decode()
    settings = Settings.from_env({**PRODUCTION, "WEGWIJS_SECRET_KEY": key})
    assert settings.secret_key == key and key not in repr(settings)
    key_file = tmp_path / "key"
    key_file.write_text(key + "\n")
    assert Settings.from_env({**PRODUCTION, "WEGWIJS_SECRET_KEY_FILE": str(key_file)}).secret_key == key
    with pytest.raises(SettingsError, match="cannot be read"):
        Settings.from_env({**PRODUCTION, "WEGWIJS_SECRET_KEY_FILE": str(tmp_path / "missing")})


def test_development_makes_a_key_once_and_keeps_it(tmp_path):
    path = tmp_path / "var" / "secret.key"
    first = development_secret_key(path)
    assert development_secret_key(path) == first
    assert len(base64.urlsafe_b64decode(first)) == 32
    assert path.stat().st_mode & 0o777 == 0o600
    assert Settings.from_env({}).secret_key  # the project's own var/secret.key
