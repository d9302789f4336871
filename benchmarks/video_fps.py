"""Frames per second through ``predict`` on a 640x480 video, split by stage.

Made-up videos of the sample portrait (:mod:`fercnn.media.sample_video`) with one and with three faces
run through :func:`fercnn.app.video.predict_video`'s own loop, every frame classified, with the
pipeline's detector and classifier wrapped in timers. Stages: decode (reading and converting a
frame), detect, crop (framing the faces), classify (all faces of a frame in one batch), annotate
(drawing onto the frame) and encode (writing the annotated video). Goal: 25 frames a second with
one face on 2 CPU cores.

    python benchmarks/video_fps.py [--models SHIPPED_OR_PATH ...] [--seconds 6]
"""

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import cv2  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))
from timing import Timed, time_pipeline  # noqa: E402

from fercnn.app.video import annotate_frame  # noqa: E402
from fercnn.faces.pipeline import FacePipeline  # noqa: E402
from fercnn.faces.tracking import FaceTracker  # noqa: E402
from fercnn.media.sample_video import write_sample_video  # noqa: E402
from fercnn.media.video_frames import (
    VideoFile,  # noqa: E402
    video_writer,  # noqa: E402
)
from fercnn.runtime.classifier import load_classifier  # noqa: E402

STAGES = ("decode", "detect", "crop", "classify", "annotate", "encode")


def measure(video_path, classifier, detector, output):
    """Seconds per frame by stage, and frames, for every frame of the video."""
    totals = dict.fromkeys(STAGES, 0.0)
    pipeline = time_pipeline(FacePipeline(classifier, detector), totals)
    tracker = FaceTracker()
    writer = None
    frames = iter(VideoFile(video_path))
    count = 0
    while True:
        start = time.perf_counter()
        frame = next(frames, None)
        totals["decode"] += time.perf_counter() - start
        if frame is None:
            break
        start = time.perf_counter()
        faces, _ = pipeline(frame.rgb)
        totals["crop"] += time.perf_counter() - start  # detect and classify are taken out below
        tracked = tracker.update(frame.time, faces)
        annotated = Timed(annotate_frame, totals, "annotate")(frame, tracked)
        start = time.perf_counter()
        bgr = cv2.cvtColor(annotated, cv2.COLOR_RGB2BGR)
        writer = writer or video_writer(output, 30, bgr.shape)
        writer.write(bgr)
        totals["encode"] += time.perf_counter() - start
        count += 1
    writer.release()
    totals["crop"] -= totals["detect"] + totals["classify"]
    return {stage: seconds / count for stage, seconds in totals.items()}, count


def main():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--models", nargs="+", default=["shipped"], help="'shipped', .keras or .tflite paths")
    parser.add_argument("--detector", default="auto")
    parser.add_argument("--seconds", type=float, default=6.0)
    args = parser.parse_args()
    print(
        f"640x480 video at 30 fps, every frame classified, {os.cpu_count()} CPU cores; ms per frame by stage"
    )
    print(
        f"{'model':<28}{'faces':>6}" + "".join(f"{stage:>10}" for stage in STAGES) + f"{'total':>9}{'fps':>7}"
    )
    with tempfile.TemporaryDirectory() as folder:
        for model in args.models:
            classifier = load_classifier(None if model == "shipped" else model)
            name = "shipped .keras" if model == "shipped" else Path(model).name
            for faces in (1, 3):
                clip = write_sample_video(Path(folder) / f"faces{faces}.mp4", faces, args.seconds, 30.0)
                measure(
                    clip, classifier, args.detector, Path(folder) / "warm.mp4"
                )  # builds graphs, warms caches
                per_frame, _ = measure(clip, classifier, args.detector, Path(folder) / "out.mp4")
                total = sum(per_frame.values())
                stages = "".join(f"{1000 * per_frame[stage]:>10.2f}" for stage in STAGES)
                print(f"{name[:27]:<28}{faces:>6}{stages}{1000 * total:>9.1f}{1 / total:>7.1f}")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
