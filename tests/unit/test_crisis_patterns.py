import pytest

from bot.triage.crisis import load_crisis_patterns
from bot.triage.patterns import normalise_for_patterns


@pytest.fixture(scope="module")
def patterns():
    return load_crisis_patterns()


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


def test_a_word_of_one_language_does_not_fire_inside_another(patterns):
    assert patterns.categories("mes médicaments coûtent trop cher", {"fr"}) == []
    assert patterns.categories("hij staat hier met een mes", {"nl"}) == ["violence_now"]


@pytest.mark.parametrize(
    "text",
    [
        "أريد أن أموت",
        "я больше не хочу жить",
        "мене б'є чоловік, допоможіть",
        "ich will nicht mehr leben",
        "quiero morir",
        "nie chcę już żyć",
    ],
)
def test_crisis_patterns_cover_other_scripts_and_languages(patterns, text):
    assert patterns.categories(text), text


@pytest.mark.parametrize("text", [
    "another night in the station, its freezing", "third night in my car, so cold",
    "i spent last night on a bench and will again", "weer een nacht buiten, het is zo koud",
    "derde nacht in mijn auto", "troisième nuit dans la voiture, il fait glacial", "encore une nuit dehors",
])
def test_night_after_night_outside_is_a_crisis(patterns, text):
    assert "no_shelter_tonight" in patterns.categories(text, None)


@pytest.mark.parametrize("text", [
    "another night of cold in my flat, the heating is broken", "ik werk de derde nacht op rij in de nachtdienst",
    "i slept in my car once last year", "une autre nuit sans dormir à cause des dettes",
    "weer een nacht niet geslapen van de stress",
])
def test_a_bad_night_at_home_is_not_a_night_outside(patterns, text):
    assert not patterns.categories(text, None)
