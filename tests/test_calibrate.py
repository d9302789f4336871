"""Temperature scaling: fitting, the calibration error, folding into the model, and the CLI."""

import json

import keras
import numpy as np
import pytest
from conftest import synthetic_rows, write_csv

from fercnn.app.cli import main
from fercnn.data.loading import load_fer2013
from fercnn.evaluation import calibration as calibrate
from fercnn.evaluation.metrics import expected_calibration_error, negative_log_likelihood
from fercnn.labels import EMOTIONS
from fercnn.runtime.adjustments import PriorCorrected
from fercnn.runtime.classifier import as_classifier


def calibrated_faces(count=20000, classes=7, seed=0):
    """Probabilities and labels drawn from them: calibrated by construction, at temperature 1."""
    rng = np.random.default_rng(seed)
    logits = rng.normal(scale=2.0, size=(count, classes))
    probabilities = calibrate.rescale(np.exp(logits), 1.0)
    labels = np.array([rng.choice(classes, p=p) for p in probabilities])
    return probabilities, labels


def test_fit_undoes_a_known_softening():
    probabilities, labels = calibrated_faces()
    softened = calibrate.rescale(probabilities, 3.0)  # what distilling at T 3 can leave behind
    assert calibrate.fit_temperature(softened, labels) == pytest.approx(1 / 3, rel=0.05)
    assert calibrate.fit_temperature(probabilities, labels) == pytest.approx(1.0, rel=0.05)


def test_rescaling_keeps_every_prediction():
    probabilities, _ = calibrated_faces(count=500)
    for temperature in (0.3, 1.0, 4.0):
        rescaled = calibrate.rescale(probabilities, temperature)
        np.testing.assert_allclose(rescaled.sum(axis=1), 1.0)
        assert np.array_equal(rescaled.argmax(axis=1), probabilities.argmax(axis=1))


def test_calibration_error_by_hand_and_on_calibrated_faces():
    two_right = np.array([[0.9, 0.1], [0.6, 0.4]])
    # bins 0.9 and 0.6, each half of the faces, both right: (0.1 + 0.4) / 2
    assert expected_calibration_error(two_right, np.array([0, 0])) == pytest.approx(0.25)
    probabilities, labels = calibrated_faces()
    assert expected_calibration_error(probabilities, labels) < 0.02
    assert expected_calibration_error(calibrate.rescale(probabilities, 3.0), labels) > 0.1


def test_folding_divides_the_models_logits(trained_run, learnable_csv):
    model = keras.models.load_model(trained_run[1].best_model_path)
    images = load_fer2013(learnable_csv)["validation"].images
    before = as_classifier(model)(images)
    calibrate.fold_temperature(model, 0.5)
    after = as_classifier(model)(images)
    np.testing.assert_allclose(after, calibrate.rescale(before, 0.5), atol=1e-5)
    assert np.array_equal(after.argmax(axis=1), before.argmax(axis=1))


def test_folding_class_weights_is_the_prior_correction(trained_run, learnable_csv):
    """Weights folded into the bias give what PriorCorrected gives outside the model."""
    model = keras.models.load_model(trained_run[1].best_model_path)
    images = load_fer2013(learnable_csv)["validation"].images
    weights = np.array([0.5, 3.0, 2.0, 0.25, 1.0, 1.0, 0.25])
    expected = PriorCorrected(as_classifier(model), weights)(images)
    calibrate.fold_class_weights(model, weights)
    np.testing.assert_allclose(as_classifier(model)(images), expected, atol=1e-5)


def test_cli_balance_records_weights_that_balance_the_mean_prediction(
    trained_run, learnable_csv, tmp_path, capsys
):
    out = tmp_path / "balanced"
    source = str(trained_run[1].best_model_path)
    command = ["calibrate", "--balance", "--data", str(learnable_csv), "--output-dir", str(out)]
    assert main([*command, "--model", source]) == 0
    assert "class weights angry" in capsys.readouterr().out
    record = json.loads((out / calibrate.CALIBRATION_FILE).read_text())
    assert list(record["class_weights"]) == list(EMOTIONS)
    validation = load_fer2013(learnable_csv)["validation"]
    saved = as_classifier(keras.models.load_model(out / "fernet_fer2013.keras"))(validation.images)
    # the mean prediction moves to uniform (renormalising each face keeps it from being exact)
    before = as_classifier(keras.models.load_model(source))(validation.images).mean(axis=0)
    assert np.abs(saved.mean(axis=0) - 1 / 7).max() < np.abs(before - 1 / 7).max()


def test_a_model_without_the_fernet_head_is_refused():
    inputs = keras.Input((4,))
    model = keras.Model(inputs, keras.layers.Dense(7, activation="softmax", name="other")(inputs))
    with pytest.raises(ValueError, match="build_fernet"):
        calibrate.fold_temperature(model, 0.5)


def test_cli_calibrates_on_publictest_and_records_it(trained_run, learnable_csv, tmp_path, capsys):
    out = tmp_path / "calibrated"
    source = str(trained_run[1].best_model_path)
    assert main(["calibrate", "--data", str(learnable_csv), "--output-dir", str(out), "--model", source]) == 0
    assert "temperature" in capsys.readouterr().out
    record = json.loads((out / calibrate.CALIBRATION_FILE).read_text())
    assert record["split"] == "validation" and record["calibrated_from"] == source
    assert record["after"]["nll"] <= record["before"]["nll"] + 1e-6  # float32 weights against float64 fit
    assert record["after"]["accuracy"] == record["before"]["accuracy"]
    validation = load_fer2013(learnable_csv)["validation"]
    saved = as_classifier(keras.models.load_model(out / "fernet_fer2013.keras"))(validation.images)
    assert negative_log_likelihood(saved, validation.labels) == pytest.approx(record["after"]["nll"])


def test_cli_needs_a_validation_split(trained_run, tmp_path, capsys):
    csv = write_csv(tmp_path / "train_only.csv", synthetic_rows(per_class=(6,), splits=("train",)))
    model = str(trained_run[1].best_model_path)
    assert main(["calibrate", "--data", str(csv), "--output-dir", str(tmp_path / "o"), "--model", model]) == 2
    assert "PublicTest" in capsys.readouterr().err
