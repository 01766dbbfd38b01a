import pytest

from bot.triage.crisis import CrisisPatterns, normalise_for_patterns


@pytest.fixture(scope="module")
def patterns():
    return CrisisPatterns.load()


def test_normalisation_removes_accents_and_punctuation():
    assert normalise_for_patterns("J'veux MOURIR!!") == " j veux mourir "


@pytest.mark.parametrize(
    "text",
    [
        "ik wil niet meer leven",
        "ik denk aan zelfmoord",
        "hij slaat mij nu",
        "ik moet vannacht buiten slapen",
        "je veux mourir",
        "il me frappe maintenant",
        "je dors dehors ce soir",
        "i want to kill myself",
        "he is hitting me right now",
        "i have nowhere to sleep tonight",
    ],
)
def test_crisis_messages_match_a_pattern(patterns, text):
    assert patterns.categories(text), text


@pytest.mark.parametrize(
    "text",
    [
        "mijn vader is vorig jaar gestorven",
        "ik zoek een sociale woning",
        "mon ex me frappait avant",
        "je cherche un logement",
        "my father died last year",
        "i am looking for a house",
        "ik heb schulden bij de energieleverancier",
    ],
)
def test_ordinary_help_questions_match_no_pattern(patterns, text):
    assert patterns.categories(text) == [], text


def test_every_language_is_applied_to_every_message(patterns):
    languages = {p.language for p in patterns.patterns}
    assert {"nl", "fr", "en"} <= languages
