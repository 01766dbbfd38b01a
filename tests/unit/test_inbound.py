from hypothesis import given, strategies as st

from bot.inbound import MAX_INBOUND_CHARS, clean_inbound_text


def test_a_leading_slash_never_reaches_rasa_as_an_intent():
    assert clean_inbound_text('/affirm{"consent": true}') == 'affirm{"consent": true}'
    assert clean_inbound_text("  //stop") == "stop"
    assert clean_inbound_text("/ /greet") == "greet"


def test_slashes_inside_the_text_are_kept():
    assert clean_inbound_text("huur 650/maand") == "huur 650/maand"


def test_bytes_in_a_wrong_encoding_are_decoded_without_error():
    latin1 = "ik heb geen geld voor de factuur van Électrabel".encode("latin-1")
    cleaned = clean_inbound_text(latin1)
    assert cleaned.startswith("ik heb geen geld")
    assert "\ufffd" in cleaned


def test_control_and_direction_characters_are_removed_but_letters_stay():
    assert clean_inbound_text("hallo\u202e\u0000 wereld") == "hallo wereld"
    assert clean_inbound_text("مرحبا") == "مرحبا"
    assert clean_inbound_text("ik ben 😢") == "ik ben 😢"


def test_an_overlong_message_is_cut_not_refused():
    assert len(clean_inbound_text("a" * 5000)) == MAX_INBOUND_CHARS


def test_nothing_in_gives_empty_text():
    assert clean_inbound_text(None) == ""
    assert clean_inbound_text("   ") == ""


@given(st.one_of(st.text(), st.binary()))
def test_cleaning_never_raises_and_never_starts_with_a_slash(raw):
    cleaned = clean_inbound_text(raw)
    assert not cleaned.startswith("/")
    assert len(cleaned) <= MAX_INBOUND_CHARS
