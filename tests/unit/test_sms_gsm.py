"""What an SMS costs (GSM-7 / UCS-2 segments) and the mapping that keeps texts in GSM-7."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.sms.catalogue import Catalogue
from bot.sms.gsm import GSM7, GSM7_BASIC, GSM7_EXTENSION, UCS2, for_sms, is_gsm7, segments, to_gsm7


@pytest.mark.parametrize(
    "text, expected",
    [
        ("", (GSM7, 0)),
        ("a" * 160, (GSM7, 1)),
        ("a" * 161, (GSM7, 2)),
        ("a" * 306, (GSM7, 2)),
        ("a" * 307, (GSM7, 3)),
        ("€" * 80, (GSM7, 1)),  # two septets each: 160
        ("€" * 81, (GSM7, 2)),
        ("é è à ù ü ö ä ñ Ç É" * 8, (GSM7, 1)),
        ("ê", (UCS2, 1)),
        ("ç", (UCS2, 1)),
        ("a" * 159 + "ï", (UCS2, 3)),  # one character turns 160 characters into 3 parts of 67
        ("a" * 70, (GSM7, 1)),
        ("ï" * 70, (UCS2, 1)),
        ("ï" * 71, (UCS2, 2)),
        ("ï" * 134, (UCS2, 2)),
        ("ï" * 135, (UCS2, 3)),
        ("😀" * 35, (UCS2, 1)),  # an emoji is two UTF-16 code units
        ("😀" * 36, (UCS2, 2)),
    ],
)
def test_segments_follow_the_gsm_and_ucs2_limits(text, expected):
    info = segments(text)
    assert (info.encoding, info.segments) == expected
    assert info.chars == len(text)


def test_an_extension_character_is_not_split_between_parts():
    # 152 septets, then "€" (2) does not fit the 153 of part one: it starts part two.
    info = segments("a" * 152 + "€" + "a" * 152)
    assert (info.units, info.segments) == (306, 3)
    assert segments("a" * 151 + "€" + "a" * 153).segments == 2


def test_the_alphabet_tables_are_complete():
    assert len(GSM7_BASIC) == 127  # 128 codes minus the escape
    assert len(GSM7_EXTENSION) == 10
    assert is_gsm7("@£$¥ΔΦΓΛΩΠΨΣΘΞ¡¿§ÆæßØøÅå{}[]~|^\\€")


@pytest.mark.parametrize(
    "original, mapped",
    [
        ("Ça va ? Reçu, François.", "Ça va ? Recu, Francois."),
        ("peut-être, fenêtre, âge, île, hôpital, sûr", "peut-etre, fenetre, age, ile, hopital, sur"),
        ("België, ruïne, Noël, coïncidence", "Belgie, ruine, Noel, coincidence"),
        ("œuvre, Œil", "oeuvre, OEil"),
        ("l’aide, «oui», “ja”, ‘nee’", "l'aide, \"oui\", \"ja\", 'nee'"),
        ("9–12 uur — of later…", "9-12 uur - of later..."),
        ("Vraiment\u202f? 10\u00a0€", "Vraiment ? 10 €"),
        ("é è à ù ü ö ä ñ É Ç", "é è à ù ü ö ä ñ É Ç"),  # already GSM-7: unchanged
        ("Ĳsselmeer, Ångström, Århus", "IJsselmeer, Ångström, Århus"),
    ],
)
def test_the_mapping_keeps_texts_readable_and_in_gsm7(original, mapped):
    assert to_gsm7(original) == mapped
    assert is_gsm7(mapped)


def test_the_mapping_saves_segments_on_a_typical_french_reply():
    text = ("Je suis Wegwijs, un programme du Sociaal Huis. Vous avez peut-être droit à une aide. "
            "Le CPAS va vérifier : ce n’est pas encore une décision. Voulez-vous être rappelé ?")
    before, after = segments(text), segments(for_sms(text))
    assert (before.encoding, after.encoding) == (UCS2, GSM7)
    assert after.segments < before.segments


def test_a_text_that_needs_ucs2_anyway_keeps_its_spelling():
    assert for_sms("مرحبا، هل تريد مترجمًا؟ français") == "مرحبا، هل تريد مترجمًا؟ français"
    assert for_sms("Merci 🙂 peut-être") == "Merci 🙂 peut-être"
    assert for_sms("…" * 70) == "…" * 70  # "..." x 70 would be 2 GSM-7 segments instead of 1 UCS-2


@given(st.text(max_size=400))
def test_mapping_never_makes_a_message_cost_more(text):
    assert segments(for_sms(text)).segments <= segments(text).segments
    if is_gsm7(text):
        assert for_sms(text) == text


@given(st.text(alphabet=st.sampled_from(sorted(GSM7_BASIC | GSM7_EXTENSION | set("êçïœ’«»–"))), max_size=500))
def test_latin_texts_end_up_in_gsm7(text):
    assert is_gsm7(for_sms(text))


def test_the_channels_own_texts_are_gsm7_and_one_segment_each():
    catalogue = Catalogue.load()
    values = {"sociaal_huis": "Sociaal Huis Demostad", "phone": "015 00 00 00"}
    for language, texts in catalogue.texts.items():
        for key in texts:
            text = catalogue.text(language, key, values)
            assert is_gsm7(text), (language, key)
            assert segments(text).segments <= 1, (language, key, len(text))
