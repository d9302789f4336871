"""Checks on the real FER2013 rows (Training and PublicTest), where FER2013_CSV names the file."""

import json
from pathlib import Path

import keras
import pytest
from conftest import REAL_DATA

from fercnn.data.loading import load_fer2013
from fercnn.evaluation.metrics import evaluate_split

MODELS = Path(__file__).resolve().parents[1] / "models"
pytestmark = pytest.mark.skipif(REAL_DATA is None, reason="FER2013_CSV does not name the real FER2013 CSV")


@pytest.fixture(scope="module")
def real_data():
    return load_fer2013(REAL_DATA)


def test_real_csv_has_the_official_split_sizes_and_class_counts(real_data):
    assert real_data.names == ("train", "validation")
    assert len(real_data["train"]) == 28_709 and len(real_data["validation"]) == 3_589
    assert real_data["train"].class_counts().tolist() == [3995, 436, 4097, 7215, 4830, 3171, 4965]


@pytest.mark.skipif(not (MODELS / "metrics.json").exists(), reason="no shipped model metrics")
def test_shipped_model_reproduces_its_publictest_figures(real_data):
    shipped = json.loads((MODELS / "metrics.json").read_text())["splits"]["validation"]
    model = keras.models.load_model(MODELS / "fernet_fer2013.keras", compile=False)
    summary = evaluate_split(model, "validation", real_data["validation"]).summary()
    assert summary["accuracy"] == pytest.approx(shipped["accuracy"], abs=1e-4)
    assert summary["macro_f1"] == pytest.approx(shipped["macro_f1"], abs=1e-4)
    assert summary["accuracy_flip_tta"] == pytest.approx(shipped["accuracy_flip_tta"], abs=1e-4)
    assert summary["ece"] == pytest.approx(shipped["ece"], abs=1e-4)
    assert summary["ece"] < 0.05  # calibrated (python -m fercnn calibrate; models/calibration.json)
