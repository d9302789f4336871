"""Faces in scenes: what detection and framing cost against the classifier on FER2013's crops.

PublicTest faces are pasted into 640x480 scenes (:mod:`scenes`: sizes 96-200 px, turns up to 10
degrees, brightness, one to three faces, backgrounds that ship with scikit-image) and run through
:class:`fercnn.faces.pipeline.FacePipeline`, the code path of ``python -m fercnn predict``. For each
detector it prints detection recall, false faces per 100 scenes, accuracy over all faces (a missed
face counts as wrong) and over the faces found, and the time per scene. Two references on the same
faces: the classifier given the FER2013 crops directly ("direct"), and given each face cut back out
of its scene exactly where it was pasted ("exact"), which is what a perfect detector and framing
would give: direct minus exact is what the rendering costs (resampling, relighting, soft edges),
exact minus "acc all" is what detection and framing cost.

    python benchmarks/in_scene.py [--data CSV] [--scenes 1000] [--detectors blazeface haar]
        [--min-score 0.65] [--input-side 384] [--no-level] [--figure docs/figures/in_scene.png]
"""

import argparse
import os
import sys
import time
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import numpy as np  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))
from data_argument import add_data_argument  # noqa: E402
from scenes import background_photos, exact_crop, make_scene, match_faces  # noqa: E402

from fercnn.data.loading import load_fer2013  # noqa: E402
from fercnn.faces import blazeface  # noqa: E402
from fercnn.faces.blazeface import BlazeFaceDetector  # noqa: E402
from fercnn.faces.detection import face_detector  # noqa: E402
from fercnn.faces.pipeline import FacePipeline  # noqa: E402
from fercnn.runtime.classifier import load_classifier  # noqa: E402

GOALS = (
    "goals: recall >= 97%, false faces < 1 per 100 scenes, loss against direct <= 3 points, < 30 ms a scene"
)


def make_detector(name, min_score=None, input_side=None):
    """A detector by name; BlazeFace with its threshold or input size changed where given."""
    if name == "blazeface" and (min_score is not None or input_side is not None):
        return BlazeFaceDetector(
            min_score=blazeface.MIN_SCORE if min_score is None else min_score,
            input_side=blazeface.INPUT_LONG_SIDE if input_side is None else input_side,
        )
    return face_detector(name)


def exact_accuracy(classifier, scenes, labels):
    """Accuracy on the faces cut back out of the scenes where they were pasted."""
    crops = [exact_crop(scene, face) for scene, placed in scenes for face in placed]
    truth = [labels[face.index] for _, placed in scenes for face in placed]
    return float(np.mean(classifier(np.stack(crops)[..., None]).argmax(axis=1) == np.array(truth)))


def run_detector(pipeline, scenes, labels, direct_correct):
    """One table row's numbers for a pipeline over the scenes."""
    found = total = false = correct = correct_found = direct = 0
    seconds = []
    for scene, placed in scenes:
        start = time.perf_counter()
        faces, _ = pipeline(scene)
        seconds.append(time.perf_counter() - start)
        matches = match_faces(placed, [face.box for face in faces])
        total += len(placed)
        found += len(matches)
        false += len(faces) - len(matches)
        direct += sum(direct_correct[face.index] for face in placed)
        for face, box_number in matches:
            hit = int(faces[box_number].probabilities.argmax() == labels[face.index])
            correct += hit
            correct_found += hit
    return {
        "recall": found / total,
        "false_per_100": 100 * false / len(scenes),
        "accuracy_all": correct / total,
        "accuracy_found": correct_found / max(found, 1),
        "direct": direct / total,
        "ms": 1000 * float(np.median(seconds)),
        "faces": total,
    }


COLUMNS = (("detector", 12), ("recall", 8), ("false/100", 10), ("acc all", 9), ("acc found", 10))
COLUMNS += (("exact", 8), ("direct", 8), ("loss", 6), ("ms", 7))
HEADER = COLUMNS[0][0].ljust(COLUMNS[0][1]) + "".join(name.rjust(width) for name, width in COLUMNS[1:])


def format_row(name, row, exact):
    loss = 100 * (row["direct"] - row["accuracy_all"])
    return (
        f"{name:<12}{row['recall']:>8.1%}{row['false_per_100']:>10.2f}{row['accuracy_all']:>9.1%}"
        f"{row['accuracy_found']:>10.1%}{exact:>8.1%}{row['direct']:>8.1%}{loss:>6.1f}{row['ms']:>7.1f}"
    )


def save_examples(path, pipeline, scenes, labels, count=4):
    """A figure of the first scenes as ``predict`` annotates them, titled with the true labels."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from fercnn.faces.annotate import annotate
    from fercnn.labels import EMOTIONS

    figure, axes = plt.subplots(2, count // 2, figsize=(6.4 * count // 2, 9.6))
    for axis, (scene, placed) in zip(axes.ravel(), scenes[:count], strict=True):
        axis.imshow(annotate(scene, pipeline(scene)[0]))
        by_position = sorted(placed, key=lambda face: face.centre[0])
        axis.set_title(
            "labels, left to right: " + ", ".join(EMOTIONS[labels[face.index]] for face in by_position)
        )
        axis.set_axis_off()
    figure.suptitle("PublicTest faces pasted into scenes, as fercnn predict annotates them")
    figure.tight_layout()
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(path, dpi=80)


def main():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    add_data_argument(parser)
    parser.add_argument("--model", help="a .keras model or .tflite export (default: the shipped model)")
    parser.add_argument("--scenes", type=int, default=1000)
    parser.add_argument("--detectors", nargs="+", default=["blazeface", "haar"])
    parser.add_argument("--no-level", action="store_true", help="frame faces from the eyes without levelling")
    parser.add_argument("--min-score", type=float, help="BlazeFace's score threshold")
    parser.add_argument("--input-side", type=int, help="BlazeFace's input on the long side (pixels)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--figure", help="save a figure of annotated example scenes here")
    args = parser.parse_args()

    split = load_fer2013(args.data)["validation"]
    classifier = load_classifier(args.model)
    direct_correct = classifier(split.images).argmax(axis=1) == split.labels
    rng = np.random.default_rng(args.seed)
    backgrounds = background_photos()
    faces = split.images[..., 0]
    scenes = [make_scene(rng, backgrounds, faces) for _ in range(args.scenes)]
    pipelines = {
        name: FacePipeline(
            classifier, make_detector(name, args.min_score, args.input_side), level=not args.no_level
        )
        for name in args.detectors
    }
    for pipeline in pipelines.values():  # the first call builds the model's graph
        pipeline(scenes[0][0])
    rows = {
        name: run_detector(pipeline, scenes, split.labels, direct_correct)
        for name, pipeline in pipelines.items()
    }

    exact = exact_accuracy(classifier, scenes, split.labels)

    total = next(iter(rows.values()))["faces"]
    print(f"{len(scenes)} scenes of 640x480 with {total} PublicTest faces; {GOALS}")
    print(HEADER)
    for name, row in rows.items():
        print(format_row(name, row, exact))
    if args.figure:
        save_examples(args.figure, next(iter(pipelines.values())), scenes, split.labels)
        print(f"wrote {args.figure}")


if __name__ == "__main__":
    main()
