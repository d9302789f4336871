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
from .labels import EMOTIONS
from .model_files import first_line, load_keras_model, require_model_file
from .photo_inputs import collect_photos
from .photos import read_photo
from .pipeline import FacePipeline, FaceResult
from .shipped import shipped_model
from .video import DEFAULT_FPS, DEFAULT_TIME_CONSTANT, VideoResult, predict_video
from .video_frames import VideoReadError, is_video

NAME_WIDTH = 48  # longer photo paths are shown by their end
SMALL_BATCH = 256  # the faces of a photo or a frame: classified in one call


def sample_photo():
    """A public-domain portrait (NASA astronaut Eileen Collins) shipped inside scikit-image."""
    from skimage import data

    return Path(data.data_dir) / "astronaut.png"


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
        if len(faces) > SMALL_BATCH:
            from .evaluation import predict_probabilities

            return predict_probabilities(self.model, faces)
        # a call on one batch skips model.predict's per-call set-up, tens of milliseconds
        return np.asarray(self.model.predict_on_batch(np.asarray(faces, dtype="float32")))

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


def predict_photos(
    paths,
    classifier,
    output_dir=None,
    whole_image=False,
    min_face=32,
    detector="auto",
    fps=DEFAULT_FPS,
    time_constant=DEFAULT_TIME_CONSTANT,
):
    """One result per file given or found in the folders given (see :mod:`fercnn.photo_inputs`):
    a :class:`PhotoResult` per photo, a :class:`fercnn.video.VideoResult` per video. Annotated
    copies (and a video's frame table, timelines and summary) go to ``output_dir`` when given.
    ``detector`` is a name from :data:`fercnn.faces.DETECTORS` or a detector; ``fps`` is how many frames a
    second of video are classified (None: every frame), ``time_constant`` how many seconds a
    video's emotions are smoothed over (:mod:`fercnn.tracking`).

    A photo that cannot be read or processed, for whatever reason, gets its error in its result
    and the next one is read: one bad file never costs the others their results.
    """
    pipeline = FacePipeline(classifier, detector, min_face)
    results = []
    for photo in collect_photos(paths):
        if photo.skipped:
            results.append(PhotoResult(photo.path, skipped=photo.skipped))
            continue
        try:
            if is_video(photo.path):
                stem = Path(output_dir) / photo.output_stem if output_dir is not None else None
                results.append(_predict_video(photo.path, pipeline, stem, fps, time_constant))
            else:
                target = Path(output_dir) / photo.annotated_name if output_dir is not None else None
                results.append(_predict_photo(photo.path, pipeline, target, whole_image))
        except Exception as error:  # noqa: BLE001 - any failure is this file's, not the batch's
            result_type = VideoResult if is_video(photo.path) else PhotoResult
            results.append(result_type(photo.path, error=f"{photo.path}: {first_line(error)}"))
    return results


def _predict_video(path, pipeline, output_stem, fps, time_constant):
    try:
        return predict_video(path, pipeline, output_stem, fps, time_constant)
    except VideoReadError as error:
        return VideoResult(path, error=str(error))


def _predict_photo(path, pipeline, annotated_path, whole_image):
    if not path.exists():
        return PhotoResult(path, error=f"{path}: no such file")
    try:
        photo = read_photo(path)
    except PhotoReadError as error:
        return PhotoResult(path, error=str(error))
    local, fallback = pipeline(photo.rgb, whole_image)
    result = PhotoResult(path, whole_image=fallback)
    result.faces = [FaceResult(face.box.scaled(photo.scale), face.probabilities) for face in local]
    if local and annotated_path is not None:
        annotated_path.parent.mkdir(parents=True, exist_ok=True)
        annotate(photo.rgb, local).save(annotated_path)
        result.annotated = annotated_path
    return result


def format_table(results):
    """Plain-text tables: photos (one row per face; one line per photo without faces, with an
    error or skipped), then videos (one row per followed face: when it was seen and its share of
    time in each emotion). Files are named by their path as given, so two of one name stay apart."""
    photos = [result for result in results if not isinstance(result, VideoResult)]
    videos = [result for result in results if isinstance(result, VideoResult)]
    tables = [_table(photos, "photo", "face", "box x,y,w,h", _face_rows)] if photos else []
    if videos:
        tables.append(_table(videos, "video", "face", "seen (seconds)", _track_rows, "share of time"))
    return "\n\n".join(tables)


def _table(results, kind, number_title, where_title, rows, values_title=None):
    names = [shown_name(result.path) for result in results]
    width = min(max([len(kind), *map(len, names)]), NAME_WIDTH)
    header = f"{kind:<{width}} {number_title:>4}  {where_title:<19} {'emotion':<9}" + "".join(
        f"{name[:8]:>9}" for name in EMOTIONS
    )
    lines = [header + (f"  ({values_title})" if values_title else "")]
    for result, name in zip(results, names, strict=True):
        name = name if len(name) <= width else "..." + name[-(width - 3) :]
        if result.skipped:
            lines.append(f"{name:<{width}} skipped: {result.skipped}")
        elif result.error:
            lines.append(f"{name:<{width}} error: {result.error}")
        else:
            lines += [f"{name:<{width}} {row}" for row in rows(result)]
    return "\n".join(lines)


def _face_rows(result):
    if not result.faces:
        return ["no face found (use --whole-image to classify the whole image as one face)"]
    rows = []
    for number, face in enumerate(result.faces, start=1):
        box = f"{face.box.x},{face.box.y},{face.box.width},{face.box.height}"
        probabilities = "".join(f"{p:>9.3f}" for p in face.probabilities)
        rows.append(f"{number:>4}  {box:<19} {face.emotion:<9}{probabilities}")
    return rows


def _track_rows(result):
    if not result.tracks:
        return [f"no face found in any of {result.frames} frames classified"]
    rows = []
    for track in result.tracks:
        seen = f"{track['first_seconds']:.1f}-{track['last_seconds']:.1f}"
        shares = "".join(f"{track['share_of_time'][name]:>9.3f}" for name in EMOTIONS)
        rows.append(f"{track['track']:>4}  {seen:<19} {track['top_emotion']:<9}{shares}")
    return rows


def shown_name(path):
    """A photo as the user gave it; a file inside the Python environment (the sample portrait
    that ships with scikit-image) by its file name."""
    inside_environment = Path(path).resolve().is_relative_to(Path(sys.prefix).resolve())
    return Path(path).name if inside_environment else str(path)


def format_json(results):
    return json.dumps([result.to_dict() for result in results], indent=2)
