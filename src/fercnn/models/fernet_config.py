"""FERNet's architecture settings as plain data: what ``config.json`` records under ``model``.

Kept apart from :mod:`fercnn.models.fernet`, which builds the network with Keras, so that reading or
validating a run's settings (the command line's ``--help``, a saved ``config.json``) needs no
deep-learning framework.
"""

from dataclasses import dataclass

from ..labels import IMAGE_SIZE

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

    expansion: int
    channels: int
    repeats: int
    stride: int
    block: str = "mbconv"

    def __post_init__(self):
        if self.block not in BLOCKS:
            raise ValueError(f"Stage block must be one of {', '.join(BLOCKS)}, got {self.block!r}")


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

    width: float = 1.0
    depth: float = 1.0
    resolution: int = IMAGE_SIZE
    stem_channels: int = 32
    stem_stride: int = 2
    head_channels: int = 384
    dropout: float = 0.2
    batchnorm_momentum: float = 0.99
    stages: tuple = DEFAULT_STAGES

    def __post_init__(self):
        if self.width <= 0 or self.depth <= 0:
            raise ValueError(f"width and depth must be > 0, got width={self.width}, depth={self.depth}")
        if self.resolution < 16:
            raise ValueError(f"resolution must be >= 16 pixels, got {self.resolution}")
        if not 0 < self.batchnorm_momentum < 1:
            raise ValueError(f"batchnorm_momentum must be in (0, 1), got {self.batchnorm_momentum}")
        if not 0 <= self.dropout < 1:
            raise ValueError(f"dropout must be in [0, 1), got {self.dropout}")
