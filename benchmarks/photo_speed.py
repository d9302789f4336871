"""Folders of photos: photos a second of ``predict`` beside the ``fer`` package, start-up, memory.

Made-up folders of the portrait that ships with scikit-image, as JPEGs at 640x480 and
1600x1200, so the benchmark runs anywhere. In one run, start-up excluded for both (each is
warmed up on one photo first): ``predict``'s photo path (:func:`fercnn.app.predict.iter_predictions`,
the shipped model, BlazeFace where installed) with annotated copies written and without, and
the ``fer`` package's own pipeline (``FER(mtcnn=False).detect_emotions``: its Haar cascade and
quantized mini-Xception, in an environment of its own, see ``benchmarks/fer_package.py``).
Then the start-up of ``python -m fercnn --help`` and of ``predict`` on one photo, and the peak
memory (resident set) of ``predict`` on a small and a large folder, which must not grow with
the folder.

    python benchmarks/photo_speed.py [--photos 150] [--memory-photos 1000 10000] [--fer-venv runs/fer-venv]
"""

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

sys.path.insert(0, str(Path(__file__).resolve().parent))
from fer_package import FER_VENV_DEFAULT, fer_package_predictions  # noqa: E402
from PIL import Image  # noqa: E402

from fercnn.app.predict import iter_predictions, sample_photo  # noqa: E402
from fercnn.runtime.classifier import load_classifier  # noqa: E402

SIZES = ((640, 480), (1600, 1200))
GOAL = "goal: at least 2x the fer package's photos/s with annotated copies written, on 2 cores"


def main():
    args = parse_args()
    with tempfile.TemporaryDirectory(prefix="photo_speed_") as scratch:
        scratch = Path(scratch)
        print(f"{'photos':<11}{'pipeline':<34}{'photos/s':>9}{'ms/photo':>10}{'vs fer':>8}")
        classifier = load_classifier()
        for width, height in SIZES:
            folder = made_up_folder(scratch / f"{width}x{height}", (width, height), args.photos)
            timings = time_fernet(folder, classifier, scratch / "out")
            timings["fer package (Haar, mini-Xception)"] = time_fer_package(folder, args.fer_venv)
            fer_rate = 1 / timings["fer package (Haar, mini-Xception)"]
            for name, seconds in timings.items():
                rate = 1 / seconds
                size = f"{width}x{height}"
                print(f"{size:<11}{name:<34}{rate:>9.1f}{1000 * seconds:>10.1f}{rate / fer_rate:>7.2f}x")
        print(GOAL)
        print_startup(scratch)
        print_memory(scratch, args.memory_photos)


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--photos", type=int, default=150, help="photos per folder for the speed table")
    parser.add_argument(
        "--memory-photos", type=int, nargs="+", default=[1000, 10000], help="folder sizes for peak memory"
    )
    parser.add_argument(
        "--fer-venv", type=Path, default=FER_VENV_DEFAULT, help="the fer package's environment"
    )
    return parser.parse_args()


def made_up_folder(folder, size, count):
    """``count`` JPEG copies of the sample portrait at ``size`` (hard links to one file: the
    same bytes, read ``count`` times)."""
    folder.mkdir(parents=True, exist_ok=True)
    with Image.open(sample_photo()) as image:
        image.convert("RGB").resize(size, Image.Resampling.LANCZOS).save(
            folder / "photo_00000.jpg", quality=92
        )
    for number in range(1, count):
        target = folder / f"photo_{number:05d}.jpg"
        if not target.exists():
            os.link(folder / "photo_00000.jpg", target)
    return folder


def time_fernet(folder, classifier, output):
    """Seconds a photo of ``predict``'s photo path, warmed up on one photo first."""
    timings = {}
    photos = sorted(folder.iterdir())
    for name, annotate in (
        ("fercnn predict, annotated copies", True),
        ("fercnn predict --no-annotate", False),
    ):
        list(iter_predictions(photos[:1], classifier, output / "warm-up", annotate=annotate))
        start = time.perf_counter()
        results = list(
            iter_predictions([folder], classifier, output / name.replace(" ", "_"), annotate=annotate)
        )
        timings[name] = (time.perf_counter() - start) / len(results)
        assert all(result.faces for result in results), "the portrait's face was not found in every photo"
    return timings


def time_fer_package(folder, fer_venv):
    return fer_package_predictions(sorted(folder.iterdir()), fer_venv).seconds_per_photo


def print_startup(scratch):
    photo = made_up_folder(scratch / "one", SIZES[0], 1) / "photo_00000.jpg"
    print("\nstart-up (wall time of the whole command, one run each):")
    for label, argv in (
        ("python -m fercnn --help", ["--help"]),
        ("python -m fercnn predict --help", ["predict", "--help"]),
        (
            "python -m fercnn predict ONE_PHOTO",
            ["predict", str(photo), "--output-dir", str(scratch / "one_out")],
        ),
    ):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-m", "fercnn", *argv], capture_output=True, check=True)
        print(f"  {label:<38}{time.perf_counter() - start:6.2f} s")


def print_memory(scratch, sizes):
    print("\npeak memory of predict on a folder (320x240 photos, annotated copies written):")
    for count in sizes:
        folder = made_up_folder(scratch / f"memory_{count}", (320, 240), count)
        command = [
            sys.executable,
            "-m",
            "fercnn",
            "predict",
            str(folder),
            "--output-dir",
            str(scratch / f"m{count}"),
        ]
        start = time.perf_counter()
        peak = peak_memory_mib(command)
        print(f"  {count:>6} photos: peak resident {peak:7.0f} MiB, {time.perf_counter() - start:6.1f} s")


def peak_memory_mib(command):
    """The peak resident memory of ``command``, run from a parent of its own so that no other
    child's peak is counted."""
    probe = (
        "import resource, subprocess, sys\n"
        "subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)\n"
        "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)"
    )
    measured = subprocess.run(
        [sys.executable, "-c", probe, *command], capture_output=True, text=True, check=True
    )
    return int(measured.stdout.split()[-1]) / 1024


if __name__ == "__main__":
    main()
