import pytest
from jsonschema import ValidationError
from rasa.core.actions.action import RemoteAction

from connectors import rasa_speedups


@pytest.fixture
def action():
    rasa_speedups.apply()
    return RemoteAction("action_x", None)


def test_valid_action_responses_still_pass(action):
    result = {"events": [{"event": "slot", "name": "language", "value": "fr"}], "responses": [{"text": "hoi"}]}
    assert action._validate_action_result(result) is True


@pytest.mark.parametrize(
    "result",
    [
        {"events": "not a list"},
        {"events": [{"event": "slot", "timestamp": "yesterday"}]},
        {"responses": ["text without an object"]},
    ],
)
def test_invalid_action_responses_are_still_refused(action, result):
    with pytest.raises(ValidationError, match="Failed to validate Action server response"):
        action._validate_action_result(result)


def test_a_domain_is_still_told_empty_or_not():
    from rasa.shared.core.domain import Domain

    rasa_speedups.apply()
    assert Domain.empty().is_empty()
    domain = Domain.from_dict({"intents": ["greet"], "responses": {"utter_hi": [{"text": "hoi"}]}})
    assert not domain.is_empty()
    assert not domain.is_empty()  # asked again: the remembered answer


def test_the_intent_weights_in_column_order_give_the_same_probabilities():
    import numpy as np
    from scipy.sparse import random as sparse_random
    from sklearn.linear_model import LogisticRegression

    features = sparse_random(60, 500, density=0.05, format="csr", random_state=1)
    labels = np.arange(60) % 4
    classifier = LogisticRegression(max_iter=200).fit(features, labels)
    before = classifier.predict_proba(features[:5])
    rasa_speedups.in_column_order(classifier)
    assert classifier.coef_.T.flags["C_CONTIGUOUS"]
    assert np.allclose(classifier.predict_proba(features[:5]), before)


def test_rasas_intent_classifier_loads_through_the_column_order_fix():
    from rasa.nlu.classifiers.logistic_regression_classifier import LogisticRegressionClassifier

    rasa_speedups.apply()
    assert LogisticRegressionClassifier.load.__func__.__name__ == "load_in_column_order"


def _rasa_events() -> list:
    from rasa.shared.core import events as e

    return [event.as_dict() for event in (
        e.UserUttered("hallo", {"name": "greet", "confidence": 0.9}, [{"entity": "x", "value": "y", "start": 0, "end": 1}]),
        e.BotUttered("hoi", {"buttons": [{"title": "Ja", "payload": "ja"}]}, {"utter_action": "utter_x"}),
        e.SlotSet("language", "fr"), e.SlotSet("children_ages", [4, 9]), e.SlotSet("contact", None),
        e.ActionExecuted("action_listen"), e.FollowupAction("action_crisis"), e.SessionStarted(),
        e.ActiveLoop("form_x"), e.AllSlotsReset(), e.Restarted(), e.UserUtteranceReverted(),
        e.ReminderScheduled("EXTERNAL_x", __import__("datetime").datetime(2026, 12, 3, 9, 0)),
    )]


def _responses() -> list:
    good = {"events": _rasa_events(), "responses": [{"text": "hoi", "buttons": [{"title": "a", "payload": "b"}]}]}
    bad_events = [
        {"event": "no_such_event"},
        {"event": "slot", "name": 3, "value": "x"},
        {"event": "user", "text": 5},
        {"event": "bot", "text": "x", "timestamp": "yesterday"},
        {"name": "language"},
        "not an object",
        {"event": 12},
    ]
    cases = [good, {}, {"events": []}, {"responses": []}, {"events": "nope"}, {"responses": "nope"}, [], "text"]
    cases += [{"events": [*good["events"][:3], bad]} for bad in bad_events]
    cases += [{"events": [event]} for event in good["events"]]
    return cases


def test_checking_each_event_by_its_own_type_gives_the_full_validators_verdict():
    from jsonschema.validators import validator_for

    schema = RemoteAction.action_response_format_spec()
    full = validator_for(schema)(schema)
    fast = rasa_speedups.EventsByType(schema)
    assert fast._by_type is not None, "Rasa's schema changed shape: the fast path is off"
    verdicts = [(fast.is_valid(case), full.is_valid(case)) for case in _responses()]
    assert [f for f, _ in verdicts] == [f for _, f in verdicts]
    assert {f for f, _ in verdicts} == {True, False}


def test_an_unknown_event_type_is_still_refused_with_rasas_message(action):
    with pytest.raises(ValidationError, match="Failed to validate Action server response"):
        action._validate_action_result({"events": [{"event": "no_such_event"}]})
