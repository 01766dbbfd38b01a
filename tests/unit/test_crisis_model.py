"""The yes/no crisis classifier on the training data (no Rasa)."""

from pathlib import Path

import pytest

from bot.triage.assessment import SAFETY_LINE_THRESHOLD
from bot.triage.crisis_model import CRISIS_CLASSIFIER_THRESHOLD, CrisisModel
from tests.unit.test_domain_model import ODD_MESSAGES, training_examples_with_intents


@pytest.fixture(scope="module")
def model() -> CrisisModel:
    texts, intents = training_examples_with_intents()
    return CrisisModel().fit(texts, [intent == "crisis" for intent in intents])


@pytest.mark.parametrize("text", [
    "ik trek het ni meer, vanavond stop ik ermee",
    "je veux en finir ce soir",
    "he is hitting me right now please help",
])
def test_crisis_messages_score_above_the_threshold(model, text):
    assert model.score(text) >= CRISIS_CLASSIFIER_THRESHOLD


@pytest.mark.parametrize("text", [
    "ik heb schulden bij de deurwaarder",
    "waar is de voedselbank",
    "je cherche un logement social",
    "hallo",
])
def test_ordinary_help_questions_score_below_it(model, text):
    assert model.score(text) < CRISIS_CLASSIFIER_THRESHOLD


# Contact details arrive masked; asking to be called is not a crisis, and
# should not even get the safety line (it was 0.79 after one data round).
@pytest.mark.parametrize("text", [
    "ik heb schulden, bel me op [☎] of mail [✉]",
    "ik heb schulden, bel me op [☎]",
    "bel mij op [☎] aub",
    "mijn huisbaas zet mij buiten volgende maand, bel mij op [☎]",
    "j'ai des dettes, appelez-moi au [☎]",
    "i have debts, call me on [☎]",
])
def test_asking_to_be_called_back_is_no_crisis(model, text):
    assert model.score(text) < SAFETY_LINE_THRESHOLD


# "Tonight" is in many time-bound crises, and in the line a citizen types when a
# call-back is being booked ("vanavond werk ik laat, bel mij morgen" scored 0.86
# after one data round). These wordings are not in the training data.
@pytest.mark.parametrize("text", [
    "vanavond moet ik werken, bel mij morgen aub",
    "ik werk tot laat vanavond, morgen bellen is beter",
    "ce soir je travaille, vous pouvez rappeler demain?",
    "je travaille ce soir jusqu'à 23h, rappelez demain",
    "working tonight, can you ring me tomorrow",
    "i have a late shift tonight so tomorrow please",
])
def test_saying_when_to_call_back_tonight_or_tomorrow_is_no_crisis(model, text):
    assert model.score(text) < CRISIS_CLASSIFIER_THRESHOLD


@pytest.mark.parametrize("text", [
    "ik zie het niet meer zitten, vanavond neem ik al mijn pillen",
    "ce soir je ne serai plus là",
    "i have nowhere to sleep tonight",
    "hij gaat mij vanavond vermoorden",
])
def test_a_crisis_tonight_still_scores_above_the_threshold(model, text):
    assert model.score(text) >= CRISIS_CLASSIFIER_THRESHOLD


def test_an_empty_message_is_no_crisis_and_the_model_survives_saving(model, tmp_path: Path):
    assert model.score("   ") == 0.0
    model.save(tmp_path / "crisis.pkl")
    assert CrisisModel.load(tmp_path / "crisis.pkl").score("je veux en finir ce soir") == pytest.approx(
        model.score("je veux en finir ce soir"))


def test_training_needs_both_kinds_of_example():
    with pytest.raises(ValueError):
        CrisisModel().fit(["a", "b"], [False, False])


def test_the_direct_score_is_the_trained_pipelines_probability(model, tmp_path: Path):
    texts = ODD_MESSAGES + training_examples_with_intents()[0][::25]
    model.save(tmp_path / "c.pkl")
    for loaded in (model, CrisisModel.load(tmp_path / "c.pkl")):
        expected = loaded._pipeline.predict_proba([t.lower() for t in texts])[:, 1]
        assert [loaded.score(t) if t.strip() else 0.0 for t in texts] == pytest.approx(
            [p if t.strip() else 0.0 for t, p in zip(texts, expected)], abs=1e-9
        )
