import sys
from pathlib import Path

import keras
import numpy as np
from conftest import TINY_MODEL, make_faces

from fercnn.models.fernet import build_fernet

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
import batchnorm_statistics  # noqa: E402


def test_every_batchnorm_gets_the_mean_and_variance_of_its_inputs_over_all_faces():
    model = build_fernet(TINY_MODEL)
    faces, _ = make_faces(per_class=90)  # 630 faces: two batches of unequal size
    batchnorm_statistics.remeasure_batchnorm(model, faces)

    first = model.get_layer("stem_bn")
    inputs = np.asarray(keras.Model(model.input, first.input)(faces.astype("float32")), dtype="float64")
    np.testing.assert_allclose(first.moving_mean, inputs.mean(axis=(0, 1, 2)), rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(first.moving_variance, inputs.var(axis=(0, 1, 2)), rtol=1e-3, atol=1e-5)
    norms = [layer for layer in model.layers if isinstance(layer, keras.layers.BatchNormalization)]
    assert all(np.all(np.asarray(layer.moving_variance) > 0) for layer in norms)
    assert not np.allclose(norms[-1].moving_mean, 0)  # every layer was re-measured, not only the first
