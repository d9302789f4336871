"""Training-time augmentation as Keras 3 preprocessing layers (backend-agnostic, no ``tf.*``).

The defaults are milder than the original project's ImageDataGenerator (which used 20 degrees
of rotation, 20% shift, zoom and shear, and brightness changes): horizontal flips, and on half
of the faces up to 10 degrees of rotation and 10% shift and zoom. Rotation, shift and zoom are
applied as one affine warp (:mod:`fercnn.affine`), so a face is resampled once;
``resampling="per_layer"`` rebuilds the earlier chain of three Keras layers, which blurs each
face three times, for comparison. The
random layers are identities at inference, so the same augmenter can sit in front of the
network during ``fit`` and do nothing in ``predict``.
"""

from dataclasses import dataclass

import keras
import numpy as np

from .affine import RandomAffine

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
    # JPEG (see fercnn.photo_look; applied to each epoch's arrays before fit)
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


def build_augmenter(config=AugmentConfig(), seed=None):
    """A Sequential of random layers; with every strength at 0 it is an identity."""
    layers = []
    if config.horizontal_flip:
        layers.append(keras.layers.RandomFlip("horizontal", seed=seed))
    if config.resampling == "once":
        if config.rotation_degrees or config.shift_fraction or config.zoom_fraction:
            layers.append(
                RandomAffine(
                    config.rotation_degrees,
                    config.shift_fraction,
                    config.zoom_fraction,
                    probability=config.warp_probability,
                    seed=seed,
                )
            )
    else:
        layers.extend(_per_layer_geometry(config, seed))
    if config.erasing_probability:
        chance = config.erasing_probability
        layers.append(keras.layers.RandomErasing(factor=(chance, chance), seed=seed))
    return keras.Sequential(layers or [keras.layers.Identity()], name="augment")


def augment_arrays(config, images, seed, batch_size=1024):
    """The random layers run on numpy faces before ``fit`` rather than inside it, so that
    teachers can label the very faces the student then fits (``teacher_views="augmented"``).
    One seed per epoch keeps a resumed run's faces the same as an unbroken run's."""
    augmenter = build_augmenter(config, seed=seed)
    batches = [
        keras.ops.convert_to_numpy(augmenter(images[start : start + batch_size], training=True))
        for start in range(0, len(images), batch_size)
    ]
    return np.concatenate(batches).astype("float32")


def _per_layer_geometry(config, seed):
    """The earlier pipeline: one Keras layer (and one bilinear resampling) per motion."""
    layers = []
    if config.rotation_degrees:
        factor = config.rotation_degrees / 360.0
        layers.append(keras.layers.RandomRotation(factor, fill_mode="reflect", seed=seed))
    if config.shift_fraction:
        shift = config.shift_fraction
        layers.append(keras.layers.RandomTranslation(shift, shift, fill_mode="reflect", seed=seed))
    if config.zoom_fraction:
        zoom = config.zoom_fraction
        layers.append(keras.layers.RandomZoom(zoom, zoom, fill_mode="reflect", seed=seed))
    return layers
