"""Labelled photo folders scored through the face pipeline: layouts, names, figures, errors."""

import csv
import json
import shutil

import numpy as np
import pytest
from PIL import Image

from fercnn.app.cli import main
from fercnn.app.predict import sample_photo
from fercnn.errors import DatasetFormatError
from fercnn.evaluation.photos import labelled_photos, photo_metrics, score_photos
from fercnn.faces.boxes import Box
from fercnn.faces.pipeline import FaceResult
from fercnn.labels import EMOTIONS
from fercnn.runtime.adjustments import (
    Averaged,
    FlipAveraged,
    PriorCorrected,
    balancing_weights,
    prior_weights,
)


def one_hot(name):
    probabilities = np.zeros(len(EMOTIONS), dtype="float32")
    probabilities[EMOTIONS.index(name)] = 1
    return probabilities


class ReadsBrightness:
    """A stand-in pipeline: a bright photo is a happy face, a mid-grey one a sad face, and a
    dark one has no face; a second, smaller face is always angry (the largest must win)."""

    def __call__(self, rgb, whole_image=False):
        level = rgb.mean()
        if level < 50:
            return [], False
        emotion = "happy" if level > 180 else "sad"
        return [
            FaceResult(Box(0, 0, 10, 10), one_hot("angry")),
            FaceResult(Box(0, 0, 40, 40), one_hot(emotion)),
        ], False


def photo(path, level):
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.new("RGB", (64, 64), (level, level, level)).save(path)
    return path


@pytest.fixture
def photo_folder(tmp_path):
    root = tmp_path / "photos"
    photo(root / "Happiness" / "a.png", 220)  # right
    photo(root / "happy" / "b.jpg", 120)  # read as sad: wrong
    photo(root / "sadness" / "c.png", 120)  # right
    photo(root / "sad" / "deeper" / "d.png", 10)  # no face: wrong
    photo(root / "contempt" / "e.png", 220)  # left out
    return root


def test_folder_names_are_mapped_and_contempt_is_left_out_and_counted(photo_folder):
    photos = labelled_photos(photo_folder)
    assert sorted(p.label for p in photos) == ["contempt", "happy", "happy", "sad", "sad"]
    metrics = photo_metrics(score_photos(photos, ReadsBrightness()))
    assert (metrics["photos"], metrics["faces_found"], metrics["left_out"]) == (4, 3, {"contempt": 1})
    assert metrics["accuracy"] == pytest.approx(0.5)  # the photo without a face counts as wrong
    assert metrics["accuracy_on_found_faces"] == pytest.approx(2 / 3)
    assert metrics["per_class"]["happy"]["recall"] == pytest.approx(0.5)
    assert metrics["macro_recall"] == pytest.approx(0.5)
    low, high = metrics["accuracy_ci95"]
    assert low < 0.5 < high
    confusion = np.array(metrics["confusion_matrix"])
    assert confusion[EMOTIONS.index("sad"), -1] == 1  # the "no face" column
    assert confusion.sum() == 4


def test_an_unknown_folder_name_lists_the_names_accepted(tmp_path):
    photo(tmp_path / "photos" / "joyful" / "a.png", 200)
    with pytest.raises(DatasetFormatError, match="'joyful' is not an emotion.*anger, angry"):
        labelled_photos(tmp_path / "photos")


def test_photos_outside_emotion_folders_are_refused_not_dropped(photo_folder):
    photo(photo_folder / "loose.jpg", 200)
    with pytest.raises(DatasetFormatError, match="outside any emotion folder.*loose.jpg"):
        labelled_photos(photo_folder)


def test_a_csv_of_files_and_labels_names_a_bad_line(tmp_path):
    photo(tmp_path / "a.png", 220)
    table = tmp_path / "labels.csv"
    table.write_text("file,label\na.png,Surprised\n")
    assert [(p.path.name, p.label) for p in labelled_photos(table)] == [("a.png", "surprise")]
    table.write_text("file,label\na.png,happy\nmissing.png,sad\n")
    with pytest.raises(DatasetFormatError, match="line 3: .*missing.png is not a file"):
        labelled_photos(table)


def test_an_unreadable_photo_counts_as_wrong_and_keeps_its_error(photo_folder):
    (photo_folder / "happy" / "broken.jpg").write_bytes(b"not a jpeg")
    scores = score_photos(labelled_photos(photo_folder), ReadsBrightness())
    assert photo_metrics(scores)["unreadable"] == 1
    assert any(error and "broken.jpg" in error for error in scores.errors)


def test_flip_averaging_and_a_class_prior_adjust_probabilities_as_documented():
    faces = np.zeros((1, 48, 48, 1), dtype=np.uint8)
    faces[0, :, :24] = 255  # the mirror image is bright on the other side

    def left_bright_is_happy(batch):
        happy = batch[:, :, :24].mean(axis=(1, 2, 3)) > batch[:, :, 24:].mean(axis=(1, 2, 3))
        return np.stack([one_hot("happy") if h else one_hot("sad") for h in happy])

    averaged = FlipAveraged(left_bright_is_happy)(faces)[0]
    assert averaged[EMOTIONS.index("happy")] == averaged[EMOTIONS.index("sad")] == 0.5
    weights = prior_weights(trained_on=[1, 1, 1, 1, 1, 1, 5])  # trained where neutral was 5x common
    corrected = PriorCorrected(lambda batch: np.full((1, 7), 1 / 7), weights)(faces)[0]
    assert corrected.argmin() == EMOTIONS.index("neutral") and corrected.sum() == pytest.approx(1)
    with pytest.raises(ValueError, match="7 weights > 0"):
        PriorCorrected(left_bright_is_happy, [1, 2])


def test_balancing_weights_make_a_models_mean_prediction_uniform():
    """A model that leans to neutral on every face, whatever its input: divided by its own mean
    prediction, it leans to no class, and its mean over the same faces is uniform."""
    rng = np.random.default_rng(0)
    faces = rng.integers(0, 256, (600, 48, 48, 1), dtype=np.uint8)
    leaning = np.array([1, 1, 1, 1, 1, 1, 4], dtype="float64")

    def leans_to_neutral(batch):
        noise = rng.uniform(0.5, 1.5, (len(batch), 7))
        scores = noise * leaning
        return scores / scores.sum(axis=1, keepdims=True)

    weights = balancing_weights(leans_to_neutral, faces, batch_size=64)
    assert weights.argmin() == EMOTIONS.index("neutral") and weights.mean() == pytest.approx(1)
    balanced = PriorCorrected(leans_to_neutral, weights)(faces).mean(axis=0)
    np.testing.assert_allclose(balanced, 1 / 7, atol=0.02)


def test_evaluate_photos_writes_its_table_metrics_and_figure(tmp_path, capsys):
    photos = tmp_path / "portraits"
    (photos / "happy").mkdir(parents=True)
    shutil.copy(sample_photo(), photos / "happy" / "astronaut.png")
    out = tmp_path / "out"
    assert main(["evaluate", "--photos", str(photos), "--output-dir", str(out), "--detector", "haar"]) == 0
    printed = capsys.readouterr().out
    assert "1 photos, faces found in 1" in printed and "happy" in printed
    metrics = json.loads((out / "photo_metrics.json").read_text())
    assert metrics["photos"] == 1 and metrics["faces_found"] == 1
    rows = list(csv.DictReader((out / "photos.csv").open()))
    assert rows[0]["label"] == "happy" and float(rows[0]["happy"]) > 0.5
    assert (out / "confusion_matrix_photos.png").stat().st_size > 0

    assert main(["evaluate", "--photos", str(tmp_path / "nowhere"), "--output-dir", str(out)]) == 2
    assert "nowhere does not exist" in capsys.readouterr().err


def test_compare_on_photos_pairs_two_models_on_the_same_photos(tmp_path, capsys):
    photos = tmp_path / "portraits"
    (photos / "happy").mkdir(parents=True)
    shutil.copy(sample_photo(), photos / "happy" / "astronaut.png")
    from fercnn.models.shipped import shipped_model

    model = str(shipped_model())
    assert main(["compare", model, model, "--photos", str(photos), "--detector", "haar"]) == 0
    printed = capsys.readouterr().out
    assert "photos of" in printed and "only A right 0, only B right 0" in printed


def test_an_ensemble_is_the_mean_of_its_models():
    faces = np.zeros((3, 48, 48, 1), np.uint8)
    sure = lambda batch: np.tile(np.eye(7)[3], (len(batch), 1))  # noqa: E731
    unsure = lambda batch: np.full((len(batch), 7), 1 / 7)  # noqa: E731
    mean = Averaged((sure, unsure))(faces)
    assert mean.shape == (3, 7) and np.allclose(mean.sum(axis=1), 1)
    assert np.allclose(mean[:, 3], (1 + 1 / 7) / 2)
    with pytest.raises(ValueError, match="at least one classifier"):
        Averaged(())
