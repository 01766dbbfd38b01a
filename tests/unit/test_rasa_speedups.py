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
