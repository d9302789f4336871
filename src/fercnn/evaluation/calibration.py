"""Temperature scaling: make a trained model's probabilities mean what they say.

A model can rank the emotions well and still state the wrong confidence. Distillation from
teachers softened at temperature 2 leaves a student under-confident: its top probability
averages far below its accuracy. One temperature T, fitted on the validation split by negative
log-likelihood (Guo et al. 2017, *On Calibration of Modern Neural Networks*), fixes this
without moving any prediction:
dividing every logit of a face by the same T keeps their order. T is folded into the model's
last dense layer (its kernel and bias divided by T), so the calibrated model is still one plain
Keras model, and the exports, ``predict`` and the notebooks all see calibrated probabilities.

``balance=True`` then also moves the model to balanced classes: weights that make its mean
PublicTest prediction uniform (:func:`fercnn.runtime.adjustments.balancing_weights`) are added
to the same layer's bias as their logarithms. FER2013's (and FER+'s) classes are far from
balanced, posed photo sets are balanced, and a model acts on the prior it was trained with:
without this, the rare classes (disgust, fear) are read as the common ones.
"""

import json
from dataclasses import asdict, dataclass
from pathlib import Path

import keras
import numpy as np

from ..errors import SettingError
from ..labels import EMOTIONS
from ..models.files import ModelFileError, load_keras_model
from ..run_files import CALIBRATION_FILE
from ..runs import display_path
from ..runtime.adjustments import balancing_weights
from ..runtime.classifier import as_classifier
from .metrics import expected_calibration_error, negative_log_likelihood

HEAD_LAYER = "predictions"  # build_fernet's final Dense(7, softmax)
TEMPERATURE_RANGE = (0.05, 20.0)
COARSE_STEP, FINE_STEP = 1.05, 1.003  # the fine steps, 0.3%, are finer than the fit can tell apart


def rescale(probabilities, temperature):
    """The probabilities the same model gives with its logits divided by ``temperature``."""
    logits = np.log(np.maximum(np.asarray(probabilities, dtype="float64"), 1e-30)) / temperature
    scaled = np.exp(logits - logits.max(axis=1, keepdims=True))
    return scaled / scaled.sum(axis=1, keepdims=True)


def fit_temperature(probabilities, labels):
    """The temperature in ``TEMPERATURE_RANGE`` whose rescaled probabilities have the lowest NLL:
    a grid in 5% steps, then one in 0.3% steps around its best. The NLL of temperature scaling
    is convex in 1/T, so the coarse grid's best lies next to the true minimum."""
    low, high = TEMPERATURE_RANGE
    coarse = _best_of(np.geomspace(low, high, _steps(high / low, COARSE_STEP)), probabilities, labels)
    around = max(coarse / COARSE_STEP, low), min(coarse * COARSE_STEP, high)
    return _best_of(np.geomspace(*around, _steps(around[1] / around[0], FINE_STEP)), probabilities, labels)


def _steps(ratio, step):
    return int(np.ceil(np.log(ratio) / np.log(step))) + 1


def _best_of(temperatures, probabilities, labels):
    losses = [negative_log_likelihood(rescale(probabilities, t), labels) for t in temperatures]
    return float(temperatures[int(np.argmin(losses))])


def fold_temperature(model, temperature):
    """Divide the logits of ``model`` by ``temperature`` in place, through its final dense layer."""
    head = _softmax_head(model)
    kernel, bias = head.get_weights()
    head.set_weights([kernel / temperature, bias / temperature])


def fold_class_weights(model, weights):
    """Multiply the probabilities of ``model`` by one weight per class (then renormalise), in
    place: ``softmax(z) * w`` renormalised is ``softmax(z + log w)``, a shift of the bias."""
    head = _softmax_head(model)
    kernel, bias = head.get_weights()
    head.set_weights([kernel, bias + np.log(np.asarray(weights, dtype=bias.dtype))])


def _softmax_head(model):
    try:
        head = model.get_layer(HEAD_LAYER)
    except ValueError:
        head = None
    if not isinstance(head, keras.layers.Dense) or head.get_config().get("activation") != "softmax":
        raise ModelFileError(
            f"model {model.name!r} has no Dense softmax layer named {HEAD_LAYER!r} to fold a temperature "
            "into: calibrate works on models built by fercnn.models.fernet.build_fernet"
        )
    return head


@dataclass(frozen=True)
class Calibration:
    temperature: float
    split: str
    before: dict[str, float]  # accuracy, expected calibration error, NLL before scaling
    after: dict[str, float]
    class_weights: dict[str, float] | None = None  # balance=True: each class's weight, by emotion


def calibration_figures(probabilities, labels):
    return {
        "nll": negative_log_likelihood(probabilities, labels),
        "ece": expected_calibration_error(probabilities, labels),
        "mean_top_probability": float(np.max(probabilities, axis=1).mean()),
        "accuracy": float((np.argmax(probabilities, axis=1) == labels).mean()),
    }


def calibrate(model_path, split, output_path, *, split_name="validation", batch_size=256, balance=False):
    """Fit a temperature on ``split``, fold it into the model (and, with ``balance``, the weights
    that balance its classes on ``split``), and save the model to ``output_path`` with
    ``calibration.json`` (the temperature, the weights, the figures before and after) beside it."""
    output_path = Path(output_path)
    if output_path.suffix != ".keras":
        raise SettingError(f"output_path {output_path} must end in .keras (Keras' own model format)")
    model = load_keras_model(model_path, compile=True)
    probabilities = as_classifier(model, batch_size)(split.images)
    temperature = fit_temperature(probabilities, split.labels)
    fold_temperature(model, temperature)
    weights = None
    if balance:
        weights = balancing_weights(as_classifier(model, batch_size), split.images, batch_size)
        fold_class_weights(model, weights)
    after = as_classifier(model, batch_size)(split.images)
    result = Calibration(
        temperature,
        split_name,
        calibration_figures(probabilities, split.labels),
        calibration_figures(after, split.labels),
        None if weights is None else dict(zip(EMOTIONS, map(float, weights), strict=True)),
    )
    output_path.parent.mkdir(parents=True, exist_ok=True)
    model.save(output_path)
    record = {"model": str(display_path(output_path)), "calibrated_from": str(display_path(model_path))}
    record |= asdict(result)
    (output_path.parent / CALIBRATION_FILE).write_text(json.dumps(record, indent=2) + "\n")
    return result
