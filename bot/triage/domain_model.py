"""Multi-label classifier of life domains.

A message may touch several domains at once (art. 5: generalist), so each
domain has its own yes/no classifier over character and word n-grams.
Trained inside the Rasa model (see nlu_components), tested here without Rasa.
"""

from __future__ import annotations

import pickle
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

from bot.life_domains import LIFE_DOMAINS, check_domains

# A domain is reported when its probability reaches THRESHOLD; at most
# MAX_DOMAINS, most likely first. Lower than 0.5 because a missed domain
# costs the citizen more than one extra domain they can correct.
THRESHOLD = 0.4
MAX_DOMAINS = 3


@dataclass(frozen=True)
class DomainPrediction:
    domains: tuple[str, ...]
    scores: dict[str, float]


def with_keyword_domains(prediction: DomainPrediction, keyword_domains: Sequence[str]) -> tuple[str, ...]:
    """The model's domains plus those a clear keyword names, most likely first.

    A keyword counts as at least THRESHOLD, so it can enter the top MAX_DOMAINS.
    """
    scores = {d: prediction.scores.get(d, 0.0) for d in prediction.domains}
    for domain in keyword_domains:
        scores[domain] = max(prediction.scores.get(domain, 0.0), THRESHOLD)
    ranked = sorted(scores.items(), key=lambda kv: -kv[1])
    return tuple(d for d, _ in ranked[:MAX_DOMAINS])


class DomainModel:
    def __init__(self) -> None:
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.linear_model import LogisticRegression
        from sklearn.multiclass import OneVsRestClassifier
        from sklearn.pipeline import FeatureUnion, make_pipeline

        features = FeatureUnion(
            [
                ("chars", TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True, min_df=1)),
                ("words", TfidfVectorizer(analyzer="word", ngram_range=(1, 2), sublinear_tf=True, strip_accents="unicode")),
            ]
        )
        classifier = OneVsRestClassifier(
            LogisticRegression(C=20.0, class_weight="balanced", max_iter=2000, solver="liblinear")
        )
        self._pipeline = make_pipeline(features, classifier)
        self._fitted = False

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
        self._pipeline.fit([t.lower() for t in texts], matrix)
        self._fitted = True
        return self

    def predict(self, text: str) -> DomainPrediction:
        if not self._fitted:
            raise RuntimeError("DomainModel.predict before fit")
        if not text.strip():
            return DomainPrediction((), {d: 0.0 for d in LIFE_DOMAINS})
        probabilities = self._pipeline.predict_proba([text.lower()])[0]
        scores = {domain: float(p) for domain, p in zip(LIFE_DOMAINS, probabilities)}
        ranked = sorted(scores.items(), key=lambda kv: -kv[1])
        chosen = tuple(d for d, p in ranked[:MAX_DOMAINS] if p >= THRESHOLD)
        return DomainPrediction(chosen, scores)

    def save(self, path: Path) -> None:
        path.write_bytes(pickle.dumps(self._pipeline, protocol=pickle.HIGHEST_PROTOCOL))

    @classmethod
    def load(cls, path: Path) -> "DomainModel":
        model = cls.__new__(cls)
        model._pipeline = pickle.loads(path.read_bytes())  # our own file, written by save()
        model._fitted = True
        return model
