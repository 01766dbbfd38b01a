import pytest

from bot.language import (
    LanguageDetector,
    LanguageGuess,
    decide_conversation_language,
    explicit_language_request,
)


@pytest.fixture(scope="module")
def detector():
    return LanguageDetector()


@pytest.mark.parametrize(
    "text, expected",
    [
        ("kheb ni genoeg geld voor eten", "nl"),
        ("ik zit met schulden en de deurwaarder komt", "nl"),
        ("jai plus dargent pour payer le loyer", "fr"),
        ("je ne comprends pas la lettre du CPAS", "fr"),
        ("i cant pay my rent this month", "en"),
        ("letter from commune i not understand", "en"),
        ("Ich brauche Hilfe mit meiner Miete", "de"),
        ("أحتاج مساعدة في دفع الإيجار", "ar"),
        ("Мені потрібна допомога з житлом", "uk"),
        ("Мне нужна помощь с квартирой", "ru"),
    ],
)
def test_detects_the_language_of_short_citizen_messages(detector, text, expected):
    assert detector.detect(text).code == expected


@pytest.mark.parametrize("text, expected", [("hallo", "nl"), ("Bonjour !", "fr"), ("hi", "en"), ("dankjewel", "nl")])
def test_greetings_and_thanks_are_known_words_not_guesses(detector, text, expected):
    assert detector.detect(text).code == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        # Words lingua reads as Dutch ("want", "die"), English by their other words.
        ("i want to die", "en"),
        ("leefloon how much?", "en"),
        ("what is wegwijs", "en"),
        ("c'est quoi Wegwijs", "fr"),
        ("tu es chatgpt ?", "fr"),
        ("g 1 probleme", "fr"),
        ("kzit zonder eten", "nl"),
        ("tis dringend", "nl"),
    ],
)
def test_marker_words_decide_short_messages_that_lingua_gets_wrong(detector, text, expected):
    assert detector.detect(text).code == expected


def test_marker_words_are_data_per_language(tmp_path):
    from bot.language import LanguageDetector, LanguageWords

    (tmp_path / "nl.yml").write_text("markers: []\nshort_phrases: []\nswitch: []\n", encoding="utf-8")
    (tmp_path / "en.yml").write_text("markers: [I, Want]\nshort_phrases: [Yo]\nswitch: [English]\n", encoding="utf-8")
    known = LanguageWords.load(tmp_path)
    assert known.markers["en"] == {"i", "want"} and known.short_phrases == {"yo": "en"}
    without = LanguageDetector(known_words=LanguageWords.load(tmp_path / "none"))
    with_markers = LanguageDetector(known_words=known)
    text = "ik want die"  # Dutch to lingua; two English markers here outweigh it
    assert without.detect(text).code == "nl"
    assert with_markers.detect(text).code == "en"
    assert with_markers.detect("yo").code == "en"


def test_digits_and_emoji_have_no_language(detector):
    assert detector.detect("2").code is None
    assert detector.detect("👍🙏").code is None


def guess(code, confidence=0.95):
    return LanguageGuess(code, confidence, ((code, confidence),))


def test_one_short_message_never_flips_the_conversation_language():
    assert decide_conversation_language("nl", "merci", guess("fr")).language == "nl"
    assert decide_conversation_language("fr", "ok", guess("en")).language == "fr"
    assert decide_conversation_language("en", "2", LanguageGuess(None, 0.0)).language == "en"


def test_a_clear_longer_message_in_another_chat_language_switches():
    decision = decide_conversation_language("nl", "je ne comprends pas cette lettre", guess("fr"))
    assert decision.language == "fr" and decision.switched


def test_an_explicit_request_always_switches():
    decision = decide_conversation_language("nl", "English please", guess("en", 0.3))
    assert decision.language == "en" and decision.explicit
    assert decide_conversation_language("en", "Nederlands", guess("de", 0.9)).language == "nl"
    assert decide_conversation_language("nl", "en français svp", guess("fr")).language == "fr"


def test_naming_a_language_inside_a_story_is_not_a_request():
    assert explicit_language_request("mijn brief van de belastingen is in het Frans en ik begrijp hem niet") is None


def test_a_foreign_message_keeps_the_chat_language_and_notes_the_foreign_one():
    decision = decide_conversation_language(None, "Ich brauche Hilfe mit meiner Miete", guess("de"))
    assert decision.language == "nl"
    assert decision.foreign == "de"


def test_a_short_foreign_looking_word_is_not_trusted():
    assert decide_conversation_language("nl", "ja", guess("de")).foreign is None


def test_the_first_message_sets_the_language():
    assert decide_conversation_language(None, "i need help with my rent", guess("en")).language == "en"
    assert decide_conversation_language(None, "2", LanguageGuess(None, 0.0)).language == "nl"


def test_an_answer_to_a_question_never_flips_the_language_but_a_request_does():
    english = LanguageGuess("en", 0.99, (("en", 0.99),))
    assert decide_conversation_language("fr", "sam at example dot be please", english, answering=True).language == "fr"
    assert decide_conversation_language("fr", "English", english, answering=True).language == "en"
