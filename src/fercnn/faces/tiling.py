"""Find the faces of a panorama (or a tall strip) in square tiles rather than in one shrunk copy.

:func:`fercnn.faces.detection.detect_faces` shrinks an image to at most 640 pixels on its long
side: a 20000x600 panorama becomes 640x19, its faces a few pixels tall and lost. An image more
than :data:`TILE_ASPECT` times as long as it is high (or the other way) is searched instead in
square tiles of its short side, overlapping by half, each through ``detect_faces``.
"""

import numpy as np

from .detection import detect_faces

TILE_ASPECT = 3.0  # an image longer than this many times its short side is searched in tiles
MIN_TILE = 16  # pixels: no face fits in a thinner strip
TILE_OVERLAP = 0.3  # boxes from two tiles overlapping more than this (IoU) are one face


def detect_faces_in_any_shape(image: np.ndarray, detector, min_size: int = 32) -> list:
    """``detect_faces``, through tiles where the image is elongated; left to right, in its pixels."""
    side, length = sorted(image.shape[:2])
    if length <= TILE_ASPECT * side:
        return detect_faces(image, detector, min_size)
    if side < MIN_TILE:
        return []  # a strip too thin to hold a face
    wide = image.shape[1] >= image.shape[0]
    found = []
    for start in sorted({*range(0, length - side, max(side // 2, 1)), length - side}):
        tile = np.ascontiguousarray(image[:, start : start + side] if wide else image[start : start + side])
        shift = (start, 0) if wide else (0, start)
        found += [face.shifted(*shift) for face in detect_faces(tile, detector, min_size)]
    return sorted(_once_each(found), key=lambda face: (face.box.x, face.box.y))


def _once_each(faces):
    """A face that two overlapping tiles saw, kept once: as the better seen (higher score)."""
    kept = []
    for face in sorted(faces, key=lambda face: -(face.score or 0.0)):
        if all(_overlap(face.box, other.box) <= TILE_OVERLAP for other in kept):
            kept.append(face)
    return kept


def _overlap(first, second):
    """Intersection over union of two boxes."""
    width = min(first.x + first.width, second.x + second.width) - max(first.x, second.x)
    height = min(first.y + first.height, second.y + second.height) - max(first.y, second.y)
    inter = max(width, 0) * max(height, 0)
    return inter / max(first.width * first.height + second.width * second.height - inter, 1)
