"""Multi-label classifier of life domains.

A message may touch several domains at once (art. 5: generalist), so each
domain has its own yes/no classifier over character and word n-grams.
Trained inside the Rasa model (see nlu_components), tested here without Rasa.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Sequence

from bot.life_domains import LIFE_DOMAINS, check_domains
from bot.triage.linear_text import LinearTextScorer
from bot.triage.pickled import PickledPipeline

# A domain is reported when its probability reaches THRESHOLD; at most
# MAX_DOMAINS, most likely first. The classes are weighted "balanced", which
# pushes probabilities up, and the keyword lexicon already adds the clear
# cases, so the model itself must be fairly sure: 0.6 was best in 5-fold
# cross-validation on the training data (scripts/domain_cv.py, with and
# without keywords) and on new messages the model had not seen; per-domain
# thresholds were tried and did worse out of sample.
THRESHOLD = 0.6
MAX_DOMAINS = 3


@dataclass(frozen=True)
class DomainPrediction:
    domains: tuple[str, ...]
    scores: dict[str, float]


def domains_from_scores(scores: dict[str, float], threshold: float = THRESHOLD) -> tuple[str, ...]:
    """The domains whose probability reaches the threshold, most likely first, at most MAX_DOMAINS."""
    ranked = sorted(scores.items(), key=lambda kv: -kv[1])
    return tuple(d for d, p in ranked[:MAX_DOMAINS] if p >= threshold)


def with_keyword_domains(
    prediction: DomainPrediction, keyword_domains: Sequence[str], threshold: float = THRESHOLD
) -> tuple[str, ...]:
    """The model's domains plus those a clear keyword names, most likely first.

    A keyword counts as at least the threshold, so it can enter the top MAX_DOMAINS.
    """
    scores = {d: prediction.scores.get(d, 0.0) for d in prediction.domains}
    for domain in keyword_domains:
        scores[domain] = max(prediction.scores.get(domain, 0.0), threshold)
    ranked = sorted(scores.items(), key=lambda kv: -kv[1])
    return tuple(d for d, _ in ranked[:MAX_DOMAINS])


def text_features() -> Any:
    """Character n-grams (typos, Flemish spellings, compounds) and word pairs, TF-IDF."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.pipeline import FeatureUnion

    return FeatureUnion(
        [
            ("chars", TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True, min_df=1)),
            ("words", TfidfVectorizer(analyzer="word", ngram_range=(1, 2), sublinear_tf=True, strip_accents="unicode")),
        ]
    )


class DomainModel(PickledPipeline):
    def __init__(self) -> None:
        from sklearn.linear_model import LogisticRegression
        from sklearn.multiclass import OneVsRestClassifier
        from sklearn.pipeline import make_pipeline

        classifier = OneVsRestClassifier(
            LogisticRegression(C=20.0, class_weight="balanced", max_iter=2000, solver="liblinear")
        )
        self._pipeline = make_pipeline(text_features(), classifier)

    def fit(self, texts: Sequence[str], labels: Sequence[Sequence[str]]) -> "DomainModel":
        from sklearn.preprocessing import MultiLabelBinarizer

        if len(texts) != len(labels):
            raise ValueError("texts and labels differ in length")
        for label in labels:
            check_domains(list(label))
        binarizer = MultiLabelBinarizer(classes=list(LIFE_DOMAINS))
        matrix = binarizer.fit_transform(labels)
        missing = [d for d, column in zip(LIFE_DOMAINS, matrix.T) if column.sum() == 0]
        if missing:
            raise ValueError(f"no training examples for life domain(s): {', '.join(missing)}")
        self._fit_pipeline(texts, matrix)
        return self

    def predict(self, text: str) -> DomainPrediction:
        return self.predict_many([text])[0]

    def predict_many(self, texts: Sequence[str]) -> list[DomainPrediction]:
        self._fitted_scorer()
        empty = DomainPrediction((), {d: 0.0 for d in LIFE_DOMAINS})
        filled = [i for i, text in enumerate(texts) if text.strip()]
        predictions = [empty] * len(texts)
        if filled:
            probabilities = self._probabilities([texts[i] for i in filled])
            for i, row in zip(filled, probabilities):
                scores = {domain: float(p) for domain, p in zip(LIFE_DOMAINS, row)}
                predictions[i] = DomainPrediction(domains_from_scores(scores), scores)
        return predictions

    def _scorer_of(self, pipeline: Any) -> LinearTextScorer:
        (_, features), _ = pipeline.steps
        weights, bias = _stacked(pipeline)
        return LinearTextScorer(features, weights, bias)


def _stacked(pipeline: Any) -> tuple:
    """The one-vs-rest logistic models as one weight matrix (features x domains) and bias row."""
    import numpy as np

    estimators = pipeline.steps[-1][1].estimators_
    weights = np.ascontiguousarray(np.vstack([e.coef_.ravel() for e in estimators]).T)
    bias = np.array([e.intercept_[0] for e in estimators])
    return weights, bias
