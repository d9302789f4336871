"""Random photographic changes that widen FER2013's look towards other cameras' faces.

FER2013's faces are web images found by search, cropped automatically and saved small: soft,
often upscaled, compressed, with every lighting a web photo has. A face cut from a studio
photograph and shrunk to 48x48 is sharper, more evenly lit and less compressed. A model that
has only seen the first kind reads the second through features it never learned to trust. Each
face chosen (with ``probability``) gets one random setting of each change, in this order:

- gamma, 1/1.6 to 1.6: darker or lighter mid-tones;
- contrast, 0.6 to 1.5 around the face's mean, with a small brightness shift;
- sharpness: an unsharp mask of strength -0.8 (a blur) to 1.5 (a crisp studio look);
- on half of them, resolution: shrunk to 16 to 40 pixels and enlarged back, as small web
  faces were;
- on half of them, JPEG at quality 30 to 95.

The faces are numpy arrays of an epoch, changed before ``fit`` (like mixup), so the same code
serves every Keras backend; one seed per epoch keeps a resumed run's faces those of an
unbroken run.
"""

import io

import numpy as np
from PIL import Image

__all__ = ["apply_photo_look"]

GAMMA_RANGE = (1 / 1.6, 1.6)
CONTRAST_RANGE = (0.6, 1.5)
BRIGHTNESS_SHIFT = 12.0  # grey levels, either way
SHARPNESS_RANGE = (-0.8, 1.5)
RESOLUTION_RANGE = (16, 40)
JPEG_QUALITY_RANGE = (30, 95)


def apply_photo_look(images, probability, rng):
    """``images`` (N, H, W, 1) float 0..255 with ``probability`` of the faces changed; a new array."""
    images = np.asarray(images, dtype="float32").copy()
    chosen = np.flatnonzero(rng.random(len(images)) < probability)
    if chosen.size == 0:
        return images
    faces = images[chosen]
    faces = _gamma(faces, rng)
    faces = _contrast(faces, rng)
    faces = _sharpness(faces, rng)
    faces = np.clip(faces, 0, 255)
    faces = np.stack([_resample_and_compress(face, rng) for face in faces])
    images[chosen] = faces
    return images


def _per_face(rng, count, low, high, log=False):
    if log:
        return np.exp(rng.uniform(np.log(low), np.log(high), count)).reshape(-1, 1, 1, 1)
    return rng.uniform(low, high, count).reshape(-1, 1, 1, 1).astype("float32")


def _gamma(faces, rng):
    gamma = _per_face(rng, len(faces), *GAMMA_RANGE, log=True)
    return (255.0 * (np.clip(faces, 0, 255) / 255.0) ** gamma).astype("float32")


def _contrast(faces, rng):
    factor = _per_face(rng, len(faces), *CONTRAST_RANGE)
    shift = _per_face(rng, len(faces), -BRIGHTNESS_SHIFT, BRIGHTNESS_SHIFT)
    mean = faces.mean(axis=(1, 2, 3), keepdims=True)
    return mean + factor * (faces - mean) + shift


def _sharpness(faces, rng):
    """Unsharp masking with a 3x3 binomial blur: a negative strength blurs instead."""
    strength = _per_face(rng, len(faces), *SHARPNESS_RANGE)
    return faces + strength * (faces - _binomial_blur(faces))


def _binomial_blur(faces):
    padded = np.pad(faces, ((0, 0), (1, 1), (1, 1), (0, 0)), mode="edge")
    rows = (padded[:, :-2] + 2 * padded[:, 1:-1] + padded[:, 2:]) / 4
    return (rows[:, :, :-2] + 2 * rows[:, :, 1:-1] + rows[:, :, 2:]) / 4


def _resample_and_compress(face, rng):
    """Perhaps shrink and enlarge the face, perhaps save and decode it as a JPEG."""
    height, width = face.shape[:2]
    image = Image.fromarray(np.rint(face[:, :, 0]).astype(np.uint8), mode="L")
    if rng.random() < 0.5:
        side = int(rng.integers(RESOLUTION_RANGE[0], RESOLUTION_RANGE[1] + 1))
        image = image.resize((side, side), Image.Resampling.BOX)
        image = image.resize((width, height), Image.Resampling.BILINEAR)
    if rng.random() < 0.5:
        buffer = io.BytesIO()
        image.save(buffer, format="JPEG", quality=int(rng.integers(*JPEG_QUALITY_RANGE, endpoint=True)))
        buffer.seek(0)
        image = Image.open(buffer).convert("L")
    return np.asarray(image, dtype="float32")[:, :, None]
