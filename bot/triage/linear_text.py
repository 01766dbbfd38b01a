"""TF-IDF features and linear models, computed directly for one message.

The domain and crisis models are scikit-learn pipelines (a union of TF-IDF
vectorizers, then logistic regression). Asked about one short message per
user turn, scikit-learn spends most of its time on bookkeeping (validation,
joblib, sparse-matrix construction, recomputing the idf vector): measured
with py-spy, a fifth of the Rasa server's CPU per turn. The fitted numbers
are read out once, and each message then costs a dictionary lookup per
n-gram and one small matrix product. The results equal the pipeline's
(tests/unit/test_linear_text.py).
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass
from typing import Any, Callable, Sequence

import numpy as np


@dataclass(frozen=True)
class _Vectorizer:
    analyze: Callable[[str], list[str]]
    vocabulary: dict[str, int]
    idf: np.ndarray
    sublinear_tf: bool
    offset: int  # where this vectorizer's columns start in the union


class LinearTextScorer:
    """sigmoid(tfidf_union(text) @ weights + bias), one row per text."""

    def __init__(self, feature_union: Any, weights: np.ndarray, bias: np.ndarray) -> None:
        if getattr(feature_union, "transformer_weights", None):
            raise ValueError("weighted feature unions are not supported")
        vectorizers = []
        offset = 0
        for _, vectorizer in feature_union.transformer_list:
            if vectorizer.norm != "l2" or vectorizer.binary or not vectorizer.use_idf:
                raise ValueError("only l2-normalised TF-IDF vectorizers are supported")
            vocabulary = dict(vectorizer.vocabulary_)
            vectorizers.append(
                _Vectorizer(
                    analyze=vectorizer.build_analyzer(),
                    vocabulary=vocabulary,
                    idf=np.asarray(vectorizer.idf_, dtype=np.float64),
                    sublinear_tf=bool(vectorizer.sublinear_tf),
                    offset=offset,
                )
            )
            offset += len(vocabulary)
        if weights.shape[0] != offset:
            raise ValueError(f"{weights.shape[0]} weight rows for {offset} features")
        self._vectorizers = tuple(vectorizers)
        self._weights = np.ascontiguousarray(weights, dtype=np.float64)
        self._bias = np.asarray(bias, dtype=np.float64)

    def probabilities(self, texts: Sequence[str]) -> np.ndarray:
        """One row of probabilities (one per linear model) for each text."""
        scores = np.empty((len(texts), self._weights.shape[1]))
        for row, text in enumerate(texts):
            scores[row] = self._decision(text)
        return 1.0 / (1.0 + np.exp(-scores))

    def _decision(self, text: str) -> np.ndarray:
        decision = self._bias.copy()
        for vectorizer in self._vectorizers:
            counts = Counter(t for t in vectorizer.analyze(text) if t in vectorizer.vocabulary)
            if not counts:
                continue
            columns = np.fromiter((vectorizer.vocabulary[t] for t in counts), dtype=np.intp, count=len(counts))
            tf = np.fromiter(counts.values(), dtype=np.float64, count=len(counts))
            if vectorizer.sublinear_tf:
                tf = 1.0 + np.log(tf)
            values = tf * vectorizer.idf[columns]
            values /= math.sqrt(float(values @ values))
            decision += values @ self._weights[columns + vectorizer.offset]
        return decision
