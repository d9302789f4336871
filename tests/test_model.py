import keras
import numpy as np
import pytest

from fercnn.models.fernet import ModelConfig, Stage, build_fernet


def test_raw_pixels_in_probabilities_out():
    model = build_fernet()
    faces = np.random.default_rng(0).integers(0, 256, (3, 48, 48, 1)).astype("float32")
    probabilities = np.asarray(model(faces, training=False))
    assert probabilities.shape == (3, 7)
    np.testing.assert_allclose(probabilities.sum(axis=1), 1.0, rtol=1e-5)


def test_normalisation_lives_inside_the_model():
    rescale = build_fernet().get_layer("rescale")
    np.testing.assert_allclose(np.asarray(rescale(np.array([[0.0, 127.5, 255.0]]))), [[-1.0, 0.0, 1.0]])


def test_residual_adds_exactly_where_shapes_match():
    config = ModelConfig(stages=(Stage(1, 16, 1, 1), Stage(4, 16, 2, 1), Stage(4, 24, 3, 2)))
    adds = [layer.name for layer in build_fernet(config).layers if isinstance(layer, keras.layers.Add)]
    # stem (32) -> 16 changes width: no add; s2b1 16->16 stride 1: add; s3b1 strides: no add
    assert adds == ["s2b1_add", "s2b2_add", "s3b2_add", "s3b3_add"]


def test_projection_is_linear_and_expansion_is_not():
    names = {layer.name for layer in build_fernet().layers}
    assert {"s4b1_expand_relu6", "s4b1_dw_relu6", "s4b1_project_bn"} <= names  # the MBConv stage
    assert not any(name.endswith("_project_relu6") for name in names)


def test_width_and_depth_scale_the_parameter_count():
    base = build_fernet().count_params()
    assert 700_000 < base < 900_000  # the documented ~0.8M default
    assert build_fernet(ModelConfig(width=0.5)).count_params() < base / 2
    deeper = build_fernet(ModelConfig(depth=2.0))
    assert deeper.count_params() > base
    blocks = [layer for layer in deeper.layers if layer.name.endswith(("_dw", "_fused_conv"))]
    assert len(blocks) == 2 * 8


def test_resolution_resizes_inside_the_model():
    model = build_fernet(ModelConfig(resolution=64))
    assert model.input_shape == (None, 48, 48, 1)
    assert model.get_layer("resize").output.shape[1:3] == (64, 64)
    assert model.get_layer("stem_conv").output.shape[1:3] == (32, 32)


@pytest.mark.parametrize("setting", [{"width": 0}, {"depth": -1}, {"resolution": 8}, {"dropout": 1.0}])
def test_bad_model_settings_are_refused(setting):
    with pytest.raises(ValueError, match=next(iter(setting))):
        ModelConfig(**setting)


def test_fused_stages_use_full_convs_and_keep_the_residual_rules():
    stages = (Stage(1, 32, 2, 1, "fused"), Stage(4, 48, 2, 2, "fused"), Stage(4, 48, 1, 1))
    config = ModelConfig(stages=stages)
    layers = {layer.name: layer for layer in build_fernet(config).layers}
    assert not any(name.startswith(("s1", "s2")) and name.endswith("_dw") for name in layers)
    assert "s3b1_dw" in layers  # the mbconv stage after them is unchanged
    assert layers["s1b1_fused_conv"].kernel_size == (3, 3)
    assert "s1b1_fused_relu6" in layers  # expansion 1: one conv with its activation
    assert layers["s2b1_fused_conv"].filters == 32 * 4  # a 3x3 conv does the expansion
    assert "s2b1_project_bn" in layers and "s2b1_project_relu6" not in layers  # linear projection
    adds = sorted(name for name in layers if name.endswith("_add"))
    assert adds == ["s1b1_add", "s1b2_add", "s2b2_add", "s3b1_add"]


def test_unknown_block_is_refused_with_the_choices():
    with pytest.raises(ValueError, match="mbconv, fused"):
        Stage(4, 48, 2, 2, "bottleneck")
