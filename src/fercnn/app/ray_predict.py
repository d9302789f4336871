"""Photo archives on a Ray cluster (or a laptop's cores): the same per-face table as ``predict``.

``predict`` streams photos through the threads of one process. An archive of millions of photos
wants many machines: :func:`predict_with_ray` makes the photos' paths a Ray dataset, and
``map_batches`` hands batches of them to a fixed pool of actors (``ray.data.ActorPoolStrategy``),
each of which loads the classifier (the ``.tflite`` export where ``model`` names one, otherwise
the ``.keras`` model; by default the shipped photo model) and the face detector **once**, then reads,
detects and classifies every photo of its batches with :class:`fercnn.faces.pipeline.FacePipeline`,
the pipeline ``predict`` uses. The rows are ``predict``'s (:data:`fercnn.app.prediction_table.COLUMNS`,
one per face, one for a photo without a face or one that could not be read).

The output is one merged ``predictions.csv`` in the order the files were given (``partitioned``:
Ray's ``write_csv`` instead, one CSV per block under ``predictions/``, in no set order). Videos
and annotated copies are left to ``predict``: a video gets one row saying so.

Needs ``pip install 'fercnn[ray]'``. Without ``address`` a local Ray with ``num_cpus`` CPUs is
started (and stopped after); with one (``"auto"``, ``"ray://host:10001"``) the photos' paths
must be readable by every node, on a shared file system.
"""

import csv
import logging
from pathlib import Path

from ..media.inputs import collect_inputs
from ..media.video_frames import is_video
from ..models.files import first_line
from .prediction_table import COLUMNS, ENCODING, TABLE_FILE, result_rows

__all__ = ["PhotoClassifier", "predict_with_ray"]

LOGGER = logging.getLogger(__name__)

INDEX = "_index"  # each file's place in the input, so the merged table keeps the order given


class PhotoClassifier:
    """A Ray Data actor: the classifier and the detector loaded once, then batches of paths
    turned into table rows (every column a string, plus the file's input position)."""

    def __init__(self, model=None, detector="auto", min_face=32, whole_image=False):
        from ..faces.pipeline import FacePipeline
        from ..runtime.classifier import load_classifier

        self.pipeline = FacePipeline(load_classifier(model), detector, min_face)
        self.whole_image = whole_image

    def __call__(self, batch: dict) -> dict:
        rows = {column: [] for column in (INDEX, *COLUMNS)}
        for index, path in zip(batch[INDEX], batch["path"], strict=True):
            for row in result_rows(self.classify(str(path))):
                rows[INDEX].append(int(index))
                for column, value in zip(COLUMNS, row, strict=True):
                    rows[column].append(str(value))
        return rows

    def classify(self, path: str):
        from ..errors import PhotoReadError
        from ..faces.pipeline import FaceResult
        from .predict import PhotoResult, _read_regular_photo

        try:
            photo = _read_regular_photo(path)  # downscaled where large: boxes back in the file's pixels
            faces, whole_image = self.pipeline(photo.rgb, self.whole_image)
            faces = [FaceResult(face.box.scaled(photo.scale), face.probabilities) for face in faces]
            return PhotoResult(path, faces, whole_image=whole_image)
        except PhotoReadError as error:
            return PhotoResult(path, error=str(error))
        except Exception as error:  # noqa: BLE001 - any failure is this file's, not the archive's
            return PhotoResult(path, error=f"{path}: {first_line(error)}")


def predict_with_ray(
    paths,
    model=None,
    output_dir="runs/predict/ray",
    address: str | None = None,
    *,
    detector: str = "auto",
    min_face: int = 32,
    whole_image: bool = False,
    actors: int = 2,
    batch_size: int = 16,
    num_cpus: int = 2,
    partitioned: bool = False,
) -> Path:
    """Classify the faces of every photo in ``paths`` (files or folders, as ``predict`` takes)
    on Ray; returns the table written (``output_dir/predictions.csv``, or with ``partitioned``
    the folder ``output_dir/predictions/`` of one CSV per block)."""
    import ray

    output_dir = Path(output_dir)
    output_dir.mkdir(parents=True, exist_ok=True)
    inputs = collect_inputs(paths, output_dir).inputs
    items = [{INDEX: index, "path": str(item.path)} for index, item in enumerate(inputs)]
    readable = [item for item, given in zip(items, inputs, strict=True) if _readable_photo(given)]
    started = not ray.is_initialized()
    if started:
        ray.init(address=address, num_cpus=None if address else num_cpus, log_to_driver=False)
    try:
        dataset = ray.data.from_items(readable).map_batches(
            PhotoClassifier,
            fn_constructor_kwargs={
                "model": None if model is None else str(model),
                "detector": detector,
                "min_face": min_face,
                "whole_image": whole_image,
            },
            batch_size=batch_size,
            compute=ray.data.ActorPoolStrategy(size=actors),
            num_cpus=1,
        )
        if partitioned:
            target = output_dir / "predictions"
            dataset.drop_columns([INDEX]).write_csv(str(target.resolve()))
            return target
        rows = _other_rows(inputs, items) + list(dataset.iter_rows())
        target = output_dir / TABLE_FILE
        _write_table(target, rows)
        LOGGER.info(f"{len(readable)} photo(s) through {actors} Ray actor(s): {target}")
        return target
    finally:
        if started:
            ray.shutdown()


def _readable_photo(item) -> bool:
    return not item.skipped and not is_video(item.path)


def _other_rows(inputs, items):
    """The rows of what the actors do not read, as ``predict`` writes them: a file passed over
    (and why), and a video (whose frames ``predict`` reads)."""
    from .predict import PhotoResult

    rows = []
    for item, given in zip(items, inputs, strict=True):
        if _readable_photo(given):
            continue
        reason = given.skipped or "a video: run predict on it for its frames"
        for row in result_rows(PhotoResult(given.path, skipped=reason)):
            values = dict(zip(COLUMNS, map(str, row), strict=True))
            rows.append({INDEX: item[INDEX], **values, "kind": "photo" if given.skipped else "video"})
    return rows


def _write_table(path, rows):
    """One CSV in the input order, with ``predict``'s header (rows of one file stay together,
    in the order their actor wrote them)."""
    rows = sorted(rows, key=lambda row: row[INDEX])
    with open(path, "w", newline="", **ENCODING) as handle:
        writer = csv.writer(handle)
        writer.writerow(COLUMNS)
        writer.writerows([row[column] for column in COLUMNS] for row in rows)
