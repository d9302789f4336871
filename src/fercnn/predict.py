"""Emotions of the faces in users' photos: detect, crop, classify, report, annotate.

A bad file never stops a batch: its result carries the error and the next photo is read.
"""

import json
import sys
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from .annotate import annotate
from .errors import PhotoReadError
from .faces import crop_face, detect_faces, face_detector, whole_image_box
from .labels import EMOTIONS
from .model_files import first_line, load_keras_model, require_model_file
from .photo_inputs import collect_photos
from .photos import read_photo
from .shipped import shipped_model

NAME_WIDTH = 48  # longer photo paths are shown by their end


def sample_photo():
    """A public-domain portrait (NASA astronaut Eileen Collins) shipped inside scikit-image."""
    from skimage import data

    return Path(data.data_dir) / "astronaut.png"


@dataclass
class FaceResult:
    box: object  # faces.Box, in the original photo's pixels
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


@dataclass
class PhotoResult:
    path: Path
    faces: list = field(default_factory=list)
    error: str | None = None
    whole_image: bool = False
    annotated: Path | None = None
    skipped: str | None = None

    def to_dict(self):
        return {
            "path": str(self.path),
            "faces": [face.to_dict() for face in self.faces],
            "error": self.error,
            "skipped": self.skipped,
            "whole_image": self.whole_image,
            "annotated": str(self.annotated) if self.annotated else None,
        }


@dataclass
class KerasClassifier:
    """A Keras model as a function from faces to probabilities, like :class:`TFLiteClassifier`."""

    model: object

    def __call__(self, faces):
        from .evaluation import predict_probabilities

        return predict_probabilities(self.model, faces)

    @property
    def parameters(self):
        return self.model.count_params()


def load_classifier(path=None):
    """A function from ``(N, 48, 48, 1)`` uint8 faces to ``(N, 7)`` probabilities.

    ``path`` is a ``.keras`` model or a ``.tflite`` export of one; by default the shipped model.
    Either is checked to take 48x48x1 faces and give seven probabilities.
    """
    path = require_model_file(path or shipped_model())
    if path.suffix == ".tflite":
        from .litert import TFLiteClassifier

        return TFLiteClassifier(path)
    return KerasClassifier(load_keras_model(path))


def predict_photos(paths, classifier, output_dir=None, whole_image=False, min_face=32, margin=0.1):
    """One :class:`PhotoResult` per file given or found in the folders given (see
    :mod:`fercnn.photo_inputs`); annotated copies go to ``output_dir`` when given.

    A photo that cannot be read or processed, for whatever reason, gets its error in its result
    and the next one is read: one bad file never costs the others their results.
    """
    detector = face_detector()
    results = []
    for photo in collect_photos(paths):
        if photo.skipped:
            results.append(PhotoResult(photo.path, skipped=photo.skipped))
            continue
        target = Path(output_dir) / photo.annotated_name if output_dir is not None else None
        try:
            results.append(
                _predict_photo(photo.path, classifier, detector, target, whole_image, min_face, margin)
            )
        except Exception as error:  # noqa: BLE001 - any failure is this photo's, not the batch's
            results.append(PhotoResult(photo.path, error=f"{photo.path}: {first_line(error)}"))
    return results


def _predict_photo(path, classifier, detector, annotated_path, whole_image, min_face, margin):
    if not path.exists():
        return PhotoResult(path, error=f"{path}: no such file")
    try:
        photo = read_photo(path)
    except PhotoReadError as error:
        return PhotoResult(path, error=str(error))
    gray = photo.gray
    boxes = detect_faces(gray, detector, min_size=min_face)
    fallback = not boxes and whole_image
    if fallback:
        boxes = [whole_image_box(gray)]
    result = PhotoResult(path, whole_image=fallback)
    if boxes:
        crops = np.stack([crop_face(gray, box, 0.0 if fallback else margin) for box in boxes])[..., None]
        probabilities = classifier(crops)
        local = [FaceResult(box, row) for box, row in zip(boxes, probabilities, strict=True)]
        result.faces = [FaceResult(face.box.scaled(photo.scale), face.probabilities) for face in local]
        if annotated_path is not None:
            annotated_path.parent.mkdir(parents=True, exist_ok=True)
            annotate(photo.rgb, local).save(annotated_path)
            result.annotated = annotated_path
    return result


def format_table(results):
    """A plain-text table: one row per face, one line per photo without faces, with an error or
    skipped. Photos are named by their path as given, so two photos of one name stay apart."""
    names = [shown_name(result.path) for result in results]
    width = min(max([len("photo"), *map(len, names)]), NAME_WIDTH)
    header = f"{'photo':<{width}} {'face':>4}  {'box x,y,w,h':<19} {'emotion':<9}" + "".join(
        f"{name[:8]:>9}" for name in EMOTIONS
    )
    lines = [header]
    for result, name in zip(results, names, strict=True):
        name = name if len(name) <= width else "..." + name[-(width - 3) :]
        if result.skipped:
            lines.append(f"{name:<{width}} skipped: {result.skipped}")
        elif result.error:
            lines.append(f"{name:<{width}} error: {result.error}")
        elif not result.faces:
            lines.append(
                f"{name:<{width}} no face found (use --whole-image to classify the whole image as one face)"
            )
        for number, face in enumerate(result.faces, start=1):
            box = f"{face.box.x},{face.box.y},{face.box.width},{face.box.height}"
            probabilities = "".join(f"{p:>9.3f}" for p in face.probabilities)
            lines.append(f"{name:<{width}} {number:>4}  {box:<19} {face.emotion:<9}{probabilities}")
    return "\n".join(lines)


def shown_name(path):
    """A photo as the user gave it; a file inside the Python environment (the sample portrait
    that ships with scikit-image) by its file name."""
    inside_environment = Path(path).resolve().is_relative_to(Path(sys.prefix).resolve())
    return Path(path).name if inside_environment else str(path)


def format_json(results):
    return json.dumps([result.to_dict() for result in results], indent=2)
