import ast
from pathlib import Path

import numpy as np
import pytest
from conftest import make_faces

from fercnn.augment import AugmentConfig, build_augmenter

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
    config = AugmentConfig(rotation_degrees=0, shift_fraction=0, zoom_fraction=0, horizontal_flip=False)
    images = make_faces(1)[0].astype("float32")
    np.testing.assert_array_equal(np.asarray(build_augmenter(config)(images, training=True)), images)


@pytest.mark.parametrize(
    "setting",
    [
        {"rotation_degrees": -1},
        {"rotation_degrees": 180},
        {"shift_fraction": 1.0},
        {"erasing_probability": 1.5},
    ],
)
def test_out_of_range_strengths_are_refused_with_the_valid_range(setting):
    name = next(iter(setting))
    with pytest.raises(ValueError, match=rf"AugmentConfig.{name}=.* is out of range: use"):
        AugmentConfig(**setting)


@pytest.mark.parametrize("module", ["augment.py", "model.py", "train.py", "evaluate.py"])
def test_model_and_training_code_never_import_tensorflow(module):
    """They must run unchanged on the JAX backend of a GPU machine without TensorFlow."""
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
