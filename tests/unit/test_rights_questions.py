"""Choosing questions: only those whose answer can change the result for the help
question's life domains; skipped questions never come back; and few questions for
typical situations."""

import datetime as dt
import itertools

import pytest

from bot.life_domains import LIFE_DOMAINS
from bot.rights import explore, load_catalogue, next_question, question_for, remaining_questions

TODAY = dt.date(2026, 11, 23)
INCOME = "yearly_gross_household_income"


@pytest.fixture(scope="module")
def catalogue():
    return load_catalogue()


def everyone(**facts):
    """A complete, ordinary profile, changed by `facts`: the 'truth' a simulated citizen answers from."""
    base = {"age": 40, "postcode": "2800", "adults": 1, "children_ages": [], "income_sources": ["work"], INCOME: 25000,
            "housing": "rent_private", "social_housing_waitlist_years": 0, "heating": "gas", "health_insurance": True,
            "has_vt": False, "recognised_disability": False, "care_need": "none", "debts": False,
            "residence": "belgian", "higher_education_student": False, "legal_question": False}
    return {**base, **facts}


def ask_all(catalogue, truth, domains, skip=()):
    """Runs the question loop like the conversation does; returns the fields asked, in order."""
    profile, skipped, asked = {}, set(), []
    while (question := next_question(profile, domains, skipped, catalogue, TODAY)) is not None:
        assert question.field not in asked, "a question came back"
        asked.append(question.field)
        if question.field in skip:
            skipped.add(question.field)
        else:
            profile[question.field] = truth[question.field]
    return asked, profile


SITUATIONS = {
    "single adult on leefloon": (everyone(age=34, income_sources=["leefloon"], has_vt=True, **{INCOME: 15000}), ["income"]),
    "pensioner with a low income": (everyone(age=72, income_sources=["pension"], heating="oil", care_need="moderate",
                                             **{INCOME: 16000}), ["income"]),
    "single parent with two children": (everyone(age=31, children_ages=[4, 9], **{INCOME: 24000}), ["family"]),
    "tenant long on the social housing waiting list": (everyone(adults=2, children_ages=[12],
                                                                social_housing_waitlist_years=5), ["housing"]),
    "person with debts": (everyone(income_sources=["unemployment"], debts=True), ["debt"]),
}


@pytest.mark.parametrize("situation", SITUATIONS)
def test_typical_situations_take_at_most_six_questions(catalogue, situation):
    truth, domains = SITUATIONS[situation]
    estimate = remaining_questions({}, domains, (), catalogue, TODAY)
    asked, _ = ask_all(catalogue, truth, domains)
    assert 1 <= len(asked) <= 6, asked
    assert len(asked) <= estimate


def test_the_questions_for_a_single_adult_on_leefloon(catalogue):
    truth, domains = SITUATIONS["single adult on leefloon"]
    asked, profile = ask_all(catalogue, truth, domains)
    assert asked[0] == "income_sources"
    may = {f.code for f in explore(profile, catalogue, TODAY).may_be_entitled}
    assert {"verhoogde_tegemoetkoming", "sociaal_tarief_energie"} <= may


def test_a_debt_question_is_one_question(catalogue):
    question = next_question({}, ["debt"], (), catalogue, TODAY)
    assert question.field == "debts"
    assert next_question({"debts": True}, ["debt"], (), catalogue, TODAY) is None
    assert next_question({"debts": False}, ["debt"], (), catalogue, TODAY) is None


def test_a_skipped_question_is_never_asked_again(catalogue):
    assert next_question({}, ["debt"], {"debts"}, catalogue, TODAY) is None
    truth, domains = SITUATIONS["pensioner with a low income"]
    asked, profile = ask_all(catalogue, truth, domains, skip={"income_sources", "age"})
    assert asked.count("income_sources") == 1 and asked.count("age") <= 1
    assert "income_sources" not in profile


@pytest.mark.parametrize("domain", LIFE_DOMAINS)
def test_questions_stop_when_no_answer_can_change_the_result(catalogue, domain):
    """When next_question says None, try every answer to every unasked question: none moves
    a right of the domain between may_be_entitled, to_check and ruled out."""
    truth = everyone(income_sources=["work", "pension"], children_ages=[3], care_need="moderate", heating="other")
    _, profile = ask_all(catalogue, truth, [domain])
    codes = [r.code for r in catalogue if domain in r.domains]

    def results(facts):
        exploration = explore(facts, catalogue, TODAY)
        return {code: exploration.result(code)[0] for code in codes}

    before = results(profile)
    for name, definition in catalogue.fields.items():
        if name in profile:
            continue
        for value in _every_answer(definition):
            after = results({**profile, name: value})
            changed = {c for c in codes if after[c] != before[c] and after[c] != "already"}
            assert not changed, (domain, name, value, changed)


def _every_answer(definition):
    if definition.kind in ("bool", "choice"):
        return list(definition.allowed)
    if definition.kind == "multi_choice":
        others = [v for v in definition.allowed if v != "none"]
        return [["none"]] + [list(c) for n in (1, 2) for c in itertools.combinations(others, n)]
    if definition.kind == "int":
        return list(range(int(definition.minimum), int(definition.maximum) + 1))
    if definition.kind == "number":
        values = [0, 0.5, 1, 2, 3, 4, 5, 8, 10, 20, 60, 1000, 20000, 50000, 1e6]
        return [v for v in values if definition.minimum <= v <= definition.maximum]
    if definition.kind == "int_list":
        return [[], [0], [3], [10], [17], [2, 5], [1, 4, 9]]
    return ["1000", "9000"]


def test_the_first_question_depends_on_the_domains(catalogue):
    assert next_question({}, ["family"], (), catalogue, TODAY).field == "children_ages"
    assert next_question({}, ["legal"], (), catalogue, TODAY).field == "legal_question"
    assert next_question({}, ["housing"], (), catalogue, TODAY).field == "housing"
    assert next_question({}, ["care"], (), catalogue, TODAY).field == "care_need"
    assert next_question({}, [], (), catalogue, TODAY).field == "income_sources"  # all rights


def test_nothing_to_ask_for_a_domain_without_rights_to_decide(catalogue):
    assert next_question({}, ["safety"], (), catalogue, TODAY) is None
    assert remaining_questions({}, ["safety"], (), catalogue, TODAY) == 0


def test_remaining_questions_counts_down(catalogue):
    start = remaining_questions({}, ["income"], (), catalogue, TODAY)
    after = remaining_questions({"income_sources": ["leefloon"]}, ["income"], (), catalogue, TODAY)
    assert 0 < after < start
    assert remaining_questions({"income_sources": ["leefloon"]}, ["income"], {"housing"}, catalogue, TODAY) == after - 1


def test_an_unknown_domain_is_refused(catalogue):
    with pytest.raises(ValueError, match="money"):
        next_question({}, ["money"], (), catalogue, TODAY)


@pytest.mark.parametrize("field", ["income_sources", "housing", "heating", "care_need", "residence", "debts", "has_vt"])
@pytest.mark.parametrize("language", ["nl", "fr", "en"])
def test_choice_questions_offer_labelled_choices(catalogue, field, language):
    question = question_for(field, catalogue)
    choices = question.choices(language)
    assert choices and all(choice.label.strip() for choice in choices)
    assert [c.value for c in choices] == list(catalogue.fields[field].allowed)
    assert question.prompt(language).strip().endswith(("?", ".", ":"))
    assert question.skip_label(language)


def test_number_questions_have_no_choices(catalogue):
    for field in ("age", "children_ages", INCOME, "social_housing_waitlist_years", "adults", "postcode"):
        question = question_for(field, catalogue)
        assert question.choices("nl") == [] and question.kind in ("int", "number", "int_list", "postcode")
    assert "per jaar" in question_for(INCOME, catalogue).prompt("nl")
    assert "par mois" in question_for(INCOME, catalogue).prompt("fr")


def test_yes_no_questions_offer_yes_first(catalogue):
    assert [(c.value, c.label) for c in question_for("debts", catalogue).choices("fr")] == [(True, "Oui"), (False, "Non")]
