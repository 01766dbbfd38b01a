"""Speed fixes for Rasa 3.6, applied when the Rasa server loads our channels.

Both were found with py-spy on the Rasa server under load:
- Rasa validates every action server response with `jsonschema.validate`,
  which first re-checks the (large) schema itself against the JSON Schema
  meta-schema: 80% of the CPU per user turn. The same validation with a
  validator built once per schema, each event checked against the schema of
  its own type (`EventsByType`), gives the same verdicts at a fraction of
  the cost.
- For every message Rasa asks `Domain.is_empty()`, which builds a new empty
  domain and compares both as dictionaries: 7% of the CPU per turn. A loaded
  domain does not change (a new model brings a new Domain object), so the
  answer is kept on the object.
- Rasa's intent classifier multiplies each message by the transposed weight
  matrix of scikit-learn's logistic regression, which SciPy first copies into
  row order (4 MB per message). Stored in column order once, the transpose
  needs no copy; the numbers are the same.
"""

from __future__ import annotations

import copy
import json
from functools import lru_cache
from typing import Any, Dict, Optional, Text

_APPLIED = False


def _built(schema: Any) -> Any:
    from jsonschema.validators import validator_for

    cls = validator_for(schema)
    cls.check_schema(schema)  # once, not on every response
    return cls(schema)


class EventsByType:
    """Rasa's response validator, checking each event against its own type only.

    The schema says an event is `oneOf` 23 alternatives, each fixing `event` to
    a different constant, so at most one can match: checking the one named by
    the event gives the same verdict at a fraction of the work (py-spy: 2-4 ms
    per turn). If Rasa's schema ever has another shape, every check goes to the
    full validator. Errors are always described by the full validator.
    """

    def __init__(self, schema: Dict[Text, Any]) -> None:
        self._full = _built(schema)
        self._by_type: Optional[Dict[Text, Any]] = None
        items = schema.get("properties", {}).get("events", {}).get("items", {})
        alternatives = items.get("oneOf") or []
        types = [a.get("properties", {}).get("event", {}).get("const") for a in alternatives]
        if not alternatives or None in types or len(set(types)) != len(types):
            return
        if items.get("required") != ["event"] or items.get("properties", {}).get("event") != {"type": "string"}:
            return
        outer = copy.deepcopy(schema)
        del outer["properties"]["events"]["items"]["oneOf"]
        self._outer = _built(outer)
        self._by_type = {t: _built(a) for t, a in zip(types, alternatives)}

    def is_valid(self, result: Any) -> bool:
        if self._by_type is None:
            return bool(self._full.is_valid(result))
        if not self._outer.is_valid(result):
            return False
        events = result.get("events") if isinstance(result, dict) else None
        if not isinstance(events, list):
            return True
        # The outer schema has checked that each event is an object with a string `event`.
        for event in events:
            alternative = self._by_type.get(event["event"])
            if alternative is None or not alternative.is_valid(event):
                return False
        return True

    def iter_errors(self, result: Any) -> Any:
        return self._full.iter_errors(result)


@lru_cache(maxsize=8)
def _validator(schema_json: str) -> EventsByType:
    return EventsByType(json.loads(schema_json))


def _raise_best_error(validator: Any, result: Dict[Text, Any]) -> None:
    """Raises jsonschema's ValidationError (best match) like jsonschema.validate."""
    from jsonschema.exceptions import best_match

    if validator.is_valid(result):  # the usual case: no error tree to build
        return
    error = best_match(validator.iter_errors(result))
    if error is not None:
        raise error


def apply() -> None:
    global _APPLIED
    if _APPLIED:
        return
    from jsonschema import ValidationError
    from rasa.core.actions.action import RemoteAction
    from rasa.shared.constants import DOCS_BASE_URL

    # The response format is a constant of Rasa's: its validator is built once.
    validator = _validator(json.dumps(RemoteAction.action_response_format_spec(), sort_keys=True))

    def _validate_action_result(self: RemoteAction, result: Dict[Text, Any]) -> bool:
        try:
            _raise_best_error(validator, result)
            return True
        except ValidationError as e:
            e.message += (
                ". Failed to validate Action server response from API, make sure your response "
                f"from the Action endpoint is valid. For more information about the format visit "
                f"{DOCS_BASE_URL}/custom-actions"
            )
            raise e

    RemoteAction._validate_action_result = _validate_action_result
    _remember_whether_domains_are_empty()
    _load_intent_weights_in_column_order()
    _APPLIED = True


def _remember_whether_domains_are_empty() -> None:
    from rasa.shared.core.domain import Domain

    compare = Domain.is_empty

    def is_empty(self: Domain) -> bool:
        known = self.__dict__.get("_wegwijs_is_empty")
        if known is None:
            known = self.__dict__["_wegwijs_is_empty"] = compare(self)
        return known

    Domain.is_empty = is_empty


def in_column_order(classifier: Any) -> Any:
    """The fitted linear model with its weights in column (Fortran) order."""
    import numpy as np

    if hasattr(classifier, "coef_"):
        classifier.coef_ = np.asfortranarray(classifier.coef_)
    return classifier


def _load_intent_weights_in_column_order() -> None:
    from rasa.nlu.classifiers.logistic_regression_classifier import LogisticRegressionClassifier

    load = LogisticRegressionClassifier.load.__func__  # type: ignore[attr-defined]

    def load_in_column_order(cls: Any, *args: Any, **kwargs: Any) -> Any:
        component = load(cls, *args, **kwargs)
        in_column_order(getattr(component, "clf", None))
        return component

    LogisticRegressionClassifier.load = classmethod(load_in_column_order)  # type: ignore[method-assign]
