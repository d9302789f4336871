"""FERNet's architecture settings as plain data: what ``config.json`` records under ``model``.

Kept apart from :mod:`fercnn.models.fernet`, which builds the network with Keras, so that reading or
validating a run's settings (the command line's ``--help``, a saved ``config.json``) needs no
deep-learning framework.
"""

from dataclasses import dataclass

from ..labels import IMAGE_SIZE
from ..settings import OneOf, Range, setting, validate

__all__ = ["BLOCKS", "DEFAULT_STAGES", "ModelConfig", "Stage"]

# "mbconv": 1x1 expand, 3x3 depthwise, 1x1 project; "fused": EfficientNetV2's Fused-MBConv
BLOCKS = ("mbconv", "fused")


@dataclass(frozen=True)
class Stage:
    """``repeats`` inverted residual blocks; the first one applies ``stride``.

    ``block`` is ``"mbconv"`` (1x1 expand, 3x3 depthwise, 1x1 project) or ``"fused"``
    (one full 3x3 conv expands, 1x1 projects: EfficientNetV2's Fused-MBConv). On a CPU the
    depthwise conv and the BatchNorm of its wide expanded activation cost more time than a
    dense 3x3 conv on the narrow input, so fused blocks buy parameters at little CPU cost.
    """

    expansion: int = setting(check=Range(1))
    channels: int = setting(check=Range(1))
    repeats: int = setting(check=Range(1))
    stride: int = setting(check=Range(1, 2))
    block: str = setting("mbconv", check=OneOf(BLOCKS))

    def __post_init__(self):
        validate(self)


DEFAULT_STAGES = (
    Stage(expansion=1, channels=32, repeats=1, stride=1, block="fused"),
    Stage(expansion=1, channels=64, repeats=2, stride=2, block="fused"),
    Stage(expansion=1, channels=128, repeats=4, stride=2, block="fused"),
    Stage(expansion=4, channels=160, repeats=1, stride=1),
)


@dataclass(frozen=True)
class ModelConfig:
    """Knobs for size and speed; the defaults are the shipped architecture.

    ``width`` scales every channel count, ``depth`` every stage's repeat count, and
    ``resolution`` is the side the 48x48 input is resized to inside the model (larger keeps
    more detail after the stride-2 stem, at quadratic cost). ``batchnorm_momentum`` sets how
    slowly BatchNorm's inference statistics follow the batches: runs of only a few dozen
    steps need a lower value than Keras' 0.99 or their inference statistics stay unsettled.
    """

    width: float = setting(1.0, "channel multiplier", Range(0, low_open=True))
    depth: float = setting(1.0, "block-repeat multiplier", Range(0, low_open=True))
    resolution: int = setting(
        IMAGE_SIZE, "side the 48x48 input is resized to inside the model", Range(16), hint="pixels"
    )
    stem_channels: int = setting(32, "channels of the stem convolution", Range(1))
    stem_stride: int = setting(2, "stride of the stem convolution", Range(1, 2))
    head_channels: int = setting(384, "channels of the 1x1 head before pooling", Range(1))
    dropout: float = setting(0.2, "dropout before the classifier", Range(0, 1, high_open=True))
    batchnorm_momentum: float = setting(
        0.99,
        "how slowly BatchNorm's inference statistics follow the batches",
        Range(0, 1, low_open=True, high_open=True),
    )
    stages: tuple[Stage, ...] = setting(DEFAULT_STAGES, flag=False)

    def __post_init__(self):
        validate(self)
