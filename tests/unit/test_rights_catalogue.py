"""Loading the catalogue: dated parameters (indexation is a data change), income limits
with a supplement per household member, and clear errors naming file, right and key."""

import datetime as dt
import textwrap

import pytest

from bot.rights import DataError, explore, load_catalogue, to_check_text

INCOME = "yearly_gross_household_income"
WORDS = "{nl: of je inkomen laag genoeg is, fr: si votre revenu est assez bas, en: whether your income is low enough}"
PARAMETERS = f"""
low_income_limit:
  unit: euro
  in_words: {WORDS}
  values:
    - {{valid_from: 2026-01-01, value: 20000, source: "test figure", checked: 2026-11-23}}
    - {{valid_from: 2027-01-01, value: 21000, source: "test figure, indexed", checked: 2026-11-23}}
per_member:
  unit: euro
  in_words: {WORDS}
  values:
    - {{valid_from: 2026-01-01, value: 4000, source: "test figure", checked: 2026-11-23}}
pension_age:
  unit: years
  in_words: {{nl: of je oud genoeg bent, fr: si vous avez l'âge, en: whether you are old enough}}
  values:
    - {{valid_from: 2015-01-01, value: 65, source: "test figure", checked: 2026-11-23}}
    - {{valid_from: 2025-02-01, value: 66, source: "test figure", checked: 2026-11-23}}
"""
TEXT = "{nl: tekst, fr: texte, en: text}"


def right(code, rule, **extra):
    keys = "\n".join(f"{k}: {v}" for k, v in extra.items())
    return textwrap.dedent(f"""\
        code: {code}
        domains: [income]
        name: {TEXT}
        explanation: {TEXT}
        gives: {TEXT}
        decides: {{nl: het OCMW, fr: le CPAS, en: the OCMW}}
        where: {TEXT}
        helps: [ocmw]
        bring: {TEXT}
        source: {{url: "https://example.org", page: test}}
        last_checked: 2026-11-23
        """) + keys + "\nrule: " + rule + "\n"


def make_catalogue(tmp_path, rights, parameters=PARAMETERS):
    (tmp_path / "catalogue").mkdir(exist_ok=True)
    (tmp_path / "parameters.yml").write_text(parameters, encoding="utf-8")
    for code, text in rights.items():
        (tmp_path / "catalogue" / f"{code}.yml").write_text(text, encoding="utf-8")
    return load_catalogue(tmp_path)


@pytest.fixture
def catalogue(tmp_path):
    return make_catalogue(tmp_path, {
        "low_income": right("low_income", "{income_at_most: low_income_limit, per_extra_member: per_member}"),
        "flat_limit": right("flat_limit", "{income_at_most: low_income_limit}"),
        "pensioner": right("pensioner", "{field: age, at_least: pension_age}"),
    })


def status(catalogue, code, profile, today=dt.date(2026, 11, 23)):
    return explore(profile, catalogue, today).result(code)[0]


def test_income_exactly_at_the_limit_fits_and_one_euro_over_does_not(catalogue):
    single = {"adults": 1, "children_ages": []}
    assert status(catalogue, "low_income", {**single, INCOME: 20000}) == "may_be_entitled"
    assert status(catalogue, "low_income", {**single, INCOME: 20001}) == "ruled_out"
    assert status(catalogue, "flat_limit", {INCOME: 20000}) == "may_be_entitled"
    assert status(catalogue, "flat_limit", {INCOME: 20000.01}) == "ruled_out"


def test_the_limit_grows_with_each_extra_household_member(catalogue):
    family = {"adults": 2, "children_ages": [5]}  # three members: 20000 + 2 x 4000
    assert status(catalogue, "low_income", {**family, INCOME: 28000}) == "may_be_entitled"
    assert status(catalogue, "low_income", {**family, INCOME: 28001}) == "ruled_out"


def test_an_unknown_household_only_matters_above_the_single_person_limit(catalogue):
    exploration = explore({INCOME: 19000}, catalogue, dt.date(2026, 11, 23))
    assert exploration.result("low_income")[0] == "may_be_entitled"
    status_, item = explore({INCOME: 25000}, catalogue, dt.date(2026, 11, 23)).result("low_income")
    assert status_ == "to_check" and item.missing == ("children_ages", "adults")
    # The known members already give a limit the real one cannot be below.
    assert status(catalogue, "low_income", {INCOME: 25000, "children_ages": [1, 2]}) == "to_check"
    assert status(catalogue, "low_income", {INCOME: 25000, "children_ages": [1, 2, 3]}) == "may_be_entitled"


def test_the_figure_valid_on_the_day_is_used(catalogue):
    """Next year's indexation is a new dated value: the day it starts, it applies."""
    profile = {"adults": 1, "children_ages": [], INCOME: 20500}
    assert status(catalogue, "low_income", profile, dt.date(2026, 12, 31)) == "ruled_out"
    assert status(catalogue, "low_income", profile, dt.date(2027, 1, 1)) == "may_be_entitled"
    assert status(catalogue, "pensioner", {"age": 65}, dt.date(2025, 1, 31)) == "may_be_entitled"
    assert status(catalogue, "pensioner", {"age": 65}, dt.date(2025, 2, 1)) == "ruled_out"
    assert status(catalogue, "pensioner", {"age": 66}, dt.date(2025, 2, 1)) == "may_be_entitled"


def test_before_any_checked_figure_the_condition_is_said_in_words(catalogue):
    status_, item = explore({"adults": 1, "children_ages": [], INCOME: 100}, catalogue,
                            dt.date(2025, 12, 31)).result("low_income")
    assert status_ == "to_check" and item.missing == ()
    assert "of je inkomen laag genoeg is" in to_check_text(item, catalogue, "nl")


def test_the_real_parameters_have_sourced_ages_and_no_guessed_income_limits():
    catalogue = load_catalogue()
    day = dt.date(2026, 11, 23)
    figures = catalogue.figures(day)
    assert figures.value("leefloon_min_age") == 18
    assert figures.value("disability_allowance_min_age") == 21
    assert figures.value("care_budget_older_people_min_age") == 65
    for name, parameter in catalogue.parameters.items():
        if "income" in name:
            assert parameter.values == (), f"{name}: an income figure needs a checked official source"
        for value in parameter.values:
            assert value.source and value.checked <= day


def test_every_right_has_texts_source_and_check_date():
    for right in load_catalogue():
        assert right.source.url.startswith("https://")
        assert right.last_checked == dt.date(2026, 11, 23)
        for language in ("nl", "fr", "en"):
            for text in (right.name, right.explanation, right.gives, right.decides, right.where, right.bring):
                assert text(language).strip()


@pytest.mark.parametrize("rule, extra, message", [
    ("{field: agee, at_least: pension_age}", {}, "low_income.yml: right low_income: key rule.field: unknown profile field 'agee'"),
    ("{all_of: [{field: age, at_least: no_such_figure}]}", {}, "key rule.all_of[0].at_least: unknown parameter 'no_such_figure'"),
    ("{field: housing, in: [castle]}", {}, "key rule.in: unknown value(s) ['castle']"),
    ("{field: housing, at_least: 3}", {}, "key rule: field 'housing' (choice) needs exactly one test of: in"),
    ("{field: debts, is: true}", {"name": "{nl: tekst, en: text}"}, "key name.fr: a non-empty text is required"),
    ("{field: debts, is: true}", {"domains": "[money]"}, "key domains: expected a list of life domains"),
    ("{field: debts, is: true}", {"helps": "[bank]"}, "key helps: expected a list of core actors"),
    ("{field: debts, is: true}", {"colour": "blue"}, "unknown key(s) colour"),
    ("{any_of: []}", {}, "key rule.any_of: expected a non-empty list of rules"),
])
def test_a_broken_right_file_is_refused_naming_file_right_and_key(tmp_path, rule, extra, message):
    text = right("low_income", rule)
    for key, value in extra.items():
        lines = [line for line in text.splitlines() if not line.startswith(f"{key}:")]
        text = "\n".join(lines) + f"\n{key}: {value}\n"
    with pytest.raises(DataError) as error:
        make_catalogue(tmp_path, {"low_income": text})
    assert message in str(error.value)


def test_a_file_must_be_named_after_its_code(tmp_path):
    with pytest.raises(DataError, match="other.yml: right low_income: key code: the file must be named"):
        make_catalogue(tmp_path, {"other": right("low_income", "{field: debts, is: true}")})


def test_a_figure_needs_a_source(tmp_path):
    broken = PARAMETERS.replace('{valid_from: 2026-01-01, value: 20000, source: "test figure", ', '{valid_from: 2026-01-01, value: 20000, ')
    with pytest.raises(DataError, match=r"parameters.yml: key low_income_limit.values\[0\].source: is missing"):
        make_catalogue(tmp_path, {"flat_limit": right("flat_limit", "{income_at_most: low_income_limit}")}, broken)
