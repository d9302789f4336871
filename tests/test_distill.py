"""Knowledge distillation: the teachers' soft labels, their cache, and a distilled run."""

from dataclasses import replace

import keras
import numpy as np
import pytest
from conftest import LEARNED, tiny_config, train_until_crash

from fercnn.app.cli import build_parser, config_from_args
from fercnn.data.loading import load_fer2013
from fercnn.evaluation.metrics import evaluate_split
from fercnn.training import distill
from fercnn.training import loop as train_module
from fercnn.training.config import TrainConfig
from fercnn.training.loop import train


@pytest.fixture(scope="module")
def teacher(trained_run):
    return str(trained_run[1].best_model_path)


@pytest.fixture(scope="module")
def train_split(learnable_csv):
    return load_fer2013(learnable_csv)["train"]


def recorded(monkeypatch, owner, name, keep):
    """Wrap ``owner.name`` so that every call still runs, and ``keep(args, result)`` of each call
    is appended to the list returned."""
    calls, real = [], getattr(owner, name)

    def wrapper(*args, **kwargs):
        result = real(*args, **kwargs)
        calls.append(keep(args, result))
        return result

    monkeypatch.setattr(owner, name, wrapper)
    return calls


def test_teachers_give_their_mean_flip_averaged_probabilities(teacher, train_split):
    own = evaluate_split(keras.models.load_model(teacher), "train", train_split).tta_probabilities
    one = distill.teacher_probabilities([teacher], train_split)
    np.testing.assert_allclose(one, own, atol=1e-6)
    # two copies of one teacher average to that teacher
    np.testing.assert_allclose(distill.teacher_probabilities([teacher, teacher], train_split), one, atol=1e-6)


def test_temperature_softens_without_changing_the_teachers_choice(teacher, train_split):
    plain = distill.teacher_probabilities([teacher], train_split)
    soft = distill.teacher_probabilities([teacher], train_split, temperature=3.0)
    np.testing.assert_allclose(soft.sum(axis=1), 1.0, atol=1e-5)
    np.testing.assert_array_equal(soft.argmax(axis=1), plain.argmax(axis=1))
    assert (soft.max(axis=1) <= plain.max(axis=1) + 1e-6).all()
    assert soft.max(axis=1).mean() < plain.max(axis=1).mean() - 0.05


def test_targets_blend_the_labels_and_the_teachers():
    one_hot = np.eye(7)[[0, 2]]
    teacher_probs = np.full((2, 7), 1 / 7, dtype="float32")
    np.testing.assert_allclose(distill.distillation_targets(one_hot, teacher_probs, 0.0), one_hot)
    np.testing.assert_allclose(distill.distillation_targets(one_hot, teacher_probs, 1.0), teacher_probs)
    half = distill.distillation_targets(one_hot, teacher_probs, 0.5)
    assert half[1, 2] == pytest.approx(0.5 + 0.5 / 7)
    np.testing.assert_allclose(half.sum(axis=1), 1.0, atol=1e-6)
    # a blended face's mixed label is blended the same way
    mixed = np.array([[0.7, 0, 0.3, 0, 0, 0, 0]])
    np.testing.assert_allclose(
        distill.distillation_targets(mixed, teacher_probs[:1], 0.5)[0, 2], 0.15 + 0.5 / 7
    )
    with pytest.raises(ValueError, match="3 teacher probabilities for 2 training faces"):
        distill.distillation_targets(one_hot, np.ones((3, 7)), 0.5)


def test_a_distilled_run_learns_caches_its_teachers_and_resumes(
    teacher, learnable_csv, train_split, tmp_path, monkeypatch
):
    config = tiny_config(teachers=(teacher,), teacher_temperature=2.0)
    train_until_crash(config, learnable_csv, tmp_path / "run", monkeypatch, after_epoch=1)
    with np.load(tmp_path / "run" / distill.TEACHER_CACHE) as cached:
        cached = cached["probabilities"]
    np.testing.assert_allclose(cached, distill.teacher_probabilities([teacher], train_split, 2.0), atol=1e-6)

    def no_second_pass(*args, **kwargs):
        raise AssertionError("a resumed run must reuse the cached teacher probabilities")

    monkeypatch.setattr(distill, "teacher_probabilities", no_second_pass)
    result = train(config, learnable_csv, tmp_path / "run", verbose=0)
    assert result.state.epochs_done == config.epochs
    assert result.state.best_val_accuracy >= LEARNED
    assert TrainConfig.load(tmp_path / "run" / "config.json") == config


def test_the_cache_is_recomputed_for_other_teachers_or_temperature(teacher, train_split, tmp_path):
    first = distill.cached_teacher_probabilities(tmp_path, [teacher], train_split, temperature=1.0)
    softer = distill.cached_teacher_probabilities(tmp_path, [teacher], train_split, temperature=3.0)
    assert softer.max(axis=1).mean() < first.max(axis=1).mean() - 0.05
    with pytest.raises(FileNotFoundError, match="other.keras"):
        distill.cached_teacher_probabilities(tmp_path, [teacher, tmp_path / "other.keras"], train_split, 3.0)
    again = distill.cached_teacher_probabilities(tmp_path, [teacher], train_split, temperature=3.0)
    np.testing.assert_array_equal(again, softer)


def test_every_epoch_blends_the_same_soft_labels(teacher, learnable_csv, train_split, tmp_path, epoch_arrays):
    config = tiny_config(epochs=3, mixup_alpha=0.2, teachers=(teacher,))
    train(config, learnable_csv, tmp_path / "run", verbose=0)
    expected = distill.distillation_targets(
        np.eye(7)[train_split.labels],
        distill.teacher_probabilities([teacher], train_split),
        config.teacher_weight,
    )
    assert len(epoch_arrays) == 3
    for epoch in epoch_arrays:
        np.testing.assert_allclose(epoch["base_targets"], expected, atol=1e-6)


def test_mixed_view_teachers_label_each_epochs_blends(
    teacher, learnable_csv, tmp_path, epoch_arrays, monkeypatch
):
    labelled = recorded(monkeypatch, distill.Teachers, "probabilities", lambda args, probs: (args[1], probs))
    fitted = recorded(monkeypatch, train_module, "distillation_targets", lambda args, _: args)
    config = tiny_config(epochs=2, mixup_alpha=0.2, cutmix_alpha=1.0, teachers=(teacher,))
    train(replace(config, teacher_views="mixed"), learnable_csv, tmp_path / "run", verbose=0)

    assert not (tmp_path / "run" / distill.TEACHER_CACHE).exists()
    assert len(epoch_arrays) == len(labelled) == len(fitted) == 2
    for epoch, (images, probs), blend in zip(epoch_arrays, labelled, fitted, strict=True):
        assert epoch["base_targets"] is None  # no cached soft labels: the labels are mixed plain
        assert images is epoch["images"]  # the teachers saw the very blends the student fits
        assert blend[0] is epoch["mixed_targets"] and blend[1] is probs
        assert blend[2] == config.teacher_weight
    assert not np.array_equal(labelled[0][0], labelled[1][0])  # new blends, new labels, every epoch


def test_augmented_view_teachers_label_the_very_faces_the_student_fits(
    teacher, learnable_csv, tmp_path, epoch_arrays, monkeypatch
):
    labelled = recorded(monkeypatch, distill.Teachers, "probabilities", lambda args, _: args[1])
    augmented = recorded(monkeypatch, train_module, "augment_arrays", lambda _, faces: faces)
    fitted = recorded(monkeypatch, keras.Model, "fit", lambda args, _: args[:2])  # (trainer, x)
    config = tiny_config(epochs=2, mixup_alpha=0.2, teachers=(teacher,))
    train(replace(config, teacher_views="augmented"), learnable_csv, tmp_path / "run", verbose=0)

    assert len(epoch_arrays) == len(augmented) == len(labelled) == len(fitted) == 2
    for epoch, faces, seen, (trainer, x) in zip(epoch_arrays, augmented, labelled, fitted, strict=True):
        assert seen is faces and x is faces  # teachers and student see the same warped blends
        assert not np.allclose(faces, epoch["images"])  # warped and flipped after the mixing
        assert [type(layer) for layer in trainer.get_layer("augment").layers] == [keras.layers.Identity]
    assert not np.array_equal(augmented[0], augmented[1])


def test_a_missing_teacher_is_named(learnable_csv, tmp_path):
    config = tiny_config(teachers=(str(tmp_path / "gone.keras"),))
    with pytest.raises(FileNotFoundError, match="teacher model .*gone.keras does not exist"):
        train(config, learnable_csv, tmp_path / "run", verbose=0)


@pytest.mark.parametrize(
    ("setting", "message"),
    [
        ({"teacher_weight": 1.5}, "teacher_weight must be in"),
        ({"teacher_temperature": 0.0}, "teacher_temperature must be > 0"),
        ({"teacher_views": "noisy"}, "teacher_views 'noisy' is unknown: use one of clean, mixed, augmented"),
    ],
)
def test_bad_distillation_settings_are_refused(setting, message):
    with pytest.raises(ValueError, match=message):
        replace(TrainConfig(), **setting)


def test_distillation_flags_reach_the_config():
    argv = ["train", "--teacher", "a.keras", "--teacher", "b.keras", "--teacher-weight", "0.7"]
    config = config_from_args(
        build_parser().parse_args([*argv, "--teacher-temperature", "2", "--teacher-views", "mixed"])
    )
    assert (config.teachers, config.teacher_weight, config.teacher_temperature, config.teacher_views) == (
        ("a.keras", "b.keras"),
        0.7,
        2.0,
        "mixed",
    )
