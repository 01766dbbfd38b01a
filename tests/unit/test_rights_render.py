"""What the citizen reads: the contract JSON, one line per right, details; always
"may be", always who decides and checks, never "you are entitled"."""

import datetime as dt
import re

import pytest

from bot.rights import details, explore, load_catalogue, summary_lines

TODAY = dt.date(2026, 11, 23)
MAY = {"nl": "misschien", "fr": "peut-être", "en": "may be entitled"}
CHECKS = {"nl": "kijkt", "fr": "vérifie", "en": "checks"}
# Sentences that would say someone IS entitled.
CERTAIN = {"nl": r"\bje hebt recht op\b|\bu hebt recht\b", "fr": r"\bvous avez droit\b", "en": r"\byou are entitled\b"}
RICH = {"age": 30, "residence": "belgian", "income_sources": ["none"], "housing": "homeless", "debts": True,
        "health_insurance": True, "legal_question": True, "recognised_disability": True, "care_need": "severe",
        "heating": "oil", "has_vt": True, "children_ages": [2, 8]}


@pytest.fixture(scope="module")
def catalogue():
    return load_catalogue()


@pytest.mark.parametrize("language", ["nl", "fr", "en"])
def test_the_contract_shape(catalogue, language):
    result = explore(RICH, catalogue, TODAY).as_contract(language)
    assert list(result) == ["may_be_entitled", "to_check", "not_covered"]
    assert result["may_be_entitled"] and result["to_check"]
    for item in result["may_be_entitled"]:
        assert list(item) == ["code", "why", "where", "source"]
        assert item["source"].startswith("https://")
        assert MAY[language] in item["why"] and CHECKS[language] in item["why"]
        assert not re.search(CERTAIN[language], item["why"])
    for item in result["to_check"]:
        assert list(item) == ["code", "missing"] and isinstance(item["missing"], list)
    assert isinstance(result["not_covered"], str) and 20 < len(result["not_covered"]) < 600


@pytest.mark.parametrize("language, words", [
    ("nl", "want je krijgt een leefloon"), ("fr", "parce que vous touchez le revenu d'intégration"),
    ("en", "because you receive leefloon"),
])
def test_why_names_the_facts_in_each_language(catalogue, language, words):
    result = explore({"income_sources": ["leefloon"]}, catalogue, TODAY).as_contract(language)
    vt = next(item for item in result["may_be_entitled"] if item["code"] == "verhoogde_tegemoetkoming")
    assert words in vt["why"]


def test_why_says_the_age(catalogue):
    result = explore({"age": 30, "recognised_disability": True}, catalogue, TODAY).as_contract("fr")
    item = next(i for i in result["may_be_entitled"] if i["code"] == "tegemoetkoming_handicap")
    assert "vous avez 30 ans et vous avez un handicap reconnu" in item["why"]


@pytest.mark.parametrize("language", ["nl", "fr", "en"])
def test_summary_has_one_short_line_per_right(catalogue, language):
    exploration = explore(RICH, catalogue, TODAY)
    lines = summary_lines(exploration, catalogue, language)
    assert len(lines) == len(exploration.may_be_entitled) + len(exploration.to_check)
    for line, finding in zip(lines, exploration.may_be_entitled):
        assert line.startswith(catalogue[finding.code].name(language))
        assert MAY[language] in line and not re.search(CERTAIN[language], line)
        assert len(line) < 200 and "\n" not in line


def test_summary_keeps_to_check_lines_of_the_help_question_domains(catalogue):
    exploration = explore({"debts": True}, catalogue, TODAY)
    lines = summary_lines(exploration, catalogue, "nl", domains=["debt"])
    assert lines == [
        "Budgetbegeleiding of budgetbeheer: je hebt hier misschien recht op. Het OCMW kijkt het na.",
        "Schuldbemiddeling: je hebt hier misschien recht op. Een erkende dienst voor schuldbemiddeling "
        "(bijvoorbeeld bij het OCMW of het CAW) kijkt het na.",
    ]


@pytest.mark.parametrize("language", ["nl", "fr", "en"])
def test_details_of_every_right_in_every_result(catalogue, language):
    """Details say what it gives, why or what is left to check, who decides, where to apply,
    who helps, what to bring, and the source with its check date."""
    for profile in (RICH, {}, {"age": 90, "care_need": "none", "income_sources": ["pension"], "debts": False}):
        exploration = explore(profile, catalogue, TODAY)
        for right in catalogue:
            text = details(right.code, exploration, catalogue, language)
            assert right.gives(language) in text and right.where(language) in text and right.bring(language) in text
            assert right.source.url in text
            assert TODAY.strftime({"nl": "%d-%m-%Y", "fr": "%d/%m/%Y", "en": "%Y-%m-%d"}[language]) in text
            assert right.decides(language) in text
            assert catalogue.actor(right.helps[0], language)[1:] in text
            assert not re.search(CERTAIN[language], text), (right.code, text)
            assert "{" not in text


def test_details_of_a_right_still_to_check_name_what_is_missing(catalogue):
    exploration = explore({"children_ages": [3]}, catalogue, TODAY)
    text = details("groeipakket_sociale_toeslag", exploration, catalogue, "en")
    assert "We do not know yet: your household's gross yearly income." in text
    assert "checks whether your household income is low enough" in text


def test_an_unknown_right_or_language_is_refused(catalogue):
    exploration = explore({}, catalogue, TODAY)
    with pytest.raises(KeyError):
        details("lottery", exploration, catalogue, "nl")
    with pytest.raises(ValueError):
        exploration.as_contract("de")
