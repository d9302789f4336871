"""Training-time augmentation settings as plain data: what ``config.json`` records under
``augment``. The layers that apply them are in :mod:`fercnn.data.augment` (Keras) and
:mod:`fercnn.data.photo_look` (numpy); these settings need neither.
"""

from dataclasses import dataclass

__all__ = ["NO_AUGMENTATION", "RESAMPLINGS", "AugmentConfig"]

RESAMPLINGS = ("once", "per_layer")
# each strength's valid range, as a test and as the advice given when it fails
_RANGES = {
    "rotation_degrees": (lambda v: 0 <= v < 180, "use 0 <= degrees < 180"),
    "shift_fraction": (lambda v: 0 <= v < 1, "use a fraction of the image side, 0 <= f < 1"),
    "zoom_fraction": (lambda v: 0 <= v < 1, "use a fraction of the image side, 0 <= f < 1"),
    "erasing_probability": (lambda v: 0 <= v < 1, "use a probability 0 <= p < 1"),
    "warp_probability": (lambda v: 0 <= v <= 1, "use a probability 0 <= p <= 1"),
    "photo_look_probability": (lambda v: 0 <= v <= 1, "use a probability 0 <= p <= 1"),
}


@dataclass(frozen=True)
class AugmentConfig:
    """Augmentation strength in user units: degrees for rotation, fractions of the image side."""

    rotation_degrees: float = 10.0
    shift_fraction: float = 0.1
    zoom_fraction: float = 0.1
    horizontal_flip: bool = True
    erasing_probability: float = 0.0  # chance of blanking a random patch (random erasing)
    resampling: str = "once"  # "once": one affine warp; "per_layer": Keras' three-layer chain
    warp_probability: float = 0.5  # share of faces rotated/shifted/zoomed (resampling "once")
    # share of faces given a random photographic look: gamma, contrast, sharpness, resolution,
    # JPEG (see fercnn.data.photo_look; applied to each epoch's arrays before fit)
    photo_look_probability: float = 0.0

    def __post_init__(self):
        for name, (valid, advice) in _RANGES.items():
            value = getattr(self, name)
            if not valid(value):
                raise ValueError(f"AugmentConfig.{name}={value} is out of range: {advice}")
        if self.resampling not in RESAMPLINGS:
            choices = ", ".join(RESAMPLINGS)
            raise ValueError(f"AugmentConfig.resampling={self.resampling!r} is unknown: use one of {choices}")
        if self.resampling == "per_layer" and self.warp_probability != 1:
            raise ValueError(
                f"AugmentConfig.warp_probability={self.warp_probability} needs resampling='once': "
                "the per_layer chain warps every face, so set warp_probability=1.0 with it"
            )


NO_AUGMENTATION = AugmentConfig(
    rotation_degrees=0.0, shift_fraction=0.0, zoom_fraction=0.0, horizontal_flip=False
)
