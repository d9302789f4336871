"""Classifiers adjusted without retraining: flip test-time augmentation and a class prior.

Both wrap a :class:`fercnn.runtime.classifier.Classifier` and are one themselves, so the face
pipeline, ``evaluate --photos`` and the benchmarks take them as they are.
"""

from dataclasses import dataclass

import numpy as np

from ..errors import SettingError
from ..labels import EMOTIONS, NUM_CLASSES
from .classifier import Classifier

__all__ = ["Averaged", "FlipAveraged", "PriorCorrected", "balancing_weights", "prior_weights"]


@dataclass
class FlipAveraged:
    """The mean of the probabilities of each face and of its mirror image (flip TTA): a model
    trained with random flips sees a face and its mirror as equally likely, so their mean
    removes some of the noise of one view. Costs two forward passes."""

    classifier: Classifier

    def __call__(self, faces: np.ndarray) -> np.ndarray:
        faces = np.asarray(faces)
        return (np.asarray(self.classifier(faces)) + np.asarray(self.classifier(faces[:, :, ::-1]))) / 2

    @property
    def parameters(self) -> int | None:
        return getattr(self.classifier, "parameters", None)


@dataclass
class Averaged:
    """The mean of several classifiers' probabilities (an ensemble): models trained on other
    labels (FER2013's, the FER+ votes) err on different faces, so their mean errs on fewer.
    Costs one forward pass per model."""

    classifiers: tuple[Classifier, ...]

    def __post_init__(self):
        self.classifiers = tuple(self.classifiers)
        if not self.classifiers:
            raise SettingError("an ensemble needs at least one classifier")

    def __call__(self, faces: np.ndarray) -> np.ndarray:
        return np.mean([np.asarray(classify(faces)) for classify in self.classifiers], axis=0)

    @property
    def parameters(self) -> int | None:
        sizes = [getattr(classify, "parameters", None) for classify in self.classifiers]
        return None if None in sizes else sum(sizes)


@dataclass
class PriorCorrected:
    """Probabilities multiplied by one weight per class and renormalised: Bayes' rule for a
    model trained where the classes were more or less common than where it is used (a model
    trained on FER+ votes, where a third of the faces are neutral, sees neutral everywhere)."""

    classifier: Classifier
    weights: np.ndarray

    def __post_init__(self):
        self.weights = np.asarray(self.weights, dtype="float64")
        if self.weights.shape != (NUM_CLASSES,) or not (self.weights > 0).all():
            raise SettingError(
                f"a class prior needs {NUM_CLASSES} weights > 0, one per class ({', '.join(EMOTIONS)}), "
                f"got {self.weights.tolist()}"
            )

    def __call__(self, faces: np.ndarray) -> np.ndarray:
        weighted = np.asarray(self.classifier(faces), dtype="float64") * self.weights
        return (weighted / weighted.sum(axis=1, keepdims=True)).astype("float32")

    @property
    def parameters(self) -> int | None:
        return getattr(self.classifier, "parameters", None)


def prior_weights(trained_on: np.ndarray, used_on: np.ndarray | None = None) -> np.ndarray:
    """Per-class weights that move a model from the class shares it ``trained_on`` to those it
    is ``used_on`` (uniform by default): ``used_on / trained_on``, scaled to a mean of 1."""
    trained_on = np.asarray(trained_on, dtype="float64")
    trained_on = trained_on / trained_on.sum()
    used_on = np.full(NUM_CLASSES, 1 / NUM_CLASSES) if used_on is None else np.asarray(used_on, "float64")
    weights = (used_on / used_on.sum()) / np.maximum(trained_on, 1e-12)
    return weights / weights.mean()


def balancing_weights(classifier: Classifier, faces: np.ndarray, batch_size: int = 256) -> np.ndarray:
    """Per-class weights that make ``classifier``'s mean prediction over ``faces`` uniform.

    The mean prediction is the class prior the model acts on, whatever made it (the label
    shares, class weights in the loss, teachers' targets), so dividing by it suits any model;
    fitted on labelled faces of the training distribution (PublicTest), it moves the model to
    balanced classes, as posed photo sets are, without looking at those photos."""
    faces = np.asarray(faces)
    parts = [
        np.asarray(classifier(faces[start : start + batch_size]))
        for start in range(0, len(faces), batch_size)
    ]
    return prior_weights(np.concatenate(parts).mean(axis=0))
