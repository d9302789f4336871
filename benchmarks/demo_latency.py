"""The browser demo's time per webcam frame on the server, split by stage.

Frames of the made-up portrait clip (:mod:`fercnn.media.sample_video`), 640x480, are JPEG-encoded as a
browser sends them and fed to :meth:`fercnn.app.demo.DemoApp.webcam_frame`, the webcam tab's handler,
with the pipeline's detector and classifier wrapped in timers. Stages: decode (the JPEG into
pixels, as Gradio does before the handler), detect, crop (framing and tracking), classify, draw.
Goal: under 40 ms a frame on 2 CPU cores.

    python benchmarks/demo_latency.py [--model M] [--frames 150]
"""

import argparse
import io
import os
import sys
import time
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import numpy as np  # noqa: E402
from PIL import Image  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))
from timing import Timed, time_pipeline  # noqa: E402

import fercnn.app.demo as demo_module  # noqa: E402
from fercnn.app.demo import DemoApp  # noqa: E402
from fercnn.media.sample_video import sample_frames  # noqa: E402

STAGES = ("decode", "detect", "crop", "classify", "draw")


def jpeg(rgb):
    buffer = io.BytesIO()
    Image.fromarray(rgb).save(buffer, format="JPEG", quality=90)
    return buffer.getvalue()


def decode(data):
    with Image.open(io.BytesIO(data)) as image:
        return np.asarray(image.convert("RGB"))


def measure(app, frames):
    """Milliseconds per frame by stage, median total and 95th percentile."""
    totals = dict.fromkeys(STAGES, 0.0)
    time_pipeline(app.pipeline, totals)
    demo_module.annotate_frame = Timed(demo_module.annotate_frame, totals, "draw")
    stream, per_frame = None, []
    for data in frames:
        start = time.perf_counter()
        rgb = Timed(decode, totals, "decode")(data)
        _, _, _, stream = app.webcam_frame(rgb, stream)
        per_frame.append(time.perf_counter() - start)
    totals["crop"] = sum(per_frame) - sum(totals.values())  # the rest: framing, tracking, resizing
    count = len(frames)
    return {stage: 1000 * seconds / count for stage, seconds in totals.items()}, per_frame


def main():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--model", help="a .keras model or .tflite export (default: the shipped model)")
    parser.add_argument("--frames", type=int, default=150)
    args = parser.parse_args()
    frames = [jpeg(frame) for frame in sample_frames(faces=1, seconds=args.frames / 15, fps=15.0)]
    app = DemoApp(args.model)
    app.webcam_frame(decode(frames[0]), None)  # builds the model's graph
    stages, per_frame = measure(app, frames)
    name = Path(args.model).name if args.model else "shipped .keras"
    print(f"webcam frames, 640x480, one face: {len(frames)} frames, {os.cpu_count()} CPU cores; ms per frame")
    print(
        f"{'model':<28}" + "".join(f"{stage:>10}" for stage in STAGES) + f"{'mean':>8}{'median':>8}{'p95':>8}"
    )
    milliseconds = 1000 * np.array(per_frame)
    summary = (
        f"{milliseconds.mean():>8.1f}{np.median(milliseconds):>8.1f}{np.percentile(milliseconds, 95):>8.1f}"
    )
    print(f"{name[:27]:<28}" + "".join(f"{stages[stage]:>10.2f}" for stage in STAGES) + summary)


if __name__ == "__main__":
    main()
