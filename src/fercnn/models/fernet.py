"""FERNet: a small hybrid CNN for 48x48 grayscale faces (Fused-MBConv early, MBConv late).

Default architecture (input 48x48x1, raw pixels 0..255; normalisation lives inside the model):

    stage            block                                    output
    rescale          x / 127.5 - 1                            48x48x1
    stem             conv3x3, stride 2, BN, ReLU6             24x24x32
    stage 1          1 x fused (conv3x3, BN, ReLU6) + skip    24x24x32
    stage 2          2 x fused, first stride 2                12x12x64
    stage 3          4 x fused, first stride 2                6x6x128
    stage 4          1 x inverted residual (MBConv), t=4      6x6x160
    head             conv1x1 -> 384, BN, ReLU6, global average pool, dropout, dense 7, softmax

About 0.8M parameters. On a CPU the cost of training is dominated by the large early
activations and their BatchNorms, not by parameter count (see benchmarks/throughput.py): a
depthwise conv on a 4x-expanded activation costs more time than a dense 3x3 conv on the narrow
input. So the early stages are EfficientNetV2's Fused-MBConv blocks (here with expansion 1:
one dense 3x3 conv and a residual), which buy twice the parameters of an all-MBConv layout
for little more training time, and only the last stage keeps the depthwise inverted
residual.

An inverted residual (MBConv) block expands channels ``t`` times with a 1x1 conv, filters each
channel with a 3x3 depthwise conv, and projects back with a *linear* 1x1 conv (no activation:
ReLU on a narrow bottleneck destroys information, the MobileNetV2 argument); a skip connection
adds the input where the shapes match. Only built-in Keras layers are used, so a saved model
loads on any backend without custom objects.
"""

import keras
from keras import layers

from ..labels import IMAGE_SIZE, NUM_CLASSES
from .fernet_config import BLOCKS, DEFAULT_STAGES, ModelConfig, Stage

__all__ = ["BLOCK_BUILDERS", "DEFAULT_STAGES", "ModelConfig", "Stage", "build_fernet"]


def conv_bn_relu6(x, channels, kernel_size, stride, momentum, name):
    x = layers.Conv2D(channels, kernel_size, stride, padding="same", use_bias=False, name=f"{name}_conv")(x)
    x = layers.BatchNormalization(momentum=momentum, name=f"{name}_bn")(x)
    return layers.ReLU(6.0, name=f"{name}_relu6")(x)


def inverted_residual(x, expansion, channels, stride, momentum, name):
    """Expand (1x1), depthwise 3x3, linear project (1x1); add the input when shapes match.

    With ``expansion=1`` there is no expansion conv and the block is a plain depthwise-separable
    convolution, the form MobileNetV2 uses for its first block.
    """
    shortcut = x
    if expansion != 1:
        x = conv_bn_relu6(x, x.shape[-1] * expansion, 1, 1, momentum, f"{name}_expand")
    x = layers.DepthwiseConv2D(3, stride, padding="same", use_bias=False, name=f"{name}_dw")(x)
    x = layers.BatchNormalization(momentum=momentum, name=f"{name}_dw_bn")(x)
    x = layers.ReLU(6.0, name=f"{name}_dw_relu6")(x)
    x = linear_projection(x, channels, momentum, name)
    return add_shortcut(shortcut, x, name)


def fused_inverted_residual(x, expansion, channels, stride, momentum, name):
    """Full 3x3 conv expands, linear 1x1 projects; add the input when shapes match.

    With ``expansion=1`` the block is one 3x3 conv with its activation, EfficientNetV2's
    form for its first stage.
    """
    shortcut = x
    if expansion == 1:
        x = conv_bn_relu6(x, channels, 3, stride, momentum, f"{name}_fused")
    else:
        x = conv_bn_relu6(x, x.shape[-1] * expansion, 3, stride, momentum, f"{name}_fused")
        x = linear_projection(x, channels, momentum, name)
    return add_shortcut(shortcut, x, name)


def linear_projection(x, channels, momentum, name):
    """1x1 conv and BN with no activation: ReLU on a narrow bottleneck destroys information."""
    x = layers.Conv2D(channels, 1, use_bias=False, name=f"{name}_project")(x)
    return layers.BatchNormalization(momentum=momentum, name=f"{name}_project_bn")(x)


def add_shortcut(shortcut, x, name):
    """The residual sum, where the block kept the spatial size and the channel count."""
    if shortcut.shape[1:] == x.shape[1:]:
        return layers.Add(name=f"{name}_add")([shortcut, x])
    return x


# a Stage's ``block`` names its builder here; one more entry adds a block type
BLOCK_BUILDERS = {"mbconv": inverted_residual, "fused": fused_inverted_residual}
assert tuple(BLOCK_BUILDERS) == BLOCKS, "every block type of model_config needs its builder here"


def build_fernet(
    config: ModelConfig | None = None, num_classes: int = NUM_CLASSES, name: str = "fernet"
) -> keras.Model:
    """Build the classifier: raw ``(48, 48, 1)`` pixels in, class probabilities out (the
    shipped architecture where ``config`` is None)."""
    config = config or ModelConfig()
    inputs = keras.Input((IMAGE_SIZE, IMAGE_SIZE, 1), name="pixels")
    x = layers.Rescaling(1 / 127.5, offset=-1.0, name="rescale")(inputs)
    if config.resolution != IMAGE_SIZE:
        x = layers.Resizing(config.resolution, config.resolution, name="resize")(x)
    momentum = config.batchnorm_momentum
    x = conv_bn_relu6(x, _scaled(config.stem_channels, config.width), 3, config.stem_stride, momentum, "stem")
    for stage_index, stage in enumerate(config.stages, start=1):
        channels = _scaled(stage.channels, config.width)
        build_block = BLOCK_BUILDERS[stage.block]
        for repeat in range(max(1, round(stage.repeats * config.depth))):
            stride = stage.stride if repeat == 0 else 1
            block = f"s{stage_index}b{repeat + 1}"
            x = build_block(x, stage.expansion, channels, stride, momentum, block)
    x = conv_bn_relu6(x, _scaled(config.head_channels, max(config.width, 1.0)), 1, 1, momentum, "head")
    x = layers.GlobalAveragePooling2D(name="pool")(x)
    x = layers.Dropout(config.dropout, name="dropout")(x)
    outputs = layers.Dense(num_classes, activation="softmax", name="predictions", dtype="float32")(x)
    return keras.Model(inputs, outputs, name=name)


def _scaled(channels, width):
    """Scale a channel count and round to a multiple of 8, the MobileNet convention."""
    return max(8, int(channels * width + 4) // 8 * 8)
