"""A trained scikit-learn text pipeline of our own: fitted, saved, loaded, scored.

The pipeline is what is pickled (inside the Rasa model); the scorer that
answers per message (bot/triage/linear_text.py) is derived from it after
fitting or loading.
"""

from __future__ import annotations

import pickle
from pathlib import Path
from typing import Any, Optional, Sequence, TypeVar

from bot.triage.linear_text import LinearTextScorer

Model = TypeVar("Model", bound="PickledPipeline")


class PickledPipeline:
    _pipeline: Any
    _scorer: Optional[LinearTextScorer] = None

    def _fit_pipeline(self, texts: Sequence[str], targets: Any) -> None:
        self._pipeline.fit([t.lower() for t in texts], targets)
        self._scorer = self._scorer_of(self._pipeline)

    def _fitted_scorer(self) -> LinearTextScorer:
        if self._scorer is None:
            raise RuntimeError(f"{type(self).__name__} used before fit")
        return self._scorer

    def _probabilities(self, texts: Sequence[str]) -> Any:
        """One row per text, one column per linear model of the pipeline."""
        return self._fitted_scorer().probabilities([t.lower() for t in texts])

    def _scorer_of(self, pipeline: Any) -> LinearTextScorer:
        raise NotImplementedError

    def save(self, path: Path) -> None:
        path.write_bytes(pickle.dumps(self._pipeline, protocol=pickle.HIGHEST_PROTOCOL))

    @classmethod
    def load(cls: type[Model], path: Path) -> Model:
        model = cls.__new__(cls)
        model._pipeline = pickle.loads(path.read_bytes())  # our own file, written by save()
        model._scorer = model._scorer_of(model._pipeline)
        return model
