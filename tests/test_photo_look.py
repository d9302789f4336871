"""The photographic-look augmentation: which faces change, how far, and reproducibly."""

import numpy as np
import pytest
from conftest import make_faces, tiny_config

from fercnn.data.augment import AugmentConfig
from fercnn.data.photo_look import apply_photo_look
from fercnn.training.loop import train


def faces():
    return make_faces(4)[0].astype("float32")


def test_no_face_changes_at_probability_zero_and_every_face_at_one():
    images = faces()
    assert np.array_equal(apply_photo_look(images, 0.0, np.random.default_rng(0)), images)
    changed = apply_photo_look(images, 1.0, np.random.default_rng(0))
    assert all(not np.array_equal(a, b) for a, b in zip(images, changed, strict=True))
    assert changed.shape == images.shape and changed.dtype == np.float32
    assert changed.min() >= 0 and changed.max() <= 255


def test_the_same_seed_gives_the_same_faces_and_the_input_is_left_alone():
    images = faces()
    before = images.copy()
    first = apply_photo_look(images, 0.5, np.random.default_rng(7))
    second = apply_photo_look(images, 0.5, np.random.default_rng(7))
    assert np.array_equal(first, second) and np.array_equal(images, before)


def test_a_changed_face_keeps_its_layout():
    """A change of look, not of content: each face stays far closer to itself than to another."""
    images = faces()
    changed = apply_photo_look(images, 1.0, np.random.default_rng(1))
    own = np.abs(changed - images).mean(axis=(1, 2, 3))
    other = np.abs(changed - np.roll(images, 4, axis=0)).mean(axis=(1, 2, 3))
    assert (own < other).mean() > 0.9


def test_the_probability_is_checked_and_training_applies_it(learnable_csv, tmp_path):
    with pytest.raises(ValueError, match=r"photo_look_probability must be in \[0, 1\], got 1.5"):
        AugmentConfig(photo_look_probability=1.5)
    config = tiny_config(epochs=1, augment=AugmentConfig(photo_look_probability=0.5))
    result = train(config, learnable_csv, tmp_path / "run", verbose=0)
    assert result.state.epochs_done == 1
    assert '"photo_look_probability": 0.5' in (tmp_path / "run" / "config.json").read_text()
