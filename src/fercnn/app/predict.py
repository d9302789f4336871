"""Emotions of the faces in users' photos and videos: detect, crop, classify, report, annotate.

A bad file never stops a batch: its result carries the error and the next file is read.
Photos stream through :mod:`fercnn.app.photo_stream` (both cores, faces of several photos
classified together); videos go one at a time through :mod:`fercnn.app.video`, in the order given.
"""

import json
import os
import stat
import sys
from collections.abc import Callable, Collection, Iterable, Iterator
from dataclasses import dataclass, field
from itertools import groupby
from pathlib import Path

from ..errors import PhotoReadError
from ..faces.pipeline import FacePipeline, FaceResult
from ..faces.tracking import check_time_constant
from ..labels import EMOTIONS
from ..media.inputs import collect_inputs
from ..media.photos import read_photo
from ..media.video_frames import VideoReadError, check_sampling_rate, is_video
from ..models.files import first_line
from ..runtime.classifier import Classifier
from .photo_stream import PhotoJob, stream_photos
from .video import DEFAULT_FPS, DEFAULT_TIME_CONSTANT, VideoResult, predict_video

NAME_WIDTH = 48  # longer photo paths are shown by their end


def sample_photo():
    """A public-domain portrait (NASA astronaut Eileen Collins) shipped inside scikit-image."""
    from skimage import data

    return Path(data.data_dir) / "astronaut.png"


@dataclass
class PhotoResult:
    path: Path
    faces: list[FaceResult] = field(default_factory=list)
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


def predict_files(paths, classifier, *args, **options) -> list[PhotoResult | VideoResult]:
    """One result per file given or found in the folders given (see :mod:`fercnn.media.inputs`):
    a :class:`PhotoResult` per photo, a :class:`fercnn.app.video.VideoResult` per video; the list
    of :func:`iter_predictions`, whose arguments these are."""
    return list(iter_predictions(paths, classifier, *args, **options))


predict_photos = predict_files  # the name scripts written for photos alone call it by


def iter_predictions(
    paths: Iterable[str | Path],
    classifier: Classifier,
    output_dir: str | Path | None = None,
    *,
    whole_image: bool = False,
    min_face: int = 32,
    detector: str | Callable = "auto",
    fps: float | None = DEFAULT_FPS,
    time_constant: float = DEFAULT_TIME_CONSTANT,
    annotate: bool = True,
    done: Collection[str] = frozenset(),
    workers: int | None = None,
) -> Iterator[PhotoResult | VideoResult]:
    """Yield each file's result as soon as it is finished, in the order given.

    Annotated copies (and a video's frame table, timelines and summary) go to ``output_dir``
    when given, unless ``annotate`` is false for photos. ``detector`` is a name from
    :data:`fercnn.faces.detection.DETECTORS` or a detector; ``fps`` is how many frames a second of video
    are classified (None: every frame), ``time_constant`` how many seconds a video's emotions are
    smoothed over (:mod:`fercnn.faces.tracking`). Files whose path (as given) is in ``done`` are left
    out: a resumed batch. ``workers`` threads decode, detect and encode photos (default: one
    per core, at most four).

    A file that cannot be read or processed, for whatever reason, gets its error in its result
    and the next one is read: one bad file never costs the others their results.
    """
    check_sampling_rate(fps)  # before any file: a rate no video can be written at is the command's mistake
    check_time_constant(time_constant)
    pipeline = FacePipeline(classifier, detector, min_face)
    inputs = [item for item in collect_inputs(paths, output_dir).inputs if str(item.path) not in done]
    for video, group in groupby(inputs, key=lambda item: is_video(item.path) and not item.skipped):
        if video:
            for item in group:
                stem = Path(output_dir) / item.output_stem if output_dir is not None else None
                yield _predict_video(item.path, pipeline, stem, fps, time_constant)
        else:
            yield from _predict_photo_group(list(group), pipeline, output_dir, whole_image, annotate, workers)


def _predict_photo_group(items, pipeline, output_dir, whole_image, annotate, workers):
    """Photos (and files skipped) in order; the photos stream through the worker pool."""
    readable = [item for item in items if not item.skipped]
    jobs = (
        PhotoJob(
            item.path,
            lambda path=item.path: _read_regular_photo(path),
            Path(output_dir) / item.annotated_name if annotate and output_dir is not None else None,
        )
        for item in readable
    )
    outcomes = stream_photos(jobs, pipeline, whole_image=whole_image, workers=workers)
    for item in items:
        yield PhotoResult(item.path, skipped=item.skipped) if item.skipped else _photo_result(next(outcomes))


def _read_regular_photo(path):
    """Only regular files are read: a pipe or a device named ``.jpg`` would block for ever."""
    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        raise PhotoReadError(f"{path}: no such file") from None
    except OSError as error:
        raise PhotoReadError(f"{path}: cannot read it ({error.strerror or error})") from None
    if stat.S_ISDIR(mode):
        raise PhotoReadError(f"{path}: a folder, not a photo")
    if not stat.S_ISREG(mode):
        raise PhotoReadError(
            f"{path}: not a regular file (a pipe, socket or device?); copy the photo to a file"
        )
    return read_photo(path)


def _photo_result(outcome):
    result = PhotoResult(outcome.job.path, outcome.faces, whole_image=outcome.whole_image)
    result.annotated = outcome.annotated
    if outcome.error is not None:
        error = outcome.error
        result.error = (
            str(error) if isinstance(error, PhotoReadError) else f"{outcome.job.path}: {first_line(error)}"
        )
    return result


def _predict_video(path, pipeline, output_stem, fps, time_constant):
    try:
        return predict_video(path, pipeline, output_stem, fps, time_constant)
    except VideoReadError as error:
        return VideoResult(path, error=str(error))
    except Exception as error:  # noqa: BLE001 - any failure is this file's, not the batch's
        return VideoResult(path, error=f"{path}: {first_line(error)}")


def format_table(results):
    """Plain-text tables: photos (one row per face; one line per photo without faces, with an
    error or skipped), then videos (one row per followed face: when it was seen and its share of
    time in each emotion). Files are named by their path as given, so two of one name stay apart."""
    photos = [result for result in results if not isinstance(result, VideoResult)]
    videos = [result for result in results if isinstance(result, VideoResult)]
    tables = [_table(photos, "photo")] if photos else []
    if videos:
        tables.append(_table(videos, "video"))
    return "\n\n".join(tables)


TABLE_KINDS = {
    "photo": ("face", "box x,y,w,h", None),
    "video": ("face", "seen (seconds)", "share of time"),
}


def _table(results, kind):
    width = name_width(result.path for result in results)
    return "\n".join(
        [table_header(kind, width), *(line for result in results for line in result_lines(result, width))]
    )


def name_width(paths):
    """The width of the file column: the longest name shown, at most :data:`NAME_WIDTH`."""
    return min(max([len("photo"), *(len(shown_name(path)) for path in paths)]), NAME_WIDTH)


def table_header(kind, width):
    number_title, where_title, values_title = TABLE_KINDS[kind]
    header = f"{kind:<{width}} {number_title:>4}  {where_title:<19} {'emotion':<9}" + "".join(
        f"{name[:8]:>9}" for name in EMOTIONS
    )
    return header + (f"  ({values_title})" if values_title else "")


def result_lines(result, width):
    """A file's lines in the table: one per face (photo) or track (video), or one saying why none;
    printable whatever bytes the file's name holds (see :func:`printable`)."""
    return [printable(line) for line in _result_lines(result, width)]


def _result_lines(result, width):
    name = shown_name(result.path)
    name = name if len(name) <= width else "..." + name[-(width - 3) :]
    if result.skipped:
        return [f"{name:<{width}} skipped: {result.skipped}"]
    if result.error:
        return [f"{name:<{width}} error: {result.error}"]
    rows = _track_rows(result) if isinstance(result, VideoResult) else _face_rows(result)
    return [f"{name:<{width}} {row}" for row in rows]


def table_kind(result):
    return "video" if isinstance(result, VideoResult) else "photo"


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
    """The results as JSON, valid whatever bytes their file names hold (see :func:`printable`)."""
    return json.dumps([_printable_values(result.to_dict()) for result in results], indent=2)


def printable(text: str) -> str:
    """``text`` with each byte of a file name that is not UTF-8 (which Python keeps as a lone
    surrogate, ``\\udce9``, that no UTF-8 output and no strict JSON reader accepts) written as
    ``\\xe9``: ``caf\\xe9.jpg`` for a Latin-1 ``café.jpg``."""
    return text.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


def _printable_values(value):
    if isinstance(value, str):
        return printable(value)
    if isinstance(value, dict):
        return {key: _printable_values(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_printable_values(item) for item in value]
    return value
