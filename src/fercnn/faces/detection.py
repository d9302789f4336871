"""Find faces in a photo and cut them out the way FER2013's faces were cut.

Two detectors answer to the same call, an RGB image in and :class:`DetectedFace` objects out:

- ``blazeface`` (the default where its weights are installed): MediaPipe's BlazeFace
  (:mod:`fercnn.faces.blazeface`). It finds far more faces in real scenes than the cascade, with fewer
  false ones, and gives the eyes, so the face is levelled and framed as FER2013's faces were
  (:mod:`fercnn.faces.framing`).
- ``haar``: OpenCV's bundled Haar cascade for frontal faces, the fallback that always works
  (opencv-python(-headless) 4.x; release 5.0 no longer ships the cascades). It gives a box only,
  widened by ``margin`` on each side before resizing.
"""

import warnings

import cv2
import numpy as np

from ..errors import SettingError
from ..labels import IMAGE_SIZE
from .boxes import Box, DetectedFace
from .framing import aligned_crop

DETECTORS = ("auto", "blazeface", "haar")
CASCADE_FILE = "haarcascade_frontalface_default.xml"
# Detection runs on a copy at most this many pixels on its long side: the cascade is faster
# there and, on large photos, finds far fewer false faces in fine texture (fabric, foliage).
DETECTION_SIDE = 640
BORDER_SHARE = 0.5  # the border of a second look for a face that fills the photo (see detect_faces)
BORDER_GREY = (128, 128, 128)
# a face found this large (its side over the photo's short side) may be an eye, nose or mouth of a
# face that fills the photo; a box under PART_AREA of another's area, centred in it, is one of its parts
PART_SHARE = 0.25
PART_AREA = 0.6


class HaarDetector:
    name = "haar"

    def __init__(self):
        cascades = getattr(getattr(cv2, "data", None), "haarcascades", None)
        self.cascade = cv2.CascadeClassifier(cascades + CASCADE_FILE) if cascades else None
        if self.cascade is None or self.cascade.empty():
            raise RuntimeError(
                f"OpenCV {cv2.__version__} has no Haar cascades (5.0 dropped them): "
                "install opencv-python-headless<5, as requirements.txt pins"
            )

    def __call__(self, image):
        gray = image if image.ndim == 2 else cv2.cvtColor(image, cv2.COLOR_RGB2GRAY)
        found = self.cascade.detectMultiScale(gray, scaleFactor=1.1, minNeighbors=5)
        return [DetectedFace(Box(*map(int, box))) for box in found]


def face_detector(name="auto"):
    """A detector by name; ``auto`` is BlazeFace, or Haar with a warning where an install lost
    the weights that ship in ``fercnn/faces/weights/``."""
    if name not in DETECTORS:
        raise SettingError(f"unknown face detector {name!r}: choose one of {', '.join(DETECTORS)}")
    if name == "haar":
        return HaarDetector()
    from .blazeface import BlazeFaceDetector, model_path

    if name == "auto" and model_path() is None:
        warnings.warn(
            "BlazeFace's weights are missing from this install of fercnn (fercnn/faces/weights/), so "
            "faces are found by OpenCV's Haar cascade, which misses more of them: reinstall fercnn",
            stacklevel=2,
        )
        return HaarDetector()
    return BlazeFaceDetector()


def detect_faces(image, detector, min_size=32):
    """Faces in ``image`` (RGB or gray uint8), left to right, in its pixels.

    Detection runs on a copy at most ``DETECTION_SIDE`` pixels on its long side; ``min_size``
    is the smallest face side kept, in that copy's pixels. BlazeFace is made for faces that fill
    at most about half the frame: on a tightly cropped photo (a passport picture, a dataset's
    face crop) it finds nothing, or takes an eye, a nose or a mouth for a face. So where it finds
    nothing, or a face large enough to be part of one that fills the photo, it looks again with
    a grey border of half the long side around the copy; a face found there replaces the ones
    that lie inside it.
    """
    small = at_most(image, DETECTION_SIDE)
    factor = max(image.shape[:2]) / max(small.shape[:2])
    found = _detect(small, detector, min_size)
    if not found or _may_be_a_part(found, small):
        found = _whole_faces(found, _bordered_look(small, detector, min_size))
    return sorted((face.scaled(factor) for face in found), key=lambda face: (face.box.x, face.box.y))


def _may_be_a_part(found, image):
    """Whether the largest face found is at least ``PART_SHARE`` of the image's short side."""
    largest = max(min(face.box.width, face.box.height) for face in found)
    return largest >= PART_SHARE * min(image.shape[:2])


def _bordered_look(image, detector, min_size):
    border = round(BORDER_SHARE * max(image.shape[:2]))
    framed = cv2.copyMakeBorder(image, border, border, border, border, cv2.BORDER_CONSTANT, value=BORDER_GREY)
    return [face.shifted(-border, -border) for face in _detect(framed, detector, min_size)]


def _whole_faces(found, bordered):
    """The faces of both looks: with nothing found, the bordered look's; else the found faces,
    those lying inside a bordered face replaced by it (the bordered look adds no other face,
    so it cannot add a false one where the first look was right)."""
    if not found:
        return bordered
    wholes = [whole for whole in bordered if any(_is_part(face.box, whole.box) for face in found)]
    kept = [face for face in found if not any(_is_part(face.box, whole.box) for whole in wholes)]
    return kept + wholes


def _is_part(part, whole):
    """Whether box ``part`` is a feature of the face in box ``whole``: its centre inside that box
    and its area under ``PART_AREA`` of it."""
    centre_x, centre_y = part.x + part.width / 2, part.y + part.height / 2
    inside = whole.x <= centre_x <= whole.x + whole.width and whole.y <= centre_y <= whole.y + whole.height
    return inside and part.width * part.height < PART_AREA * whole.width * whole.height


def _detect(image, detector, min_size):
    return [face for face in detector(image) if min(face.box.width, face.box.height) >= min_size]


def at_most(image, side):
    """``image`` shrunk by area averaging to at most ``side`` pixels on its long side; as it is
    when already that small."""
    factor = max(image.shape[:2]) / side
    if factor <= 1:
        return image
    size = (max(1, round(image.shape[1] / factor)), max(1, round(image.shape[0] / factor)))
    return cv2.resize(image, size, interpolation=cv2.INTER_AREA)


def whole_image_face(gray):
    return DetectedFace(Box(0, 0, gray.shape[1], gray.shape[0]))


def crop_face(gray, face, margin=0.1, size=IMAGE_SIZE, level=True):
    """The face as the classifier's input: framed from its eyes where known (levelled unless
    ``level`` is false), else its box widened by ``margin`` per side, resized to ``size`` squared."""
    if face.eyes is not None:
        return aligned_crop(gray, face.eyes, size, level)
    box = face.box
    pad_x, pad_y = round(box.width * margin), round(box.height * margin)
    top, left = max(box.y - pad_y, 0), max(box.x - pad_x, 0)
    bottom = min(box.y + box.height + pad_y, gray.shape[0])
    right = min(box.x + box.width + pad_x, gray.shape[1])
    crop = gray[top:bottom, left:right]
    interpolation = cv2.INTER_AREA if crop.shape[0] > size else cv2.INTER_LINEAR
    return np.ascontiguousarray(cv2.resize(crop, (size, size), interpolation=interpolation))
