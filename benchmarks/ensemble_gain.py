"""What would averaging several models give? PublicTest figures of each model and of their mean.

The mean of the models' probabilities is the teacher that ``train --teacher`` distils into one
model (see ``fercnn.training.distill``), so its row is roughly the ceiling a distilled student aims at,
and the gap to the best single model is what distillation can hope to win back.

    python benchmarks/ensemble_gain.py MODEL.keras MODEL.keras ... [--data PATH]
"""

import argparse
import os
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import keras  # noqa: E402
from data_argument import add_data_argument  # noqa: E402

from fercnn.data.loading import load_fer2013  # noqa: E402
from fercnn.evaluation.metrics import SplitEvaluation, evaluate_split  # noqa: E402


def mean_evaluation(evaluations):
    """One evaluation whose probabilities (plain and mirrored, so flip-averaged too) are the
    models' means."""
    first = evaluations[0]
    return SplitEvaluation(
        first.split,
        first.labels,
        sum(e.probabilities for e in evaluations) / len(evaluations),
        sum(e.mirrored_probabilities for e in evaluations) / len(evaluations),
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("models", nargs="+", type=Path, help=".keras models to average")
    add_data_argument(parser)
    args = parser.parse_args()
    validation = load_fer2013(args.data)["validation"]
    evaluations = {
        str(path): evaluate_split(keras.models.load_model(path, compile=False), "validation", validation)
        for path in args.models
    }
    evaluations[f"mean of the {len(args.models)} models"] = mean_evaluation(list(evaluations.values()))
    print(f"PublicTest ({len(validation)} faces)\n")
    print("| model | accuracy | macro-F1 | accuracy, flip TTA | macro-F1, flip TTA |")
    print("|---|---:|---:|---:|---:|")
    for name, evaluation in evaluations.items():
        s = evaluation.summary()
        print(
            f"| {name} | {100 * s['accuracy']:.2f}% | {s['macro_f1']:.4f} "
            f"| {100 * s['accuracy_flip_tta']:.2f}% | {s['macro_f1_flip_tta']:.4f} |"
        )


if __name__ == "__main__":
    main()
