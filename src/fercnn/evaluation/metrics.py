"""Score a model on every FER2013 split present and save the numbers a paper would report.

Accuracy and macro-F1 per split (macro-F1 weighs the 436-image disgust class like the
7,215-image happy class, so it exposes a model that ignores rare classes), with and without
horizontal-flip test-time augmentation, the scikit-learn classification report, the
confusion matrix, and how far the probabilities are from the truth (negative log-likelihood and
expected calibration error: a model can rank well and still state the wrong confidence; see
``fercnn.evaluation.calibration``). A split the data lacks is listed as missing, never silently skipped.
"""

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.metrics import accuracy_score, classification_report, confusion_matrix, f1_score

from ..data.dataset import FER2013, Split
from ..data.ferplus import NO_MAJORITY, majority_labels
from ..labels import EMOTIONS, NUM_CLASSES, SPLIT_TO_USAGE, SPLITS
from ..runs import display_path
from ..runtime.classifier import as_classifier
from .intervals import accuracy_interval

METRICS_FILE = "metrics.json"


@dataclass(frozen=True)
class SplitEvaluation:
    split: str
    labels: np.ndarray
    probabilities: np.ndarray
    mirrored_probabilities: np.ndarray
    # each face's FER+ majority label (fercnn.data.ferplus.majority_labels), where votes were loaded
    ferplus_majority: np.ndarray | None = None

    @property
    def predictions(self):
        return self.probabilities.argmax(axis=1)

    @property
    def tta_probabilities(self):
        return (self.probabilities + self.mirrored_probabilities) / 2

    def confusion(self):
        return confusion_matrix(self.labels, self.predictions, labels=range(NUM_CLASSES))

    def report(self, **options):
        """scikit-learn's classification report over all seven classes (text, or a dict)."""
        return classification_report(
            self.labels,
            self.predictions,
            labels=range(NUM_CLASSES),
            target_names=EMOTIONS,
            zero_division=0,
            **({"digits": 4} | options),
        )

    def summary(self):
        """JSON-ready figures for this split, plain and with flip TTA; each accuracy with its 95%
        Wilson interval, the spread that the choice of faces alone allows.

        ``accuracy_mirrored`` scores the split's mirror images, faces as hard as the real ones
        for a model trained with random flips, but which no checkpoint choice looked at: on the
        split that picked the checkpoint, a plain accuracy well above it is flattery by the pick.
        """
        report = self.report(output_dict=True)
        tta_predictions = self.tta_probabilities.argmax(axis=1)
        mirrored_predictions = self.mirrored_probabilities.argmax(axis=1)
        return {
            "usage": SPLIT_TO_USAGE[self.split],
            "images": int(len(self.labels)),
            "accuracy": float(accuracy_score(self.labels, self.predictions)),
            "accuracy_ci95": interval_of(self.labels, self.predictions),
            "macro_f1": macro_f1(self.labels, self.predictions),
            "accuracy_flip_tta": float(accuracy_score(self.labels, tta_predictions)),
            "accuracy_flip_tta_ci95": interval_of(self.labels, tta_predictions),
            "macro_f1_flip_tta": macro_f1(self.labels, tta_predictions),
            "accuracy_mirrored": float(accuracy_score(self.labels, mirrored_predictions)),
            "nll": negative_log_likelihood(self.probabilities, self.labels),
            "ece": expected_calibration_error(self.probabilities, self.labels),
            "per_class": {name: report[name] for name in EMOTIONS},
            "confusion_matrix": self.confusion().tolist(),
        } | ({} if self.ferplus_majority is None else {"ferplus_majority": self.ferplus_summary()})

    def ferplus_summary(self):
        """Accuracy against the FER+ crowd's majority, on the faces whose majority is one of the
        seven classes: faces whose majority is contempt, unknown or not-a-face (or that have no
        votes) are left out, and counted."""
        kept = self.ferplus_majority != NO_MAJORITY
        labels = self.ferplus_majority[kept]
        plain = self.predictions[kept]
        tta = self.tta_probabilities.argmax(axis=1)[kept]
        return {
            "faces": int(kept.sum()),
            "left_out": int((~kept).sum()),
            "accuracy": float(accuracy_score(labels, plain)),
            "accuracy_ci95": interval_of(labels, plain),
            "macro_f1": macro_f1(labels, plain),
            "accuracy_flip_tta": float(accuracy_score(labels, tta)),
        }


def interval_of(labels, predictions):
    return list(accuracy_interval(int(np.sum(predictions == labels)), len(labels)))


def negative_log_likelihood(probabilities, labels):
    """Mean -log p(true class): the quantity temperature scaling minimises."""
    chosen = np.asarray(probabilities)[np.arange(len(labels)), labels]
    return float(-np.log(np.maximum(chosen, 1e-30)).mean())


def expected_calibration_error(probabilities, labels, bins=15):
    """Mean gap between the top probability and the accuracy, over equal-width confidence bins
    weighted by their share of faces: 0 when a stated 0.8 is right 80% of the time."""
    probabilities = np.asarray(probabilities)
    confidence = probabilities.max(axis=1)
    correct = probabilities.argmax(axis=1) == labels
    which = np.clip(np.ceil(confidence * bins).astype(int) - 1, 0, bins - 1)
    gaps = [
        abs(correct[which == b].mean() - confidence[which == b].mean()) * np.mean(which == b)
        for b in range(bins)
        if np.any(which == b)
    ]
    return float(sum(gaps))


def plain_and_mirrored(model, images: np.ndarray, batch_size: int = 256) -> tuple[np.ndarray, np.ndarray]:
    """The probabilities of the faces and of their mirror images, whose mean is flip TTA.
    ``model`` is a Keras model or any :class:`fercnn.runtime.classifier.Classifier`."""
    classify = as_classifier(model, batch_size)
    return classify(images), classify(images[:, :, ::-1])


def evaluate_split(model: Any, split_name: str, split: Split, *, batch_size: int = 256) -> SplitEvaluation:
    """Predict a split once plain and once mirrored; the TTA score averages the two. ``model``
    is a Keras model or a classifier function."""
    plain, mirrored = plain_and_mirrored(model, split.images, batch_size)
    majority = None if split.ferplus_votes is None else majority_labels(split.ferplus_votes)
    return SplitEvaluation(split_name, split.labels, plain, mirrored, majority)


def evaluate(model: Any, data: FER2013, batch_size: int = 256) -> dict[str, SplitEvaluation]:
    """Evaluate every split present in ``data``, in the canonical order."""
    return {name: evaluate_split(model, name, data[name], batch_size=batch_size) for name in data.names}


def metrics_document(evaluations, model_path, data, parameters):
    return {
        "model": str(display_path(model_path)),
        "parameters": None if parameters is None else int(parameters),
        "data": str(display_path(data.source)),
        "ferplus_votes": None if data.ferplus_source is None else str(display_path(data.ferplus_source)),
        "splits": {name: evaluation.summary() for name, evaluation in evaluations.items()},
        "missing_splits": [SPLIT_TO_USAGE[name] for name in SPLITS if name not in data],
    }


def save_metrics(document, evaluations, output_dir):
    """Write metrics.json and one classification-report text file per split."""
    output_dir = Path(output_dir)
    output_dir.mkdir(parents=True, exist_ok=True)
    (output_dir / METRICS_FILE).write_text(json.dumps(document, indent=2) + "\n")
    for name, evaluation in evaluations.items():
        (output_dir / f"classification_report_{name}.txt").write_text(
            f"FER2013 {SPLIT_TO_USAGE[name]} ({name} split), {len(evaluation.labels)} images\n\n"
            + evaluation.report()
        )


def format_summary(document):
    """A short table for the console and notebooks."""
    lines = [
        f"{'split':<24}{'images':>8}{'accuracy':>10}{'95% interval':>15}{'macro-F1':>10}"
        f"{'acc+flip':>10}{'F1+flip':>10}"
    ]
    for name, split in document["splits"].items():
        low, high = split["accuracy_ci95"]
        lines.append(
            f"{name + ' (' + split['usage'] + ')':<24}{split['images']:>8}{split['accuracy']:>10.4f}"
            f"{low:>8.4f}-{high:.4f}{split['macro_f1']:>10.4f}{split['accuracy_flip_tta']:>10.4f}"
            f"{split['macro_f1_flip_tta']:>10.4f}"
        )
    for name, split in document["splits"].items():
        if "ferplus_majority" in split:
            ferplus = split["ferplus_majority"]
            low, high = ferplus["accuracy_ci95"]
            lines.append(
                f"{name + ' FER+ majority':<24}{ferplus['faces']:>8}{ferplus['accuracy']:>10.4f}"
                f"{low:>8.4f}-{high:.4f}{ferplus['macro_f1']:>10.4f}{ferplus['accuracy_flip_tta']:>10.4f}"
                f"{'':>10}  ({ferplus['left_out']} faces without a FER2013-class majority left out)"
            )
    for usage in document["missing_splits"]:
        lines.append(f"{usage} split not present in {document['data']}: not evaluated")
    return "\n".join(lines)


def format_mirror_gap(document):
    """Each split's accuracy on its faces and on their mirror images. On the split that picked
    the checkpoint (PublicTest), the first above the second is how much the pick flattered;
    metrics written before the figure existed are skipped."""
    return "\n".join(
        f"{name} ({split['usage']}): {split['accuracy']:.2%} plain, {split['accuracy_mirrored']:.2%} mirrored"
        for name, split in document["splits"].items()
        if "accuracy_mirrored" in split
    )


def macro_f1(labels, predictions):
    """Over all seven classes, so a class the predictions never name counts as F1 0."""
    return float(f1_score(labels, predictions, labels=range(NUM_CLASSES), average="macro", zero_division=0))
