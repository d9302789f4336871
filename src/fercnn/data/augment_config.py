"""Training-time augmentation settings as plain data: what ``config.json`` records under
``augment``. The layers that apply them are in :mod:`fercnn.data.augment` (Keras) and
:mod:`fercnn.data.photo_look` (numpy); these settings need neither.
"""

from dataclasses import dataclass

from ..errors import SettingError
from ..settings import OneOf, Range, setting, validate

__all__ = ["NO_AUGMENTATION", "RESAMPLINGS", "AugmentConfig"]

RESAMPLINGS = ("once", "per_layer")
PROBABILITY = Range(0, 1)


@dataclass(frozen=True)
class AugmentConfig:
    """Augmentation strength in user units: degrees for rotation, fractions of the image side."""

    rotation_degrees: float = setting(
        10.0, "max random rotation, degrees", Range(0, 180, high_open=True), aliases=("rotation",)
    )
    shift_fraction: float = setting(
        0.1, "max random shift, fraction of the side", Range(0, 1, high_open=True), aliases=("shift",)
    )
    zoom_fraction: float = setting(
        0.1, "max random zoom, fraction", Range(0, 1, high_open=True), aliases=("zoom",)
    )
    horizontal_flip: bool = setting(True, "random horizontal flips")
    erasing_probability: float = setting(
        0.0,
        "chance of blanking a random patch (random erasing)",
        Range(0, 1, high_open=True),
        aliases=("erasing",),
    )
    resampling: str = setting(
        "once", "'once' (one affine warp) or 'per_layer' (Keras' three-layer chain)", OneOf(RESAMPLINGS)
    )
    warp_probability: float = setting(0.5, "share of faces rotated, shifted and zoomed", PROBABILITY)
    # gamma, contrast, sharpness, resolution, JPEG (see fercnn.data.photo_look), before fit
    photo_look_probability: float = setting(
        0.0, "share of faces given a random photographic look", PROBABILITY, aliases=("photo-look",)
    )

    def __post_init__(self):
        validate(self)
        if self.resampling == "per_layer" and self.warp_probability != 1:
            raise SettingError(
                f"AugmentConfig.warp_probability={self.warp_probability} needs resampling='once': "
                "the per_layer chain warps every face, so set warp_probability=1.0 with it"
            )


NO_AUGMENTATION = AugmentConfig(
    rotation_degrees=0.0, shift_fraction=0.0, zoom_fraction=0.0, horizontal_flip=False
)
