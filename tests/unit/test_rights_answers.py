"""Free-text answers in Dutch (Flemish, SMS style), French and English."""

import pytest

from bot.rights import SKIP, UNCLEAR, parse_answer

INCOME = "yearly_gross_household_income"

VALUES = [
    # age
    ("age", "ik ben 67", 67), ("age", "67", 67), ("age", "67 jaar", 67), ("age", "kben 67j", 67),
    ("age", "j'ai 67 ans", 67), ("age", "I'm 67 years old", 67), ("age", "18", 18),
    # children
    ("children_ages", "two kids of 4 and 9", [4, 9]), ("children_ages", "2 kinderen van 3 en 7 jaar", [3, 7]),
    ("children_ages", "4 en 9", [4, 9]), ("children_ages", "9, 4", [4, 9]), ("children_ages", "4+9", [4, 9]),
    ("children_ages", "een zoon van 4 en een dochter van 9", [4, 9]), ("children_ages", "une fille de 3 ans", [3]),
    ("children_ages", "deux enfants de 5 et 8 ans", [5, 8]), ("children_ages", "a baby of 0", [0]),
    ("children_ages", "geen kinderen", []), ("children_ages", "geen", []), ("children_ages", "nee", []),
    ("children_ages", "no kids", []), ("children_ages", "I have no children", []), ("children_ages", "pas d'enfants", []),
    ("children_ages", "aucun", []), ("children_ages", "0", []),
    # income sources (multi-select)
    ("income_sources", "je touche le revenu d'intégration", ["leefloon"]),
    ("income_sources", "ik krijg leefloon", ["leefloon"]), ("income_sources", "leefloon van het ocmw", ["leefloon"]),
    ("income_sources", "pensioen en igo", ["pension", "igo"]), ("income_sources", "pension et GRAPA", ["pension", "igo"]),
    ("income_sources", "work and unemployment", ["work", "unemployment"]),
    ("income_sources", "ik werk en mijn vrouw is met pensioen", ["work", "pension"]),
    ("income_sources", "ik heb geen werk maar wel een leefloon", ["leefloon"]),
    ("income_sources", "chômage", ["unemployment"]), ("income_sources", "I'm on sick pay", ["sickness"]),
    ("income_sources", "zelfstandige", ["self_employed"]), ("income_sources", "OCMW", ["ocmw_aid"]),
    ("income_sources", "geen inkomen", ["none"]), ("income_sources", "niks", ["none"]), ("income_sources", "rien", ["none"]),
    ("income_sources", "1, 3", ["work", "unemployment"]), ("income_sources", "6 en 3", ["unemployment", "leefloon"]),
    ("income_sources", "Leefloon", ["leefloon"]),
    # housing (choice): words, labels and numbers
    ("housing", "I rent from a private landlord", "rent_private"), ("housing", "ik huur", "rent_private"),
    ("housing", "je loue chez un propriétaire privé", "rent_private"), ("housing", "ik huur een sociale woning", "rent_social"),
    ("housing", "logement social", "rent_social"), ("housing", "ik ben eigenaar", "owner"),
    ("housing", "je suis propriétaire", "owner"), ("housing", "ik slaap op straat", "homeless"),
    ("housing", "sans abri", "homeless"), ("housing", "2", "rent_social"), ("housing", "nr 2", "rent_social"),
    ("housing", "2.", "rent_social"), ("housing", "n° 3", "owner"), ("housing", "Ik huur een sociale woning", "rent_social"),
    # yes / no
    ("debts", "ja", True), ("debts", "jaja", True), ("debts", "oui", True), ("debts", "yes", True), ("debts", "yep", True),
    ("debts", "nee", False), ("debts", "neen", False), ("debts", "non", False), ("debts", "no", False),
    ("debts", "nee hoor", False), ("debts", "ik heb schulden", True), ("debts", "de deurwaarder komt", True),
    ("debts", "je n'ai pas de dettes", False), ("debts", "geen schulden", False), ("debts", "ja, maar niet veel", True),
    ("debts", "1", True), ("debts", "2", False), ("health_insurance", "ik ben bij de CM", True),
    # numbers: a yearly amount, or a monthly one times 12
    (INCOME, "18.000", 18000), (INCOME, "18000 euro per jaar", 18000), (INCOME, "€ 18 000", 18000), (INCOME, "18k", 18000),
    (INCOME, "1.450 euro per maand", 17400), (INCOME, "1450 in de maand", 17400), (INCOME, "1 450 € par mois", 17400),
    (INCOME, "1,450.50 a month", 17406), (INCOME, "geen inkomen", 0),
    ("social_housing_waitlist_years", "5 jaar", 5), ("social_housing_waitlist_years", "6 maanden", 0.5),
    ("social_housing_waitlist_years", "nee", 0), ("social_housing_waitlist_years", "2,5", 2.5),
    ("adults", "alleen", 1), ("adults", "seule", 1), ("adults", "2", 2), ("adults", "twee", 2), ("adults", "een", 1),
    ("care_need", "ja, elke dag veel hulp", "severe"), ("care_need", "un peu d'aide", "moderate"), ("care_need", "nee", "none"),
    ("care_need", "3", "severe"),
    ("residence", "ik ben Belg", "belgian"), ("residence", "sans papiers", "undocumented"),
    ("residence", "I have a residence permit", "registered_foreigner"), ("residence", "asielzoeker", "applicant_protection"),
    ("heating", "mazout", "oil"), ("heating", "au gaz", "gas"), ("heating", "propane", "other"),
    ("postcode", "2800 Mechelen", "2800"), ("postcode", "1000", "1000"),
]


@pytest.mark.parametrize("field, text, value", VALUES)
def test_a_free_text_answer_is_understood(field, text, value):
    answer = parse_answer(field, text, "nl")
    assert answer.is_value and answer.value == value, answer


@pytest.mark.parametrize("text", [
    "liever niet", "Zeg ik liever niet", "weet ik niet", "skip", "I'd rather not say", "rather not", "I don't know",
    "je préfère ne pas dire", "je ne sais pas", "pass",
])
@pytest.mark.parametrize("field", ["age", "income_sources", "debts", "housing", INCOME, "children_ages"])
def test_rather_not_say_is_a_skip(field, text):
    assert parse_answer(field, text, "fr") is SKIP


@pytest.mark.parametrize("field, text", [
    ("age", "euh"), ("age", "1958"), ("age", "200"), ("housing", "9"), ("housing", "ja"), ("housing", "1 en 2"),
    ("children_ages", "2 kinderen"), ("children_ages", "ja"), (INCOME, "tussen 1400 en 1500"), (INCOME, "veel"),
    ("debts", "misschien"), ("income_sources", "hmm"), ("social_housing_waitlist_years", "sinds 2019"),
    ("postcode", "Mechelen"), ("age", ""), ("care_need", "ja"),
])
def test_an_answer_that_cannot_be_read_is_unclear(field, text):
    assert parse_answer(field, text, "en") is UNCLEAR


def test_an_unknown_field_or_language_is_refused():
    with pytest.raises(ValueError, match="shoe_size"):
        parse_answer("shoe_size", "42", "nl")
    with pytest.raises(ValueError, match="de"):
        parse_answer("age", "42", "de")
