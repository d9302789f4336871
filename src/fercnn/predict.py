"""Emotions of the faces in users' photos: detect, crop, classify, report, annotate.

A bad file never stops a batch: its result carries the error and the next photo is read.
"""

import json
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from .annotate import annotate
from .errors import PhotoReadError
from .faces import crop_face, detect_faces, face_detector, whole_image_box
from .labels import EMOTIONS
from .photos import PHOTO_SUFFIXES, read_photo
from .shipped import shipped_model


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

    def to_dict(self):
        return {
            "path": str(self.path),
            "faces": [face.to_dict() for face in self.faces],
            "error": self.error,
            "whole_image": self.whole_image,
            "annotated": str(self.annotated) if self.annotated else None,
        }


def load_classifier(path=None):
    """A function from ``(N, 48, 48, 1)`` uint8 faces to ``(N, 7)`` probabilities.

    ``path`` is a ``.keras`` model or a ``.tflite`` export of one; by default the shipped model.
    """
    path = path or shipped_model()
    if Path(path).suffix == ".tflite":
        from .litert import TFLiteClassifier

        return TFLiteClassifier(path)
    import keras

    from .evaluate import predict_probabilities

    model = keras.models.load_model(path, compile=False)
    return lambda faces: predict_probabilities(model, faces)


def photo_paths(paths):
    """Files as given; folders expanded to the photos inside them, sorted."""
    for path in map(Path, paths):
        if path.is_dir():
            yield from sorted(
                p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in PHOTO_SUFFIXES
            )
        else:
            yield path


def predict_photos(paths, classifier, output_dir=None, whole_image=False, min_face=32, margin=0.1):
    """One :class:`PhotoResult` per photo; annotated copies go to ``output_dir`` when given."""
    detector = face_detector()
    return [
        _predict_photo(path, classifier, detector, output_dir, whole_image, min_face, margin)
        for path in photo_paths(paths)
    ]


def _predict_photo(path, classifier, detector, output_dir, whole_image, min_face, margin):
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
        if output_dir is not None:
            result.annotated = _save_annotated(annotate(photo.rgb, local), path, output_dir)
    return result


def _save_annotated(image, path, output_dir):
    output_dir = Path(output_dir)
    output_dir.mkdir(parents=True, exist_ok=True)
    target = output_dir / f"{path.stem}_emotions.png"
    image.save(target)
    return target


def format_table(results):
    """A plain-text table: one row per face, one line per photo without faces or with an error."""
    header = f"{'photo':<28} {'face':>4}  {'box x,y,w,h':<19} {'emotion':<9}" + "".join(
        f"{name[:8]:>9}" for name in EMOTIONS
    )
    lines = [header]
    for result in results:
        name = result.path.name[:28]
        if result.error:
            lines.append(f"{name:<28} error: {result.error}")
        elif not result.faces:
            lines.append(
                f"{name:<28} no face found (use --whole-image to classify the whole image as one face)"
            )
        for number, face in enumerate(result.faces, start=1):
            box = f"{face.box.x},{face.box.y},{face.box.width},{face.box.height}"
            probabilities = "".join(f"{p:>9.3f}" for p in face.probabilities)
            lines.append(f"{name:<28} {number:>4}  {box:<19} {face.emotion:<9}{probabilities}")
    return "\n".join(lines)


def format_json(results):
    return json.dumps([result.to_dict() for result in results], indent=2)
