"""Personal data in free text is masked before anything stores or logs it; the contact
details a booking needs travel sealed, and only the booking opens them."""

import re

import pytest
from cryptography.fernet import Fernet
from hypothesis import given, settings, strategies as st

from bot.flow import parsing
from bot.inbound import MAX_INBOUND_CHARS, inbound_text
from bot.privacy.masking import (
    PLACEHOLDERS,
    is_iban,
    is_national_number,
    mask_personal_data,
    phone_number,
)
from bot.privacy.sealing import Sealer, metadata_with_sealed, reveal_contact, with_sealed_values

SEALER = Sealer.from_secret_key(Fernet.generate_key().decode())


def masked(text: str) -> str:
    return mask_personal_data(text).text


@pytest.mark.parametrize("text, expected", [
    ("Sam, 0470 12 34 56", "Sam, [☎]"),
    ("bel me op 0470/12.34.56 aub", "bel me op [☎] aub"),
    ("+32 (0)470 12 34 56", "[☎]"),
    ("0032 470 12 34 56", "[☎]"),
    ("het kantoor: 015 00 00 00", "het kantoor: [☎]"),
    ("appelez le +33 6 12 34 56 78", "appelez le [☎]"),
    ("mail Sam.Peeters@Example.be", "mail [✉]"),
    ("mijn rijksregisternummer is 85.07.30-033.28", "mijn rijksregisternummer is [🆔]"),
    ("NN 85073003328", "NN [🆔]"),
    ("born 2005: 05.07.30-033.26", "born 2005: [🆔]"),
    ("stort op BE68 5390 0754 7034 aub", "stort op [🏦] aub"),
    ("iban be68539007547034", "iban [🏦]"),
    ("NL91ABNA0417164300 of FR14 2004 1010 0505 0001 3M02 606", "[🏦] of [🏦]"),
])
def test_personal_data_becomes_a_placeholder(text, expected):
    assert masked(text) == expected


@pytest.mark.parametrize("text", [
    "ik woon in 2800 Mechelen", "huur 650/maand", "op 01/02/2024 om 15:30", "€ 1.250,50 schuld",
    "ik ben 67 en heb 3 kinderen van 2, 5 en 9", "mijn code is ABCD-EFGH", "12345678901",  # 11 digits, bad check
    "BE68 5390 0754 7035",  # IBAN with a wrong check digit
    "x@y", "0470 12", "jaar 2023-2024",
])
def test_ordinary_numbers_and_words_stay(text):
    assert masked(text) == text


def test_the_checks_behind_the_shapes():
    assert is_national_number("85073003328") and not is_national_number("85073003329")
    assert is_national_number("05073003326")  # born in 2000 or later: "2" in front for the check
    assert is_iban("BE68539007547034") and not is_iban("BE68539007547035") and not is_iban("BE6853900754703")
    assert phone_number("0470 12 34 56") == "+32470123456" and phone_number("01/02/2024") is None


def test_placeholders_have_no_letters_so_a_number_only_message_stays_without_letters():
    assert not any(ch.isalpha() for mark in PLACEHOLDERS.values() for ch in mark)
    assert not any(ch.isalpha() for ch in masked("0470 12 34 56"))


def test_a_placeholder_the_citizen_types_cannot_pass_for_ours():
    forged = "[☎] and [☎:gAAAAABforgedforgedforgedforged] and [🏦]"
    result = mask_personal_data(forged, SEALER.seal)
    assert "[" not in result.text and result.sealed == ()
    assert with_sealed_values(result.text, {"wegwijs_sealed": [{"kind": "phone", "token": "x" * 40}]}) == result.text


def test_contact_details_travel_sealed_and_only_the_booking_opens_them():
    result = inbound_text("/ Sam, 0470 12 34 56, sam@example.be, rrn 85.07.30-033.28", SEALER.seal)
    assert result.text == "Sam, [☎], [✉], rrn [🆔]"
    metadata = metadata_with_sealed({"from_client": 1, "wegwijs_sealed": "forged"}, result)
    assert metadata["from_client"] == 1 and [v["kind"] for v in metadata["wegwijs_sealed"]] == ["phone", "email"]
    assert "0470" not in str(metadata) and "example" not in str(metadata)

    for_flow = with_sealed_values(result.text, metadata)
    phone, email = parsing.phone(for_flow), parsing.email(for_flow)
    assert phone.startswith("[☎:gAAAA") and email.startswith("[✉:gAAAA")
    assert parsing.name(for_flow.replace(", rrn [🆔]", "")) == "Sam" and parsing.postcode(for_flow) is None
    opened = reveal_contact({"phone": phone, "email": email, "name": "Sam"}, SEALER)
    assert opened == {"phone": "+32470123456", "email": "sam@example.be", "name": "Sam"}


def test_a_sealed_value_opens_only_with_the_key_and_as_its_own_kind():
    token = SEALER.seal("phone", "+32470123456")
    other = Sealer.from_secret_key(Fernet.generate_key().decode())
    with pytest.raises(ValueError):
        other.open("phone", token)
    with pytest.raises(ValueError):
        SEALER.open("email", token)


def test_plain_values_still_work_for_the_flow_without_the_gate():
    assert parsing.phone("0470 12 34 56") == "+32470123456"
    assert reveal_contact({"phone": "+32470123456"}) == {"phone": "+32470123456"}


# -- properties -------------------------------------------------------------------------------

FILLER = st.text(alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="[]"), max_size=40)


def belgian_mobile():
    return st.integers(0, 99_999_999).map(lambda n: f"04{7 + n % 3}{n:08d}"[:10])


def spaced(digits: str) -> str:
    return f"{digits[:4]} {digits[4:6]} {digits[6:8]} {digits[8:]}"


def national_number():
    def build(birth: int, serial: int) -> str:
        base = f"{birth:06d}{serial:03d}"
        check = 97 - int(base) % 97
        return f"{base}{check:02d}"
    return st.builds(build, st.integers(0, 991231), st.integers(1, 997))


def belgian_iban():
    def build(account: int) -> str:
        bban = f"{account:012d}"
        check = 98 - int(bban + "111400") % 97  # "BE00" rearranged: B=11, E=14
        return f"BE{check:02d}{bban}"
    return st.builds(build, st.integers(0, 10**12 - 1))


@settings(max_examples=200, deadline=None)
@given(FILLER, belgian_mobile(), st.booleans(), FILLER)
def test_a_mobile_number_never_survives_masking(before, number, with_spaces, after):
    shown = spaced(number) if with_spaces else number
    result = mask_personal_data(f"{before} {shown} {after}", SEALER.seal)
    assert number not in re.sub(r"\D", "", result.text)
    assert [s.kind for s in result.sealed].count("phone") >= 1
    if re.search(r"\+\d*$", before.rstrip()):
        return  # "+1 0470…" may be one foreign number: masked all the same, but which number is ambiguous
    assert SEALER.open("phone", result.sealed[[s.kind for s in result.sealed].index("phone")].token) == "+32" + number[1:]


@settings(max_examples=200, deadline=None)
@given(FILLER, national_number(), belgian_iban(), FILLER)
def test_national_numbers_and_ibans_never_survive_masking(before, nrn, iban, after):
    dotted = f"{nrn[:2]}.{nrn[2:4]}.{nrn[4:6]}-{nrn[6:9]}.{nrn[9:]}"
    grouped = " ".join(iban[i:i + 4] for i in range(0, 16, 4))
    text = mask_personal_data(f"{before} {dotted} {after} {grouped} {nrn}").text
    digits = re.sub(r"\D", "", text)
    assert nrn not in digits and iban[4:] not in digits


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.text(), st.binary()))
def test_the_gate_never_raises_never_starts_with_a_slash_and_is_stable(raw):
    result = inbound_text(raw, SEALER.seal)
    assert not result.text.startswith("/")
    assert len(result.text) <= MAX_INBOUND_CHARS  # placeholders are shorter than what they replace
    again = mask_personal_data(result.text)
    assert again.found == {}, "masking a masked text finds nothing more"


def test_a_number_at_the_length_limit_is_masked_not_cut_in_half():
    result = inbound_text("x" * 1590 + " 0486 55 44 33", SEALER.seal)
    assert "0486" not in result.text and result.text.endswith("[☎]") and len(result.sealed) == 1
    cut = inbound_text("x" * 1598 + " 0486 55 44 33", SEALER.seal)
    assert cut.text == "x" * 1598 and cut.sealed == () and len(cut.text) <= MAX_INBOUND_CHARS


def test_a_lone_surrogate_becomes_a_replacement_character():
    assert inbound_text("\ud800 hallo").text == "\ufffd hallo"
