import ast
import math
from dataclasses import replace
from pathlib import Path

import keras
import numpy as np
import pytest
from conftest import make_faces
from keras import ops

from fercnn.data.affine import RandomAffine, affine_matrices
from fercnn.data.augment import NO_AUGMENTATION, AugmentConfig, augment_arrays, build_augmenter

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "fercnn"


def test_augmenter_keeps_shape_and_changes_faces_only_in_training():
    images = make_faces(2)[0].astype("float32")
    augmenter = build_augmenter(AugmentConfig(rotation_degrees=20, erasing_probability=0.5), seed=1)
    trained = np.asarray(augmenter(images, training=True))
    served = np.asarray(augmenter(images, training=False))
    assert trained.shape == served.shape == images.shape
    np.testing.assert_array_equal(served, images)
    assert np.abs(trained - images).mean() > 1.0


def test_all_strengths_zero_is_an_identity_even_in_training():
    images = make_faces(1)[0].astype("float32")
    np.testing.assert_array_equal(np.asarray(build_augmenter(NO_AUGMENTATION)(images, training=True)), images)


def test_augment_arrays_draws_by_seed_across_batches():
    images = make_faces(5)[0]
    config = AugmentConfig(rotation_degrees=20, warp_probability=1.0)
    first = augment_arrays(config, images, seed=3, batch_size=2)
    assert first.shape == images.shape and first.dtype == np.float32
    assert (np.abs(first - images).reshape(len(images), -1).mean(axis=1) > 1.0).all()  # every batch warped
    np.testing.assert_array_equal(augment_arrays(config, images, seed=3, batch_size=2), first)
    assert not np.array_equal(augment_arrays(config, images, seed=4, batch_size=2), first)
    np.testing.assert_array_equal(augment_arrays(NO_AUGMENTATION, images, seed=3), images)


@pytest.mark.parametrize(
    "setting",
    [
        {"rotation_degrees": -1},
        {"rotation_degrees": 180},
        {"shift_fraction": 1.0},
        {"erasing_probability": 1.5},
        {"warp_probability": 1.01},
    ],
)
def test_out_of_range_strengths_are_refused_with_the_valid_range(setting):
    name = next(iter(setting))
    with pytest.raises(ValueError, match=rf"AugmentConfig.{name} must be in \[0, "):
        AugmentConfig(**setting)


def _warp(image, angle=0.0, scale=1.0, shift_x=0.0, shift_y=0.0):
    batch = image[None, :, :, None].astype("float32")
    motion = (ops.convert_to_tensor([value]) for value in (angle, scale, shift_x, shift_y))
    matrices = affine_matrices(*motion, *image.shape)
    return np.asarray(ops.image.affine_transform(batch, matrices, fill_mode="constant"))[0, :, :, 0]


def test_affine_matrices_rotate_about_the_centre_and_shift_in_pixels():
    image = np.arange(25.0).reshape(5, 5)
    np.testing.assert_allclose(_warp(image, angle=math.pi / 2), np.rot90(image), atol=1e-4)
    shifted = _warp(image, shift_x=1.0)  # each output pixel reads the input one to its right
    np.testing.assert_allclose(shifted[:, :4], image[:, 1:], atol=1e-4)
    np.testing.assert_allclose(_warp(image, scale=1.0), image, atol=1e-4)


def test_one_warp_blurs_less_than_the_three_layer_chain():
    """The reason for RandomAffine: a face should be resampled once, not once per motion."""
    images = make_faces(8)[0].astype("float32")
    tiny = {"rotation_degrees": 1.0, "shift_fraction": 0.01, "zoom_fraction": 0.01, "horizontal_flip": False}
    sharpness = {}
    for resampling in ("once", "per_layer"):
        config = AugmentConfig(**tiny, resampling=resampling, warp_probability=1.0)
        augmenter = build_augmenter(config, seed=3)
        warped = np.asarray(augmenter(images, training=True))[:, 4:-4, 4:-4]
        sharpness[resampling] = np.abs(np.diff(warped, axis=2)).mean()
    assert sharpness["once"] > 1.1 * sharpness["per_layer"]


def test_warp_probability_leaves_the_other_faces_exactly_as_they_were():
    images = make_faces(20)[0].astype("float32")
    config = AugmentConfig(rotation_degrees=20, horizontal_flip=False, warp_probability=0.5)
    augmented = np.asarray(build_augmenter(config, seed=2)(images, training=True))
    untouched = np.all(augmented == images, axis=(1, 2, 3))
    assert 0.3 < untouched.mean() < 0.7  # 140 faces, each kept with chance 0.5
    never = build_augmenter(replace(config, warp_probability=0.0), seed=2)
    np.testing.assert_array_equal(np.asarray(never(images, training=True)), images)


def test_random_affine_round_trips_through_a_saved_model(tmp_path):
    """Training checkpoints hold the augmenter, so resuming must rebuild it from the file."""
    model = keras.Sequential([keras.Input((48, 48, 1)), RandomAffine(10, 0.1, 0.1, seed=5)])
    model.save(tmp_path / "augmenter.keras")
    layer = keras.models.load_model(tmp_path / "augmenter.keras").layers[0]
    assert isinstance(layer, RandomAffine)
    assert (layer.rotation_degrees, layer.shift_fraction, layer.zoom_fraction, layer.seed) == (
        10,
        0.1,
        0.1,
        5,
    )


def test_per_layer_resampling_refuses_a_warp_probability_it_would_ignore():
    with pytest.raises(ValueError, match="warp_probability=0.5 needs resampling='once'"):
        AugmentConfig(resampling="per_layer", warp_probability=0.5)
    assert AugmentConfig(resampling="per_layer", warp_probability=1.0).resampling == "per_layer"


def test_unknown_resampling_is_refused_with_the_choices():
    with pytest.raises(ValueError, match="resampling 'twice' is unknown: use one of once, per_layer"):
        AugmentConfig(resampling="twice")


BACKEND_FREE = [
    "data/affine.py",
    "data/augment.py",
    "models/fernet.py",
    "training/loop.py",
    "evaluation/metrics.py",
]


@pytest.mark.parametrize("module", BACKEND_FREE)
def test_model_and_training_code_never_import_tensorflow(module):
    """They must run unchanged on the JAX backend, where TensorFlow may not be installed."""
    tree = ast.parse((PACKAGE / module).read_text())
    imported = {
        alias.name.split(".")[0]
        for node in ast.walk(tree)
        if isinstance(node, ast.Import)
        for alias in node.names
    }
    imported |= {
        node.module.split(".")[0]
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom) and node.module
    }
    assert "tensorflow" not in imported
