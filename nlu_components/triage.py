"""Language detection, life-domain classification and crisis/intent routing.

Pipeline order (config.yml): the intent classifier and FallbackClassifier run
first, then LanguageDetection, LifeDomainClassifier, CrisisClassifier and finally TriageRouter,
which adds the combined assessment to the parse data under "wegwijs" and
overrides the intent when a crisis or a foreign language comes first.
"""

from __future__ import annotations

import logging
from typing import Any, Dict, List, Optional, Text

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import INTENT, INTENT_NAME_KEY, PREDICTED_CONFIDENCE_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.language import LanguageDetector, LanguageGuess, candidate_languages
from bot.triage.assessment import assess, routed_intent, with_top_domain
from bot.triage.crisis import load_crisis_patterns
from bot.triage.crisis_model import CrisisModel
from bot.triage.domain_keywords import load_domain_keywords
from bot.triage.domain_model import DomainModel, with_keyword_domains
from bot.triage.patterns import LanguagePatterns

logger = logging.getLogger(__name__)

LANGUAGE_KEY = "wegwijs_language"
DOMAINS_KEY = "wegwijs_domains"
CRISIS_SCORE_KEY = "wegwijs_crisis_score"
ASSESSMENT_KEY = "wegwijs"


def _text(message: Message) -> str:
    return message.get(TEXT) or ""


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class LanguageDetection(GraphComponent):
    """Adds the message's language guess (lingua, restricted, with prior)."""

    def __init__(self, detector: LanguageDetector) -> None:
        self._detector = detector

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "LanguageDetection":
        return cls(LanguageDetector())

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            message.set(LANGUAGE_KEY, self._detector.detect(_text(message)).as_dict())
        return messages


class _TrainedModelComponent(GraphComponent):
    """A pipeline step that trains one model of bot/triage on the intent examples and stores it."""

    model_class: Any
    model_file: str
    without_model: str  # what the step does when the stored model is missing

    def __init__(self, model_storage: ModelStorage, resource: Resource, model: Any) -> None:
        self._model_storage = model_storage
        self._resource = resource
        self._model = model

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "_TrainedModelComponent":
        return cls(model_storage, resource, None)

    def fit(self, examples: List[Message]) -> Any:
        raise NotImplementedError

    def train(self, training_data: TrainingData) -> Resource:
        model = self.fit([m for m in training_data.intent_examples if _text(m)])
        with self._model_storage.write_to(self._resource) as directory:
            model.save(directory / self.model_file)
        self._model = model
        return self._resource

    @classmethod
    def load(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> "_TrainedModelComponent":
        try:
            with model_storage.read_from(resource) as directory:
                model = cls.model_class.load(directory / cls.model_file)
        except ValueError:
            logger.warning("%s has no trained model; %s", cls.__name__, cls.without_model)
            model = None
        return cls(model_storage, resource, model)


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=True)
class LifeDomainClassifier(_TrainedModelComponent):
    """Multi-label life domains, trained from the `domains` metadata of examples."""

    model_class = DomainModel
    model_file = "life_domains.pkl"
    without_model = "it will report no domains."

    def __init__(self, model_storage: ModelStorage, resource: Resource, model: Optional[DomainModel]) -> None:
        super().__init__(model_storage, resource, model)
        self._keywords = load_domain_keywords()

    @staticmethod
    def labels(message: Message) -> List[str]:
        metadata = message.get("metadata") or {}
        example = (metadata.get("example") or {}).get("domains")
        intent = (metadata.get("intent") or {}).get("domains")
        return list(example if example is not None else intent or [])

    def fit(self, examples: List[Message]) -> DomainModel:
        return DomainModel().fit([_text(m) for m in examples], [self.labels(m) for m in examples])

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            if self._model is None:
                message.set(DOMAINS_KEY, {"domains": [], "scores": {}})
                continue
            text = _text(message)
            prediction = self._model.predict(text)
            languages = candidate_languages(LanguageGuess.from_dict(message.get(LANGUAGE_KEY)))
            domains = with_keyword_domains(prediction, self._keywords.categories(text, languages))
            message.set(DOMAINS_KEY, {"domains": list(domains), "scores": prediction.scores})
        return messages


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=True)
class CrisisClassifier(_TrainedModelComponent):
    """Yes/no crisis score, trained on the crisis intent's examples against all others."""

    model_class = CrisisModel
    model_file = "crisis.pkl"
    without_model = "the patterns and the intent still flag crises."

    def fit(self, examples: List[Message]) -> CrisisModel:
        return CrisisModel().fit([_text(m) for m in examples], [m.get(INTENT) == "crisis" for m in examples])

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            message.set(CRISIS_SCORE_KEY, self._model.score(_text(message)) if self._model is not None else 0.0)
        return messages


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class TriageRouter(GraphComponent):
    """Combines language, domains, crisis patterns and model; routes the intent."""

    def __init__(self, patterns: LanguagePatterns) -> None:
        self._patterns = patterns

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "TriageRouter":
        return cls(load_crisis_patterns())

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            text = _text(message)
            ranking = message.get("intent_ranking") or []
            crisis_confidence = max(
                (float(r.get(PREDICTED_CONFIDENCE_KEY) or 0.0) for r in ranking if r.get(INTENT_NAME_KEY) == "crisis"),
                default=0.0,
            )
            domains = message.get(DOMAINS_KEY) or {}
            language = LanguageGuess.from_dict(message.get(LANGUAGE_KEY))
            assessment = assess(
                language=language,
                domains=tuple(domains.get("domains") or ()),
                domain_scores=dict(domains.get("scores") or {}),
                pattern_categories=self._patterns.categories(text, candidate_languages(language)),
                crisis_intent_confidence=crisis_confidence,
                crisis_classifier_score=float(message.get(CRISIS_SCORE_KEY) or 0.0),
            )
            intent = message.get(INTENT) or {}
            current = intent.get(INTENT_NAME_KEY) or "nlu_fallback"
            routed = routed_intent(current, text, assessment)
            assessment = with_top_domain(routed, assessment)
            message.set(ASSESSMENT_KEY, assessment.as_dict(), add_to_output=True)
            if routed != current:
                message.set(INTENT, {INTENT_NAME_KEY: routed, PREDICTED_CONFIDENCE_KEY: 1.0}, add_to_output=True)
                message.get(ASSESSMENT_KEY)["routed_from"] = current
        return messages
