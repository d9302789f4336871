"""Cut a face out the way FER2013's faces were cut: from the eyes, levelled, at a fitted scale.

FER2013's 48x48 faces were registered automatically, so their framing is consistent: measured in
units of the distance between the eyes, the crop has one size and its centre sits at one place
below the eyes. Those two numbers were fitted by running the face detector on Training faces
(``python tools/fit_framing.py``); a face in a user's photo is cut with them, after turning the
photo so that the eyes are level, so the classifier sees what it was trained on.
"""

import cv2
import numpy as np

from ..labels import IMAGE_SIZE

# Fitted on 3,000 FER2013 Training faces (python tools/fit_framing.py), medians:
CROP_SIDE = 2.77  # the crop's side, in eye distances
CENTRE_BELOW_EYES = 0.30  # the crop's centre below the eyes' midpoint, in eye distances


def eye_geometry(eyes):
    """Midpoint, distance and angle (radians, clockwise in image coordinates) of two eyes."""
    left, right = (np.asarray(eye, dtype=np.float64) for eye in eyes)
    delta = right - left
    return (left + right) / 2, float(np.hypot(*delta)), float(np.arctan2(delta[1], delta[0]))


def crop_transform(eyes, size=IMAGE_SIZE, level=True):
    """The 2x3 affine matrix from photo pixels to the ``size`` square crop."""
    midpoint, distance, angle = eye_geometry(eyes)
    angle = angle if level else 0.0
    scale = size / (CROP_SIDE * max(distance, 1e-6))
    cos, sin = np.cos(angle), np.sin(angle)
    rotation = scale * np.array([[cos, sin], [-sin, cos]])  # turns by -angle: eyes level
    shift = size / 2 - rotation @ midpoint - np.array([0.0, CENTRE_BELOW_EYES * distance * scale])
    return np.hstack([rotation, shift[:, None]])


def aligned_crop(gray, eyes, size=IMAGE_SIZE, level=True):
    """The ``size`` x ``size`` face cut from ``gray`` around ``eyes`` (left eye in the image first).

    Large faces are first shrunk with area averaging, so that the crop is not aliased.
    """
    matrix = crop_transform(eyes, size, level)
    scale = float(np.hypot(*matrix[0, :2]))
    if scale < 0.5:
        gray, matrix = _shrunk_region(gray, matrix, size, scale)
    return cv2.warpAffine(gray, matrix, (size, size), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)


def crop_corners(matrix, size=IMAGE_SIZE):
    """The crop square's four corners in photo pixels, for drawing or bounding."""
    inverse = cv2.invertAffineTransform(matrix)
    corners = np.array([[0, 0, 1], [size, 0, 1], [size, size, 1], [0, size, 1]], dtype=np.float64)
    return corners @ inverse.T


def _shrunk_region(gray, matrix, size, scale):
    """The crop's neighbourhood, shrunk to twice the crop's resolution, and the matrix for it."""
    corners = crop_corners(matrix, size)
    left, top = np.floor(corners.min(0)).astype(int) - 2
    right, bottom = np.ceil(corners.max(0)).astype(int) + 2
    region = _padded_slice(gray, left, top, right, bottom)
    factor = min(2 * scale, 1.0)
    shrunk = cv2.resize(
        region,
        (max(1, round(region.shape[1] * factor)), max(1, round(region.shape[0] * factor))),
        interpolation=cv2.INTER_AREA,
    )
    fx, fy = shrunk.shape[1] / region.shape[1], shrunk.shape[0] / region.shape[0]
    # photo -> region: subtract (left, top); region -> shrunk: scale by (fx, fy)
    to_photo = np.array([[1 / fx, 0, left], [0, 1 / fy, top], [0, 0, 1]])
    return shrunk, matrix @ to_photo


def _padded_slice(gray, left, top, right, bottom):
    height, width = gray.shape[:2]
    inside = gray[max(top, 0) : min(bottom, height), max(left, 0) : min(right, width)]
    if inside.size == 0:
        return np.zeros((max(bottom - top, 1), max(right - left, 1)), dtype=gray.dtype)
    return cv2.copyMakeBorder(
        inside,
        max(-top, 0),
        max(bottom - height, 0),
        max(-left, 0),
        max(right - width, 0),
        cv2.BORDER_REPLICATE,
    )
