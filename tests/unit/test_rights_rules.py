"""Each right of the real catalogue: when it may apply (with the facts named), when it is
ruled out, when it is still to check (with the missing facts), boundaries included."""

import datetime as dt

import pytest

from bot.rights import details, explore, load_catalogue, to_check_text, why

TODAY = dt.date(2026, 11, 23)
INCOME = "yearly_gross_household_income"
# The codes of ../shared/contracts/reference/rights.md, exactly.
REFERENCE_CODES = {
    "verhoogde_tegemoetkoming", "leefloon", "maatschappelijke_hulp", "sociaal_tarief_energie", "verwarmingstoelage",
    "groeipakket_sociale_toeslag", "schooltoeslag", "studietoelage", "kinderopvang_inkomenstarief", "huurpremie",
    "sociale_huurwoning", "huurwaarborg", "zorgbudget_zwaar_zorgbehoevenden", "zorgbudget_ouderen",
    "zorgbudget_handicap", "tegemoetkoming_handicap", "igo", "maximumfactuur", "schuldbemiddeling",
    "budgetbegeleiding", "juridische_eerstelijnsbijstand", "juridische_tweedelijnsbijstand",
    "dringende_medische_hulp", "ziekte_uitkering", "werkloosheidsuitkering", "uitpas_kansentarief",
}


@pytest.fixture(scope="module")
def catalogue():
    return load_catalogue()


def result(catalogue, code, profile, today=TODAY):
    return explore(profile, catalogue, today).result(code)


def test_the_catalogue_holds_exactly_the_reference_rights(catalogue):
    assert set(catalogue.rights) == REFERENCE_CODES


# (code, profile, words that the Dutch "why" must contain)
MAY = [
    ("verhoogde_tegemoetkoming", {"income_sources": ["leefloon"]}, "je krijgt een leefloon"),
    ("verhoogde_tegemoetkoming", {"income_sources": ["pension", "igo"]}, "je krijgt de inkomensgarantie voor ouderen"),
    ("verhoogde_tegemoetkoming", {"income_sources": ["disability_allowance"]}, "tegemoetkoming voor een handicap"),
    ("leefloon", {"residence": "belgian", "age": 18, "income_sources": ["none"]},
     "je bent Belg, je bent 18 jaar en je hebt geen inkomen"),
    ("leefloon", {"residence": "belgian", "age": 17, "children_ages": [1], "income_sources": ["none"]}, "je hebt een kind"),
    ("maatschappelijke_hulp", {"income_sources": ["none"]}, "je hebt geen inkomen"),
    ("maatschappelijke_hulp", {"housing": "homeless"}, "je hebt geen woning"),
    ("sociaal_tarief_energie", {"income_sources": ["ocmw_aid"]}, "je krijgt steun van het OCMW"),
    ("verwarmingstoelage", {"heating": "oil", "has_vt": True}, "je verwarmt met stookolie of petroleum en je hebt de verhoogde"),
    ("verwarmingstoelage", {"heating": "oil", "income_sources": ["igo"]}, "inkomensgarantie"),
    ("zorgbudget_zwaar_zorgbehoevenden", {"care_need": "severe"}, "je hebt elke dag veel hulp nodig"),
    ("tegemoetkoming_handicap", {"age": 21, "recognised_disability": True}, "je bent 21 jaar en je hebt een erkende handicap"),
    ("tegemoetkoming_handicap", {"age": 64, "recognised_disability": True}, "je bent 64 jaar"),
    ("maximumfactuur", {"health_insurance": True}, "je bent bij een ziekenfonds"),
    ("schuldbemiddeling", {"debts": True}, "je hebt schulden"),
    ("budgetbegeleiding", {"debts": True}, "je hebt schulden"),
    ("juridische_eerstelijnsbijstand", {"legal_question": True}, "je hebt een juridische vraag"),
    ("juridische_tweedelijnsbijstand", {"legal_question": True, "income_sources": ["leefloon"]},
     "je hebt een juridische vraag en je krijgt een leefloon"),
    ("dringende_medische_hulp", {"residence": "undocumented"}, "je hebt geen verblijfspapieren"),
]


@pytest.mark.parametrize("code, profile, words", MAY)
def test_may_be_entitled_and_why_names_the_facts(catalogue, code, profile, words):
    status, item = result(catalogue, code, profile)
    assert status == "may_be_entitled"
    text = why(code, item.facts, catalogue, "nl")
    assert words in text
    assert "misschien" in text and "kijkt dit na" in text


# (code, profile, words in the Dutch "probably does not fit" explanation)
RULED_OUT = [
    ("leefloon", {"residence": "undocumented"}, "je hebt geen verblijfspapieren"),
    ("leefloon", {"residence": "applicant_protection"}, "je hebt asiel gevraagd"),
    ("verwarmingstoelage", {"heating": "gas"}, "je verwarmt met gas"),
    ("groeipakket_sociale_toeslag", {"children_ages": []}, "je hebt geen kinderen"),
    ("schooltoeslag", {"children_ages": []}, "je hebt geen kinderen"),
    ("studietoelage", {"higher_education_student": False}, "niemand in je gezin volgt hoger onderwijs"),
    ("kinderopvang_inkomenstarief", {"children_ages": []}, "je hebt geen kinderen"),
    ("huurpremie", {"housing": "owner"}, "je bent eigenaar"),
    ("huurpremie", {"housing": "rent_private", "social_housing_waitlist_years": 0}, "niet op de wachtlijst"),
    ("sociale_huurwoning", {"housing": "owner"}, "je bent eigenaar"),
    ("huurwaarborg", {"housing": "institution"}, "je woont in een instelling"),
    ("zorgbudget_zwaar_zorgbehoevenden", {"care_need": "moderate"}, "je hebt wat hulp nodig"),
    ("zorgbudget_ouderen", {"age": 64, "care_need": "severe"}, "je bent 64 jaar"),
    ("zorgbudget_ouderen", {"age": 80, "care_need": "none"}, "je hebt geen hulp nodig"),
    ("zorgbudget_handicap", {"recognised_disability": False}, "je hebt geen erkende handicap"),
    ("tegemoetkoming_handicap", {"age": 20, "recognised_disability": True}, "je bent 20 jaar"),
    ("tegemoetkoming_handicap", {"age": 65, "recognised_disability": True}, "je bent 65 jaar"),
    ("tegemoetkoming_handicap", {"age": 40, "recognised_disability": False}, "je hebt geen erkende handicap"),
    ("maximumfactuur", {"health_insurance": False}, "je bent niet bij een ziekenfonds"),
    ("schuldbemiddeling", {"debts": False}, "je hebt geen schulden"),
    ("budgetbegeleiding", {"debts": False}, "je hebt geen schulden"),
    ("juridische_eerstelijnsbijstand", {"legal_question": False}, "je hebt geen juridische vraag"),
    ("juridische_tweedelijnsbijstand", {"legal_question": False}, "je hebt geen juridische vraag"),
    ("dringende_medische_hulp", {"residence": "belgian"}, "je bent Belg"),
    ("ziekte_uitkering", {"income_sources": ["pension"]}, "je krijgt een pensioen"),
    ("werkloosheidsuitkering", {"income_sources": ["pension"]}, "je krijgt een pensioen"),
]


@pytest.mark.parametrize("code, profile, words", RULED_OUT)
def test_ruled_out_when_a_fact_contradicts_it(catalogue, code, profile, words):
    exploration = explore(profile, catalogue, TODAY)
    status, _ = exploration.result(code)
    assert status == "ruled_out"
    assert words in details(code, exploration, catalogue, "nl")


# (code, profile, the missing facts, words of what the deciding organisation checks, or None)
TO_CHECK = [
    ("verhoogde_tegemoetkoming", {"income_sources": ["work"]}, [INCOME], "laag genoeg"),
    ("verhoogde_tegemoetkoming", {"income_sources": ["work"], INCOME: 9000.0}, [], "laag genoeg"),
    ("verhoogde_tegemoetkoming", {"income_sources": ["ocmw_aid"], INCOME: 9000}, [], "drie maanden na elkaar"),
    ("leefloon", {}, ["income_sources", "children_ages", "age", "residence"], None),
    ("leefloon", {"residence": "belgian", "age": 30, "income_sources": ["work"]}, [], "lager is dan het leefloon"),
    ("leefloon", {"residence": "belgian", "age": 17, "children_ages": [], "income_sources": ["none"]}, [],
     "zwanger of getrouwd"),
    ("leefloon", {"residence": "eu", "age": 30, "income_sources": ["none"]}, [], "bevolkingsregister"),
    ("maatschappelijke_hulp", {"income_sources": ["work"], "housing": "rent_private"}, [], "menswaardig"),
    ("sociaal_tarief_energie", {"income_sources": ["work"]}, [], "andere groep"),
    ("verwarmingstoelage", {"heating": "oil"}, ["income_sources", "debts", "has_vt", INCOME], None),
    ("verwarmingstoelage", {"heating": "other", "has_vt": True}, [], "propaan in bulk"),
    ("verwarmingstoelage", {"heating": "oil", "has_vt": False, "income_sources": ["work"], "debts": True, INCOME: 1},
     [], "schuldbemiddeling"),
    ("groeipakket_sociale_toeslag", {"children_ages": [3, 7]}, [INCOME], None),
    ("schooltoeslag", {"children_ages": [7], INCOME: 20000}, [], "middelbare school"),
    ("studietoelage", {"higher_education_student": True}, [INCOME], None),
    ("kinderopvang_inkomenstarief", {"children_ages": [1]}, [], "kinderopvang"),
    ("huurpremie", {"housing": "rent_private", "social_housing_waitlist_years": 5, INCOME: 20000}, [],
     "lang genoeg op de wachtlijst"),
    ("huurpremie", {"housing": "rent_private"}, ["social_housing_waitlist_years", INCOME], None),
    ("sociale_huurwoning", {"housing": "rent_private"}, [INCOME], "andere woning"),
    ("huurwaarborg", {"housing": "homeless"}, [], "regels van je OCMW"),
    ("zorgbudget_ouderen", {"age": 65, "care_need": "moderate"}, [INCOME], None),
    ("zorgbudget_handicap", {"recognised_disability": True}, [], "VAPH"),
    ("tegemoetkoming_handicap", {"recognised_disability": True}, ["age"], None),
    ("igo", {"age": 80}, [INCOME], "wettelijke pensioenleeftijd"),
    ("maximumfactuur", {}, ["health_insurance"], None),
    ("juridische_tweedelijnsbijstand", {"legal_question": True, "income_sources": ["work"]}, [INCOME], "andere groep"),
    ("ziekte_uitkering", {"income_sources": ["work"]}, [], "door ziekte niet kan werken"),
    ("werkloosheidsuitkering", {"income_sources": ["work"]}, [], "eigen keuze"),
    ("uitpas_kansentarief", {"income_sources": ["leefloon"], "debts": True}, [], "UiTPAS-regio"),
]


@pytest.mark.parametrize("code, profile, missing, words", TO_CHECK)
def test_to_check_names_the_missing_facts_and_what_is_checked(catalogue, code, profile, missing, words):
    status, item = result(catalogue, code, profile)
    assert status == "to_check"
    assert list(item.missing) == missing
    text = to_check_text(item, catalogue, "nl")
    if words:
        assert words in text
    if missing:
        assert "We weten nog niet" in text


@pytest.mark.parametrize("code, profile", [
    ("verhoogde_tegemoetkoming", {"has_vt": True, "income_sources": ["leefloon"]}),
    ("leefloon", {"income_sources": ["leefloon"], "residence": "belgian", "age": 40}),
    ("maatschappelijke_hulp", {"income_sources": ["ocmw_aid"]}),
    ("sociale_huurwoning", {"housing": "rent_social"}),
    ("tegemoetkoming_handicap", {"income_sources": ["disability_allowance"], "age": 30, "recognised_disability": True}),
    ("igo", {"income_sources": ["igo"]}),
    ("ziekte_uitkering", {"income_sources": ["sickness"]}),
    ("werkloosheidsuitkering", {"income_sources": ["unemployment"]}),
])
def test_a_right_the_citizen_already_gets_is_not_offered(catalogue, code, profile):
    exploration = explore(profile, catalogue, TODAY)
    assert exploration.result(code)[0] == "already"
    listed = {item["code"] for key in ("may_be_entitled", "to_check") for item in exploration.as_contract("nl")[key]}
    assert code not in listed


def test_age_boundaries_are_the_birthday(catalogue):
    """Ages are whole years: the day someone turns 18 (or 21) counts, the day before does not;
    the disability allowance is for people younger than 65."""
    base = {"residence": "belgian", "income_sources": ["none"], "children_ages": []}
    assert result(catalogue, "leefloon", {**base, "age": 18})[0] == "may_be_entitled"
    assert result(catalogue, "leefloon", {**base, "age": 17})[0] == "to_check"
    assert result(catalogue, "tegemoetkoming_handicap", {"age": 21, "recognised_disability": True})[0] == "may_be_entitled"
    assert result(catalogue, "tegemoetkoming_handicap", {"age": 20, "recognised_disability": True})[0] == "ruled_out"
    assert result(catalogue, "tegemoetkoming_handicap", {"age": 64, "recognised_disability": True})[0] == "may_be_entitled"
    assert result(catalogue, "tegemoetkoming_handicap", {"age": 65, "recognised_disability": True})[0] == "ruled_out"
    assert result(catalogue, "zorgbudget_ouderen", {"age": 65, "care_need": "severe"})[0] == "to_check"
    assert result(catalogue, "zorgbudget_ouderen", {"age": 64, "care_need": "severe"})[0] == "ruled_out"


def test_an_income_without_a_checked_limit_is_never_guessed(catalogue):
    """reference/rights.md gives no income limits: a very low and a very high income both
    leave income-tested rights to check, in words, and never in may_be_entitled."""
    for income in (0, 10_000_000):
        exploration = explore({"income_sources": ["work"], INCOME: income, "adults": 1, "children_ages": [2]},
                              catalogue, TODAY)
        status, item = exploration.result("verhoogde_tegemoetkoming")
        assert status == "to_check" and item.missing == ()
        assert "laag genoeg" in to_check_text(item, catalogue, "nl")
        assert exploration.result("groeipakket_sociale_toeslag")[0] == "to_check"


def test_an_empty_profile_claims_nothing(catalogue):
    exploration = explore({}, catalogue, TODAY)
    assert exploration.may_be_entitled == ()
    assert exploration.ruled_out == () and exploration.already == ()
    assert {t.code for t in exploration.to_check} == REFERENCE_CODES


@pytest.mark.parametrize("profile, field", [
    ({"housing": "castle"}, "housing"),
    ({"age": -1}, "age"),
    ({"age": 200}, "age"),
    ({"age": True}, "age"),
    ({"age": 40.5}, "age"),
    ({"income_sources": ["none", "work"]}, "income_sources"),
    ({"income_sources": ["lottery"]}, "income_sources"),
    ({"income_sources": "work"}, "income_sources"),
    ({"children_ages": [4, "nine"]}, "children_ages"),
    ({"debts": "yes"}, "debts"),
    ({"postcode": "123"}, "postcode"),
    ({"residence": "martian"}, "residence"),
    ({"favourite_colour": "blue"}, "favourite_colour"),
])
def test_an_invalid_profile_is_refused_naming_the_field(catalogue, profile, field):
    with pytest.raises(ValueError, match=field):
        explore(profile, catalogue, TODAY)


def test_missing_and_null_fields_are_the_same(catalogue):
    a = explore({"age": None, "debts": True}, catalogue, TODAY).as_contract("en")
    b = explore({"debts": True}, catalogue, TODAY).as_contract("en")
    assert a == b
