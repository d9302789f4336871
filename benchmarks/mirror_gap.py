"""How much does picking checkpoints on PublicTest flatter a model? Its accuracy on PublicTest's
mirror images.

Every model trained here is its run's best epoch on PublicTest, and some are the best of several
runs, so PublicTest rewards the luck of the pick as well as the model. A model trained with
random flips finds mirrored faces exactly as hard as real ones (on Training faces it scores the
same on both), yet no pick ever looked at PublicTest's mirror images. A plain accuracy above the
mirrored one therefore estimates how much the pick flatters; McNemar's test on the faces that
only one orientation gets right says whether the gap is more than chance.

    python benchmarks/mirror_gap.py MODEL.keras [MODEL.keras ...] [--data PATH] [--split train]
"""

import argparse
import os
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import keras  # noqa: E402
from data_argument import add_data_argument  # noqa: E402

from fercnn.data.loading import load_fer2013  # noqa: E402
from fercnn.evaluation.intervals import compare_predictions  # noqa: E402
from fercnn.evaluation.metrics import evaluate_split  # noqa: E402
from fercnn.labels import SPLIT_TO_USAGE, SPLITS  # noqa: E402

HEADER = "| model | plain | mirrored | gap (points) | only plain right | only mirrored right | McNemar p |"


def mirror_gap(evaluation):
    """The split's faces against their mirror images, paired face by face."""
    mirrored = evaluation.mirrored_probabilities.argmax(axis=1)
    return compare_predictions(evaluation.labels, evaluation.predictions, mirrored)


def table_row(name, gap):
    plain, mirrored = gap.correct_a / gap.faces, gap.correct_b / gap.faces
    return (
        f"| {name} | {plain:.2%} | {mirrored:.2%} | {100 * (plain - mirrored):+.2f} "
        f"| {gap.only_a_right} | {gap.only_b_right} | {gap.p_value:.2g} |"
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("models", nargs="+", type=Path, help=".keras models")
    add_data_argument(parser, rows="the split's rows")
    parser.add_argument("--split", default="validation", choices=SPLITS, help="default: validation")
    args = parser.parse_args()
    split = load_fer2013(args.data)[args.split]
    print(f"{SPLIT_TO_USAGE[args.split]} ({args.split} split), {len(split)} faces\n")
    print(HEADER)
    print("|---|" + "---:|" * (HEADER.count("|") - 2))
    for path in args.models:
        evaluation = evaluate_split(keras.models.load_model(path, compile=False), args.split, split)
        print(table_row(path, mirror_gap(evaluation)), flush=True)


if __name__ == "__main__":
    main()
