"""From an image to the emotions of its faces: detect, frame, classify all faces in one batch.

Photos (:mod:`fercnn.app.predict`), video frames and the camera (:mod:`fercnn.app.video`) all go
through :class:`FacePipeline`, so a face is found and framed the same way wherever it comes from.
"""

from dataclasses import dataclass

import cv2
import numpy as np

from ..labels import EMOTIONS, IMAGE_SIZE
from .boxes import Box
from .detection import crop_face, face_detector, whole_image_face
from .tiling import detect_faces_in_any_shape


@dataclass
class FaceResult:
    box: Box  # in the image's pixels
    probabilities: np.ndarray

    @property
    def emotion(self):
        return EMOTIONS[int(self.probabilities.argmax())]

    def to_dict(self):
        return {
            "box": {"x": self.box.x, "y": self.box.y, "width": self.box.width, "height": self.box.height},
            "emotion": self.emotion,
            "probabilities": {
                name: round(float(p), 4) for name, p in zip(EMOTIONS, self.probabilities, strict=True)
            },
        }


class FacePipeline:
    """Call with an RGB uint8 image; returns ``(faces, whole_image)``: a :class:`FaceResult`
    per face found, left to right, and whether the whole image stood in for a face.

    ``classifier`` maps ``(N, 48, 48, 1)`` uint8 faces to ``(N, 7)`` probabilities
    (:func:`fercnn.app.predict.load_classifier`); ``detector`` is a name from
    :data:`fercnn.faces.detection.DETECTORS` or a detector. ``min_face`` is the smallest face side kept,
    in pixels of the image scaled to at most 640 on its long side.
    """

    def __init__(self, classifier, detector="auto", min_face=32, margin=0.1, level=True):
        self.classifier = classifier
        self.detector = face_detector(detector) if isinstance(detector, str) else detector
        self.min_face = min_face
        self.margin = margin
        self.level = level

    def __call__(self, rgb, whole_image=False):
        found = self.find(rgb, whole_image)
        if not found.faces:
            return [], False
        return found.named(self.classifier(found.crops)), found.whole_image

    def find(self, rgb, whole_image=False):
        """Detect and frame, without classifying: the part that a worker thread can do for many
        images while their faces are classified together (see :mod:`fercnn.app.photo_stream`)."""
        gray = rgb if rgb.ndim == 2 else cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY)
        found = detect_faces_in_any_shape(rgb, self.detector, self.min_face)
        if not found and whole_image:
            crop = cv2.resize(gray, (IMAGE_SIZE, IMAGE_SIZE), interpolation=cv2.INTER_AREA)
            return FoundFaces([whole_image_face(gray)], crop[None, ..., None], True)
        crops = [crop_face(gray, face, self.margin, level=self.level) for face in found]
        stacked = np.stack(crops)[..., None] if crops else np.zeros((0, IMAGE_SIZE, IMAGE_SIZE, 1), np.uint8)
        return FoundFaces(found, stacked, False)


@dataclass
class FoundFaces:
    """An image's faces before classification: detections, their ``(N, 48, 48, 1)`` crops,
    and whether the whole image stood in for a face."""

    faces: list
    crops: np.ndarray
    whole_image: bool

    def named(self, probabilities):
        return [FaceResult(face.box, row) for face, row in zip(self.faces, probabilities, strict=True)]
