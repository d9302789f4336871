"""One protocol for every model that classifies faces: a function from faces to probabilities.

A :class:`Classifier` takes ``(N, 48, 48, 1)`` uint8 faces and returns ``(N, 7)`` probabilities in
:data:`fercnn.labels.EMOTIONS` order. A Keras model becomes one through :class:`KerasClassifier`
(or :func:`as_classifier`), a ``.tflite`` export through
:class:`fercnn.runtime.litert.TFLiteClassifier`, and :func:`load_classifier` opens either from a
file. Evaluation, distillation, export checks, the face pipeline and the apps all call this one
protocol, so any of them takes any model.
"""

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

import numpy as np

from ..models.files import ModelFileError, load_keras_model, require_model_file
from ..models.shipped import shipped_model

__all__ = ["Classifier", "KerasClassifier", "as_classifier", "check_probabilities", "load_classifier"]

SMALL_BATCH = 256  # up to this many faces are classified in one call, without model.predict's set-up


@runtime_checkable
class Classifier(Protocol):
    """Faces in, probabilities out; ``parameters`` is the model's size where it is known."""

    def __call__(self, faces: np.ndarray) -> np.ndarray: ...


@dataclass
class KerasClassifier:
    """A Keras model as a :class:`Classifier`."""

    model: Any  # a keras.Model: typed loosely so that this module imports without Keras
    batch_size: int = SMALL_BATCH

    def __call__(self, faces: np.ndarray) -> np.ndarray:
        faces = np.asarray(faces, dtype="float32")
        if len(faces) > self.batch_size:
            return np.asarray(self.model.predict(faces, batch_size=self.batch_size, verbose=0))
        # a call on one batch skips model.predict's per-call set-up, tens of milliseconds
        return np.asarray(self.model.predict_on_batch(faces))

    @property
    def parameters(self) -> int:
        return self.model.count_params()


def as_classifier(model: Any, batch_size: int = SMALL_BATCH) -> Classifier:
    """``model`` as a :class:`Classifier`: a Keras model is wrapped, a classifier kept as it is."""
    if hasattr(model, "predict_on_batch"):
        return KerasClassifier(model, batch_size)
    return model


def load_classifier(path: str | Path | None = None) -> Classifier:
    """The classifier saved at ``path``: a ``.keras`` model or a ``.tflite`` export of one; by
    default the shipped photo model (:func:`fercnn.models.shipped.shipped_model`). Either is
    checked to take 48x48x1 faces and give seven probabilities."""
    path = require_model_file(path or shipped_model())
    if path.suffix == ".tflite":
        from .litert import TFLiteClassifier

        classifier = TFLiteClassifier(path)
    else:
        classifier = KerasClassifier(load_keras_model(path))
    check_probabilities(
        path, classifier(np.stack([np.zeros((48, 48, 1), np.uint8), np.full((48, 48, 1), 128, np.uint8)]))
    )
    return classifier


def check_probabilities(path: Path, outputs: np.ndarray) -> None:
    """Refuse a model whose outputs are not probabilities: one without a softmax would annotate
    "happy 5976%", one with NaN weights (a diverged run) would name "angry" for every face."""
    outputs = np.asarray(outputs, dtype="float64")
    if not np.isfinite(outputs).all():
        raise ModelFileError(
            f"model {path} gives NaN or infinite outputs (its training diverged?): train it again "
            "with a lower --learning-rate, or use another model"
        )
    if (outputs < -1e-6).any() or not np.allclose(outputs.sum(axis=1), 1, atol=1e-3):
        raise ModelFileError(
            f"model {path} gives outputs that are not probabilities (they do not add up to 1): "
            "its last layer needs a softmax"
        )
