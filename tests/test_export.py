import json
import subprocess
import sys

import numpy as np
import pytest

from fercnn.app.cli import main
from fercnn.app.predict import predict_photos, sample_photo
from fercnn.data.loading import load_fer2013
from fercnn.runtime.classifier import load_classifier
from fercnn.runtime.export import accuracy_by_model, export_tflite
from fercnn.runtime.litert import TFLiteClassifier


@pytest.fixture(scope="module")
def exported(trained_run, learnable_csv, tmp_path_factory):
    _, run = trained_run
    data = load_fer2013(learnable_csv)
    return (
        run,
        data,
        export_tflite(run.best_model_path, tmp_path_factory.mktemp("export"), data["train"].images),
    )


def test_float32_export_matches_keras_and_int8_stays_close(exported):
    run, data, paths = exported
    faces = data["validation"].images
    keras_probabilities = load_classifier(run.best_model_path)(faces)
    np.testing.assert_allclose(TFLiteClassifier(paths["float32"])(faces), keras_probabilities, atol=1e-4)
    int8 = TFLiteClassifier(paths["int8"])
    assert int8.input["dtype"] == np.uint8  # raw pixels in: normalisation is inside the model
    assert np.abs(int8(faces) - keras_probabilities).max() < 0.1
    # full-integer: no float tensor is left (8-bit weights and activations, 32-bit biases); the
    # file's fixed overhead dominates a tiny model's size, so the tensors are checked, not a ratio
    kinds = {detail["dtype"] for detail in int8.interpreter.get_tensor_details()}
    assert kinds <= {np.int8, np.uint8, np.int32}
    assert paths["int8"].stat().st_size < paths["float32"].stat().st_size


def test_accuracy_check_and_batches_of_any_size(exported):
    run, data, paths = exported
    classifiers = {"keras": load_classifier(run.best_model_path), "int8": TFLiteClassifier(paths["int8"])}
    accuracies = accuracy_by_model(classifiers, data["validation"], batch_size=5)
    assert abs(accuracies["int8"] - accuracies["keras"]) <= 0.05
    assert accuracies["keras"] == pytest.approx(run.state.best_val_accuracy, abs=1e-6)


def test_predict_runs_on_a_tflite_model(exported):
    _, _, paths = exported
    (result,) = predict_photos([sample_photo()], load_classifier(paths["int8"]))
    assert len(result.faces) == 1
    assert result.faces[0].probabilities.sum() == pytest.approx(1.0, abs=0.02)


def test_export_command_reports_parity(trained_run, learnable_csv, capsys):
    _, run = trained_run
    model = str(run.best_model_path)
    assert (
        main(["export", "--data", str(learnable_csv), "--output-dir", str(run.output_dir), "--model", model])
        == 0
    )
    printed = capsys.readouterr().out
    assert "tflite int8" in printed and "points vs keras" in printed
    assert (run.output_dir / "fernet_fer2013_int8.tflite").is_file()


def test_evaluate_takes_a_tflite_export(exported, learnable_csv, tmp_path):
    _, data, paths = exported
    out = tmp_path / "evaluated"
    assert (
        main(
            [
                "evaluate",
                "--data",
                str(learnable_csv),
                "--model",
                str(paths["int8"]),
                "--output-dir",
                str(out),
            ]
        )
        == 0
    )
    metrics = json.loads((out / "metrics.json").read_text())
    expected = accuracy_by_model({"int8": TFLiteClassifier(paths["int8"])}, data["validation"])["int8"]
    assert metrics["splits"]["validation"]["accuracy"] == pytest.approx(expected)
    assert metrics["parameters"] is None and not (out / "grad_cam_validation.png").exists()


def test_compare_command_takes_a_tflite_export(exported, learnable_csv, capsys):
    run, data, paths = exported
    expected = accuracy_by_model({"int8": TFLiteClassifier(paths["int8"])}, data["validation"])["int8"]
    assert main(["compare", str(run.best_model_path), str(paths["int8"]), "--data", str(learnable_csv)]) == 0
    row_b = capsys.readouterr().out.splitlines()[3]
    assert row_b.startswith(f"B{expected:>17.4f}") and row_b.endswith("fernet_fer2013_int8.tflite")


def test_predicting_with_a_tflite_export_loads_no_keras(exported, tmp_path):
    _, _, paths = exported
    code = (
        "import sys\nfrom fercnn.app.cli import main\n"
        f"status = main(['predict', '--model', {str(paths['int8'])!r}, '--output-dir', {str(tmp_path)!r}])\n"
        "print(status, 'keras' in sys.modules, 'tensorflow' in sys.modules)"
    )
    ran = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert ran.stdout.strip().splitlines()[-1] == "0 False False"
