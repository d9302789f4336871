"""The original project's architecture, rebuilt only to measure against (never shipped).

As described in that project's notebook: a stride-2 stem, separable convolutions, then
MobileNetV2-style inverted residual blocks with expansion 6 widening to 512 channels, ReLU,
and L2(1e-4) on every kernel.
"""

import keras
from keras import layers, regularizers

L2 = regularizers.l2(1e-4)
BLOCKS = ((64, 1), (128, 2), (256, 2), (512, 2))  # (channels, stride): one block per width


def build_reference_model(num_classes=7, name="reference_original_project"):
    inputs = keras.Input((48, 48, 1))
    x = layers.Rescaling(1 / 255)(inputs)
    x = _bn_relu(layers.Conv2D(32, 3, 2, padding="same", use_bias=False, kernel_regularizer=L2)(x))
    x = _bn_relu(layers.SeparableConv2D(64, 3, padding="same", use_bias=False, pointwise_regularizer=L2)(x))
    for channels, stride in BLOCKS:
        x = _inverted_residual(x, channels, stride, expansion=6)
    x = layers.GlobalAveragePooling2D()(x)
    x = layers.Dropout(0.5)(x)
    outputs = layers.Dense(num_classes, activation="softmax", kernel_regularizer=L2)(x)
    return keras.Model(inputs, outputs, name=name)


def _bn_relu(x):
    return layers.ReLU()(layers.BatchNormalization()(x))


def _inverted_residual(x, channels, stride, expansion):
    shortcut = x
    in_channels = x.shape[-1]
    x = _bn_relu(layers.Conv2D(in_channels * expansion, 1, use_bias=False, kernel_regularizer=L2)(x))
    x = _bn_relu(layers.DepthwiseConv2D(3, stride, padding="same", use_bias=False)(x))
    x = layers.BatchNormalization()(layers.Conv2D(channels, 1, use_bias=False, kernel_regularizer=L2)(x))
    if stride == 1 and in_channels == channels:
        x = layers.Add()([shortcut, x])
    return x
