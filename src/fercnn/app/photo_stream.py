"""Many photos through the face pipeline on every core, in order, with flat memory.

A photo costs four steps: decode, detect and frame, classify, and draw and encode the annotated
copy. Decoding, detection (LiteRT or OpenCV) and encoding run in native code that releases
Python's global lock, so a pool of worker threads does them for several photos at once, each
worker with a face detector of its own (a LiteRT interpreter must not be shared between
threads). Classification stays on the calling thread and takes the faces of every photo ready
at that moment in one call, which costs far less per face than one call per photo.

At most ``window`` photos are in flight at a time (decoded, waiting for classification or being
encoded), so memory stays flat however many photos a folder holds; results come out in the
order the photos went in, each as soon as its annotated copy is written.
"""

import os
import threading
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..faces.annotate import annotate
from ..faces.pipeline import FacePipeline, FaceResult, FoundFaces
from ..media.photos import Photo

__all__ = ["PhotoJob", "PhotoOutcome", "stream_photos"]

FACES_PER_CALL = 64  # faces of several photos classified together, up to this many
JPEG_QUALITY = 90
PNG_COMPRESSION = 1  # zlib level: a fraction of the default's time for a slightly larger file


@dataclass(frozen=True)
class PhotoJob:
    """One photo to read (``read`` returns a :class:`fercnn.media.photos.Photo` or raises) and where
    its annotated copy goes (None: no copy)."""

    path: Path
    read: Callable[[], Photo]
    annotated_path: Path | None = None


@dataclass
class PhotoOutcome:
    """What became of a job: its faces in the photo's own pixels, whether the whole image stood
    in for a face, the annotated copy written, or the error that stopped it."""

    job: PhotoJob
    faces: list[FaceResult]
    whole_image: bool = False
    annotated: Path | None = None
    error: Exception | None = None


@dataclass
class _InFlight:
    job: PhotoJob
    found: Future  # of (Photo, FoundFaces)
    written: Future | None = None  # of PhotoOutcome


def stream_photos(
    jobs: Iterable[PhotoJob],
    pipeline: FacePipeline,
    *,
    whole_image: bool = False,
    workers: int | None = None,
    window: int | None = None,
) -> Iterator[PhotoOutcome]:
    """Yield one :class:`PhotoOutcome` per job, in order. ``pipeline`` gives the classifier
    and the detector settings; each worker builds a detector of its own by the same name."""
    workers = workers or min(4, os.cpu_count() or 1)
    window = window or 4 * workers
    local = threading.local()

    def find(job):
        if not hasattr(local, "pipeline"):
            local.pipeline = _worker_pipeline(pipeline)
        photo = job.read()
        return photo, local.pipeline.find(photo.rgb, whole_image)

    jobs = iter(jobs)
    queue: deque[_InFlight] = deque()
    exhausted = False
    pool = ThreadPoolExecutor(workers, thread_name_prefix="fercnn-photo")
    try:
        while True:
            while not exhausted and len(queue) < window:
                job = next(jobs, None)
                exhausted = job is None
                if job is not None:
                    queue.append(_InFlight(job, pool.submit(find, job)))
            if not queue:
                return
            _classify_ready(queue, pipeline, pool)
            # the oldest result as soon as it is written; waiting for it only when nothing else can go on
            while queue and queue[0].written is not None:
                if not (queue[0].written.done() or exhausted or len(queue) >= window):
                    break
                yield queue.popleft().written.result()
    finally:  # also when the caller stops early (Ctrl-C): photos not started are dropped
        pool.shutdown(wait=True, cancel_futures=True)


def _worker_pipeline(pipeline):
    """A pipeline like ``pipeline`` with a detector of this thread's own."""
    detector = getattr(pipeline.detector, "name", None)
    fresh = FacePipeline(pipeline.classifier, detector or pipeline.detector, pipeline.min_face)
    fresh.margin, fresh.level = pipeline.margin, pipeline.level
    return fresh


def _classify_ready(queue, pipeline, pool):
    """Classify, in one call, the faces of the oldest unclassified photo (waiting for it) and of
    every later photo already framed, up to :data:`FACES_PER_CALL`; start their encoding."""
    waiting = [item for item in queue if item.written is None]
    if not waiting:
        return
    batch, faces = [], 0
    for item in waiting:
        if batch and (not item.found.done() or faces >= FACES_PER_CALL):
            break
        try:
            _, found = item.found.result()
        except Exception as error:  # noqa: BLE001 - the photo's own failure, kept with it
            item.written = _done(PhotoOutcome(item.job, [], error=error))
            continue
        batch.append(item)
        faces += len(found.faces)
    crops = [item.found.result()[1].crops for item in batch]
    probabilities = pipeline.classifier(np.concatenate(crops)) if faces else np.zeros((0, 7))
    start = 0
    for item, crop in zip(batch, crops, strict=True):
        photo, found = item.found.result()
        named = found.named(probabilities[start : start + len(crop)])
        start += len(crop)
        item.written = pool.submit(_finish, item.job, photo, found, named)


def _finish(job, photo: Photo, found: FoundFaces, named: list):
    """Write the annotated copy (where asked and a face was found) and describe the outcome."""
    outcome = PhotoOutcome(
        job, [FaceResult(face.box.scaled(photo.scale), face.probabilities) for face in named]
    )
    outcome.whole_image = found.whole_image
    if named and job.annotated_path is not None:
        try:
            save_annotated(annotate(photo.rgb, named), job.annotated_path)
            outcome.annotated = job.annotated_path
        except OSError as error:
            outcome.error = error
    return outcome


def save_annotated(image, path):
    """JPEG at quality 90 for a ``.jpg`` path, fast-compressed PNG otherwise; written to a
    temporary name and renamed, so a killed run never leaves a truncated copy."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".partial-{path.name}")
    if path.suffix.lower() == ".jpg":
        image.save(partial, format="JPEG", quality=JPEG_QUALITY)
    else:
        image.save(partial, format="PNG", compress_level=PNG_COMPRESSION)
    os.replace(partial, path)


def _done(value):
    future = Future()
    future.set_result(value)
    return future
