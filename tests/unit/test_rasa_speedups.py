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
