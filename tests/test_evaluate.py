import json

import numpy as np
import pytest
from PIL import Image

from fercnn.data.dataset import FER2013, Split
from fercnn.data.loading import load_fer2013
from fercnn.evaluation import report as reporting
from fercnn.evaluation.metrics import SplitEvaluation, format_mirror_gap
from fercnn.evaluation.report import write_evaluation


def test_evaluation_writes_readable_metrics_reports_and_plots(trained_run, learnable_csv, tmp_path):
    _, result = trained_run
    data = load_fer2013(learnable_csv)
    document = write_evaluation(result.best_model_path, data, tmp_path)

    saved = json.loads((tmp_path / "metrics.json").read_text())
    assert saved == document
    assert saved["missing_splits"] == ["PrivateTest"]
    validation = saved["splits"]["validation"]
    assert validation["usage"] == "PublicTest" and validation["images"] == 42
    assert validation["accuracy"] == pytest.approx(result.state.best_val_accuracy, abs=1e-6)
    assert np.sum(validation["confusion_matrix"]) == 42
    assert set(validation["per_class"]) == {"angry", "disgust", "fear", "happy", "sad", "surprise", "neutral"}
    report = (tmp_path / "classification_report_validation.txt").read_text()
    assert "PublicTest" in report and "macro avg" in report
    for figure in ("confusion_matrix_train", "confusion_matrix_validation", "grad_cam_validation"):
        with Image.open(tmp_path / f"{figure}.png") as image:
            assert image.size[0] > 500
    assert not (tmp_path / "grad_cam_train.png").exists()


def test_evaluation_on_a_backend_without_tensorflow_leaves_out_only_grad_cam(
    trained_run, learnable_csv, tmp_path, monkeypatch, caplog
):
    """A run on JAX, where TensorFlow may not be installed, must still end with metrics
    and confusion matrices instead of failing on Grad-CAM's TensorFlow gradients."""
    caplog.set_level("INFO", logger="fercnn")
    available = reporting.grad_cam_available
    monkeypatch.setattr(reporting, "grad_cam_available", lambda model: available(model, "jax"))
    _, result = trained_run
    document = write_evaluation(result.best_model_path, load_fer2013(learnable_csv), tmp_path)

    assert document["splits"]["validation"]["images"] == 42
    assert (tmp_path / "metrics.json").is_file() and (tmp_path / "confusion_matrix_validation.png").is_file()
    assert not list(tmp_path.glob("grad_cam_*.png"))
    assert "Grad-CAM skipped: it needs the TensorFlow backend, not jax." in caplog.text


def test_scores_and_flip_tta_are_computed_from_the_predictions():
    labels = np.array([0, 1, 1, 6])
    plain = np.eye(7)[[0, 1, 0, 6]]  # one mistake
    mirrored = np.eye(7)[[0, 1, 1, 6]]
    evaluation = SplitEvaluation("test", labels, plain, 1.01 * mirrored)
    summary = evaluation.summary()
    assert summary["usage"] == "PrivateTest"
    assert summary["accuracy"] == 0.75
    assert summary["accuracy_flip_tta"] == 1.0
    assert summary["accuracy_mirrored"] == 1.0
    low, high = summary["accuracy_ci95"]
    assert 0 < low < 0.75 < high < 1  # 3 of 4 right pins the accuracy down only loosely
    assert summary["accuracy_flip_tta_ci95"][1] == 1.0
    assert summary["confusion_matrix"][1][0] == 1
    assert summary["ece"] == pytest.approx(0.25)  # sure of every face, right on 3 of 4
    assert summary["nll"] > 10  # and the true class of the fourth got probability 0


def test_missing_split_is_listed_not_skipped(trained_run, tmp_path):
    _, result = trained_run
    faces = np.zeros((7, 48, 48, 1), np.uint8)
    data = FER2013({"test": Split(faces, np.arange(7))}, "synthetic")
    document = write_evaluation(result.best_model_path, data, tmp_path)
    assert list(document["splits"]) == ["test"]
    assert document["missing_splits"] == ["Training", "PublicTest"]


def test_mirror_gap_lines_skip_metrics_written_before_the_figure_existed():
    old = {"usage": "Training", "accuracy": 0.9}
    new = {"usage": "PublicTest", "accuracy": 0.7094, "accuracy_mirrored": 0.693}
    document = {"splits": {"train": old, "validation": new}}
    assert format_mirror_gap(document) == "validation (PublicTest): 70.94% plain, 69.30% mirrored"
