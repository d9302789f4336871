"""Random rotation, shift and zoom as one affine warp: each training face is resampled once.

Keras' RandomRotation, RandomTranslation and RandomZoom each resample the image with bilinear
interpolation, so chaining them blurs a 48x48 face three times, and a network trained on those
faces learns blurred faces: it scores higher on faces put through a near-identity copy of the
chain than on the real, sharp ones (``python benchmarks/blur_gap.py`` measures the gap).
Composing the three motions into one matrix resamples a face once. Even one bilinear warp
low-pass filters a face by a random sub-pixel amount, so ``probability`` also leaves some
faces unwarped: the network then trains on sharp faces too.
"""

import math

import keras
from keras import ops


def affine_matrices(angles, scales, shifts_x, shifts_y, height, width):
    """Flattened 3x3 maps from output to input pixel coordinates, one row per image.

    Each map rotates by ``angles`` (radians) and scales by ``scales`` (> 1 samples a larger
    area, i.e. zooms out) about the image centre, then shifts by ``shifts_x``/``shifts_y``
    pixels: the 8-number layout ``keras.ops.image.affine_transform`` expects.
    """
    centre_x, centre_y = (width - 1) / 2, (height - 1) / 2
    cos, sin = ops.cos(angles) * scales, ops.sin(angles) * scales
    a2 = centre_x - cos * centre_x + sin * centre_y + shifts_x
    b2 = centre_y - sin * centre_x - cos * centre_y + shifts_y
    zeros = ops.zeros_like(angles)
    return ops.stack([cos, -sin, a2, sin, cos, b2, zeros, zeros], axis=1)


@keras.saving.register_keras_serializable(package="fercnn")
class RandomAffine(keras.layers.Layer):
    """Rotate by up to ``rotation_degrees``, shift by up to ``shift_fraction`` of each side
    and zoom by up to ``zoom_fraction``, uniformly and independently per image, with reflect
    padding; each image is warped with chance ``probability``. An identity at inference."""

    def __init__(
        self,
        rotation_degrees=0.0,
        shift_fraction=0.0,
        zoom_fraction=0.0,
        probability=1.0,
        seed=None,
        **kwargs,
    ):
        super().__init__(**kwargs)
        self.rotation_degrees = rotation_degrees
        self.shift_fraction = shift_fraction
        self.zoom_fraction = zoom_fraction
        self.probability = probability
        self.seed = seed
        self.seed_generator = keras.random.SeedGenerator(seed)

    def call(self, images, training=None):
        if not training:
            return images
        batch = ops.shape(images)[0]
        height, width = images.shape[1], images.shape[2]

        def uniform(limit):
            return keras.random.uniform((batch,), -limit, limit, seed=self.seed_generator)

        matrices = affine_matrices(
            uniform(math.radians(self.rotation_degrees)),
            1.0 + uniform(self.zoom_fraction),
            uniform(self.shift_fraction * width),
            uniform(self.shift_fraction * height),
            height,
            width,
        )
        warped = ops.image.affine_transform(images, matrices, interpolation="bilinear", fill_mode="reflect")
        if self.probability >= 1:
            return warped
        chosen = keras.random.uniform((batch, 1, 1, 1), seed=self.seed_generator) < self.probability
        return ops.where(chosen, warped, images)

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        return super().get_config() | {
            "rotation_degrees": self.rotation_degrees,
            "shift_fraction": self.shift_fraction,
            "zoom_fraction": self.zoom_fraction,
            "probability": self.probability,
            "seed": self.seed,
        }
