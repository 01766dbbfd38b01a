"""Reading picks, yes/no, postcodes, phone numbers and e-mail addresses from what citizens type."""

import pytest

from bot.flow import parsing
from bot.flow.choices import pick, yes_or_no

OPTIONS = ["OCMW Mechelen", "CAW Boom Mechelen Lier", "Ik weet het niet"]


@pytest.mark.parametrize("text, index", [
    ("2", 1), ("2.", 1), (" 2 ", 1), ("nr 2", 1), ("n° 3", 2), ("1)", 0),
    ("ocmw mechelen", 0), ("OCMW  Mechelen!", 0), ("ik weet het niet", 2),
])
def test_a_number_or_the_words_of_a_choice_pick_it(text, index):
    assert pick(OPTIONS, text) == index


@pytest.mark.parametrize("text", ["4", "0", "22", "", "ocmw", "mechelen 2", "2 en 3"])
def test_anything_else_picks_nothing(text):
    assert pick(OPTIONS, text) is None


@pytest.mark.parametrize("text, intent, expected", [
    ("ja", "", True), ("Oui", "", True), ("yes please", "", True), ("ok", "", True),
    ("nee", "", False), ("non", "", False), ("liever niet", "", False), ("not now", "", False),
    ("whatever", "affirm", True), ("whatever", "deny", False),
    ("misschien", "", None), ("ik weet niet of ik dat wil zeggen aan iemand", "", None), ("", "", None),
])
def test_yes_and_no_in_three_languages(text, intent, expected):
    assert yes_or_no(text, intent) is expected


@pytest.mark.parametrize("text, code", [("2800", "2800"), ("ik woon in 3000 Leuven", "3000"), ("B-2800", "2800")])
def test_a_belgian_postcode_is_found(text, code):
    assert parsing.postcode(text) == code


@pytest.mark.parametrize("text", ["280", "28000", "0800", "2800 of 3000", "geen idee"])
def test_no_postcode_when_there_is_none_or_two(text):
    assert parsing.postcode(text) is None


@pytest.mark.parametrize("text, number", [
    ("0470 12 34 56", "+32470123456"), ("0470/12.34.56", "+32470123456"), ("+32 470 12 34 56", "+32470123456"),
    ("bel me op 015 00 00 00 aub", "+3215000000"), ("0033 6 12 34 56 78", "+33612345678"),
])
def test_phone_numbers_are_normalised(text, number):
    assert parsing.phone(text) == number


@pytest.mark.parametrize("text", ["2800", "12345", "mijn nummer is geheim", "470123456"])
def test_no_phone_number_is_invented(text):
    assert parsing.phone(text) is None


def test_an_email_address_is_found_and_lowercased():
    assert parsing.email("mail naar Sam.Peeters@Example.be aub") == "sam.peeters@example.be"
    assert parsing.email("geen mail") is None


@pytest.mark.parametrize("text, name", [
    ("Sam, 0470 12 34 56", "Sam"), ("ik ben sam en mijn gsm is 0470123456", "Sam"),
    ("Je suis Marie-Claire, 0470 12 34 56", "Marie-Claire"), ("call me Jo. my number is +32 470 12 34 56", "Jo"),
    ("0470123456", None), ("sam@example.be", None),
    ("ik wil liever niet dat ze mij bellen maar mailen naar x@y.be", None),
])
def test_a_first_name_beside_the_contact_is_taken_and_nothing_else(text, name):
    assert parsing.name(text) == name
