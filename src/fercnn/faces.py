"""Find faces in a photo and cut them out the way FER2013's faces were cut.

Uses OpenCV's bundled Haar cascade (frontal faces), which needs opencv-python(-headless) 4.x:
release 5.0 no longer ships the cascades. FER2013 crops are tight around the face with a
little margin, so the detector's box is widened by ``margin`` on each side before resizing.
"""

from dataclasses import dataclass

import cv2
import numpy as np

from .labels import IMAGE_SIZE

CASCADE_FILE = "haarcascade_frontalface_default.xml"
# Detection runs on a copy at most this many pixels on its long side: the cascade is faster
# there and, on large photos, finds far fewer false faces in fine texture (fabric, foliage).
DETECTION_SIDE = 640


@dataclass(frozen=True)
class Box:
    x: int
    y: int
    width: int
    height: int

    def scaled(self, factor):
        return Box(*(round(value * factor) for value in (self.x, self.y, self.width, self.height)))


def face_detector():
    cascades = getattr(getattr(cv2, "data", None), "haarcascades", None)
    detector = cv2.CascadeClassifier(cascades + CASCADE_FILE) if cascades else None
    if detector is None or detector.empty():
        raise RuntimeError(
            f"OpenCV {cv2.__version__} has no Haar cascades (5.0 dropped them): "
            "install opencv-python-headless<5, as requirements.txt pins"
        )
    return detector


def detect_faces(gray, detector=None, min_size=32):
    """Face boxes in ``gray``'s pixels (uint8 image), left to right.

    ``min_size`` is the smallest face side searched for, in pixels of the detection copy
    (the photo scaled down to at most ``DETECTION_SIDE`` pixels).
    """
    detector = detector or face_detector()
    factor = max(gray.shape) / DETECTION_SIDE
    small = gray
    if factor > 1:
        size = (max(1, round(gray.shape[1] / factor)), max(1, round(gray.shape[0] / factor)))
        small = cv2.resize(gray, size, interpolation=cv2.INTER_AREA)
    found = detector.detectMultiScale(small, scaleFactor=1.1, minNeighbors=5, minSize=(min_size, min_size))
    boxes = (Box(*map(int, box)).scaled(max(factor, 1.0)) for box in found)
    return sorted(boxes, key=lambda box: (box.x, box.y))


def whole_image_box(gray):
    return Box(0, 0, gray.shape[1], gray.shape[0])


def crop_face(gray, box, margin=0.1, size=IMAGE_SIZE):
    """The box widened by ``margin`` per side, clipped to the photo, resized to ``size`` squared."""
    pad_x, pad_y = round(box.width * margin), round(box.height * margin)
    top, left = max(box.y - pad_y, 0), max(box.x - pad_x, 0)
    bottom = min(box.y + box.height + pad_y, gray.shape[0])
    right = min(box.x + box.width + pad_x, gray.shape[1])
    face = gray[top:bottom, left:right]
    interpolation = cv2.INTER_AREA if face.shape[0] > size else cv2.INTER_LINEAR
    return np.ascontiguousarray(cv2.resize(face, (size, size), interpolation=interpolation))
