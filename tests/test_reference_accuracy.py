import sys
from dataclasses import replace
from pathlib import Path

import pytest

from fercnn.data.loading import load_fer2013
from fercnn.training.config import TrainConfig

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
import reference_accuracy  # noqa: E402


def test_the_reference_trains_with_fernets_first_cycle_settings(tmp_path):
    config = reference_accuracy.reference_config()
    first_cycle = replace(TrainConfig(), epochs=40, patience=40)  # the package defaults, run to the end
    assert config == first_cycle
    quick = reference_accuracy.reference_config(epochs=1)
    assert (quick.epochs, quick.patience) == (1, 1)


@pytest.mark.slow  # a minute of training the 6M-parameter network: python -m pytest -m slow
def test_the_reference_trains_evaluates_and_is_compared(learnable_csv, tmp_path, caplog):
    caplog.set_level("INFO", logger="fercnn")
    config = replace(reference_accuracy.reference_config(epochs=1), batch_size=32)
    reference_accuracy.train_reference(config, load_fer2013(learnable_csv), tmp_path / "reference")

    assert "Grad-CAM skipped" in caplog.text  # the reference has no FERNet head
    assert (tmp_path / "reference" / "confusion_matrix_validation.png").is_file()
    note = tmp_path / "reference" / reference_accuracy.ARCHITECTURE_NOTE
    assert "build_reference_model" in note.read_text()
    rows = reference_accuracy.comparison_rows({"reference": tmp_path / "reference"})
    assert rows[0].startswith("| reference | 6,068,039 | 1 | 1 |")
