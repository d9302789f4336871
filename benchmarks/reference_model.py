"""The original project's network, rebuilt from its description only to measure against.

6,068,039 parameters. Raw 0..255 pixels in (no normalisation); every convolution without bias,
with L2(1e-4) on its kernels, followed by BatchNorm and ReLU6 except for the linear projection:

    stem               conv3x3/2 (32), separable conv3x3 (32)                  24x24
    IR 64, sep 64      an inverted residual, then a separable conv of its width
    IR 128, pool, sep 128
    IR 256, sep 256
    IR 256, pool, sep 256
    IR 512, sep 512
    IR 512, pool                                                               3x3
    head               global average pool, dense 7, softmax

Each inverted residual (IR) keeps the resolution: 1x1 expansion to 6x its input channels,
depthwise 3x3, linear 1x1 projection, and a skip connection where the channels match.
"""

import keras
from keras import layers, regularizers

L2 = regularizers.l2(1e-4)
EXPANSION = 6
# (inverted-residual width, max-pool after it, then a separable conv of the same width)
LAYOUT = (
    (64, False, True),
    (128, True, True),
    (256, False, True),
    (256, True, True),
    (512, False, True),
    (512, True, False),
)


def build_reference_model(num_classes=7, name="reference_original_project"):
    inputs = keras.Input((48, 48, 1))
    x = _bn_relu6(layers.Conv2D(32, 3, 2, padding="same", use_bias=False, kernel_regularizer=L2)(inputs))
    x = _separable(x, 32)
    for channels, pool, separable in LAYOUT:
        x = _inverted_residual(x, channels)
        if pool:
            x = layers.MaxPooling2D(2)(x)
        if separable:
            x = _separable(x, channels)
    x = layers.GlobalAveragePooling2D()(x)
    outputs = layers.Dense(num_classes, activation="softmax")(x)
    return keras.Model(inputs, outputs, name=name)


def _bn_relu6(x):
    return layers.ReLU(6.0)(layers.BatchNormalization()(x))


def _separable(x, channels):
    conv = layers.SeparableConv2D(
        channels, 3, padding="same", use_bias=False, depthwise_regularizer=L2, pointwise_regularizer=L2
    )
    return _bn_relu6(conv(x))


def _inverted_residual(x, channels):
    shortcut = x
    x = _bn_relu6(layers.Conv2D(x.shape[-1] * EXPANSION, 1, use_bias=False, kernel_regularizer=L2)(x))
    x = _bn_relu6(layers.DepthwiseConv2D(3, padding="same", use_bias=False, depthwise_regularizer=L2)(x))
    x = layers.BatchNormalization()(layers.Conv2D(channels, 1, use_bias=False, kernel_regularizer=L2)(x))
    return layers.Add()([shortcut, x]) if shortcut.shape[-1] == channels else x
