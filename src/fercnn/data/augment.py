"""Training-time augmentation as Keras 3 preprocessing layers (backend-agnostic, no ``tf.*``).

The defaults are milder than the original project's ImageDataGenerator (which used 20 degrees
of rotation, 20% shift, zoom and shear, and brightness changes): horizontal flips, and on half
of the faces up to 10 degrees of rotation and 10% shift and zoom. Rotation, shift and zoom are
applied as one affine warp (:mod:`fercnn.data.affine`), so a face is resampled once;
``resampling="per_layer"`` rebuilds the earlier chain of three Keras layers, which blurs each
face three times, for comparison. The
random layers are identities at inference, so the same augmenter can sit in front of the
network during ``fit`` and do nothing in ``predict``.
"""

import keras
import numpy as np

from .affine import RandomAffine
from .augment_config import NO_AUGMENTATION, RESAMPLINGS, AugmentConfig

__all__ = ["NO_AUGMENTATION", "RESAMPLINGS", "AugmentConfig", "augment_arrays", "build_augmenter"]


def build_augmenter(config: AugmentConfig | None = None, seed=None):
    """A Sequential of random layers (the default settings where ``config`` is None); with every
    strength at 0 it is an identity."""
    config = config or AugmentConfig()
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
