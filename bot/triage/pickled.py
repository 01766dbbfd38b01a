"""Saving and loading a trained scikit-learn pipeline of our own (inside the Rasa model)."""

from __future__ import annotations

import pickle
from pathlib import Path
from typing import Any, TypeVar

Model = TypeVar("Model", bound="PickledPipeline")


class PickledPipeline:
    _pipeline: Any
    _fitted: bool = False

    def save(self, path: Path) -> None:
        path.write_bytes(pickle.dumps(self._pipeline, protocol=pickle.HIGHEST_PROTOCOL))

    @classmethod
    def load(cls: type[Model], path: Path) -> Model:
        model = cls.__new__(cls)
        model._pipeline = pickle.loads(path.read_bytes())  # our own file, written by save()
        model._fitted = True
        model._loaded()
        return model

    def _loaded(self) -> None:
        """What a subclass derives from the pipeline once it is loaded."""
