"""Training-time augmentation as Keras 3 preprocessing layers (backend-agnostic, no ``tf.*``).

The defaults follow the original project's ImageDataGenerator (10 degrees of rotation, 10%
shift and zoom, horizontal flips). Keras' random layers are identities at inference, so the
same augmenter can sit in front of the network during ``fit`` and do nothing in ``predict``.
"""

from dataclasses import dataclass

import keras

_RANGES = {
    "rotation_degrees": "use 0 <= degrees < 180",
    "shift_fraction": "use a fraction of the image side, 0 <= f < 1",
    "zoom_fraction": "use a fraction of the image side, 0 <= f < 1",
    "erasing_probability": "use a probability 0 <= p < 1",
}


@dataclass(frozen=True)
class AugmentConfig:
    """Augmentation strength in user units: degrees for rotation, fractions of the image side."""

    rotation_degrees: float = 10.0
    shift_fraction: float = 0.1
    zoom_fraction: float = 0.1
    horizontal_flip: bool = True
    erasing_probability: float = 0.0  # chance of blanking a random patch (random erasing)

    def __post_init__(self):
        for name in ("rotation_degrees", "shift_fraction", "zoom_fraction", "erasing_probability"):
            value = getattr(self, name)
            if not 0 <= value < (180 if name == "rotation_degrees" else 1):
                raise ValueError(f"AugmentConfig.{name}={value} is out of range: {_RANGES[name]}")


def build_augmenter(config=AugmentConfig(), seed=None):
    """A Sequential of random layers; with every strength at 0 it is an identity."""
    layers = []
    if config.horizontal_flip:
        layers.append(keras.layers.RandomFlip("horizontal", seed=seed))
    if config.rotation_degrees:
        factor = config.rotation_degrees / 360.0
        layers.append(keras.layers.RandomRotation(factor, fill_mode="reflect", seed=seed))
    if config.shift_fraction:
        shift = config.shift_fraction
        layers.append(keras.layers.RandomTranslation(shift, shift, fill_mode="reflect", seed=seed))
    if config.zoom_fraction:
        zoom = config.zoom_fraction
        layers.append(keras.layers.RandomZoom(zoom, zoom, fill_mode="reflect", seed=seed))
    if config.erasing_probability:
        chance = config.erasing_probability
        layers.append(keras.layers.RandomErasing(factor=(chance, chance), seed=seed))
    return keras.Sequential(layers or [keras.layers.Identity()], name="augment")
