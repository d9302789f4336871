"""The artefacts a run leaves in its output folder: metrics, reports and figures.

Shared by the CLI and the notebooks so both write the same files under the same names.
"""

import logging
from pathlib import Path

import keras
import matplotlib.pyplot as plt
import pandas as pd

from ..data.dataset import FER2013
from ..labels import SPLIT_TO_USAGE
from ..run_files import HISTORY
from ..runtime.classifier import Classifier, load_classifier
from .metrics import evaluate, format_summary, metrics_document, save_metrics
from .plots import (
    plot_class_distribution,
    plot_confusion_matrices,
    plot_grad_cam_examples,
    plot_sample_faces,
    plot_training_curves,
    save_figure,
)

LOGGER = logging.getLogger(__name__)


def write_evaluation(
    model_path: str | Path,
    data: FER2013,
    output_dir: str | Path,
    *,
    show: bool = False,
    batch_size: int = 256,
    classifier: Classifier | None = None,
) -> dict:
    """Evaluate the saved model on every split in ``data``; write metrics, reports and plots
    (confusion matrices, and Grad-CAM heatmaps on every split but train). ``classifier`` is the
    model already loaded from ``model_path`` (:func:`fercnn.runtime.classifier.load_classifier`), if it is."""
    output_dir = Path(output_dir)
    classifier = classifier or load_classifier(model_path)
    evaluations = evaluate(classifier, data, batch_size)
    document = metrics_document(evaluations, model_path, data, classifier.parameters)
    save_metrics(document, evaluations, output_dir)
    model = getattr(classifier, "model", None)  # Grad-CAM needs the Keras model, not an export
    with_grad_cam = model is not None and grad_cam_available(model)
    for name, evaluation in evaluations.items():
        title = f"{name} ({SPLIT_TO_USAGE[name]})"
        confusion = plot_confusion_matrices(evaluation.confusion(), title)
        _finish(confusion, output_dir / f"confusion_matrix_{name}.png", show)
        if name != "train" and with_grad_cam:  # saliency on faces it learned from says little
            _finish(
                grad_cam_figure(model, data[name].images, evaluation, title),
                output_dir / f"grad_cam_{name}.png",
                show,
            )
    LOGGER.info(format_summary(document))
    return document


def grad_cam_available(model, backend=None):
    """Grad-CAM takes gradients with TensorFlow, at FERNet's last activation; on another
    backend (JAX on a GPU without TensorFlow installed), or for another architecture (the
    benchmarks' reference), the evaluation is written without its heatmaps."""
    backend = backend or keras.backend.backend()
    if backend != "tensorflow":
        LOGGER.info(f"Grad-CAM skipped: it needs the TensorFlow backend, not {backend}.")
        return False
    from .gradcam import DEFAULT_LAYER  # imports TensorFlow, which a JAX-only install lacks

    if DEFAULT_LAYER not in {layer.name for layer in model.layers}:
        LOGGER.info(f"Grad-CAM skipped: model {model.name!r} has no layer {DEFAULT_LAYER!r} (not a FERNet).")
        return False
    return True


def grad_cam_figure(model, images, evaluation, title, per_class=3):
    """Grad-CAM of the predicted class on each class's most confident hits and misses."""
    from .gradcam import grad_cam, pick_examples

    examples = pick_examples(evaluation.labels, evaluation.probabilities, per_class)
    indices = sorted({index for _, right, wrong in examples for index in right + wrong})
    heatmaps = {}
    if indices:
        maps = grad_cam(model, images[indices], evaluation.predictions[indices])
        heatmaps = dict(zip(indices, maps, strict=True))
    return plot_grad_cam_examples(
        images, evaluation.labels, evaluation.probabilities, heatmaps, examples, f"Grad-CAM, {title}"
    )


def write_data_figures(data: FER2013, output_dir: str | Path, show: bool = False) -> None:
    """Class distribution per split and a grid of training faces per class."""
    output_dir = Path(output_dir)
    _finish(plot_class_distribution(data), output_dir / "class_distribution.png", show)
    first_split = data.names[0]
    _finish(plot_sample_faces(data[first_split]), output_dir / f"sample_faces_{first_split}.png", show)


def write_training_curves(
    run_dir: str | Path, output_dir: str | Path | None = None, show: bool = False
) -> pd.DataFrame:
    """Plot the ``history.csv`` of ``run_dir`` into ``output_dir`` (by default the run's own folder)."""
    history = pd.read_csv(Path(run_dir) / HISTORY)
    _finish(plot_training_curves(history), Path(output_dir or run_dir) / "training_curves.png", show)
    return history


def _finish(figure, path, show):
    save_figure(figure, path)
    if show:
        plt.show()
    plt.close(figure)
